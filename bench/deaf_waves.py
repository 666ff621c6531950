"""Waves of WebSocket feed clients that never read, against a running node.

Opens 100 meeting feeds that never read (one per loopback address), waits 5 s,
closes them, waits 3 s, and prints the node's RSS and ecab_websockets_open;
WAVES times (default 6). Shows whether closed feeds leave anything behind:
`open` must return to 0 after each wave, and RSS must stop growing after the
first waves (docs/PERFORMANCE.md, "Soak").
  python3 bench/deaf_waves.py <port> <ca-file> <bearer-token> <node-pid>
"""
import asyncio, base64, os, ssl, sys, urllib.request

port, cafile, token, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False


def rss_kib():
    return [l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")][0].split()[1]


def open_feeds():
    body = urllib.request.urlopen(f"https://127.0.0.1:{port}/metrics", context=ctx).read().decode()
    return [l.split()[1] for l in body.splitlines() if l.startswith("ecab_websockets_open")][0]


async def deaf(i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost",
                                                   local_addr=(f"127.0.1.{1 + i}", 0))
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /v1/bodies/gov-vn/meetings/demo-1/feed HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Authorization: Bearer {token}\r\n\r\n").encode())
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    return writer


async def main():
    for wave in range(int(os.environ.get("WAVES", "6"))):
        writers = await asyncio.gather(*[deaf(i) for i in range(100)])
        await asyncio.sleep(5)
        for w in writers:
            w.close()
        await asyncio.sleep(3)
        print(f"wave {wave}: closed, RSS {rss_kib()} KiB, open feeds {open_feeds()}", flush=True)


asyncio.run(main())
