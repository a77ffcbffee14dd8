#!/bin/sh
# Builds flow for release and installs it with `make install` into a scratch folder
# (.build-static/installed), then prints the folder its commands are in. The benches time
# the tools as they are installed: the one static `flow` binary, stripped, run under each
# tool's name (a start without the dynamic loader).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --static-swift-stdlib --product flow --scratch-path .build-static >/dev/null
make -s install BUILD_DIR=.build-static/release DESTDIR="$root/.build-static/installed" \
  PREFIX=/usr >/dev/null
echo "$root/.build-static/installed/usr/bin"
