"""Helpers shared by the socket-level tests.

They use only the pyzmq API on the sockets they are given (and numeric
constants, which zmqlite shares with libzmq), so they work with either
implementation.  Waiting is always a poll with a timeout, never a sleep.
"""

import errno
import socket
import threading
import time

POLLIN = 1
POLLOUT = 2
NOBLOCK = 1

#: default time to wait for something that should happen (ms)
WAIT_MS = 5000


def recv(sock, timeout=WAIT_MS):
    """Receive one frame, failing the test if nothing arrives in ``timeout`` ms."""
    if not sock.poll(timeout, POLLIN):
        raise AssertionError(f"no message within {timeout} ms")
    return sock.recv(NOBLOCK)


def recv_multipart(sock, timeout=WAIT_MS):
    """Receive one whole message as a list of frames, bounded in time."""
    if not sock.poll(timeout, POLLIN):
        raise AssertionError(f"no message within {timeout} ms")
    return sock.recv_multipart(NOBLOCK)


def assert_no_message(sock, timeout=200):
    """Assert nothing is (or becomes) readable on ``sock`` within ``timeout`` ms."""
    events = sock.poll(timeout, POLLIN)
    assert not events, f"unexpected message: {sock.recv_multipart(NOBLOCK)!r}"


def connect_pair(binder, connector, addr, bound):
    """Bind ``binder`` to ``addr``, connect ``connector`` to the real endpoint."""
    real = bound(binder, addr)
    connector.connect(real)
    return real


def free_tcp_endpoint(host="127.0.0.1"):
    """A ``tcp://host:port`` whose port was free a moment ago.

    For tests that must connect before anything is bound.  Uses a plain
    socket because closing a ZeroMQ listener is asynchronous (libzmq frees the
    port on its I/O thread), so a zmq probe socket would leave it busy.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    return f"tcp://{host}:{port}"


def bind_retry(sock, addr, timeout=5.0):
    """Bind, retrying while the address is still held by a just-closed socket.

    ZeroMQ closes listeners asynchronously, so re-binding the endpoint of a
    socket closed a moment ago can fail with EADDRINUSE for a short while.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            sock.bind(addr)
            return
        except Exception as exc:  # ZMQError of either implementation
            if getattr(exc, "errno", None) != errno.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def port_of(endpoint):
    """The port number of a ``tcp://host:port`` endpoint."""
    return int(endpoint.rsplit(":", 1)[1])


def destroy_with_timeout(context, timeout=5.0):
    """Close every socket of ``context`` with linger 0 and terminate it.

    ``term()`` can hang forever when a socket is left open or a linger never
    ends; run it in a daemon thread so a hang fails the test instead of CI.
    """
    errors = []

    def run():
        try:
            context.destroy(linger=0)
        except BaseException as exc:  # reported on the test's thread below
            errors.append(exc)

    thread = threading.Thread(target=run, name="ctx-destroy", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise AssertionError(f"context.destroy(linger=0) did not return within {timeout} s")
    if errors:
        raise errors[0]



# --- raw ZMTP 3.1 bytes, built by hand so the tests do not trust our codec ---

def greeting(mechanism=b"NULL", as_server=False, major=3, minor=1):
    """A 64-byte ZMTP greeting (RFC 23/37)."""
    return (
        b"\xff" + b"\x00" * 8 + b"\x7f"
        + bytes([major, minor])
        + mechanism.ljust(20, b"\x00")
        + (b"\x01" if as_server else b"\x00")
        + b"\x00" * 31
    )


def command_frame(name, data=b""):
    """A short or long COMMAND frame carrying ``name`` + ``data``."""
    body = bytes([len(name)]) + name + data
    if len(body) < 256:
        return b"\x04" + bytes([len(body)]) + body
    return b"\x06" + len(body).to_bytes(8, "big") + body


def ready_frame(socket_type, **props):
    """A READY command with Socket-Type and optional extra properties."""
    data = _prop(b"Socket-Type", socket_type)
    for name, value in props.items():
        data += _prop(name.replace("_", "-").encode(), value)
    return command_frame(b"READY", data)


def _prop(name, value):
    return bytes([len(name)]) + name + len(value).to_bytes(4, "big") + value


def message_frame(body, more=False):
    """A data frame (short or long)."""
    flags = 1 if more else 0
    if len(body) < 256:
        return bytes([flags, len(body)]) + body
    return bytes([flags | 2]) + len(body).to_bytes(8, "big") + body


def raw_connect(endpoint, timeout=5.0):
    """A plain TCP socket connected to a ``tcp://host:port`` endpoint."""
    host_port = endpoint.split("://", 1)[1]
    host, port = host_port.rsplit(":", 1)
    raw = socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    raw.settimeout(timeout)
    return raw


def _recv_exact(raw, n, deadline):
    data = b""
    while len(data) < n:
        raw.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = raw.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"peer hung up after {data!r}")
        data += chunk
    return data


