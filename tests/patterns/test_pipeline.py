"""RFC 30/PIPELINE: PUSH and PULL, zmqlite on both ends, on every transport."""

import pytest

from helpers import assert_no_message, connect_pair, recv, recv_multipart

pytestmark = pytest.mark.timeout(10)


def make_poller(zl, *socks):
    poller = zl.Poller()
    for sock in socks:
        poller.register(sock, zl.POLLIN)
    return poller


def drain_until(zl, socks, total, timeout=5000):
    """Receive from ``socks`` until ``total`` messages arrived; return per-socket lists."""
    got = {sock: [] for sock in socks}
    poller = make_poller(zl, *socks)
    count = 0
    while count < total:
        events = dict(poller.poll(timeout))
        assert events, f"only {count} of {total} messages arrived"
        for sock in events:
            while sock.poll(0, zl.POLLIN):
                got[sock].append(sock.recv(zl.NOBLOCK))
                count += 1
    assert count == total
    return got


def wait_all_connected(zl, push, pulls, timeout=5000):
    """Send probes from ``push`` until every PULL has received one, then drain.

    A bound PUSH only gets a pipe to a peer when its connection completes, so
    this is the handshake round that makes round-robin deterministic.
    """
    sent = 0
    got = {pull: 0 for pull in pulls}
    poller = make_poller(zl, *pulls)
    while not all(got.values()):
        push.send(b"probe")
        sent += 1
        assert sent < 1000, "peers never all connected"
        for sock in dict(poller.poll(20)):
            while sock.poll(0, zl.POLLIN):
                assert sock.recv(zl.NOBLOCK) == b"probe"
                got[sock] += 1
    rest = drain_until(zl, pulls, sent - sum(got.values()), timeout)
    assert all(m == b"probe" for msgs in rest.values() for m in msgs)


def test_push_to_pull_in_order(zl, ctx, endpoint, transport, bound):
    """RFC 30, PULL: "SHALL not filter or modify incoming messages in any way."
    and "SHALL deliver these to its calling application." -- all, in order.
    """
    pull, push = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
    connect_pair(pull, push, endpoint(transport), bound)
    msgs = [b"msg %d" % i for i in range(200)]
    for m in msgs:
        push.send(m)
    assert [recv(pull) for _ in msgs] == msgs
    assert_no_message(pull, 50)


def test_push_binds_pull_connects(zl, ctx, endpoint, transport, bound):
    """RFC 30, PUSH: "SHALL create this queue when a peer connects to it." The
    bound side may be either end; messages still flow PUSH to PULL.
    """
    pull, push = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
    connect_pair(push, pull, endpoint(transport), bound)
    msgs = [b"m%d" % i for i in range(50)]
    for m in msgs:
        push.send(m)
    assert [recv(pull) for _ in msgs] == msgs


def test_multipart_is_atomic(zl, ctx, endpoint, transport, bound):
    """RFC 30, PUSH: "SHALL not filter or modify outgoing messages in any way."
    A multipart message arrives whole, frames in order.
    """
    pull, push = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
    connect_pair(pull, push, endpoint(transport), bound)
    push.send(b"a", zl.SNDMORE)
    push.send(b"", zl.SNDMORE)
    push.send(b"c")
    push.send_multipart([b"one"])
    push.send_multipart([b"x" * 300, b"y" * 70000, b"z"])
    assert recv_multipart(pull) == [b"a", b"", b"c"]
    assert recv_multipart(pull) == [b"one"]
    assert recv_multipart(pull) == [b"x" * 300, b"y" * 70000, b"z"]


