#!/usr/bin/env bash
# Builds the interop peer (ttrpc-interop-server, ttrpc-interop-client) and
# the benchmark peer (ttrpc-bench-server, ttrpc-bench-client) and the
# OpenTelemetry peer (ttrpc-otel-peer) into bin/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p bin
go build -o bin/ ./cmd/ttrpc-interop-server ./cmd/ttrpc-interop-client ./cmd/ttrpc-bench-server ./cmd/ttrpc-bench-client ./cmd/ttrpc-otel-peer
echo "built: $(pwd)/bin/ttrpc-interop-server $(pwd)/bin/ttrpc-interop-client $(pwd)/bin/ttrpc-bench-server $(pwd)/bin/ttrpc-bench-client $(pwd)/bin/ttrpc-otel-peer"
