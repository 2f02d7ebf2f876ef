#!/usr/bin/python3
"""A webhook receiver for the tests, on loopback only, that verifies every delivery.

It checks each POST the way the Standard Webhooks specification tells a receiver
to, with Python's own hmac and base64 (not the engine's code): the secret of the
path ("whsec_" + base64 key), the signed content "<webhook-id>.<webhook-timestamp>.<body>",
HMAC-SHA256, any "v1,<base64>" in webhook-signature, and a timestamp within 5 minutes.

  POST /_test/path      {"path", "secret", "status", "delay"?}  -> {}: deliveries to PATH are
                        verified with SECRET and answered STATUS (204, or e.g. 500 to refuse them),
                        DELAY seconds after they arrived (a receiver that hangs)
  GET  /_test/received  -> [{"path", "id", "timestamp", "body", "valid", "answered", "arrived"}, ...]
                        in arrival order; "arrived" is this host's time.time() when the request came
  POST anything else    a delivery: recorded, answered the path's status (404 for an unknown path)

Usage: webhook_receiver.py PORT_FILE [PORT]   (binds 127.0.0.1 on PORT or a free port,
writes the port to PORT_FILE once it listens, serves until killed).
"""
import base64
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time

LOCK = threading.Lock()
PATHS = {}
RECEIVED = []


def verified(secret, headers, body):
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not secret.startswith("whsec_") or not msg_id or not stamp.isdigit():
        return False
    if abs(time.time() - int(stamp)) > 300:
        return False
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(
        hmac.new(key, msg_id.encode() + b"." + stamp.encode() + b"." + body, hashlib.sha256).digest()).decode()
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, payload=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_test/received":
            with LOCK:
                return self.answer(200, RECEIVED)
        self.answer(404, {})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/_test/path":
            setting = json.loads(body)
            with LOCK:
                PATHS[setting["path"]] = setting
            return self.answer(200, {})
        arrived = time.time()
        with LOCK:
            setting = PATHS.get(self.path)
            status = setting["status"] if setting else 404
            delay = setting.get("delay", 0) if setting else 0
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            RECEIVED.append({
                "path": self.path,
                "id": self.headers.get("webhook-id", ""),
                "timestamp": self.headers.get("webhook-timestamp", ""),
                "content_type": self.headers.get("content-type", ""),
                "body": parsed,
                "valid": bool(setting) and verified(setting["secret"], self.headers, body),
                "answered": status,
                "arrived": arrived,
            })
        # Outside the lock: other deliveries (and /_test/received) go on meanwhile.
        if delay:
            time.sleep(delay)
        self.answer(status)


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
