#!/usr/bin/env bash
# Benchmark `cors-doctor har` on a large generated HAR, side by side with jq.
#
#   scripts/bench-har.sh [SIZE_MB]      (default 1024)
#   BENCH_DIR=/tmp/x CORS_DOCTOR_BIN=target/release/cors-doctor scripts/bench-har.sh 200
#
# Generates a Chrome-DevTools-shaped HAR of about SIZE_MB (documents, scripts, images, cross-origin
# fetches with realistic header sets and JSON bodies, preflighted PUTs with their OPTIONS entries,
# some blocked requests), builds the release binary, then times
#   cors-doctor har FILE --format json
#   jq -c '.log.entries[] | .request.url' FILE
# with /usr/bin/time -v and prints throughput (MB/s), peak RSS and the ratio to jq.
# Targets: >= 300 MB/s, peak RSS < 64 MB, faster than jq. Needs python3, jq and GNU time.
set -euo pipefail

SIZE_MB="${1:-1024}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${BENCH_DIR:-${TMPDIR:-/tmp}/cors-doctor-bench}"
HAR="$WORK/bench-${SIZE_MB}mb.har"
mkdir -p "$WORK"

command -v jq >/dev/null || { echo "jq is missing (apt-get install jq)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing (apt-get install time)" >&2; exit 2; }

if [ ! -s "$HAR" ]; then
  echo "generating $HAR (~${SIZE_MB} MB)…" >&2
  python3 - "$HAR" "$SIZE_MB" <<'PY'
import json, random, sys
path, size_mb = sys.argv[1], int(sys.argv[2])
target = size_mb * 1024 * 1024
rnd = random.Random(42)
APP, API = "https://app.example.com", "https://api.example.net"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
def hdrs(pairs): return json.dumps([{"name": n, "value": v} for n, v in pairs])
def req_headers(method, url, extra, cors=True, mode="cors", dest="empty"):
    h = [(":authority", url.split("/")[2]), (":method", method), (":path", "/" + url.split("/", 3)[3]), (":scheme", "https"),
         ("accept", "application/json, text/plain, */*"), ("accept-encoding", "gzip, deflate, br, zstd"),
         ("accept-language", "en-US,en;q=0.9"), ("priority", "u=1, i"), ("referer", APP + "/dashboard"),
         ("sec-ch-ua", '"Chromium";v="126", "Not.A/Brand";v="24"'), ("sec-ch-ua-mobile", "?0"), ("sec-ch-ua-platform", '"Linux"'),
         ("sec-fetch-dest", dest), ("sec-fetch-mode", mode), ("sec-fetch-site", "cross-site" if cors else "same-origin"), ("user-agent", UA)]
    if cors: h.append(("origin", APP))
    return h + extra
def resp_headers(extra):
    return [("content-type", "application/json; charset=utf-8"), ("date", "Mon, 01 Jul 2024 10:00:00 GMT"),
            ("server", "nginx/1.25.3"), ("cache-control", "no-store"), ("x-request-id", "%032x" % rnd.getrandbits(128)),
            ("strict-transport-security", "max-age=63072000"), ("x-content-type-options", "nosniff")] + extra
def body(n):
    items = [{"id": rnd.randrange(10**6), "name": "widget %d" % i, "price": round(rnd.random() * 100, 2),
              "tags": ["alpha", "beta", "gamma"][: 1 + i % 3], "description": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 2}
             for i in range(n)]
    return json.dumps({"items": items, "total": n})
