"""Soak load for ecabinetd (bench/soak.sh starts the node and runs this).

Holds `connections` connections to the node for `seconds`, each from its own
loopback address (127.0.x.y), with a bounded request loop:
  - 70 % HTTP keep-alive clients, each one request every ~1 s (health, the
    demo meeting, the dashboard, the body), counting any non-2xx as an error;
  - 20 % WebSocket feeds that read (meeting and body feeds) and answer the
    server's pings, as a browser does;
  - 10 % WebSocket feeds that never read, each replaced by a new one every
    2 minutes (the server drops them with 1008 if they hold more than its
    cap, and cuts them after its feed idle timeout: counted, not errors);
  - one writer changing a member's RSVP on the demo meeting a few times a
    second, so the feeds carry traffic while the meeting's state (and every
    response about it) keeps its size: what grows is the server, not the data;
  - one probe timing GET /healthz every 100 ms on a keep-alive connection
    of its own, in a process of its own (so the load's event loop, busy with
    1,000 connections, does not add its own delays to the figure).
Prints one JSON object: counts, errors, healthz latency percentiles.
"""
import asyncio, base64, http.client, json, multiprocessing, os, random, ssl, statistics, sys, time

port, cafile, seconds, connections, password = (int(sys.argv[1]), sys.argv[2], float(sys.argv[3]),
                                                int(sys.argv[4]), sys.argv[5])
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False
stats = {"requests": 0, "errors": 0, "error_samples": [], "feed_messages": 0, "feeds_dropped_1008": 0,
         "feeds_closed_other": 0, "writes": 0, "connect_failures": 0, "pings_answered": 0, "deaf_feeds_opened": 0}
healthz = []
deadline = time.time() + seconds


def address(i):
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def error(what):
    stats["errors"] += 1
    if len(stats["error_samples"]) < 10:
        stats["error_samples"].append(what)


async def connect(i):
    return await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost",
                                         local_addr=(address(i), 0))


async def request(reader, writer, method, target, token=None, body=None):
    headers = [f"{method} {target} HTTP/1.1", "Host: localhost"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        headers += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + data)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    payload = await reader.readexactly(length)
    return status, payload


async def login(person):
    reader, writer = await connect(9999)
    status, payload = await request(reader, writer, "POST", "/v1/login", body={"person": person, "password": password})
    writer.close()
    if status != 200:
        raise SystemExit(f"login {person}: {status} {payload[:200]}")
    return json.loads(payload)["token"]


async def http_client(i, token):
    targets = ["/healthz", "/v1/bodies/gov-vn/meetings/demo-1", "/v1/bodies/gov-vn/dashboard", "/v1/bodies/gov-vn"]
    try:
        reader, writer = await connect(i)
    except Exception as e:
        stats["connect_failures"] += 1
        error(f"connect {type(e).__name__}")
        return
    await asyncio.sleep(random.random())
    while time.time() < deadline:
        target = random.choice(targets)
        try:
            status, _ = await request(reader, writer, "GET", target, token)
        except Exception as e:
            error(f"http {type(e).__name__}")
            return
        stats["requests"] += 1
        if not 200 <= status < 300:
            error(f"http {status} {target}")
        await asyncio.sleep(0.5 + random.random())
    writer.close()


async def open_feed(i, token, target):
    """A WebSocket upgrade on a new connection: (reader, writer), or None after counting the error."""
    try:
        reader, writer = await connect(i)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {target} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Authorization: Bearer {token}\r\n\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            error(f"feed refused {head[:40]}")
            return None
        return reader, writer
    except Exception as e:
        stats["connect_failures"] += 1
        error(f"feed connect {type(e).__name__}")
        return None


def masked_frame(opcode, payload):
    """A client-to-server frame (clients mask, RFC 6455 5.3); control payloads are < 126 bytes."""
    mask = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + bytes(b ^ mask[k % 4] for k, b in enumerate(payload))


