#!/usr/bin/env bash
# Benchmark (not a test): `cors-doctor check` against the lab, side by side with the two curl
# commands a developer runs by hand (the preflight `curl -X OPTIONS …`, then the request).
# Prints mean wall time per run of each and the ratio check/curl (target ≤ 0.6).
#
# usage: scripts/bench-check.sh [RUNS]   (default 200; needs curl; uses hyperfine when installed)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
bin=target/release/cors-doctor
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" lab --port "$port" >/dev/null 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

url="http://127.0.0.1:$port/preflight-put-json-allowed"
origin="http://localhost:3000"
check_cmd="$bin check $url --origin $origin -X PUT -H 'Content-Type: application/json' -H 'X-Client-Version: 1' --send-actual --format json"
preflight_cmd="curl -s -o /dev/null -X OPTIONS $url -H 'Origin: $origin' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type,x-client-version'"
request_cmd="curl -s -o /dev/null -X PUT $url -H 'Origin: $origin' -H 'Content-Type: application/json' -H 'X-Client-Version: 1' --data {}"

if ! command -v hyperfine >/dev/null; then
  echo "bench-check: installing hyperfine (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
# -N: no intermediate shell, so every command is measured as one process start, like a user's.
hyperfine -N -i --warmup 20 --runs "$runs" --export-json /tmp/bench-check.json \
  "$check_cmd" "$preflight_cmd" "$request_cmd" >/dev/null
python3 - <<'PY'
import json
r = json.load(open("/tmp/bench-check.json"))["results"]
check, pre, req = (x["mean"] * 1000 for x in r)
print(f"cors-doctor check (3 browsers, preflight + request + reflection probe): {check:.2f} ms")
print(f"curl preflight + curl request (by hand):                            {pre + req:.2f} ms ({pre:.2f} + {req:.2f})")
print(f"ratio: {check / (pre + req):.2f} (target <= 0.6)")
PY
