#!/usr/bin/env bash
# Reproduces every table in docs/benchmarks.md. Usage: bench/run.sh [suite ...]   (default: all suites, in order)
# Each suite's output is also written to bench/results/<suite>.txt. Never part of CI or the test run.
set -uo pipefail
cd "$(dirname "$0")/.."

project=bench/CredentialKit.Benchmarks
suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  suites=(hotpath contention storm e2e fleet soak syncpath syncpath-noboost abuse idle tenants)
fi

dotnet build "$project" -c Release -nologo -v quiet || exit 1
mkdir -p bench/results
status=0
for suite in "${suites[@]}"; do
  case "$suite" in
    hotpath|contention|e2e) args=(--filter '*') ;;
    storm) args=(--callers 10000 --rounds 5) ;;
    fleet) args=(--processes 10000 --hours 24 --start-window-seconds 60 --samples 100000 --jitter 0.5,0) ;;
    soak)  args=(--cycles 1000000) ;;
    syncpath) args=(--threads 64) ;;
    syncpath-noboost) args=(--threads 64 --no-boost) ;;
    abuse) args=(--tenants 3000 --loop-seconds 10) ;;
    idle)  args=(--hops 4 --cycles 20 --lifetime-seconds 8) ;;
    tenants) args=(--tenants 1000,10000,100000) ;;
    *) echo "unknown suite: $suite (hotpath|contention|storm|e2e|fleet|soak|syncpath|syncpath-noboost|abuse|idle|tenants)" >&2; exit 2 ;;
  esac
  echo "=== $suite ==="
  # Other work on the machine distorts every number below; the load average says how much there was.
  echo "// load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "bench/results/$suite.txt"
  # A failing suite (a missed target exits non-zero) is reported and the remaining suites still run.
  dotnet run -c Release --no-build --project "$project" -- "${suite%-noboost}" "${args[@]}" | tee -a "bench/results/$suite.txt" || status=1
  echo "// load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "bench/results/$suite.txt"
done
exit $status
