#!/usr/bin/env bash
# Builds the interop peer (ttrpc-interop-server, ttrpc-interop-client), the
# benchmark peer (ttrpc-bench-server, ttrpc-bench-client), the OpenTelemetry
# peer (ttrpc-otel-peer) and the NRI peers (nri-runtime, nri-mux-vectors)
# into bin/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p bin
go build -o bin/ ./cmd/ttrpc-interop-server ./cmd/ttrpc-interop-client ./cmd/ttrpc-bench-server ./cmd/ttrpc-bench-client ./cmd/ttrpc-otel-peer ./cmd/nri-runtime ./cmd/nri-mux-vectors
echo "built in $(pwd)/bin: $(ls bin | tr "\n" " ")"
