#!/usr/bin/env bash
# The main job: for every example, validate, check formatting, plan, apply, plan again
# (which must show no changes) and destroy, against the local emulators.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/emulators.sh
source scripts/emulators.sh
ensure_emulator_env "$PWD"
start_aws_emulator "$PWD"
start_azure_emulator "$PWD"
trap 'kill "$AWS_EMULATOR_PID" "$AZURE_EMULATOR_PID" 2>/dev/null || true' EXIT

cargo build --locked --quiet
cf="$PWD/target/debug/clusterform"
failed=0
for dir in examples/*/; do
  name=$(basename "$dir")
  work=$(mktemp -d)
  cp -r "$dir". "$work/"
  echo "==> examples/$name"
  # Each step is checked on its own: `set -e` does not apply inside an `if` condition.
  if ! (
    cd "$work" &&
      "$cf" fmt --check --recursive &&
      "$cf" validate --no-color &&
      "$cf" plan --no-color --out plan.tfplan &&
      "$cf" apply --no-color plan.tfplan &&
      "$cf" plan --no-color --detailed-exitcode &&
      "$cf" destroy --no-color --auto-approve &&
      test "$("$cf" state list)" = ""
  ); then
    echo "FAILED: examples/$name"
    failed=1
  fi
  rm -rf "$work"
done
exit $failed
