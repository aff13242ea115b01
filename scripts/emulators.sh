#!/usr/bin/env bash
# Installs the local cloud emulators' Python environment (.venv) if needed. Sourced by the
# test and example scripts; CI starts from a fresh machine, so this must work from nothing.
set -euo pipefail

ensure_emulator_env() {
  local root="$1"
  local stamp="$root/.venv/.requirements"
  if [ -x "$root/.venv/bin/python" ] && cmp -s "$root/emulators/aws/requirements.txt" "$stamp" 2>/dev/null; then
    return 0
  fi
  echo "==> installing the AWS emulator (moto) into .venv"
  python3 -m venv "$root/.venv"
  "$root/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/emulators/aws/requirements.txt"
  cp "$root/emulators/aws/requirements.txt" "$stamp"
}

# Starts the AWS emulator on a free port and exports what the SDK needs to use it.
start_aws_emulator() {
  local root="$1"
  local dir
  dir=$(mktemp -d)
  "$root/.venv/bin/python" "$root/emulators/aws/launcher.py" --port 0 --ready-file "$dir/port" \
    --create-seconds 1 --update-seconds 1 --delete-seconds 0.5 >/dev/null &
  AWS_EMULATOR_PID=$!
  for _ in $(seq 1 600); do
    [ -s "$dir/port" ] && break
    kill -0 "$AWS_EMULATOR_PID" 2>/dev/null || { echo "the AWS emulator failed to start" >&2; return 1; }
    sleep 0.1
  done
  [ -s "$dir/port" ] || { echo "the AWS emulator did not start within 60 s" >&2; return 1; }
  export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$dir/port")"
  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  export AWS_EC2_METADATA_DISABLED=true CLUSTERFORM_POLL_INTERVAL_MS=200
  export AWS_EMULATOR_PID
}

# Starts the ARM emulator (AKS managedClusters) on a free port and exports the azurerm
# provider's credentials and endpoints for it.
start_azure_emulator() {
  local root="$1"
  local dir
  dir=$(mktemp -d)
  "$root/.venv/bin/python" "$root/emulators/azure/launcher.py" --port 0 --ready-file "$dir/port" \
    --create-seconds 1 --update-seconds 1 --delete-seconds 0.5 --retry-after 0 >/dev/null &
  AZURE_EMULATOR_PID=$!
  for _ in $(seq 1 600); do
    [ -s "$dir/port" ] && break
    kill -0 "$AZURE_EMULATOR_PID" 2>/dev/null || { echo "the ARM emulator failed to start" >&2; return 1; }
    sleep 0.1
  done
  [ -s "$dir/port" ] || { echo "the ARM emulator did not start within 60 s" >&2; return 1; }
  local url="http://127.0.0.1:$(cat "$dir/port")"
  export ARM_RESOURCE_MANAGER_ENDPOINT="$url" ARM_AUTHORITY_HOST="$url"
  export ARM_SUBSCRIPTION_ID=00000000-0000-0000-0000-0000000000a1
  export ARM_TENANT_ID=00000000-0000-0000-0000-0000000000b2
  export ARM_CLIENT_ID=00000000-0000-0000-0000-0000000000c3
  export ARM_CLIENT_SECRET=emulator-secret
  export AZURE_CONFIG_DIR="$dir/azure-cli"
  export AZURE_EMULATOR_PID
}

# Installs Azurite (the Azure Storage emulator the azurerm state backend's tests use) into
# emulators/azurite/node_modules from its lock file, unless the lock file is unchanged since
# the last install. Needs Node.js 20+ and npm.
ensure_azurite() {
  local root="$1"
  local dir="$root/emulators/azurite"
  local stamp="$dir/node_modules/.clusterform-package-lock.json"
  if [ -x "$dir/node_modules/.bin/azurite-blob" ] && cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
    return 0
  fi
  command -v npm >/dev/null || { echo "Azurite needs Node.js 20+ and npm; install them first" >&2; return 1; }
  echo "==> installing Azurite into emulators/azurite/node_modules"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  cp "$dir/package-lock.json" "$stamp"
}
