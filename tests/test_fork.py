"""fork(): a child gets a fresh ``Context.instance()``; what it inherited is refused.

A forked child has none of its parent's threads, so a context (and every socket)
made before fork() has no I/O thread there. zmqlite refuses to use them with
ZMQError(ENOTSUP) and a message saying what to do, instead of a socket that
binds and queues but never moves a byte; ``close()``/``term()`` of inherited
objects are no-ops, so the child can drop them and exit cleanly. pyzmq leaves
such use undefined, so those tests are zmqlite-only.

Each check runs in a forked child that reports through its exit status (and a
pipe for the failure text); the parent waits a bounded time and kills it.
"""

import errno
import os
import signal
import sys
import time
import traceback

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

#: how long a child may take (seconds)
CHILD_TIMEOUT = 10.0


def run_in_child(body, timeout=CHILD_TIMEOUT):
    """Run ``body()`` in a forked child; fail the test if it raises, hangs or crashes."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 3
        try:
            os.close(rfd)
            body()
            code = 0
        except AssertionError:
            code = 1
            os.write(wfd, traceback.format_exc().encode())
        except BaseException:
            code = 2
            os.write(wfd, traceback.format_exc().encode())
        finally:
            os._exit(code)
    os.close(wfd)
    deadline = time.monotonic() + timeout
    status = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(rfd)
            raise AssertionError(f"forked child still running after {timeout} s")
        else:
            time.sleep(0.01)
    with os.fdopen(rfd, "rb") as r:
        report = r.read().decode("utf-8", "replace")
    assert os.WIFEXITED(status), f"child died: status {status:#x}"
    assert os.WEXITSTATUS(status) == 0, f"child failed:\n{report}"


def _exchange_over_tcp(zl, ctx):
    """A PAIR round trip over tcp in ``ctx``: proves its I/O thread runs."""
    a = ctx.socket(zl.PAIR)
    b = ctx.socket(zl.PAIR)
    try:
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
        b.send(b"ping")
        assert a.poll(5000), "no message over tcp"
        assert a.recv() == b"ping"
    finally:
        a.close(linger=0)
        b.close(linger=0)


def test_instance_is_fresh_in_child(zl):
    parent = zl.Context.instance()
    assert zl.Context.instance() is parent

    def child():
        mine = zl.Context.instance()
        assert mine is not parent, "the child got the parent's shared context"
        assert zl.Context.instance() is mine, "instance() is not stable in the child"
        _exchange_over_tcp(zl, mine)
        mine.destroy(linger=0)

    run_in_child(child)
    # the parent's shared context is untouched by the child's
    assert zl.Context.instance() is parent
    assert not parent.closed
    _exchange_over_tcp(zl, parent)


def test_new_context_works_in_child(zl, ctx):
    sock = ctx.socket(zl.PUSH)  # inherited by the child, not used there

    def child():
        fresh = zl.Context()
        _exchange_over_tcp(zl, fresh)
        fresh.term()

    run_in_child(child)
    assert not sock.closed


def test_child_can_drop_inherited_objects(zl, ctx):
    """close() and term() of a parent's socket/context return at once in the child
    (term() must not wait for the parent's sockets), and the child exits cleanly."""
    sock = ctx.socket(zl.PULL)
    sock.bind("tcp://127.0.0.1:*")

    def child():
        sock.close()
        ctx.term()

    run_in_child(child)
    # the parent's socket still works
    assert not sock.closed
    assert sock.poll(10) == 0


def _assert_fork_error(call):
    try:
        call()
    except Exception as exc:  # ZMQError of zmqlite
        assert getattr(exc, "errno", None) == errno.ENOTSUP, f"{exc!r}"
        assert "fork" in str(exc), f"message does not mention fork(): {exc}"
    else:
        raise AssertionError("no error")


@pytest.mark.zmqlite_only(reason="pyzmq leaves use of a socket across fork() undefined")
def test_inherited_socket_is_refused(zl, ctx):
    push = ctx.socket(zl.PUSH)
    pull = ctx.socket(zl.PULL)
    addr = "inproc://fork-test"
    pull.bind(addr)
    push.connect(addr)

    def child():
        _assert_fork_error(lambda: push.send(b"x", zl.NOBLOCK))
        _assert_fork_error(lambda: pull.recv(zl.NOBLOCK))
        _assert_fork_error(lambda: pull.recv_multipart())
        _assert_fork_error(lambda: push.send_multipart([b"a", b"b"]))
        _assert_fork_error(lambda: push.bind("tcp://127.0.0.1:*"))
        _assert_fork_error(lambda: push.connect("tcp://127.0.0.1:1"))
        _assert_fork_error(lambda: push.getsockopt(zl.LINGER))
        _assert_fork_error(lambda: push.setsockopt(zl.LINGER, 0))
        _assert_fork_error(lambda: pull.poll(0))

    run_in_child(child)
    # the parent's pair is unaffected
    push.send(b"after fork")
    assert pull.poll(5000)
    assert pull.recv() == b"after fork"


@pytest.mark.zmqlite_only(reason="pyzmq makes a socket that never moves data over tcp")
def test_inherited_context_refuses_new_sockets(zl, ctx):
    def child():
        _assert_fork_error(lambda: ctx.socket(zl.PAIR))
        _assert_fork_error(lambda: zl.Socket(ctx, zl.PAIR))

    run_in_child(child)
    ctx.socket(zl.PAIR).close()  # the parent still can


@pytest.mark.zmqlite_only(reason="pyzmq leaves use of a socket across fork() undefined")
def test_inherited_poller_is_refused(zl, ctx):
    pull = ctx.socket(zl.PULL)
    pull.bind("inproc://fork-poll")
    poller = zl.Poller()
    poller.register(pull, zl.POLLIN)

    def child():
        _assert_fork_error(lambda: poller.poll(0))

    run_in_child(child)
    assert poller.poll(0) == []


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))


