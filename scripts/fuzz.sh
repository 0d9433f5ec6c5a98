#!/usr/bin/env bash
# Fuzz cors-doctor's parsers and core evaluation (fuzz/, its own cargo workspace; issue 8).
#
#   scripts/fuzz.sh [SECONDS]     run every target for SECONDS (default 60) with cargo-fuzz
#                                 (libFuzzer + ASan); FUZZ_JOBS=N runs N targets at once;
#                                 FUZZ_TARGETS="a b" picks targets
#   scripts/fuzz.sh --smoke       no cargo-fuzz, no nightly: build the targets on stable without
#                                 instrumentation, replay every committed crash input and seed, then
#                                 a few thousand random inputs each. This is what CI runs.
#
# Only the stable toolchain exists here; RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags
# (-Zsanitizer=address). Install cargo-fuzz with `cargo install cargo-fuzz --locked`.
# A crash leaves its input in fuzz/artifacts/<target>/; commit it to fuzz/regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

targets="${FUZZ_TARGETS:-header_lists origin classify explain evaluate har}"

inputs_for() {
  local dirs=()
  for d in "regressions/$1" "seeds/$1"; do
    if [ -d "$d" ] && [ -n "$(ls -A "$d")" ]; then dirs+=("$d"); fi
  done
  echo "${dirs[@]:-}"
}

if [ "${1:-}" = "--smoke" ]; then
  cargo build --locked --bins
  log=$(mktemp)
  for t in $targets; do
    bin="${CARGO_TARGET_DIR:-target}/debug/$t"
    # shellcheck disable=SC2046
    if ! "$bin" -runs=0 $(inputs_for "$t") >"$log" 2>&1 \
      || ! "$bin" -runs="${FUZZ_SMOKE_RUNS:-3000}" -seed=1 -max_len=4096 -artifact_prefix=/tmp/ >>"$log" 2>&1; then
      tail -n 40 "$log"
      echo "fuzz smoke: $t FAILED"
      exit 1
    fi
    echo "fuzz smoke: $t ok"
  done
  rm -f "$log"
  exit 0
fi

seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
# Build once, then run the binaries directly: `cargo fuzz run` would rebuild whenever a source file
# changed meanwhile, which on a shared tree means rebuilding the core (minutes) per target.
cargo fuzz build -O
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"

run_one() {
  local t=$1
  mkdir -p "corpus/$t" "artifacts/$t"
  # shellcheck disable=SC2046
  if "$bin_dir/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -max_len=8192 -print_final_stats=1 "corpus/$t" $(inputs_for "$t") >"artifacts/$t/log.txt" 2>&1; then
    echo "$t: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "artifacts/$t/log.txt" | grep -o '[0-9]*$') runs in ${seconds}s)"
  else
    echo "$t: FAILED (see fuzz/artifacts/$t/log.txt; commit the crash input to fuzz/regressions/$t/)"
  fi
}

jobs="${FUZZ_JOBS:-1}"
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
