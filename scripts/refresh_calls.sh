#!/usr/bin/env bash
# Counts the AWS API calls one refresh of an example makes: applies it against a fresh AWS
# emulator, then plans it again (which must show no changes) and prints the calls of that
# plan by operation, then destroys it. Usage: bash scripts/refresh_calls.sh eks-public-restricted
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:?usage: scripts/refresh_calls.sh EXAMPLE}

# shellcheck source=scripts/emulators.sh
source scripts/emulators.sh
ensure_emulator_env "$PWD"
start_aws_emulator "$PWD"
trap 'kill "$AWS_EMULATOR_PID" 2>/dev/null || true' EXIT

cargo build --locked --quiet
cf="${CARGO_TARGET_DIR:-$PWD/target}/debug/clusterform"
work=$(mktemp -d)
cp -r "examples/$example/." "$work/"
cd "$work"
# What clusterform prints goes to a log, shown only when a step fails.
trap 'kill "$AWS_EMULATOR_PID" 2>/dev/null || true; [ -f "$work/ok" ] || cat "$work/log" >&2' EXIT
"$cf" init --no-color >"$work/log" 2>&1
"$cf" apply --no-color --auto-approve >>"$work/log" 2>&1
curl -sf -X POST "$AWS_ENDPOINT_URL/_emulator/calls/reset" >/dev/null
"$cf" plan --no-color --detailed-exitcode >>"$work/log" 2>&1
curl -sf "$AWS_ENDPOINT_URL/_emulator/calls" | python3 -c '
import json, sys
calls = json.load(sys.stdin)["services"]
total = 0
for service in sorted(calls):
    for op, n in sorted(calls[service].items()):
        print(f"{service} {op} {n}")
        total += n
print(f"total {total}")
'
"$cf" destroy --no-color --auto-approve >>"$work/log" 2>&1
touch "$work/ok"