async def deaf_feed(i, token, target):
    """Never reads; replaced by a fresh connection every 2 minutes."""
    while time.time() < deadline:
        opened = await open_feed(i, token, target)
        if opened is None:
            return
        stats["deaf_feeds_opened"] += 1
        await asyncio.sleep(max(0, min(120, deadline - time.time())))
        opened[1].close()


async def feed(i, token, target):
    opened = await open_feed(i, token, target)
    if opened is None:
        return
    reader, writer = opened
    try:
        while time.time() < deadline:
            try:
                first = await asyncio.wait_for(reader.readexactly(2), timeout=max(0.1, deadline - time.time()))
            except asyncio.TimeoutError:
                break
            length = first[1] & 0x7F
            if length == 126:
                length = int.from_bytes(await reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await reader.readexactly(8), "big")
            payload = await reader.readexactly(length)
            opcode = first[0] & 0x0F
            if opcode == 8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 0
                stats["feeds_closed_other"] += 1
                error(f"reading feed closed {code}")
                return
            if opcode == 9:  # ping: pong with its payload
                writer.write(masked_frame(10, payload))
                await writer.drain()
                stats["pings_answered"] += 1
                continue
            stats["feed_messages"] += 1
    except Exception as e:
        error(f"feed {type(e).__name__}")
    writer.close()


async def writer_loop(token):
    reader, writer = await connect(9998)
    n = 0
    while time.time() < deadline:
        n += 1
        response = "in_room" if n % 2 else "remote"
        status, payload = await request(reader, writer, "POST", "/v1/bodies/gov-vn/meetings/demo-1/rsvp",
                                        token, {"response": response})
        stats["writes"] += 1
        if status != 201:
            error(f"write {status} {payload[:100]}")
        await asyncio.sleep(0.25)
    writer.close()


def probe(results):
    """Runs in its own process: blocking keep-alive GET /healthz every 100 ms, at normal priority
    (bench/soak.sh runs the load at nice 10, the node at 0: on a 2-core machine the load generator
    would otherwise take a core's worth of time from both)."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, 0)
    except PermissionError:
        pass
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, source_address=(address(9997), 0), timeout=10)
    samples, failures = [], []
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"healthz {response.status}")
        except Exception as e:
            failures.append(f"healthz {type(e).__name__}")
            conn.close()
        samples.append((time.perf_counter() - started) * 1000)
        time.sleep(0.1)
    results.put((samples, failures))


async def main():
    member, staff = await login("min-finance"), await login("gov-office-staff-1")
    results = multiprocessing.Queue()
    prober = multiprocessing.Process(target=probe, args=(results,))
    prober.start()
    tasks = [asyncio.create_task(writer_loop(member))]
    for i in range(connections):
        kind = i % 10
        if kind < 7:
            tasks.append(asyncio.create_task(http_client(i, staff)))
        elif kind < 9:
            target = "/v1/bodies/gov-vn/meetings/demo-1/feed" if kind == 7 else "/v1/bodies/gov-vn/feed"
            tasks.append(asyncio.create_task(feed(i, member, target)))
        else:
            tasks.append(asyncio.create_task(deaf_feed(i, member, "/v1/bodies/gov-vn/meetings/demo-1/feed")))
        if i % 50 == 49:
            await asyncio.sleep(0.2)  # ramp up
    await asyncio.gather(*tasks)
    samples, failures = await asyncio.get_running_loop().run_in_executor(None, results.get)
    prober.join()
    healthz.extend(samples)
    for f in failures:
        error(f)
    q = statistics.quantiles(healthz, n=100) if len(healthz) > 2 else [0] * 99
    print(json.dumps({**stats, "healthz_samples": len(healthz), "healthz_p50_ms": round(q[49], 2),
                      "healthz_p99_ms": round(q[98], 2), "healthz_max_ms": round(max(healthz or [0]), 2)}))


asyncio.run(main())
