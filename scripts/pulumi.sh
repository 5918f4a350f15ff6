#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the Pulumi CLI with this project's backend and secrets passphrase
# (see scripts/pulumi-env.sh). Example: npm run pulumi -- stack ls
#
# The local stack lives in its own workspace (.gin-deploy/workspace, made by `npm run
# deploy:local`), where its per-checkout secret and encryption salt are kept, so the committed
# Pulumi.local.yaml is never rewritten: `npm run pulumi -- preview --stack local` (and up,
# stack output, ...) runs there. Without that workspace it refuses, before writing anything.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workspace="${GIN_DEPLOY_WORKSPACE:-$repo/.gin-deploy/workspace}"
local_stacks=(local)

# The stack the arguments name (--stack X, --stack=X, -s X), and whether they set a directory.
stack="" has_cwd=false
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --stack | -s) stack="${args[i + 1]:-}" ;;
    --stack=*) stack="${args[i]#--stack=}" ;;
    --cwd | -C | --cwd=*) has_cwd=true ;;
    *) ;;
  esac
done

extra=()
for name in "${local_stacks[@]}"; do
  if [[ "$stack" == "$name" && "$has_cwd" == false ]]; then
    if [[ ! -f "$workspace/Pulumi.$name.yaml" ]]; then
      echo "pulumi.sh: the $name stack keeps its secret (the host's SSH key) in its own workspace, $workspace," >&2
      echo "  which does not exist yet. Run 'npm run deploy:local' once (it starts the local host and sets the stack up)," >&2
      echo "  then 'npm run pulumi -- ${*}' runs there. Nothing was changed." >&2
      exit 2
    fi
    extra=(--cwd "$workspace")
  fi
done

# The engine would first try to install every provider found anywhere in node_modules (aws,
# docker, kubernetes) whatever the stack uses; where one is missing and cannot be downloaded, each
# costs five failed tries before the program starts. Skipped, the engine installs a missing
# provider only when the stack asks for it.
case "${1:-}" in
  preview | up | refresh | destroy) set -- "$1" --skip-plugin-pre-install "${@:2}" ;;
  *) ;;
esac

# shellcheck source=scripts/pulumi-env.sh
source "$repo/scripts/pulumi-env.sh"

# preview and up run the program, through the Node.js language host, which the CLI built here does
# not have (the Go module proxy does not serve it): stop at once, before any build, and say what
# works instead. refresh and destroy run the program only with --run-program.
needs_program=false
case "${1:-}" in
  preview | up) needs_program=true ;;
  refresh | destroy) [[ " $* " == *" --run-program "* || " $* " == *" --run-program=true "* ]] && needs_program=true ;;
  *) ;;
esac
language_host=none
if [[ "$needs_program" == true ]]; then
  # shellcheck disable=SC2310 # a failure (no language host) is the answer here, not an error
  language_host=$(gin_deploy_language_host) || language_host=""
fi
if [[ -z "$language_host" ]]; then
  cli_path=$(gin_deploy_cli_path)
  {
    echo "pulumi.sh: 'pulumi $1' runs the stack's program through the Node.js language host (pulumi-language-nodejs),"
    echo "  which is not on PATH, next to the CLI ($cli_path) nor in ${PULUMI_HOME:-$HOME/.pulumi}/plugins."
    echo "  What works without it: npm run deploy:local (the local stack; it runs the program inline through the"
    echo "  Automation API, no language host needed), and npm run destroy:local; npm run config:check -- --stack ${stack:-NAME}"
    echo "  judges the stack's config as the program would, before any resource."
    echo "  To get it: install the official Pulumi CLI, which ships it (https://www.pulumi.com/docs/install/), or build"
    echo "  pulumi/pulumi's sdk/nodejs/cmd/pulumi-language-nodejs and put it on PATH (docs/engine.md). Nothing was run."
  } >&2
  exit 2
fi

gin_deploy_pulumi_env
# Which passphrase, said where secrets are read or written (not in stack output, history, ...,
# whose stderr other commands quote).
case "${1:-} ${2:-}" in
  config\ * | preview\ * | up\ * | refresh\ * | destroy\ * | "stack init" | "stack new" | "stack change-secrets-provider")
    passphrase_notice=$(gin_deploy_passphrase_notice)
    echo "pulumi.sh: $passphrase_notice" >&2
    ;;
  *) ;;
esac
cd "$repo"

# A stack whose file is committed (dev, prod) is the team's: its secrets need the team's passphrase,
# each person's own values (perUser keys) live in .gin-deploy/user/, stack init is npm run
# stack:init's, and stack rm keeps the committed file. scripts/teamStack.ts decides, from the
# arguments, what to add (--config-file, --preserve-config) or refuses before the CLI runs.
if [[ "$has_cwd" == false && " $* " != *" --config-file"* ]]; then
  team_stack="$stack" ask=false
  case "${1:-} ${2:-}" in
    "stack init" | "stack new" | "stack create" | "stack setup" | "stack rm" | "stack remove") ask=true ;;
    config\ * | preview\ * | up\ * | refresh\ * | destroy\ *)
      [[ -z "$team_stack" ]] && team_stack=$("$PULUMI_BIN" stack --show-name 2>/dev/null || true)
      [[ -n "$team_stack" && -f "$repo/Pulumi.$team_stack.yaml" && " ${local_stacks[*]} " != *" $team_stack "* ]] && ask=true
      ;;
    *) ;;
  esac
  if [[ "$ask" == true ]]; then
    team_args=$(GIN_DEPLOY_LOCAL_STACKS="${local_stacks[*]}" node -r ts-node/register/transpile-only scripts/teamStack.ts args "$team_stack" -- "$@") || exit $?
    if [[ -n "$team_args" ]]; then
      mapfile -t more <<<"$team_args"
      extra+=("${more[@]}")
    fi
  fi
fi

exec "$PULUMI_BIN" "$@" "${extra[@]}"