BODIES = [body(n) for n in (5, 10, 20, 40)]
INIT = json.dumps({"type": "script", "stack": {"callFrames": [{"functionName": "fetchItems", "scriptId": "42", "url": APP + "/static/js/main.3f9a.js", "lineNumber": 1, "columnNumber": 52731}]}})
T = {"n": 0}
def entry(method, url, rq, status, rs, text, rtype, initiator=INIT, error=None, time=35.2, mime="application/json"):
    T["n"] += 1
    ms = T["n"] * 7
    started = "2024-07-01T10:%02d:%02d.%03dZ" % ((ms // 60000) % 60, (ms // 1000) % 60, ms % 1000)
    content = json.dumps({"size": len(text), "mimeType": mime, "text": text}) if text else json.dumps({"size": 0, "mimeType": "x-unknown"})
    err = ', "_error": %s' % json.dumps(error) if error else ', "_error": null'
    return ('{"_initiator": %s, "_priority": "High", "_resourceType": "%s", "cache": {}, "connection": "443", "pageref": "page_1", '
            '"request": {"method": "%s", "url": %s, "httpVersion": "http/2.0", "headers": %s, "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0}, '
            '"response": {"status": %d, "statusText": "", "httpVersion": "http/2.0", "headers": %s, "cookies": [], "content": %s, "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": %d%s}, '
            '"serverIPAddress": "203.0.113.7", "startedDateTime": "%s", "time": %.3f, '
            '"timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.3, "wait": %.3f, "receive": 1.1, "_blocked_queueing": 0.8}}'
            ) % (initiator, rtype, method, json.dumps(url), hdrs(rq), status, hdrs(rs), content, len(text) + 300, err, started, time, time - 2.6)
ACAO = [("access-control-allow-origin", APP), ("vary", "Origin"), ("access-control-allow-credentials", "true")]
PRE_OK = [("access-control-allow-origin", APP), ("access-control-allow-methods", "GET,PUT,POST,DELETE"),
          ("access-control-allow-headers", "content-type,authorization,x-client-version"), ("vary", "Origin"), ("content-length", "0")]
def fetch_get():
    url = "%s/v1/items/%d?page=%d&access_token=eyJ%08x" % (API, rnd.randrange(10**5), rnd.randrange(9), rnd.getrandbits(32))
    return [entry("GET", url, req_headers("GET", url, [("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")]), 200, resp_headers(ACAO), rnd.choice(BODIES), "fetch")]
def put_with_preflight(blocked):
    url = "%s/v1/items/%d" % (API, rnd.randrange(10**5))
    rq = req_headers("PUT", url, [("content-type", "application/json"), ("x-client-version", "4.2.0")])
    pre_rq = req_headers("OPTIONS", url, [("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type,x-client-version")])
    pre_init = json.dumps({"type": "preflight", "url": url, "requestId": "1234.%d" % T["n"]})
    if blocked:
        return [entry("PUT", url, rq, 0, [], "", "fetch", error="net::ERR_FAILED", time=0),
                entry("OPTIONS", url, pre_rq, 404, resp_headers([]), "Not Found", "preflight", initiator=pre_init, time=21.5, mime="text/plain")]
    return [entry("PUT", url, rq, 200, resp_headers(ACAO), rnd.choice(BODIES), "fetch"),
            entry("OPTIONS", url, pre_rq, 204, PRE_OK, "", "preflight", initiator=pre_init, time=18.4)]
def same_origin_asset():
    url = "%s/static/img/%d.png" % (APP, rnd.randrange(10**4))
    rq = req_headers("GET", url, [], cors=False, mode="no-cors", dest="image")
    return [entry("GET", url, rq, 200, [("content-type", "image/png"), ("content-length", "4312")], "", "image", initiator='{"type": "parser", "url": "%s/dashboard"}' % APP, mime="image/png")]
with open(path, "w") as f:
    f.write('{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, '
            '"pages": [{"startedDateTime": "2024-07-01T10:00:00.000Z", "id": "page_1", "title": "%s/dashboard", "pageTimings": {"onContentLoad": 310, "onLoad": 512}}], "entries": [\n' % APP)
    written, first = 0, True
    while written < target:
        r = rnd.random()
        es = fetch_get() if r < 0.55 else put_with_preflight(r < 0.60) if r < 0.75 else same_origin_asset()
        for e in es:
            if not first: f.write(",\n")
            first = False
            f.write(e); written += len(e) + 2
    f.write("\n]}}\n")
PY
fi

BYTES=$(stat -c %s "$HAR")
MB=$(python3 -c "print(round($BYTES/1e6, 1))")
echo "file: $HAR ($MB MB)" >&2
if [ -n "${CORS_DOCTOR_BIN:-}" ]; then
  BIN="$CORS_DOCTOR_BIN"   # an already-built release binary
else
  (cd "$ROOT" && cargo build --release --quiet)
  BIN="$ROOT/target/release/cors-doctor"
fi
cat "$HAR" > /dev/null   # warm the page cache so both tools read from memory

measure() { # label, command...
  local label="$1"; shift
  local log="$WORK/time-$label.txt"
  /usr/bin/time -v "$@" > "$WORK/out-$label" 2> "$log" || true
  python3 - "$label" "$log" "$BYTES" <<'PY'
import sys
label, log, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = {}
for line in open(log):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
parts = [float(p) for p in t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")]
wall = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
cpu = float(t["User time (seconds)"]) + float(t["System time (seconds)"])
rss = int(t["Maximum resident set size (kbytes)"]) / 1024
print(f"{label:<12} wall {wall:7.2f} s {size/1e6/wall:7.1f} MB/s | cpu {cpu:7.2f} s {size/1e6/cpu:7.1f} MB/s | peak RSS {rss:7.1f} MB")
open(log + ".secs", "w").write(f"{wall} {cpu}\n")
PY
}
echo "(wall clock depends on machine load; cpu = user + sys time of the process)"
measure cors-doctor "$BIN" har "$HAR" --format json
measure jq jq -c '.log.entries[] | .request.url' "$HAR"
python3 - "$WORK/time-cors-doctor.txt.secs" "$WORK/time-jq.txt.secs" <<'PY'
import sys
cd = [float(x) for x in open(sys.argv[1]).read().split()]
jq = [float(x) for x in open(sys.argv[2]).read().split()]
print(f"cors-doctor vs jq: {jq[0]/cd[0]:.1f}x faster (wall), {jq[1]/cd[1]:.1f}x faster (cpu)")
PY
echo "requests reported: $(grep -c '^{"index"' "$WORK/out-cors-doctor" || true); urls from jq: $(wc -l < "$WORK/out-jq")"