def read_frame(raw, timeout=5.0):
    """Read one ZMTP frame from ``raw``: returns (flags, body)."""
    deadline = time.monotonic() + timeout
    flags = _recv_exact(raw, 1, deadline)[0]
    if flags & 2:
        size = int.from_bytes(_recv_exact(raw, 8, deadline), "big")
    else:
        size = _recv_exact(raw, 1, deadline)[0]
    return flags, _recv_exact(raw, size, deadline)


def raw_handshake(raw, socket_type, minor=1, timeout=5.0, **props):
    """Do a NULL handshake as a raw peer; return (peer greeting, peer READY body).
    ``props`` are extra READY properties (``Identity=b"..."``).

    Data may only follow once the handshake is complete on both sides (libzmq
    drops a peer whose first data frame arrives before it sent its READY),
    so this waits for the peer's READY before returning.
    """
    raw.sendall(greeting(minor=minor) + ready_frame(socket_type, **props))
    deadline = time.monotonic() + timeout
    peer_greeting = _recv_exact(raw, 64, deadline)
    flags, body = read_frame(raw, max(0.001, deadline - time.monotonic()))
    assert flags & 4, f"expected a command, got flags {flags:#x}"
    return peer_greeting, body


def wait_closed_by_peer(raw, timeout=5.0):
    """Read from ``raw`` until the peer closes it; return True on EOF/RST.

    Returns False if the connection is still open after ``timeout`` seconds.
    Whatever the peer sends first (its greeting) is read and ignored.
    """
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        raw.settimeout(left)
        try:
            data = raw.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        if not data:
            return True


class RawListener:
    """A plain TCP listener for a zmqlite socket to connect to."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.endpoint = "tcp://127.0.0.1:%d" % self.sock.getsockname()[1]

    def accept(self, timeout=5.0):
        self.sock.settimeout(timeout)
        conn, _ = self.sock.accept()
        conn.settimeout(timeout)
        return conn

    def close(self):
        self.sock.close()


def sync_subscription(zl, pub, sub, topic, subscribe=True, only_pings=True):
    """Make ``sub``'s subscriptions so far live at ``pub`` without sleeping.

    Subscribes ``sub`` to ``topic`` (unless ``subscribe`` is False: an XSUB
    already subscribed), publishes pings on it until one arrives, then an end
    marker, and reads up to the marker; subscriptions travel in order, so every
    earlier one is live afterwards. ``pub`` may be a PUB or an XPUB (which may
    queue subscription messages for the test to read). With ``only_pings`` any
    other message before the marker fails the test. ``zl`` gives the constants.
    """
    if subscribe:
        sub.setsockopt(zl.SUBSCRIBE, topic)
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        assert time.monotonic() < deadline, "subscription never reached the publisher"
        pub.send(topic + b" ping")
        if sub.poll(20, zl.POLLIN):
            break
    end = topic + b" end"
    pub.send(end)
    while True:  # discard the pings still in flight, up to the end marker
        frames = recv_multipart(sub)
        if frames == [end]:
            return
        if only_pings:
            assert frames == [topic + b" ping"], frames
