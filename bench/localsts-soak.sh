#!/usr/bin/env bash
# Reproduces the "LocalSts soak" table of docs/benchmarks.md: bench/localsts-soak.sh [--requests N] (default 1,000,000).
# Output also goes to bench/results/localsts-soak.txt. Never part of CI or the test run.
set -uo pipefail
cd "$(dirname "$0")/.."
project=bench/CredentialKit.LocalSts.Soak
dotnet build "$project" -c Release -nologo -v quiet || exit 1
mkdir -p bench/results
echo "// load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee bench/results/localsts-soak.txt
dotnet run -c Release --no-build --project "$project" -- "$@" | tee -a bench/results/localsts-soak.txt
status=${PIPESTATUS[0]}
echo "// load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a bench/results/localsts-soak.txt
exit "$status"
