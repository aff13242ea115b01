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

# examples/shared-state-s3 keeps its state in S3. A team creates the bucket once, before
# `init` (the backend never creates it); here it goes into the emulator (AWS_ENDPOINT_URL).
.venv/bin/python -c 'import boto3; boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="clusterform-example-state")'

cargo build --locked --quiet
cf="${CARGO_TARGET_DIR:-$PWD/target}/debug/clusterform"
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
      "$cf" init --no-color >/dev/null &&
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
