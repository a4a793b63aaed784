"""The seed articles' scripts, run as their authors ran them: one process per terminal.

Each script in ``scripts/`` is an article's program adapted as little as
possible: Python 2 syntax made Python 3, the port passed on the command line,
endless loops bounded by a count (or, for publishers and the pipeline's
workers, ended by the test), ``time.sleep(1)`` shortened. Their first lines pick
the implementation: ``import zmqlite as zmq``, or pyzmq under
``ZMQLITE_TEST_IMPL=pyzmq`` (which validates the expected outputs).

The assertions are on the lines the scripts print; where an article's program
prints random data (weather, soccer events, timestamps) the line's shape is
checked instead. Every wait is bounded and every child is killed at teardown.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import free_tcp_endpoint, port_of

SCRIPTS = Path(__file__).parent / "scripts"
REPO = Path(__file__).resolve().parents[2]
IMPL = os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower()

#: how long one script may take to finish its bounded work (seconds)
WAIT = 20.0

pytestmark = pytest.mark.timeout(90)


def free_port():
    return str(port_of(free_tcp_endpoint()))


class Child:
    """One script running in its own process, its output going to a file."""

    def __init__(self, script, args, tmp_path, n):
        self.name = script
        self.out_path = tmp_path / f"{n:02d}-{script}.out"
        self.err_path = tmp_path / f"{n:02d}-{script}.err"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO), env.get("PYTHONPATH", "")) if p
        )
        env["ZMQLITE_TEST_IMPL"] = IMPL
        env["PYTHONIOENCODING"] = "utf-8"
        env["PYTHONUNBUFFERED"] = "1"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            # files, not pipes: a chatty publisher must never block on a full pipe
            self.proc = subprocess.Popen(
                [sys.executable, str(SCRIPTS / script), *map(str, args)],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=str(SCRIPTS),
            )

    def lines(self):
        return self.out_path.read_text("utf-8").splitlines()

    def stderr(self):
        return self.err_path.read_text("utf-8", "replace")

    def finish(self, timeout=WAIT):
        """Wait for a bounded script to exit 0; return its output lines."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"{self.name} did not finish within {timeout} s; "
                f"stdout={self.lines()!r} stderr={self.stderr()!r}"
            ) from None
        assert rc == 0, f"{self.name} exited {rc}: {self.stderr()}"
        return self.lines()

    def stop(self):
        """End an endless script (a publisher, a worker); return its output lines."""
        self.kill()
        return self.lines()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


@pytest.fixture
def run(tmp_path):
    """``run(script, *args)`` starts a script; all still running are killed at teardown."""
    children = []

    def start(script, *args):
        child = Child(script, args, tmp_path, len(children))
        children.append(child)
        return child

    yield start
    for child in children:
        child.kill()


def wait_for_line(child, count=1, timeout=WAIT):
    """Wait until ``child`` printed ``count`` lines (e.g. a "Connecting..." banner)."""
    deadline = time.monotonic() + timeout
    while len(child.lines()) < count:
        if child.proc.poll() is not None and len(child.lines()) < count:
            raise AssertionError(f"{child.name} exited early: {child.stderr()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{child.name} printed {child.lines()!r} after {timeout} s")
        time.sleep(0.02)


# -- 000: hello world, REQ/REP -------------------------------------------------------


@pytest.mark.parametrize("first", ["server", "client"])
def test_000_hello_world(run, first):
    """Two requests, two 'World' replies; "谁都可以先启动" (either may start first)."""
    port = free_port()
    if first == "server":
        server = run("a000_server.py", port, 2)
        client = run("a000_client.py", port)
    else:
        client = run("a000_client.py", port)
        time.sleep(0.3)  # the client is connecting (and retrying) before the bind
        server = run("a000_server.py", port, 2)
    assert client.finish() == ["b'World'", "b'World'"]
    assert server.finish() == []


# -- 001: REQ/REP, PUB/SUB weather, PUSH/PULL pipeline, simple PUSH/PULL and PUB/SUB ----


def test_001_reqrep_client_started_first(run):
    """The article starts client.py first: it waits until server.py binds."""
    port = free_port()
    client = run("a001_client.py", port)
    wait_for_line(client)
    server = run("a001_server.py", port, 1)
    assert client.finish() == ["Connecting to hello world server…", "Received reply [ b'World' ]"]
    assert server.finish() == ["Received request: b'Hello'"]


def test_001_reqrep_several_clients(run):
    """"多运行几个client.py": one server answers every client."""
    port = free_port()
    server = run("a001_server.py", port, 3)
    clients = [run("a001_client.py", port) for _ in range(3)]
    for client in clients:
        assert client.finish() == [
            "Connecting to hello world server…",
            "Received reply [ b'World' ]",
        ]
    assert server.finish() == ["Received request: b'Hello'"] * 3


def test_001_weather_pubsub(run):
    """The subscriber sees only zipcode 10001 (filtered by the publisher) and averages 5."""
    port = free_port()
    publisher = run("a001_weather_pub.py", port, 60)
    subscriber = run("a001_weather_sub.py", port)
    lines = subscriber.finish(timeout=45)
    publisher.stop()
    assert len(lines) == 2, lines
    assert lines[0] == "Collecting updates from weather server..."
    match = re.fullmatch(r"Average temperature for zipcode '10001' was (-?\d+)F", lines[1])
    assert match, lines[1]
    assert -80 <= int(match.group(1)) < 135


