#!/usr/bin/env bash
# `npm run bench:preview`: a no-op `pulumi preview` of the local stack against a one-resource
# TypeScript program, in alternating rounds; figures in reports/latest/bench-preview.json
# (npm run figures:sync -- --from-latest publishes them as reports/bench-preview.json). See
# scripts/benchPreview.ts. Exits 0, saying what it cannot run, where the engine is missing.
#   bash scripts/bench-preview.sh [--rounds N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Only for the bench itself; the previews it times never see this (benchPreview.ts drops TS_NODE_*).
export TS_NODE_TRANSPILE_ONLY=true
exec node -r ts-node/register scripts/benchPreview.ts "$@"
