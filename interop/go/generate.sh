#!/usr/bin/env bash
# Regenerates the Go code under gen/ from ../proto.
#
# Installs protoc-gen-go and protoc-gen-go-ttrpc (pinned to the versions in
# go.mod) into a temporary GOBIN, and protoc from Debian's protobuf-compiler
# package when it is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_dir="$(cd "$here/../proto" && pwd)"
module="github.com/ttrpc-ts/ttrpc-ts/interop/go"

if ! command -v protoc >/dev/null 2>&1; then
  echo "generate.sh: protoc not found, installing protobuf-compiler" >&2
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update
  $sudo_cmd apt-get install -y protobuf-compiler
fi

# Well-known types (google/protobuf/empty.proto) ship with protoc.
wkt_dir=""
for d in /usr/include /usr/local/include; do
  if [ -f "$d/google/protobuf/empty.proto" ]; then wkt_dir="$d"; break; fi
done
if [ -z "$wkt_dir" ]; then
  echo "generate.sh: google/protobuf/empty.proto not found" >&2
  exit 1
fi

cd "$here"
protobuf_version="$(go list -m -f '{{.Version}}' google.golang.org/protobuf)"
ttrpc_version="$(go list -m -f '{{.Version}}' github.com/containerd/ttrpc)"

gobin="$(mktemp -d)"
trap 'rm -rf "$gobin"' EXIT
GOBIN="$gobin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$protobuf_version"
GOBIN="$gobin" go install "github.com/containerd/ttrpc/cmd/protoc-gen-go-ttrpc@$ttrpc_version"

rm -rf "$here/gen"
mkdir -p "$here/gen"

protos=(
  ttrpc/integration/streaming/test.proto
  ttrpc/interop/v1/interop.proto
  ttrpc/bench/v1/bench.proto
)

PATH="$gobin:$PATH" protoc \
  -I "$proto_dir" -I "$wkt_dir" \
  --go_out="$here" --go_opt="module=$module" \
  --go-ttrpc_out="$here" --go-ttrpc_opt="module=$module" \
  "${protos[@]}"

gofmt -l -w "$here/gen" >/dev/null
echo "generated:"
(cd "$here" && find gen -name '*.go' | sort)
