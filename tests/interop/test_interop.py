"""zmqlite <-> pyzmq (libzmq 4.3) over the ZMTP transports, both directions.

Every test runs with zmqlite binding and with pyzmq binding, on tcp and ipc,
and with zmqlite on either end of each socket pair.  Under
ZMQLITE_TEST_IMPL=pyzmq these become pyzmq<->pyzmq, which validates the tests.
"""

import pytest
import zmq as pyzmq

from helpers import assert_no_message, recv, recv_multipart

pytestmark = pytest.mark.timeout(15)

SIZES = [0, 1, 255, 256, 65536, 1048576]


def exchange_req_rep(req, rep, rounds=5):
    for i in range(rounds):
        req.send_multipart([b"req", b"%d" % i])
        assert recv_multipart(rep) == [b"req", b"%d" % i]
        rep.send(b"rep %d" % i)
        assert recv_multipart(req) == [b"rep %d" % i]


def test_zl_req_py_rep(link):
    req, rep = link("REQ", "REP")
    exchange_req_rep(req, rep)


def test_py_req_zl_rep(link):
    rep, req = link("REP", "REQ")
    exchange_req_rep(req, rep)


def stream(push, pull, n=500):
    msgs = [b"message %d" % i for i in range(n)]
    for m in msgs:
        push.send(m)
    assert [recv(pull) for _ in msgs] == msgs
    assert_no_message(pull, 50)


def test_zl_push_py_pull(link):
    push, pull = link("PUSH", "PULL")
    stream(push, pull)


def test_py_push_zl_pull(link):
    pull, push = link("PULL", "PUSH")
    stream(push, pull)


def test_pair_both_ways(link):
    mine, theirs = link("PAIR", "PAIR")
    for i in range(20):
        mine.send(b"zl %d" % i)
        theirs.send(b"py %d" % i)
    assert [recv(theirs) for _ in range(20)] == [b"zl %d" % i for i in range(20)]
    assert [recv(mine) for _ in range(20)] == [b"py %d" % i for i in range(20)]


MULTIPART = [b"", b"a", b"", b"b" * 255, b"c" * 256, b"d" * 70000, b""]


def test_multipart_zl_to_py(link):
    push, pull = link("PUSH", "PULL")
    push.send_multipart(MULTIPART)
    push.send_multipart([b"after"])
    assert recv_multipart(pull) == MULTIPART
    assert recv_multipart(pull) == [b"after"]


def test_multipart_py_to_zl(link):
    pull, push = link("PULL", "PUSH")
    push.send_multipart(MULTIPART)
    push.send_multipart([b"after"])
    assert recv_multipart(pull) == MULTIPART
    assert recv_multipart(pull) == [b"after"]


# Sizes on both sides of where the engine stops copying bodies into its write
# buffer and writes them from their own frames (2 KiB over ipc, 8 KiB over tcp).
MIXED_SIZES = [0, 1, 100, 2047, 2048, 2049, 4095, 4096, 8192, 8193, 20000, 70000]


def mixed_stream():
    """About 6 MB of single-frame and multipart messages of mixed sizes, each
    body distinct (its index in every 4-byte word) so that a misplaced piece shows."""
    msgs = []
    for i in range(600):
        size = MIXED_SIZES[i % len(MIXED_SIZES)]
        body = (i.to_bytes(4, "big") * (size // 4 + 1))[:size]
        msgs.append([body, body[::-1]] if i % 7 == 3 else [body])
    return msgs


def send_then_drain(push, pull):
    """Queues everything before the receiver reads: with the receiver at
    RCVHWM 2 the kernel buffers fill and the sender writes partly, many times."""
    msgs = mixed_stream()
    for m in msgs:
        push.send_multipart(m)
    got = [recv_multipart(pull) for _ in msgs]
    assert len(got) == len(msgs)
    for i, (g, m) in enumerate(zip(got, msgs)):
        assert g == m, "message %d differs" % i
    assert_no_message(pull, 50)


def test_zl_push_py_pull_mixed_sizes_backpressure(link):
    push, pull = link("PUSH", "PULL", {"SNDHWM": 0}, {"RCVHWM": 2})
    send_then_drain(push, pull)


def test_py_push_zl_pull_mixed_sizes_backpressure(link):
    pull, push = link("PULL", "PUSH", {"RCVHWM": 2}, {"SNDHWM": 0})
    send_then_drain(push, pull)


@pytest.mark.parametrize("size", SIZES)
def test_message_sizes(link, size):
    """Sizes around the short/long frame boundary (255/256) and large bodies,
    each direction over one PAIR link; the body pattern catches reordering."""
    mine, theirs = link("PAIR", "PAIR")
    body = bytes(i % 251 for i in range(size))
    mine.send(body)
    got = recv(theirs)
    assert len(got) == size and got == body
    theirs.send(body[::-1])
    got = recv(mine)
    assert len(got) == size and got == body[::-1]
