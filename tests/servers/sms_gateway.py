#!/usr/bin/env python3
"""An SMS gateway for tests: an HTTP server on loopback (Python's http.server)
that appends every request to --out as a JSON line {method, path, headers,
body}. It answers 503 to the first --fail-first requests (a gateway that is
down), then 200 with {"id": "gw-<n>"}; a "to" of "+840000000000" is refused
with 400. Prints "ready <port>" once it listens, and runs until killed.

  python3 tests/servers/sms_gateway.py --port 0 --out sms.jsonl --fail-first 2
"""
import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--fail-first", type=int, default=0)
args = parser.parse_args()
lock = threading.Lock()
count = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
        with lock:
            count += 1
            n = count
            with open(args.out, "a", encoding="utf-8") as out:
                out.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                      "body": body}) + "\n")
        if n <= args.fail_first:
            self.answer(503, {"error": "temporarily unavailable"})
        elif "+840000000000" in body:
            self.answer(400, {"error": "unknown subscriber"})
        else:
            self.answer(200, {"id": "gw-%d" % n})

    do_PUT = do_POST

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print("ready %d" % server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
server.shutdown()
sys.exit(0)
