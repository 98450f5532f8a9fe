#!/usr/bin/env sh
# Builds the fuzz targets (does not run them). Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly
#   cargo install cargo-fuzz
# Run from anywhere; uses $CARGO_TARGET_DIR when set.
set -eu
cd "$(dirname "$0")"
cargo +nightly fuzz build -O "$@"
