#!/usr/bin/python3
"""A small Esplora-compatible HTTP server for the tests, on loopback only.

No Bitcoin node runs on this machine (Debian 12 ships none), so the Bitcoin watcher's
tests talk to this stand-in instead: it answers the read calls of the Esplora API the
engine uses, in the JSON shape of Blockstream's esplora/electrs, from a chain the test
drives through /_test/ calls:

  GET  /blocks/tip/height               the tip's height, as text
  GET  /address/ADDR/txs                mempool transactions paying or spending ADDR, then
                                        confirmed ones, newest first
  GET  /address/ADDR/txs/mempool        the mempool ones only
  GET  /tx/TXID                         the transaction, or 404 "Transaction not found"
  GET  /tx/TXID/status                  {"confirmed": ...}; like electrs, an unknown
                                        transaction reads as unconfirmed

  POST /_test/pay      {"outputs": [{"address", "value"}]}  -> {"txid"}: into the mempool
  POST /_test/mine     {"blocks": N}                        -> {"height"}: the mempool goes
                                                               into the first of N blocks
  POST /_test/replace  {"txid", "outputs"}                  -> {"txid"}: RBF: the mempool
                                                               transaction gives way to a new one
  POST /_test/drop     {"txid"}                             -> {}: it leaves the mempool

Usage: fake_esplora.py PORT_FILE   (binds 127.0.0.1 on a free port, writes the port to
PORT_FILE once it listens, serves until killed).
"""
import hashlib
import http.server
import json
import os
import sys
import threading

LOCK = threading.Lock()
STATE = {"height": 100, "mempool": [], "chain": [], "counter": 0}


def new_txid():
    STATE["counter"] += 1
    return hashlib.sha256(("fake-esplora-%d-%d" % (os.getpid(), STATE["counter"])).encode()).hexdigest()


def transaction(txid, outputs, status):
    vout = [{"scriptpubkey": "0014" + "00" * 20, "scriptpubkey_asm": "OP_0 OP_PUSHBYTES_20 " + "00" * 20,
             "scriptpubkey_type": "v0_p2wpkh", "scriptpubkey_address": o["address"], "value": int(o["value"])}
            for o in outputs]
    return {"txid": txid, "version": 2, "locktime": 0,
            "vin": [{"txid": "11" * 32, "vout": 0, "prevout": None, "scriptsig": "", "scriptsig_asm": "",
                     "witness": [], "is_coinbase": False, "sequence": 4294967293}],
            "vout": vout, "size": 222, "weight": 561, "fee": 1410, "status": status}


def pays(tx, address):
    return any(o.get("scriptpubkey_address") == address for o in tx["vout"])


def find(txid):
    for tx in STATE["mempool"] + STATE["chain"]:
        if tx["txid"] == txid:
            return tx
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        with LOCK:
            if parts == ["blocks", "tip", "height"]:
                return self.answer(200, str(STATE["height"]), "text/plain")
            if len(parts) in (3, 4) and parts[0] == "address" and parts[2] == "txs":
                mempool = [t for t in reversed(STATE["mempool"]) if pays(t, parts[1])]
                if len(parts) == 4:
                    return self.answer(200, mempool[:50] if parts[3] == "mempool" else [])
                chain = [t for t in reversed(STATE["chain"]) if pays(t, parts[1])]
                return self.answer(200, mempool[:50] + chain[:25])
            if len(parts) == 2 and parts[0] == "tx":
                tx = find(parts[1])
                return self.answer(200, tx) if tx else self.answer(404, "Transaction not found", "text/plain")
            if len(parts) == 3 and parts[0] == "tx" and parts[2] == "status":
                tx = find(parts[1])
                return self.answer(200, tx["status"] if tx else {"confirmed": False})
        self.answer(404, "Not found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        with LOCK:
            if self.path == "/_test/pay":
                tx = transaction(new_txid(), body["outputs"], {"confirmed": False})
                STATE["mempool"].append(tx)
                return self.answer(200, {"txid": tx["txid"]})
            if self.path == "/_test/mine":
                blocks = int(body.get("blocks", 1))
                if blocks > 0:
                    height = STATE["height"] + 1
                    for tx in STATE["mempool"]:
                        tx["status"] = {"confirmed": True, "block_height": height,
                                        "block_hash": hashlib.sha256(b"block %d" % height).hexdigest(),
                                        "block_time": 1767225600 + height * 600}
                        STATE["chain"].append(tx)
                    STATE["mempool"] = []
                    STATE["height"] += blocks
                return self.answer(200, {"height": STATE["height"]})
            if self.path == "/_test/replace":
                STATE["mempool"] = [t for t in STATE["mempool"] if t["txid"] != body["txid"]]
                tx = transaction(new_txid(), body["outputs"], {"confirmed": False})
                STATE["mempool"].append(tx)
                return self.answer(200, {"txid": tx["txid"]})
            if self.path == "/_test/drop":
                STATE["mempool"] = [t for t in STATE["mempool"] if t["txid"] != body["txid"]]
                return self.answer(200, {})
        self.answer(404, "Not found", "text/plain")


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
