#!/usr/bin/env bash
# Benchmark (not a test): `cors-doctor audit` on N loopback URLs of the lab's audit targets
# (/audit/<name>, cycled; a query makes each URL distinct), side by side with CORScanner (PyPI `cors`
# 1.0.1, installed into a throw-away virtualenv under /tmp) on the same URL list, lab, Host header
# and session cookie. Reports wall time, each tool's own CPU time (user+sys of the process tree),
# requests (counted by the lab itself at /__requests), URLs/s, the ratios, and what each tool
# detected (which planted targets were flagged, and any correct target flagged by mistake).
#
# usage: scripts/bench-audit.sh [N]   (default 1000; needs python3 with venv/pip and curl)
# env:   SKIP_BUILD=1 (use the existing release binary), CONCURRENCY (ours, default 16),
#        CS_THREADS (CORScanner's, default 50 = its default)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
concurrency=${CONCURRENCY:-16}
cs_threads=${CS_THREADS:-50}
work=$(mktemp -d /tmp/bench-audit.XXXXXX)
venv=/tmp/bench-audit-corscanner-venv

[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
bin=target/release/cors-doctor

if [ ! -x "$venv/bin/cors" ]; then
  echo "bench-audit: installing CORScanner (cors==1.0.1) into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'cors==1.0.1' >&2
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" lab --port "$port" >/dev/null 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
base="http://127.0.0.1:$port"

# The lab's audit targets (name, expected) from its /audit/ index; https-only ones are left out.
curl -s "$base/audit/" | grep -v '^#' | grep -v 'https only' | cut -f1,2 > "$work/targets.tsv"
python3 - "$n" "$base" "$work" <<'PY'
import sys
n, base, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
names = [l.split("\t")[0] for l in open(f"{work}/targets.tsv") if l.strip()]
with open(f"{work}/urls.txt", "w") as f:
    for i in range(n):
        f.write(f"{base}/audit/{names[i % len(names)]}?n={i}\n")
PY

# Run a command, print "wall user+sys" of it and its children.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {ru.ru_utime + ru.ru_stime:.3f}")
PY
}
count() { curl -s "$base/__requests"; }

host="Host: api.lab-bank.com"
cookie="session=lab"

before=$(count)
read -r ours_wall ours_cpu < <(measure "$bin" audit --input "$work/urls.txt" -H "$host" --cookie "$cookie" \
  --rate 0 --concurrency "$concurrency" --format json --fail-on never)
after=$(count)
ours_req=$((after - before - 1))
"$bin" audit --input "$work/urls.txt" -H "$host" --cookie "$cookie" --rate 0 --concurrency "$concurrency" \
  --format json --fail-on never > "$work/ours.json" || true

before=$(count)
read -r cs_wall cs_cpu < <(measure "$venv/bin/cors" -i "$work/urls.txt" -t "$cs_threads" -o "$work/cs.json" \
  -d "$host" "Cookie: $cookie")
after=$(count)
cs_req=$((after - before - 1))

python3 - "$work" "$n" "$ours_wall" "$ours_cpu" "$ours_req" "$cs_wall" "$cs_cpu" "$cs_req" "$concurrency" "$cs_threads" <<'PY'
import json, sys, collections
work, n = sys.argv[1], int(sys.argv[2])
ow, oc, orq, cw, cc, crq = map(float, sys.argv[3:9])
conc, cst = sys.argv[9], sys.argv[10]
expected = {}
for line in open(f"{work}/targets.tsv"):
    if line.strip():
        name, exp = line.rstrip("\n").split("\t")[:2]
        expected[name] = exp
def name_of(url):
    return url.split("/audit/")[1].split("?")[0]
ours = json.load(open(f"{work}/ours.json"))
ours_flagged = collections.defaultdict(set)
for t in ours["targets"]:
    if t["findings"]:
        ours_flagged[name_of(t["url"])].update(f["class"] for f in t["findings"])
ours_errors = sum(1 for t in ours["targets"] if t["error"])
try:
    cs = json.load(open(f"{work}/cs.json"))
except Exception:
    cs = []
cs_flagged = collections.defaultdict(set)
for r in cs:
    cs_flagged[name_of(r["url"])].add(r["type"])
planted = {k for k, v in expected.items() if v != "correct"}
correct = {k for k, v in expected.items() if v == "correct"}

print(f"bench-audit: {n} URLs cycling {len(expected)} lab targets ({len(planted)} planted, {len(correct)} correct), loopback")
print(f"{'':22}{'wall s':>9}{'CPU s':>9}{'requests':>10}{'URLs/s':>9}{'req/s':>9}{'CPU µs/req':>12}")
for label, w, c, r in (("cors-doctor audit", ow, oc, orq), ("CORScanner 1.0.1", cw, cc, crq)):
    print(f"{label:22}{w:9.2f}{c:9.2f}{int(r):10d}{n / w:9.0f}{r / w:9.0f}{c / max(r, 1) * 1e6:12.1f}")
print(f"(cors-doctor --concurrency {conc} --rate 0; CORScanner -t {cst}; both with the same Host header and cookie)")
print(f"URLs/s ratio (cors-doctor / CORScanner): {cw / ow:.1f}x   (target >= 20x)")
print(f"wall-time ratio (CORScanner / cors-doctor): {cw / ow:.1f}x")
print(f"CPU time per request ratio (CORScanner / cors-doctor): {(cc / max(crq, 1)) / (oc / max(orq, 1)):.1f}x")
print(f"CPU time per URL ratio (CORScanner / cors-doctor): {cc / oc:.1f}x")
print(f"cors-doctor target errors: {ours_errors}")
print()
print("detection (planted targets flagged / false alarms on correct targets):")
for label, flagged in (("cors-doctor", ours_flagged), ("CORScanner", cs_flagged)):
    hit = sorted(planted & set(flagged))
    fp = sorted(correct & set(flagged))
    print(f"  {label:12} {len(hit):2d}/{len(planted)} planted, {len(fp)} false alarms {fp if fp else ''}")
missed_by_ours = sorted(set(cs_flagged) - set(ours_flagged))
print(f"  flagged by CORScanner but not by cors-doctor: {missed_by_ours or 'none'}")
only_ours = sorted(planted & set(ours_flagged) - set(cs_flagged))
print(f"  flagged only by cors-doctor: {', '.join(only_ours) or 'none'}")
PY
