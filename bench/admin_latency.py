#!/usr/bin/env python3
"""Latency of the admin's reads, and a walk over many orders, on one engine.

  admin_latency.py PORT TOKEN latency N PATH...   each PATH N times, one after
      another on a kept-alive connection: prints p50, p99 and max in ms per PATH
  admin_latency.py PORT TOKEN touch THREADS FILE  GET /admin/api/orders/{id} for
      every id in FILE (one per line), THREADS connections at once: prints the
      count, the seconds and any status other than 200

Only the standard library: the bench must run where the engine runs.
"""
import http.client
import sys
import threading
import time


def get(conn, token, path):
    conn.request("GET", path, headers={"Authorization": "Bearer " + token})
    response = conn.getresponse()
    response.read()
    return response.status


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def latency(port, token, n, paths):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for path in paths:
        get(conn, token, path)  # warm: the first answer may load what later ones reuse
        times = []
        for _ in range(n):
            start = time.perf_counter()
            status = get(conn, token, path)
            times.append((time.perf_counter() - start) * 1000)
            if status != 200:
                sys.exit(f"{path}: status {status}")
        print(f"{path:<60} p50 {percentile(times, 50):8.2f} ms  p99 {percentile(times, 99):8.2f} ms"
              f"  max {max(times):8.2f} ms  ({n} requests)")


def touch(port, token, threads, file):
    with open(file) as f:
        ids = [line.strip() for line in f if line.strip()]
    failures = []
    def walk(part):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for order_id in part:
            status = get(conn, token, "/admin/api/orders/" + order_id)
            if status != 200:
                failures.append((order_id, status))
    start = time.perf_counter()
    workers = [threading.Thread(target=walk, args=(ids[k::threads],)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - start
    print(f"touched {len(ids)} orders in {seconds:.1f} s ({len(ids) / seconds:.0f}/s), not 200: {len(failures)}")
    if failures:
        sys.exit(f"first failure: {failures[0]}")


def main():
    port, token, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if mode == "latency":
        latency(port, token, int(sys.argv[4]), sys.argv[5:])
    elif mode == "touch":
        touch(port, token, int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit("mode: latency or touch")


if __name__ == "__main__":
    main()
