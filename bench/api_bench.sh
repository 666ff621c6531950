#!/usr/bin/env bash
# The API benchmark (issue 6), on loopback over TLS with wrk:
#   1. dashboard queries against ecabinetd, and nginx serving a static JSON of
#      the same size with the same certificate (the baseline, same run);
#   2. signed ballots per second on the vote endpoint, against this machine's
#      Ed25519 verify rate per core (`openssl speed ed25519`, same run).
# Rounds alternate the two servers; medians are printed with the ratios.
#   bash bench/api_bench.sh [rounds=3] [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-10}; connections=${3:-32}
bash scripts/install-deps
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || command -v "/usr/sbin/$tool" >/dev/null || {
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y -qq --no-install-recommends wrk nginx-core >/dev/null
  }
done
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" --target ecabinetd api_bench_setup >/dev/null

work=$(mktemp -d)
node_pid=""; nginx_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build/api/ecabinetd --data-dir "$work/node" --demo-cabinet tests/fixtures/cabinet-2019.json --port 0 \
  --rate-per-second 0 --tree-head-every 3600 2>"$work/node.log" &
node_pid=$!
for _ in $(seq 100); do grep -q '"msg":"serving"' "$work/node.log" 2>/dev/null && break; sleep 0.2; done
url=$(grep -o '"url":"[^"]*"' "$work/node.log" | head -1 | cut -d'"' -f4)
[ -n "$url" ] || { cat "$work/node.log"; exit 1; }
port=${url##*:}
mkdir -p "$work/out"
build/bench/api_bench_setup --port "$port" --data-dir "$work/node" --out "$work/out" --threads 2 --ballots 150000 --rounds "$rounds"
token=$(cat "$work/out/dashboard-token")
dashboard="$url/v1/bodies/gov-vn/dashboard"

# nginx: the same certificate, a static copy of the dashboard's JSON.
mkdir -p "$work/www" "$work/nginx-tmp"
curl -sk -H "Authorization: Bearer $token" "$dashboard" >"$work/www/dashboard.json"
chmod a+rx "$work" "$work/www" "$work/node" "$work/node/tls"; chmod a+r "$work/www/dashboard.json"
nginx_port=$((port + 1))
cat >"$work/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp; fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp; scgi_temp_path $work/nginx-tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/node/tls/server.crt.pem;
    ssl_certificate_key $work/node/tls/server.key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { root $work/www; default_type application/json; }
  }
}
CONF
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 1
echo "payload: $(wc -c <"$work/www/dashboard.json") bytes of JSON; wrk -t2 -c$connections -d${seconds}s over TLS"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
run_wrk() {  # url [headers…] -> "rps p50 p99"
  local target=$1; shift
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$target" >"$work/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  grep -q "Non-2xx" "$work/wrk.txt" && { echo "non-2xx responses:" >&2; cat "$work/wrk.txt" >&2; }
  echo "$rps $p50 $p99"
}
: >"$work/api.txt"; : >"$work/nginx.txt"
for r in $(seq "$rounds"); do
  api=$(run_wrk "$dashboard" -H "Authorization: Bearer $token"); echo "$api" >>"$work/api.txt"
  ngx=$(run_wrk "https://127.0.0.1:$nginx_port/dashboard.json"); echo "$ngx" >>"$work/nginx.txt"
  echo "round $r: dashboard $api | nginx $ngx   (req/s p50 p99)"
done
api_rps=$(cut -d' ' -f1 "$work/api.txt" | median)
ngx_rps=$(cut -d' ' -f1 "$work/nginx.txt" | median)
echo "dashboard median: $api_rps req/s; nginx median: $ngx_rps req/s; ratio $(awk -v a="$api_rps" -v b="$ngx_rps" 'BEGIN {printf "%.2f", a/b}') (target >= 0.50)"

# Ballots: every request a freshly signed ballot, verified and appended.
# The server's CPU time over each run (utime + stime from /proc) gives the
# cores it used; the target compares ballots per core used with the verify
# rate of one core. The ratio per machine core (wrk shares the cores) is
# printed too.
verify=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519/ && /EdDSA/ {v=$NF} END {print v}')
cores=$(nproc)
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$node_pid/stat"; }
: >"$work/ballots.txt"; : >"$work/per-core.txt"
for r in $(seq "$rounds"); do
  before=$(cpu)
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/ballots.lua "$url" -- "$work/out" "$r" >"$work/wrk.txt"
  used=$(awk -v a="$before" -v b="$(cpu)" -v t="$ticks" -v s="$seconds" 'BEGIN {printf "%.2f", (b - a) / t / s}')
  line=$(grep "appended/s" "$work/wrk.txt")
  rate=$(echo "$line" | sed 's/.*appended\/s: //')
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  echo "round $r: $line, p50 $p50, p99 $p99, server cores used $used"
  echo "$rate" >>"$work/ballots.txt"
  awk -v a="$rate" -v u="$used" 'BEGIN {printf "%.1f\n", a / u}' >>"$work/per-core.txt"
done
ballots=$(median <"$work/ballots.txt")
per_core=$(median <"$work/per-core.txt")
echo "ballots median: $ballots appended/s, $per_core per server core used; Ed25519 verify: $verify/s per core"
echo "ratio per core used: $(awk -v a="$per_core" -v v="$verify" 'BEGIN {printf "%.3f", a/v}') (target >= 0.60);" \
  "per machine core ($cores): $(awk -v a="$ballots" -v v="$verify" -v c="$cores" 'BEGIN {printf "%.3f", a/(v*c)}')"
