#!/usr/bin/env bash
# Prints one line "N passed, N failed[, N skipped]" for a `dotnet test` run and exits non-zero unless it passed.
# $1: the run's output; $2: its exit status. Counts the per-assembly summary lines, or the TRX files when there are none.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$1; status=$2

passed=0; failed=0; skipped=0; assemblies=0
# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
while IFS= read -r line; do
  assemblies=$((assemblies + 1))
  f=$(echo "$line" | sed -n 's/.*Failed: *\([0-9]*\),.*/\1/p')
  p=$(echo "$line" | sed -n 's/.*Passed: *\([0-9]*\),.*/\1/p')
  s=$(echo "$line" | sed -n 's/.*Skipped: *\([0-9]*\),.*/\1/p')
  failed=$((failed + ${f:-0})); passed=$((passed + ${p:-0})); skipped=$((skipped + ${s:-0}))
done < <(grep -E '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log")

if [ "$assemblies" -eq 0 ]; then
  shopt -s nullglob
  for trx in TestResults/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
    skipped=$((skipped + $(get total) - $(get executed)))
    assemblies=$((assemblies + 1))
  done
fi
rm -f "$log"

if [ "$assemblies" -eq 0 ]; then
  echo "no test results were written" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed without a failed test in the summaries: count it as a failure.
  failed=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
