#!/usr/bin/env bash
# Benchmark (not a test): the core's common-case decision, two ways.
#   1. Instructions per decision, counted by callgrind: the load-independent figure (the same on
#      a busy or an idle machine), the one to compare changes with.
#   2. Decisions per second from criterion, RUNS times: wall time, which on a shared VM varies a lot
#      between identical runs, so every run is printed along with the median.
# See crates/bench/benches/decisions.rs for what one decision is.
#
# usage: [BENCH_CPU=N] scripts/bench-core.sh [RUNS]   (default 3; needs valgrind, installed from Debian
# if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
if ! command -v valgrind >/dev/null; then
  echo "bench-core: installing valgrind (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi
exe=$(cargo bench -p cors-doctor-bench --bench decisions --no-run 2>&1 |
  grep -oE '\(([^)]*decisions-[0-9a-f]+)\)' | tr -d '()' | tail -1)
# The difference of two runs removes start-up and criterion-free set-up; each iteration is three
# decisions.
count() {
  CORS_BENCH_ITERS=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" common_case_decision 2>&1 |
    sed -n 's/.*refs: *//p' | tr -d ,
}
small=$(count 10000)
large=$(count 20000)
echo "instructions per decision (callgrind): $(((large - small) / 30000))"

# The target is per core: each run is pinned to one CPU (BENCH_CPU, default the last) when taskset
# exists, so the scheduler cannot migrate it mid-measurement.
pin=()
if command -v taskset >/dev/null; then
  pin=(taskset -c "${BENCH_CPU:-$(($(nproc) - 1))}")
fi
for _ in $(seq "$runs"); do
  "${pin[@]}" "$exe" --bench 'common_case_decision$' 2>&1 |
    sed -n 's/.*thrpt: *\[[^ ]* [^ ]* \([0-9.]*\) Melem\/s.*/\1/p' | head -1
done | sort -n | awk '{ v[NR] = $1; all = all " " $1 }
  END { printf "decisions per second (criterion, %d runs):%s M/s; median %s M/s (target >= 5)\n", NR, all, v[int((NR + 1) / 2)] }'
