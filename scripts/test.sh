#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit, snapshot and end-to-end tests, and a check
# that every example still validates, plans and applies. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> toolchain"
cargo --version
rustup component list --installed 2>/dev/null | grep -qE '^(rustfmt|clippy)' || rustup component add rustfmt clippy

# shellcheck source=scripts/emulators.sh
source scripts/emulators.sh
ensure_emulator_env "$PWD"
ensure_azurite "$PWD"
# The Azure Blob backend's HTTPS test makes its own CA with the openssl command.
if ! command -v openssl >/dev/null; then
  echo "==> installing openssl"
  as_root=""
  [ "$(id -u)" = 0 ] || as_root=sudo
  $as_root apt-get update -qq && $as_root apt-get install -y -qq openssl
fi

echo "==> emulator tests (pytest)"
.venv/bin/python -m pytest emulators/aws -q
.venv/bin/python -m pytest emulators/azure -q

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --all-targets --locked -- -D warnings

echo "==> cargo test"
cargo test --lib --bins --tests --locked

echo "==> examples"
bash scripts/examples.sh
