#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the Pulumi CLI with this project's backend and secrets passphrase
# (see scripts/pulumi-env.sh). Example: npm run pulumi -- stack ls
set -euo pipefail
# shellcheck source=scripts/pulumi-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/pulumi-env.sh"
gin_deploy_pulumi_env
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec "$PULUMI_BIN" "$@"
