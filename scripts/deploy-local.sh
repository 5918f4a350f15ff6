#!/usr/bin/env bash
# `npm run deploy:local` (up) and `npm run destroy:local` (destroy): see scripts/deploy-local.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "${1:-}" in
  up | destroy) ;;
  *) echo "usage: bash scripts/deploy-local.sh up|destroy" >&2; exit 2 ;;
esac
# Type checking is `npm run typecheck`'s job; here it would only add seconds.
export TS_NODE_TRANSPILE_ONLY=true
exec node -r ts-node/register scripts/deploy-local.ts "$1"
