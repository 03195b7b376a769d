#!/usr/bin/env bash
# Builds containerd 2.x, ctr and containerd-shim-runc-v2 from the Go module
# proxy into a cache directory, and prints that bin directory on the last
# line of stdout. A second run with the binaries present builds nothing.
#
#   scripts/containerd2/build.sh             build (or reuse), print the bin dir
#   scripts/containerd2/build.sh --api-dir   print the directory of the
#                                            github.com/containerd/containerd/api
#                                            module (its .proto files) that this
#                                            containerd version requires
#   scripts/containerd2/build.sh --version   print the containerd version used
#
# Environment:
#   CONTAINERD2_VERSION  a v2.x tag, or "latest" for the newest v2.x release the
#                        proxy serves. Default: pinned below, so CI is reproducible.
#   TTRPC_TS_CACHE       cache root (default: $HOME/.cache/ttrpc-ts); binaries go
#                        to $TTRPC_TS_CACHE/containerd2/<version>/bin.
set -euo pipefail

# Pinned: the newest v2.x release the proxy served when this was last updated.
# Bump it (or run with CONTAINERD2_VERSION=latest) to follow new releases.
PINNED=v2.4.2
MODULE=github.com/containerd/containerd/v2

log() { printf '%s\n' "$*" >&2; }

command -v go >/dev/null 2>&1 || { log "containerd2/build.sh: Go is required (go install from the module proxy)"; exit 1; }

version=${CONTAINERD2_VERSION:-$PINNED}
if [ "$version" = latest ]; then
  # Releases only: no -beta/-rc pre-releases.
  version=$(go list -m -versions "$MODULE" | tr ' ' '\n' | grep -E '^v2\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
  [ -n "$version" ] || { log "containerd2/build.sh: the proxy lists no v2.x release of $MODULE"; exit 1; }
fi
case "$version" in
  v2.*) ;;
  *) log "containerd2/build.sh: CONTAINERD2_VERSION must be a v2.x tag or 'latest', got '$version'"; exit 1 ;;
esac

# Downloads a module (cached by Go) and prints one field of `go mod download -json`.
mod_field() {
  go mod download -json "$1" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\{0,1\}\$/\\1/p"
}

api_dir() {
  local gomod api
  gomod=$(mod_field "$MODULE@$version" GoMod)
  api=$(sed -n 's/^[[:space:]]*github.com\/containerd\/containerd\/api \(v[^ ]*\).*$/\1/p' "$gomod" | head -n 1)
  [ -n "$api" ] || { log "containerd2/build.sh: $MODULE@$version does not require github.com/containerd/containerd/api"; exit 1; }
  mod_field "github.com/containerd/containerd/api@$api" Dir
}

case "${1:-}" in
  --version) echo "$version"; exit 0 ;;
  --api-dir) api_dir; exit 0 ;;
  "") ;;
  *) log "usage: $0 [--api-dir | --version]"; exit 2 ;;
esac

bin="${TTRPC_TS_CACHE:-$HOME/.cache/ttrpc-ts}/containerd2/$version/bin"
if [ -x "$bin/containerd" ] && [ -x "$bin/ctr" ] && [ -x "$bin/containerd-shim-runc-v2" ]; then
  log "containerd $version: cached in $bin"
else
  mkdir -p "$bin"
  log "containerd $version: building into $bin (about two minutes on a cold Go cache)"
  # The runc shim needs no build tags; containerd and ctr skip btrfs, whose
  # cgo headers (libbtrfs-dev) the machine need not have.
  GOBIN="$bin" go install "$MODULE/cmd/containerd-shim-runc-v2@$version"
  GOBIN="$bin" go install -tags no_btrfs "$MODULE/cmd/containerd@$version" "$MODULE/cmd/ctr@$version"
fi
"$bin/containerd" --version >&2
echo "$bin"
