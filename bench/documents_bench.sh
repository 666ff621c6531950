#!/usr/bin/env bash
# The document store's benchmark (issue 16), on loopback over TLS:
#   1. a 50 MB file uploaded to ecabinetd (PUT …/content: sniffed, hashed,
#      sealed with AES-256-GCM, synced) and downloaded back (decrypted per
#      chunk), MB/s and server CPU ms per MB, against nginx serving the same
#      file with the same certificate (the baseline, same run);
#   2. `openssl speed -evp aes-256-gcm` on this machine: the cipher's ceiling;
#   3. 32 connections downloading a 1 MB document (wrk): req/s and p99,
#      against nginx serving the same 1 MB file.
# Rounds alternate the servers; medians are printed with the ratios.
#   bash bench/documents_bench.sh [rounds=5] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}; seconds=${2:-10}
bash scripts/install-deps
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || command -v "/usr/sbin/$tool" >/dev/null || {
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y -qq --no-install-recommends wrk nginx-core >/dev/null
  }
done
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" --target ecabinetd >/dev/null

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
for _ in $(seq 150); do grep -q '"msg":"serving"' "$work/node.log" 2>/dev/null && break; sleep 0.2; done
url=$(grep -o '"url":"[^"]*"' "$work/node.log" | head -1 | cut -d'"' -f4)
[ -n "$url" ] || { cat "$work/node.log"; exit 1; }
port=${url##*:}
b="$url/v1/bodies/gov-vn"
token=$(curl -sk "$url/v1/login" -H 'Content-Type: application/json' \
  -d '{"person":"gov-office-staff-1","password":"cabinet-demo-2019"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
auth="Authorization: Bearer $token"

# The files: a PDF header, then random bytes (no compression helps anyone).
mkdir -p "$work/www" "$work/nginx-tmp"
make_pdf() {  # path bytes
  { printf '%%PDF-1.4\n'; head -c "$(($2 - 9))" /dev/urandom; } >"$1"
}
make_pdf "$work/www/big.pdf" $((50 * 1000 * 1000))
make_pdf "$work/www/small.pdf" $((1000 * 1000))
chmod -R a+rX "$work/www"; chmod a+rx "$work" "$work/node" "$work/node/tls"

register() {  # id
  curl -sk -o /dev/null -w '%{http_code}' "$b/documents" -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"document\":\"$1\",\"title\":\"Benchmark $1\"}"
}
cpu_ms() {  # pid -> user+system CPU in ms
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"
}
nginx_cpu_ms() {
  local total=0
  for p in $(pgrep -f "nginx: worker process" || true) $nginx_pid; do
    total=$(awk -v t="$total" -v c="$(cpu_ms "$p" 2>/dev/null || echo 0)" 'BEGIN {print t + c}')
  done
  echo "$total"
}

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
  sendfile off;  # TLS: nginx encrypts in user space like ecabinetd (no kTLS here)
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/node/tls/server.crt.pem;
    ssl_certificate_key $work/node/tls/server.key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { root $work/www; default_type application/pdf; }
  }
}
CONF
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 1
nginx_url="https://127.0.0.1:$nginx_port"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mb=50
: >"$work/up"; : >"$work/down"; : >"$work/nginx"; : >"$work/up-cpu"; : >"$work/down-cpu"; : >"$work/nginx-cpu"
for r in $(seq "$rounds"); do
  [ "$(register "big-$r")" = 201 ] || { echo "cannot register a document" >&2; exit 1; }
  before=$(cpu_ms "$node_pid")
  secs=$(curl -sk -o "$work/put.json" -w '%{time_total}' -X PUT --data-binary @"$work/www/big.pdf" \
    -H "$auth" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
    "$b/documents/big-$r/versions/1/content?filename=big.pdf")
  grep -q '"version":1' "$work/put.json" || { cat "$work/put.json" >&2; exit 1; }
  echo "$secs" | awk -v mb=$mb '{print mb / $1}' >>"$work/up"
  awk -v a="$before" -v b="$(cpu_ms "$node_pid")" -v mb=$mb 'BEGIN {print (b - a) / mb}' >>"$work/up-cpu"

  before=$(cpu_ms "$node_pid")
  secs=$(curl -sk -o "$work/got.pdf" -w '%{time_total}' -H "$auth" "$b/documents/big-$r/versions/1/content")
  cmp -s "$work/got.pdf" "$work/www/big.pdf" || { echo "download differs" >&2; exit 1; }
  echo "$secs" | awk -v mb=$mb '{print mb / $1}' >>"$work/down"
  awk -v a="$before" -v b="$(cpu_ms "$node_pid")" -v mb=$mb 'BEGIN {print (b - a) / mb}' >>"$work/down-cpu"

  before=$(nginx_cpu_ms)
  secs=$(curl -sk -o "$work/got.pdf" -w '%{time_total}' "$nginx_url/big.pdf")
  echo "$secs" | awk -v mb=$mb '{print mb / $1}' >>"$work/nginx"
  awk -v a="$before" -v b="$(nginx_cpu_ms)" -v mb=$mb 'BEGIN {print (b - a) / mb}' >>"$work/nginx-cpu"
