#!/usr/bin/python3
"""Splits `perf script` samples of the engine into the stages of a checkout.

Each sample goes to the innermost frame of its stack that names a stage (a
malloc called from JSON parsing is JSON's; a memcpy called from libpq is the
SQL client's). A stack with no such frame is "kernel and other". Reads perf
script's text on stdin; prints each stage's share of the samples and, given
--engine-us (the engine's CPU per checkout), its µs per checkout.
"""
import argparse
import re
import sys
from collections import Counter

# (stage, pattern over one frame's text: symbol and library), innermost wins.
# The order breaks ties within one frame only.
STAGES = [
    ("CAF workers' idle sleep (polling for work)", r"clock_nanosleep"),
    ("sealing (libsodium AEAD, keys)", r"libsodium|sealing::|crypto_aead|crypto_kdf"),
    ("HMAC and digests (OpenSSL)", r"libcrypto|HMAC|EVP_|SHA256"),
    ("JSON (nlohmann: parse, build, dump)", r"nlohmann"),
    ("mail (render, MIME, SMTP or file drop)", r"mstch|mail::|libcurl|Curl_|actors::.*mail"),
    ("SQL client (libpq, libpqxx)", r"libpq\.so|libpqxx|pqxx::"),
    ("persistence (statements, rows, parameters)", r"persistence::"),
    ("domain (pricing, decide, follow-ups)", r"domain::"),
    ("HTTP (Beast, routes, views, DTOs)", r"boost::beast|boost::asio|http::"),
    ("actors (checkout, order, registry, journal)", r"actors::|app::"),
    ("CAF runtime (mailboxes, scheduling, messages)", r"caf::|libcaf"),
]
# Debian's libc and jemalloc have no frame pointers, so a stack often ends in one: such a
# sample goes by what the libc call does.
LIBC_CALLS = [
    ("files (the mail drop: open, write, fsync, rename)", r"\bfsync|libc_open|\brename|libc_write|__close"),
    ("sockets (HTTP and PostgreSQL send and receive)", r"__send|sendmsg|__libc_recv|recvmsg|__poll|epoll_wait|writev|readv"),
    ("thread hand-offs (futex wake and wait: actor hops, detached actors)",
     r"futex|pthread_cond|lll_lock|pthread_mutex"),
    ("malloc and free (caller not unwound)",
     r"malloc|_int_free|cfree|unlink_chunk|operator new|operator delete|libjemalloc|\bje_|sdallocx"),
    ("memory copies (caller not unwound)", r"memmove|memcpy|memset|memcmp|strlen"),
]
COMPILED = [(name, re.compile(p)) for name, p in STAGES]
LIBC_COMPILED = [(name, re.compile(p)) for name, p in LIBC_CALLS]
OTHER = "kernel and other (scheduling, page faults, unresolved)"


def stage_of(frames):
    for frame in frames:  # innermost first, as perf script prints them
        for name, pattern in COMPILED:
            if pattern.search(frame):
                return name
    for frame in frames:
        if "[kernel" in frame:
            continue
        for name, pattern in LIBC_COMPILED:
            if pattern.search(frame):
                return name
        break  # only the innermost user frame says what the call was
    return OTHER


def samples(lines):
    frames = []
    for line in lines:
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif line[0] in " \t":
            frames.append(line.strip())
        # a header line (comm, pid, time, event) starts the next sample
    if frames:
        yield frames


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine-us", type=float, default=0.0, help="engine CPU per checkout in µs")
    args = parser.parse_args()
    counts = Counter(stage_of(f) for f in samples(sys.stdin))
    total = sum(counts.values())
    if total == 0:
        print("no samples", file=sys.stderr)
        return 1
    print(f"{'stage':<72} {'share':>7} {'us/checkout':>12}")
    for name, n in counts.most_common():
        share = n / total
        print(f"{name:<72} {share * 100:6.1f}% {share * args.engine_us:12.0f}")
    print(f"{'all (' + str(total) + ' samples)':<72} {100.0:6.1f}% {args.engine_us:12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
