"""Request-reply brokers from the ZeroMQ guide, end to end.

1. A ROUTER/DEALER broker (``zmq.proxy``) with REQ clients and REP workers,
   each a separate process (``tests/scripts/broker_peer.py``), some on the
   implementation under test and some on pyzmq, the broker on one then the
   other: every client must get the reply to each of its requests, in order,
   from one of the workers.
2. The guide's load-balancing broker (lbbroker: ROUTER frontend, ROUTER
   backend, workers announce READY) in one process, with threads.

Every child process and thread is bounded in time and killed or joined at
teardown.
"""

import json
import os
import select
import subprocess
import sys
import threading
import time

import pytest

from conftest import IS_PYZMQ

pytestmark = pytest.mark.timeout(90)

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "broker_peer.py")
WAIT_S = 20.0
#: a worker's own time limit, longer than any test needs
WORKER_SECONDS = 60


def module_names(zl):
    """The child's module for the implementation under test, and pyzmq's."""
    return ("zmq" if IS_PYZMQ else "zmqlite"), "zmq"


def child_env(zl):
    """The environment for a child: it must import the same zmqlite as we do."""
    env = dict(os.environ)
    if not IS_PYZMQ:
        root = os.path.dirname(os.path.dirname(os.path.abspath(zl.__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


@pytest.fixture
def spawn(zl):
    """Factory: ``spawn(module, role, *args)`` -> a running child Popen.

    Every child is killed (if still running) and reaped at teardown.
    """
    procs = []
    env = child_env(zl)

    def start(module, role, *args):
        proc = subprocess.Popen(
            [sys.executable, SCRIPT, module, role, *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a kill that did not take
            pass
        for stream in (proc.stdout, proc.stderr):
            stream.close()


def read_line(proc, timeout=WAIT_S):
    """The child's first stdout line, waiting at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = proc.stdout.fileno()
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None and not select.select([fd], [], [], 0)[0]:
            err = proc.stderr.read() if proc.poll() is not None else b""
            raise AssertionError(f"no line from child within {timeout} s: {data!r} {err!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                continue
            data += chunk
    return data.decode().strip()


def finish(proc, timeout=WAIT_S):
    """Wait (bounded) for a child to exit 0; return its stdout."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(5)
        raise AssertionError(f"child did not finish in {timeout} s: {err.decode()!r}")
    assert proc.returncode == 0, f"child exited {proc.returncode}: {err.decode()!r}"
    return out.decode()


def broker_addresses(transport, endpoint):
    if transport == "tcp":
        return "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"
    return endpoint(transport), endpoint(transport)


@pytest.mark.parametrize("broker_side", ["under-test", "pyzmq"])
def test_proxy_broker_with_mixed_client_and_worker_processes(
    zl, spawn, endpoint, wire_transport, broker_side
):
    """Guide "Shared Queue (DEALER and ROUTER sockets)": rrbroker with the
    clients and workers in their own processes, mixing implementations on
    the wire.  Replies come back to the right REQ, in request order."""
    ours, pyzmq_name = module_names(zl)
    broker_module = ours if broker_side == "under-test" else pyzmq_name
    front, back = broker_addresses(wire_transport, endpoint)
    broker = spawn(broker_module, "broker", front, back)
    front, back = read_line(broker).split()

    workers = {"w-ours-1": ours, "w-ours-2": ours, "w-py-1": pyzmq_name}
    for name, module in workers.items():
        spawn(module, "worker", name, back, WORKER_SECONDS)
    count = 10
    clients = {"c-ours-1": ours, "c-ours-2": ours, "c-py-1": pyzmq_name, "c-py-2": pyzmq_name}
    procs = {name: spawn(module, "client", name, front, count) for name, module in clients.items()}

    answered_by = set()
    for name, proc in procs.items():
        out = json.loads(finish(proc))
        assert out["module"] == clients[name], out
        replies = out["replies"]
        assert len(replies) == count, (name, replies)
        for i, reply in enumerate(replies):
            request, sep, worker = reply.partition(" by ")
            assert (request, sep) == (f"{name}-{i}", " by "), (name, replies)
            assert worker in workers, reply
            answered_by.add(worker)
    assert answered_by  # and the broker is still serving
    assert broker.poll() is None


# --- the load-balancing broker, with threads ------------------------------------------


def lb_worker(zl, ctx, addr, name, stop, served):
    """Guide lbworker: REQ announcing READY, then answering each request."""
    sock = ctx.socket(zl.REQ)
    sock.setsockopt(zl.ROUTING_ID, name)
    sock.connect(addr)
    try:
        sock.send(b"READY")
        while not stop.is_set():
            if not sock.poll(50, zl.POLLIN):
                continue
            client, empty, request = sock.recv_multipart()
            assert empty == b""
            served.append((name, request))
            sock.send_multipart([client, b"", request + b" by " + name])
    finally:
        sock.close(linger=0)


def lb_client(zl, ctx, addr, name, count, results):
    sock = ctx.socket(zl.REQ)
    sock.setsockopt(zl.ROUTING_ID, name)
    sock.connect(addr)
    replies = []
    try:
        for i in range(count):
            sock.send(name + b"-%d" % i)
            if not sock.poll(int(WAIT_S * 1000), zl.POLLIN):
                break
            replies.append(sock.recv())
    finally:
        results[name] = replies
        sock.close(linger=0)


def lb_broker(zl, ctx, front, back, n_workers, stop, errors):
    """Guide lbbroker: frontend polled only while a worker is free; the
    least recently used worker gets the next request.  It starts taking
    requests once all ``n_workers`` have said READY, so the first ones go to
    distinct workers."""
    try:
        free = []
        seen = set()
        poller_back = zl.Poller()
        poller_back.register(back, zl.POLLIN)
        poller_both = zl.Poller()
        poller_both.register(back, zl.POLLIN)
        poller_both.register(front, zl.POLLIN)
        while not stop.is_set():
            serving = len(seen) == n_workers and free
            ready = dict((poller_both if serving else poller_back).poll(50))
            if back in ready:
                worker, empty, client, *rest = back.recv_multipart()
                assert empty == b""
                seen.add(worker)
                free.append(worker)
                if client != b"READY":
                    assert rest[0] == b""
                    front.send_multipart([client, b"", rest[1]])
            if front in ready:
                client, empty, request = front.recv_multipart()
                assert empty == b""
                back.send_multipart([free.pop(0), b"", client, b"", request])
    except BaseException as exc:
        errors.append(exc)
    finally:
        front.close(linger=0)
        back.close(linger=0)


def test_load_balancing_broker_threads(zl, ctx, endpoint, transport, bound):
    front = ctx.socket(zl.ROUTER)
    back = ctx.socket(zl.ROUTER)
    front_addr = bound(front, endpoint(transport))
    back_addr = bound(back, endpoint(transport))
    stop = threading.Event()
    errors, served, results = [], [], {}
    worker_names = [b"worker-%d" % i for i in range(3)]
    client_names = [b"client-%d" % i for i in range(4)]
    count = 8

    threads = [threading.Thread(target=lb_broker,
                                args=(zl, ctx, front, back, len(worker_names), stop, errors))]
    threads += [threading.Thread(target=lb_worker, args=(zl, ctx, back_addr, n, stop, served))
                for n in worker_names]
    clients = [threading.Thread(target=lb_client, args=(zl, ctx, front_addr, n, count, results))
               for n in client_names]
    for t in threads + clients:
        t.daemon = True
        t.start()
    try:
        for t in clients:
            t.join(WAIT_S)
            assert not t.is_alive(), "a client is stuck"
    finally:
        stop.set()
        for t in threads:
            t.join(WAIT_S)
    assert not any(t.is_alive() for t in threads), "broker or worker did not stop"
    assert not errors, errors

    by_request = dict((req, name) for name, req in served)
    assert len(served) == len(by_request) == len(client_names) * count
    for name in client_names:
        expected = [name + b"-%d" % i + b" by " + by_request[name + b"-%d" % i]
                    for i in range(count)]
        assert results[name] == expected
    # every worker was READY before the first request: LRU gives each one work
    assert {w for w, _ in served} == set(worker_names)
