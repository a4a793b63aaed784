"""Fuzz target: zmqlite's ZMTP codec and a whole connection fed arbitrary bytes.

Each input is ``[socket type][flags][chunk][bytes...]``: the bytes follow a valid
greeting on a connection of a socket of that type (``_core._fuzz_connection``: the
engine's own C code, with greeting, handshake, commands, heartbeats, routing and the
user's side of the socket, on a socketpair, no I/O thread), chunk bytes at a time;
flags pick the connect side, a ZMTP 3.0 greeting and heartbeats, and 0x10 a STREAM
socket instead (no ZMTP: greeting and bytes are raw data). The same bytes also
go through the frame decoder whole and byte by byte, which must agree.

Short deterministic run (what .ci/run does; no instrumentation needed):

    python tests/fuzz/fuzz_engine.py -runs=20000 -seed=1 CORPUS_DIR

Long run, coverage-guided (build _core with clang and -fsanitize=fuzzer-no-link, see
tests/fuzz/README.md):

    python tests/fuzz/fuzz_engine.py -max_total_time=3600 -rss_limit_mb=2048 -timeout=10 CORPUS

``--make-corpus DIR`` writes the seed inputs (a valid handshake and traffic for every
socket type) to DIR.
"""

import os
import sys

if __name__ == "__main__" and "--make-corpus" not in sys.argv:
    # first: it provides the coverage callbacks an instrumented _core links against
    import atheris  # noqa: F401

from zmqlite import _core

SOCKET_TYPES = [b"PAIR", b"PUB", b"SUB", b"REQ", b"REP", b"DEALER", b"ROUTER",
                b"PULL", b"PUSH", b"XPUB", b"XSUB"]
#: zmqlite's STREAM socket type (flag 0x10 of the input picks it)
STREAM = 11
#: which peer type each of ours talks to (the first compatible one)
PEER = {0: b"PAIR", 1: b"SUB", 2: b"PUB", 3: b"REP", 4: b"REQ", 5: b"DEALER",
        6: b"DEALER", 7: b"PUSH", 8: b"PULL", 9: b"XSUB", 10: b"XPUB"}


def decode_all(data, maxmsgsize, byte_by_byte):
    dec = _core.ZMTPDecoder(maxmsgsize)
    frames = []
    pieces = [data[i:i + 1] for i in range(len(data))] if byte_by_byte else [data]
    try:
        for piece in pieces:
            dec.feed(piece)
            while True:
                frame = dec.next_frame()
                if frame is None:
                    break
                frames.append(frame)
    except _core.ZMTPError as exc:
        frames.append(("error", str(exc)))
    return frames


def TestOneInput(data):
    if len(data) < 3:
        return
    socket_type = data[0] % len(SOCKET_TYPES)
    if data[1] & 0x10:
        socket_type = STREAM    # raw bytes: every read is a message, no ZMTP at all
    flags, chunk, body = data[1], data[2] % 65, bytes(data[3:])
    # a frame header may declare any size up to 2**64 - 1 and the decoder
    # allocates it at once (as libzmq): bounded here, so that a sanitizer's
    # shadow memory for an untouched 17 GB buffer is not taken for growth
    maxmsgsize = (1 << 24) if flags & 8 else 300
    whole = decode_all(body, maxmsgsize, False)
    if len(body) <= 4096:
        pieces = decode_all(body, maxmsgsize, True)
        assert whole == pieces, "the decoder depends on how its input is split"
    _core._fuzz_connection(socket_type, bool(flags & 1), bool(flags & 2), bool(flags & 4),
                           chunk, body)


def _frame(body, more=False, command=False):
    flags = (1 if more else 0) | (4 if command else 0)
    if len(body) < 256:
        return bytes([flags, len(body)]) + body
    return bytes([flags | 2]) + len(body).to_bytes(8, "big") + body


def _ready(socket_type, **props):
    data = b"\x0bSocket-Type" + len(socket_type).to_bytes(4, "big") + socket_type
    for name, value in props.items():
        name = name.encode()
        data += bytes([len(name)]) + name + len(value).to_bytes(4, "big") + value
    return _frame(b"\x05READY" + data, command=True)


def seeds():
    """A valid peer for every socket type, with traffic that reaches routing."""
    for t in range(len(SOCKET_TYPES)):
        peer = PEER[t]
        props = {"Identity": b"peer-id"} if peer in (b"REQ", b"DEALER", b"ROUTER") else {}
        traffic = [_ready(peer, **props)]
        if peer in (b"REQ", b"REP"):
            traffic += [_frame(b"", more=True), _frame(b"request")]
        elif peer in (b"SUB", b"XSUB"):
            traffic += [_frame(b"\x09SUBSCRIBE" + b"top", command=True), _frame(b"\x01other"),
                        _frame(b"\x06CANCEL" + b"top", command=True)]
        else:
            traffic += [_frame(b"part", more=True), _frame(b"x" * 300)]
        traffic += [_frame(b"\x04PING\x00\x0acontext", command=True)]
        body = b"".join(traffic)
        for flags in (0, 1, 2, 4, 8):
            for chunk in (0, 1, 7):
                yield bytes([t, flags, chunk]) + body
    for flags in (0x10, 0x11):      # a STREAM, bound and connected
        yield bytes([0, flags, 5]) + b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256))


def make_corpus(path):
    os.makedirs(path, exist_ok=True)
    for i, seed in enumerate(seeds()):
        with open(os.path.join(path, f"seed-{i:03d}"), "wb") as f:
            f.write(seed)


def main(argv):
    if len(argv) >= 3 and argv[1] == "--make-corpus":
        make_corpus(argv[2])
        return 0
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
