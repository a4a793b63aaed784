"""Ctrl-C interrupts a blocking call: recv(), Poller.poll(), send() on a full PUSH.

The core waits with the GIL released, so Python's SIGINT handler only runs when
the wait returns EINTR and the core checks for signals (docs/threading.md, "fork,
signals"). Each case runs in a child process that prints ``ready`` just
before blocking; the parent sends SIGINT and expects the child to print
``KeyboardInterrupt caught`` and exit within 2 seconds.
"""

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

REPO = Path(__file__).resolve().parents[1]
IMPL = os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower()

#: the promise: a blocked call gives way to Ctrl-C this fast (seconds)
PROMPT = 2.0

PRELUDE = """
import os, sys, time
if os.environ["ZMQLITE_TEST_IMPL"] == "pyzmq":
    import zmq
else:
    import zmqlite as zmq
ctx = zmq.Context()
"""

EPILOGUE = """
try:
    print("ready", flush=True)
    time.sleep(0.05)  # a little past the print: the call below is what blocks
    block()
except KeyboardInterrupt:
    print("KeyboardInterrupt caught", flush=True)
else:
    print("returned without an interrupt", flush=True)
ctx.destroy(linger=0)
"""

CASES = {
    "recv": """
pull = ctx.socket(zmq.PULL)
pull.bind("tcp://127.0.0.1:*")
block = pull.recv
""",
    "recv_multipart": """
sub = ctx.socket(zmq.SUB)
sub.subscribe(b"")
sub.bind("tcp://127.0.0.1:*")
block = sub.recv_multipart
""",
    "poller_poll": """
pull = ctx.socket(zmq.PULL)
pull.bind("tcp://127.0.0.1:*")
poller = zmq.Poller()
poller.register(pull, zmq.POLLIN)
block = poller.poll
""",
    "socket_poll": """
rep = ctx.socket(zmq.REP)
rep.bind("tcp://127.0.0.1:*")
block = lambda: rep.poll(None)
""",
    "send_full_push": """
import socket as _socket
probe = _socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
push = ctx.socket(zmq.PUSH)
push.sndhwm = 1
push.connect("tcp://127.0.0.1:%d" % port)  # nobody listens: messages stay queued
while True:  # fill the queue up to the high-water mark
    try:
        push.send(b"x", zmq.NOBLOCK)
    except zmq.Again:
        break
block = lambda: push.send(b"x")
""",
    "send_push_no_peer": """
push = ctx.socket(zmq.PUSH)
push.bind("tcp://127.0.0.1:*")  # no peer at all: send() waits for one
block = lambda: push.send(b"x")
""",
}


def _read_line(proc, deadline):
    """One line of the child's stdout, or b"" at EOF or the deadline."""
    line = b""
    fd = proc.stdout.fileno()
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 1)
        if not chunk:
            break
        line += chunk
    return line.decode().strip()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("case", sorted(CASES))
def test_sigint_interrupts_blocking_call(case):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["ZMQLITE_TEST_IMPL"] = IMPL
    proc = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + CASES[case] + EPILOGUE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    try:
        first = _read_line(proc, time.monotonic() + 15)
        assert first == "ready", f"child did not start: {first!r} {proc.stderr.read1()!r}"
        time.sleep(0.3)  # let it enter the blocking call
        assert proc.poll() is None, "the call did not block"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(PROMPT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{case}: still blocked {PROMPT} s after SIGINT") from None
        elapsed = time.monotonic() - sent
        out = _read_line(proc, time.monotonic() + 1)
        err = proc.stderr.read().decode("utf-8", "replace")
        assert out == "KeyboardInterrupt caught", f"{case}: {out!r} stderr={err}"
        assert rc == 0, f"{case}: exit {rc} after {elapsed:.2f} s: {err}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
