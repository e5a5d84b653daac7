#!/usr/bin/env bash
# Install the Debian packages the book needs and pip cannot, for each command that is missing:
#   tools/system_packages.sh [--no-install-recommends] COMMAND=PACKAGE[,PACKAGE...] ...
# `dot=graphviz`: the claims' dependency graph (make book); `node=nodejs`: the math typeset at build
# time (make book); `chromium=chromium,fonts-dejavu-core`:
# the browser and JupyterLab tests (make test, .ci/run); `xelatex=...` and `latexmk=latexmk`: the PDF (make pdf), without
# the recommended ones (a Java runtime, Ruby, Tk, viewers: ~115 MB more download, unused);
# `pdftotext=poppler-utils`: its test (make test-pdf). As root it runs apt-get; otherwise it says
# what to run, and fails.
set -euo pipefail
options=""
if [ "${1:-}" = "--no-install-recommends" ]; then
  options=" $1"
  shift
fi
# The packages of each COMMAND=PACKAGES whose command is missing, space-separated.
missing() {
  local spec list=""
  for spec in "$@"; do
    command -v "${spec%%=*}" >/dev/null 2>&1 || list="$list ${spec#*=}"
  done
  echo "${list//,/ }"
}
packages=$(missing "$@")
[ -z "$packages" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages; install them with: sudo apt-get install$options$packages" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# make test -j2 may ask for two sets at once (the PDF's TeX Live, the browser tests' chromium):
# one apt-get at a time.
exec 9>/tmp/linearnet-system-packages.lock
flock 9
packages=$(missing "$@")  # the other one may have installed them while this one waited
[ -z "$packages" ] && exit 0
apt-get update -qq
apt-get install -y -qq$options $packages >/dev/null
