#!/usr/bin/env bash
# Install the Debian packages the book needs and pip cannot, for each command that is missing:
#   tools/system_packages.sh COMMAND=PACKAGE[,PACKAGE...] ...
# `dot=graphviz`: the claims' dependency graph (make book); `chromium=chromium,fonts-dejavu-core`:
# the browser tests (.ci/run). As root it runs apt-get; otherwise it says what to run, and fails.
set -euo pipefail
missing=""
for spec in "$@"; do
  command -v "${spec%%=*}" >/dev/null 2>&1 || missing="$missing ${spec#*=}"
done
packages=${missing//,/ }
[ -z "$packages" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages; install them with: sudo apt-get install$packages" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $packages >/dev/null
