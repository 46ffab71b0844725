#!/usr/bin/env bash
# The test command (README "Run the tests"): installs the Debian packages the tests talk to when they are missing,
# then runs every test project. Extra arguments go to `dotnet test`.
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

exec dotnet test CredentialKit.sln -c Release --logger trx --results-directory TestResults "$@"
