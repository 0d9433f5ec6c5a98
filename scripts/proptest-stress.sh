#!/usr/bin/env bash
# Explore the property tests with fresh random seeds, far beyond what CI runs.
#
# CI (.ci/run) runs every proptest with one fixed seed (PROPTEST_RNG_SEED), so a gate never fails on
# a case no one has seen before. New cases are found here instead: every round runs every core test
# binary with a new seed and CASES cases per property. A failure prints its minimal input; keep it as
# a plain test beside the property (see `explain_found_cases` in crates/core/tests/explain_roundtrip.rs).
#
# usage: scripts/proptest-stress.sh [ROUNDS] [CASES]   (defaults 10 and 4000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
cases=${2:-4000}
# The core's test binaries and the binary crate's unit tests (the HTTP/1 head parser's property).
bins=$( (cargo test -p cors-doctor-core --release --locked --no-run 2>&1
  cargo test -p cors-doctor --bin cors-doctor --release --locked --no-run 2>&1) |
  grep -oE '\(([^)]*/deps/[^)]*)\)' | tr -d '()')
unset PROPTEST_RNG_SEED
failed=0
for round in $(seq "$rounds"); do
  for bin in $bins; do
    if ! out=$(PROPTEST_CASES=$cases PROPTEST_DISABLE_FAILURE_PERSISTENCE=1 "$bin" --quiet 2>&1); then
      echo "$out" | grep -E -A30 '^---- |minimal failing input'
      echo "proptest-stress: round $round: $(basename "$bin") FAILED"
      failed=1
    fi
  done
  echo "proptest-stress: round $round of $rounds done ($cases cases per property)"
done
exit "$failed"
