#!/usr/bin/env bash
# Builds the interop peer (ttrpc-interop-server, ttrpc-interop-client), the
# NRI peers (nri-runtime, nri-mux-vectors) and
# the benchmark peer (ttrpc-bench-server, ttrpc-bench-client) into bin/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p bin
go build -o bin/ ./cmd/ttrpc-interop-server ./cmd/ttrpc-interop-client ./cmd/ttrpc-bench-server ./cmd/ttrpc-bench-client ./cmd/nri-runtime ./cmd/nri-mux-vectors
echo "built in $(pwd)/bin: $(ls bin | tr "\n" " ")"