done
up=$(median <"$work/up"); down=$(median <"$work/down"); ngx=$(median <"$work/nginx")
echo "50 MB over TLS, median of $rounds (MB/s, server CPU ms per MB):"
echo "  upload   ecabinetd $up MB/s  $(median <"$work/up-cpu") ms/MB"
echo "  download ecabinetd $down MB/s  $(median <"$work/down-cpu") ms/MB"
echo "  download nginx     $ngx MB/s  $(median <"$work/nginx-cpu") ms/MB"
awk -v d="$down" -v n="$ngx" -v u="$up" 'BEGIN {
  printf "  downloads / nginx = %.2f (target >= 0.5); uploads / downloads = %.2f (target >= 0.5)\n", d / n, u / d }'
gcm=$(openssl speed -evp aes-256-gcm -seconds 1 2>/dev/null | awk '/^AES-256-GCM|^aes-256-gcm/ {v=$NF} END {sub(/k$/, "", v); print v / 1000}')
echo "  ceiling: openssl speed -evp aes-256-gcm (16 KiB blocks) $gcm MB/s on one core"

# 32 connections, the same 1 MB document, wrk.
[ "$(register small)" = 201 ]
curl -sk -o /dev/null -X PUT --data-binary @"$work/www/small.pdf" -H "$auth" -H 'Expect:' \
  "$b/documents/small/versions/1/content?filename=small.pdf"
: >"$work/w-node"; : >"$work/w-nginx"
run_wrk() {  # target [header] -> "rps p99"
  wrk -t2 -c32 -d"${seconds}s" --latency ${2:+-H "$2"} "$1" >"$work/wrk.txt"
  grep -q "Non-2xx" "$work/wrk.txt" && { echo "non-2xx responses:" >&2; cat "$work/wrk.txt" >&2; }
  echo "$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") $(awk '$1=="99%" {print $2}' "$work/wrk.txt")"
}
for r in $(seq 3); do
  run_wrk "$b/documents/small/versions/1/content" "$auth" >>"$work/w-node"
  run_wrk "$nginx_url/small.pdf" >>"$work/w-nginx"
done
to_ms() { awk '{v=$2; if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}'; }
nrps=$(awk '{print $1}' "$work/w-node" | median); grps=$(awk '{print $1}' "$work/w-nginx" | median)
echo "32 connections x 1 MB downloads, ${seconds}s x 3, medians:"
echo "  ecabinetd $nrps req/s p99 $(to_ms <"$work/w-node" | median) ms"
echo "  nginx     $grps req/s p99 $(to_ms <"$work/w-nginx" | median) ms"
awk -v a="$nrps" -v b="$grps" 'BEGIN {printf "  ecabinetd / nginx = %.2f\n", a / b}'
