#!/usr/bin/env bash
# Soak (issue 13; not in CI): ecabinetd with the demo cabinet on loopback,
# held under 1,000 connections for 10 minutes by bench/soak.py (HTTP
# keep-alive clients, WebSocket feeds that read and some that never read, a
# writer, a /healthz probe), each connection from its own 127.0.x.y address.
# Prints the node's RSS at the start and end of the load, the client's
# counts and errors, and /healthz latency percentiles (docs/PERFORMANCE.md).
#   bash bench/soak.sh [seconds=600] [connections=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}; connections=${2:-1000}
bash scripts/install-deps
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" --target ecabinetd >/dev/null

work=$(mktemp -d)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 8192
build/api/ecabinetd --data-dir "$work/node" --demo-cabinet tests/fixtures/cabinet-2019.json --port 0 \
  --password-cost 10 --tree-head-every 3600 2>"$work/node.log" &
node_pid=$!
for _ in $(seq 150); do grep -q '"msg":"serving"' "$work/node.log" 2>/dev/null && break; sleep 0.2; done
url=$(grep -o '"url":"[^"]*"' "$work/node.log" | head -1 | cut -d'"' -f4)
[ -n "$url" ] || { cat "$work/node.log"; exit 1; }
port=${url##*:}
rss() { awk '/VmRSS/ {print $2}' "/proc/$node_pid/status"; }
echo "node RSS before load: $(rss) KiB"
nice -n 10 python3 bench/soak.py "$port" "$work/node/tls/server.crt.pem" "$seconds" "$connections" cabinet-demo-2019 \
  > "$work/soak.json" &
client=$!
settle=$(( seconds < 120 ? seconds / 2 : 60 ))
sleep "$settle"  # ramped up and settled
start=$(rss)
echo "node RSS after $settle s of load: $start KiB"
samples=()
while kill -0 "$client" 2>/dev/null; do samples+=("$(rss)"); sleep 30; done
wait "$client"
if [ ${#samples[@]} -gt 0 ]; then end=${samples[-1]}; else end=$(rss); samples=("$end"); fi
echo "node RSS at the end of the load: $end KiB (samples every 30 s: ${samples[*]})"
echo "RSS change from $settle s to the end: $(( (end - start) * 100 / start )) %"
echo "client: $(cat "$work/soak.json")"
echo "node errors logged: $(grep -c '"level":"error"' "$work/node.log" || true)"