def test_round_robin_over_connected_pulls(zl, ctx, endpoint, transport, bound):
    """RFC 30, PUSH: "SHALL create this queue when initiating an outgoing
    connection to a peer, and SHALL maintain the queue whether or not the
    connection is established." and "SHALL route outgoing messages to available
    peers using a round-robin strategy." Both queues exist from connect(), so
    the split alternates from the very first message.
    """
    pull_a, pull_b = ctx.socket(zl.PULL), ctx.socket(zl.PULL)
    push = ctx.socket(zl.PUSH)
    push.connect(bound(pull_a, endpoint(transport)))
    push.connect(bound(pull_b, endpoint(transport)))
    msgs = [b"%d" % i for i in range(100)]
    for m in msgs:
        push.send(m)
    got = drain_until(zl, [pull_a, pull_b], len(msgs))
    assert sorted([got[pull_a], got[pull_b]]) == sorted([msgs[0::2], msgs[1::2]])


def test_round_robin_over_bound_push(zl, ctx, endpoint, transport, bound):
    """RFC 30, PUSH: "SHALL route outgoing messages to available peers using a
    round-robin strategy." With the PUSH bound, once both PULLs are connected
    (probe round) each gets every other message.
    """
    push = ctx.socket(zl.PUSH)
    addr = bound(push, endpoint(transport))
    pulls = [ctx.socket(zl.PULL), ctx.socket(zl.PULL)]
    for pull in pulls:
        pull.connect(addr)
    wait_all_connected(zl, push, pulls)
    msgs = [b"%d" % i for i in range(100)]
    for m in msgs:
        push.send(m)
    got = drain_until(zl, pulls, len(msgs))
    assert sorted([got[pulls[0]], got[pulls[1]]]) == sorted([msgs[0::2], msgs[1::2]])


def test_pull_fair_queues_pushes(zl, ctx, endpoint, transport, bound):
    """RFC 30, PULL: "SHALL receive incoming messages from its peers using a
    fair-queuing strategy." Every peer is served; each peer's order is kept.
    """
    pull = ctx.socket(zl.PULL)
    addr = bound(pull, endpoint(transport))
    pushes = [ctx.socket(zl.PUSH) for _ in range(3)]
    for i, push in enumerate(pushes):
        push.connect(addr)
        for j in range(20):
            push.send(b"%d:%d" % (i, j))
    got = [recv(pull) for _ in range(60)]
    assert_no_message(pull, 50)
    for i in range(3):
        mine = [m for m in got if m.startswith(b"%d:" % i)]
        assert mine == [b"%d:%d" % (i, j) for j in range(20)]


def test_ventilator_workers_sink(zl, ctx, endpoint, transport, bound):
    """RFC 30: "one or a few nodes push work to many workers, and they in turn push
    results to one or a few collectors." Every task is done exactly once and,
    round-robin, the two workers get exactly half each.
    """
    ventilator = ctx.socket(zl.PUSH)
    sink = ctx.socket(zl.PULL)
    tasks_addr = bound(ventilator, endpoint(transport))
    results_addr = bound(sink, endpoint(transport))
    workers = []
    for _ in range(2):
        inbox, outbox = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
        inbox.connect(tasks_addr)
        outbox.connect(results_addr)
        workers.append((inbox, outbox))
    wait_all_connected(zl, ventilator, [w[0] for w in workers])

    n_tasks = 100
    for i in range(n_tasks):
        ventilator.send(b"task %d" % i)

    done = {0: [], 1: []}
    poller = make_poller(zl, *(w[0] for w in workers))
    while sum(map(len, done.values())) < n_tasks:
        events = dict(poller.poll(5000))
        assert events, "workers starved"
        for k, (inbox, outbox) in enumerate(workers):
            while inbox in events and inbox.poll(0, zl.POLLIN):
                task = inbox.recv(zl.NOBLOCK)
                done[k].append(task)
                outbox.send_multipart([b"%d" % k, task])

    results = [recv_multipart(sink) for _ in range(n_tasks)]
    assert_no_message(sink, 50)
    assert sorted(r[1] for r in results) == sorted(b"task %d" % i for i in range(n_tasks))
    assert len(done[0]) == len(done[1]) == n_tasks // 2
    for k in (0, 1):
        assert [r[1] for r in results if r[0] == b"%d" % k] == done[k]
