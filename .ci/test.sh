#!/usr/bin/env bash
# The test command (README "Run the tests"): installs the Debian packages the tests talk to when they are missing,
# publishes the Native AOT sample, runs every test project and ends with one line "N passed, N failed[, N skipped]"
# counted from the test results. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's packages, by absolute path: a pip-installed `aws` (awscli v1) may shadow Debian's v2 on PATH.
missing=()
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/bin/aws ] || missing+=(awscli)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (needed by the tests)..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Native AOT: publish the AOT sample as a native binary (the ILCompiler's warnings are errors in that project); an
# integration test (NativeAot/AotSampleTests) runs it against LocalSts. Without this variable that test is skipped.
echo "Publishing samples/CredentialKit.Samples.Aot with Native AOT..."
dotnet publish samples/CredentialKit.Samples.Aot/CredentialKit.Samples.Aot.csproj -c Release -o artifacts/aot-sample -nologo -v quiet
export CREDENTIALKIT_AOT_SAMPLE="$PWD/artifacts/aot-sample/CredentialKit.Samples.Aot"

rm -rf TestResults
log=$(mktemp)
set +e
dotnet test CredentialKit.sln -c Release --logger trx --results-directory TestResults "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
bash .ci/count-results.sh "$log" "$status"
