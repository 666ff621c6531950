#!/usr/bin/env python3
"""An SMTP server for tests: Debian's aiosmtpd on loopback with STARTTLS
required and AUTH (PLAIN/LOGIN) with one user. Every accepted message is
appended to --out as a JSON line {mail_from, rcpt_tos, data, t (accepted,
Unix seconds)}; a recipient
whose address starts with "refused@" is refused with 550. Prints "ready"
once it accepts connections, and runs until killed.

  python3 tests/servers/smtp_sink.py --port 2525 --cert tls.crt --key tls.key \
      --user ecab --password secret --out mails.jsonl [--delay-ms 100]
"""
import argparse
import asyncio
import json
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
for name in ("port", "cert", "key", "user", "password", "out"):
    parser.add_argument("--" + name, required=True)
parser.add_argument("--delay-ms", type=int, default=0)  # time taken over each message
args = parser.parse_args()
lock = threading.Lock()


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.delay_ms:
            await asyncio.sleep(args.delay_ms / 1000)
        line = json.dumps({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "data": envelope.content.decode("utf-8", "replace"), "t": time.time()})
        with lock, open(args.out, "a", encoding="utf-8") as out:
            out.write(line + "\n")
        return "250 2.0.0 accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == args.user.encode()
          and auth_data.password == args.password.encode())
    return AuthResult(success=ok)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(args.cert, args.key)
controller = Controller(Handler(), hostname="127.0.0.1", port=int(args.port), tls_context=context,
                        require_starttls=True, authenticator=authenticate, auth_require_tls=True,
                        auth_exclude_mechanism=["CRAM-MD5"])
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
controller.stop()
sys.exit(0)