def test_001_pipeline_ventilator_workers_sink(run):
    """sink, two workers, ventilator (the article's order): every task reaches the sink
    through one worker or the other, and both workers get tasks (load balancing)."""
    tasks, tasks_port, results_port = 8, free_port(), free_port()
    sink = run("a001_sink.py", results_port, tasks)
    workers = [run("a001_worker.py", tasks_port, results_port) for _ in range(2)]
    ventilator = run("a001_ventilator.py", tasks_port, tasks)
    assert ventilator.finish() == ["已发送"] * tasks
    assert sink.finish() == ["response: b'test'"] * tasks
    outputs = [worker.stop() for worker in workers]
    for out in outputs:
        assert set(out) <= {"work1 正在转发..."}, out
    assert sum(len(out) for out in outputs) == tasks
    assert all(outputs), f"a worker got no task: {outputs!r}"


@pytest.mark.parametrize("first", ["pull", "push"])
def test_001_push_pull_once(run, first):
    """The smallest program pair: one message from a PUSH that exits right after send()."""
    port = free_port()
    if first == "pull":
        puller = run("a001_pull_once.py", port)
        pusher = run("a001_push_once.py", port)
    else:
        pusher = run("a001_push_once.py", port)
        time.sleep(0.3)
        puller = run("a001_pull_once.py", port)
    assert puller.finish() == ["b'Hello World'"]
    assert pusher.finish() == []


def test_001_simple_pubsub(run):
    """SUBSCRIBE b"" receives everything published after it joined."""
    port = free_port()
    publisher = run("a001_simple_pub.py", port, 150)
    subscriber = run("a001_simple_sub.py", port, 3)
    assert subscriber.finish() == ["b'A new message from publisher!'"] * 3
    publisher.stop()


# -- 002: the PHP hello world, in Python ----------------------------------------------


def test_002_hello_world_ten_requests(run):
    port = free_port()
    client = run("a002_hwclient.py", port)
    server = run("a002_hwserver.py", port, 10)
    expected = ["Connecting to hello world server..."]
    for i in range(10):
        expected += [f"Sending request {i}...", f"Received reply {i}: [World]"]
    assert client.finish() == expected
    assert server.finish() == ["Received request: [Hello]"] * 10


# -- 003: SUB -> Poller -> PUB + PUSH relay -------------------------------------------


def test_003_poller_relay(run):
    """A PUB client feeds the server's SUB; the server's poll loop relays each message to
    its PUB (a SUB client prints it whole) and its PUSH (a PULL client prints the part
    after the first space)."""
    sub_port, pub_port, push_port = free_port(), free_port(), free_port()
    server = run("a003_server.py", sub_port, pub_port, push_port, 10_000)
    puller = run("a003_client.py", "pull", push_port, 3)
    subscriber = run("a003_client.py", "sub", pub_port, 3)
    time.sleep(0.5)  # both clients connected: the relay drops what nobody takes
    publisher = run("a003_client.py", "pub", sub_port, 200)
    pulled = puller.finish(timeout=30)
    received = subscriber.finish(timeout=30)
    sent = publisher.stop()
    server.stop()
    sent_msgs = set()
    for line in sent:
        match = re.fullmatch(r"sending (abc hello\d+\.\d+)", line)
        assert match, line
        sent_msgs.add(match.group(1))
    assert len(pulled) == 3
    for line in pulled:
        match = re.fullmatch(r"Got:  b'(hello\d+\.\d+)'", line)
        assert match, line
        assert "abc " + match.group(1) in sent_msgs
    assert len(received) == 3
    for line in received:
        match = re.fullmatch(r"Got: b'(abc hello\d+\.\d+)'", line)
        assert match, line
        assert match.group(1) in sent_msgs


# -- 004: REQ over two REP servers, soccer PUB/SUB, PAIR ------------------------------


def test_004_req_round_robin_over_two_servers(run):
    """"each server only has to handle 5 requests": even ones to the first connect."""
    port1, port2 = free_port(), free_port()
    server1 = run("a004_echo_server.py", port1, 5)
    server2 = run("a004_echo_server.py", port2, 5)
    client = run("a004_echo_client.py", port1, port2)
    assert client.finish() == [f"Sending msg {i}" for i in range(10)]
    assert server1.finish() == [f"Got msg {i}" for i in range(0, 10, 2)]
    assert server2.finish() == [f"Got msg {i}" for i in range(1, 10, 2)]


def test_004_soccer_pubsub(run):
    """The subscriber only sees the countries it subscribed to."""
    port = free_port()
    publisher = run("a004_soccer_pub.py", port, 60)
    subscriber = run("a004_soccer_sub.py", port, 10)
    lines = subscriber.finish()
    published = publisher.stop()
    assert len(lines) == 10
    event = r"(yellow card|red card|goal|corner|foul)"
    for line in lines:
        assert re.fullmatch(rf"(netherlands|germany) {event}", line), line
    assert published, "the publisher printed nothing"
    for line in published[:-1]:  # the last may be cut by the kill
        assert re.fullmatch(rf"-> (netherlands|brazil|germany|portugal) {event}", line), line


@pytest.mark.parametrize("first", ["bind", "connect"])
def test_004_pair(run, first):
    port = free_port()
    if first == "bind":
        binder = run("a004_pair_bind.py", port)
        connecter = run("a004_pair_connect.py", port)
    else:
        connecter = run("a004_pair_connect.py", port)
        time.sleep(0.3)
        binder = run("a004_pair_bind.py", port)
    assert connecter.finish() == ["b'pong'"]
    assert binder.finish() == ["b'ping'", "b'bye'"]