@pytest.mark.timeout(120)
def test_children_of_a_busy_process_do_not_deadlock(zl, ctx):
    """fork() while the parent streams 4 KiB messages (its threads and I/O
    thread take the process-wide frame locks all the time): each child makes
    a new Context and moves 4 KiB. A lock held by a parent thread at fork
    time once stayed locked in the child, and 1-5 children in 300-400 hung."""
    import threading

    push = ctx.socket(zl.PUSH)
    pull = ctx.socket(zl.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push.connect(f"tcp://127.0.0.1:{port}")
    stop = threading.Event()
    payload = b"p" * 4096

    push.sndtimeo = pull.rcvtimeo = 100
    moved = [0]

    def pump_out():
        while not stop.is_set():
            try:
                push.send(payload)
            except zl.Again:
                pass

    def pump_in():
        while not stop.is_set():
            try:
                pull.recv()
                moved[0] += 1
            except zl.Again:
                pass

    threads = [threading.Thread(target=f, daemon=True) for f in (pump_out, pump_in)]
    for t in threads:
        t.start()
    pids = []
    try:
        for _ in range(300):
            pid = os.fork()
            if pid == 0:  # child: a fresh context moving 4 KiB, then exit
                code = 1
                try:
                    c = zl.Context()
                    a, b = c.socket(zl.PAIR), c.socket(zl.PAIR)
                    a.bind("inproc://child")
                    b.connect("inproc://child")
                    b.send(b"c" * 4096)
                    code = 0 if a.recv() == b"c" * 4096 else 1
                    a.close(linger=0)
                    b.close(linger=0)
                    c.term()
                finally:
                    os._exit(code)
            pids.append(pid)
            if len(pids) >= 8:  # a few alive at once, not hundreds
                _reap(pids.pop(0))
        while pids:
            _reap(pids.pop(0))
        assert moved[0] > 0, "the parent was not streaming while it forked"
    finally:
        stop.set()
        for t in threads:
            t.join(5)
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _reap(pid, timeout=CHILD_TIMEOUT):
    """Waits for a child of the busy-parent test; a hung one fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child status {status:#x}"
            return
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError("a forked child hung (deadlocked on a lock held at fork time?)")
        time.sleep(0.002)


@pytest.mark.zmqlite_only(reason="pins zmqlite's Context._instance_lock")
def test_instance_works_in_a_child_forked_while_another_thread_made_it(zl):
    """A thread inside Context.instance() at fork() time held its lock; the
    child (which has no such thread) must still get its own instance."""
    lock = zl.Context._instance_lock
    with lock:  # as another thread inside instance() would hold it

        def child():
            _exchange_over_tcp(zl, zl.Context.instance())
            zl.Context.instance().destroy(linger=0)

        run_in_child(child)
