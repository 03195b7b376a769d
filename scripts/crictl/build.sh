#!/usr/bin/env bash
# Builds crictl (sigs.k8s.io/cri-tools) from the Go module proxy into a cache
# directory and prints that bin directory on the last line of stdout. A
# second run with the binary present builds nothing.
#
# Environment:
#   CRICTL_VERSION  a cri-tools tag. Default: pinned below, so CI is reproducible.
#   TTRPC_TS_CACHE  cache root (default: $HOME/.cache/ttrpc-ts); the binary goes
#                   to $TTRPC_TS_CACHE/crictl/<version>/bin.
set -euo pipefail

PINNED=v1.37.0
version=${CRICTL_VERSION:-$PINNED}
command -v go >/dev/null 2>&1 || { echo "crictl/build.sh: Go is required (go install from the module proxy)" >&2; exit 1; }
bin="${TTRPC_TS_CACHE:-$HOME/.cache/ttrpc-ts}/crictl/$version/bin"
if [ -x "$bin/crictl" ]; then
  echo "crictl $version: cached in $bin" >&2
else
  mkdir -p "$bin"
  echo "crictl $version: building into $bin" >&2
  GOBIN="$bin" go install "sigs.k8s.io/cri-tools/cmd/crictl@$version"
fi
"$bin/crictl" --version >&2
echo "$bin"
