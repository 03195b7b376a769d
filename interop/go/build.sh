#!/usr/bin/env bash
# Builds ttrpc-interop-server and ttrpc-interop-client into bin/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p bin
go build -o bin/ ./cmd/ttrpc-interop-server ./cmd/ttrpc-interop-client
echo "built: $(pwd)/bin/ttrpc-interop-server $(pwd)/bin/ttrpc-interop-client"
