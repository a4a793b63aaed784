"""Shared fixtures for the zmqlite test suite.

The implementation under test is called ``zl`` everywhere.  By default it is
``zmqlite``; with ``ZMQLITE_TEST_IMPL=pyzmq`` it is pyzmq itself.  Because zmqlite
promises to be a drop-in for pyzmq, every socket-level test is written against
the pyzmq API, so running the suite on pyzmq validates the tests before the
engine exists (and keeps them honest afterwards: a test that fails on pyzmq is
testing our invention, not ZeroMQ behaviour).

Tests that need zmqlite internals (the codec helpers in ``zmqlite._core``) or
that pin a behaviour where zmqlite deliberately differs from libzmq carry
``@pytest.mark.zmqlite_only(reason=...)`` and are skipped under the switch.

Interop tests use ``zl`` against ``pyzmq`` (``import zmq``); under the switch
they degenerate to pyzmq<->pyzmq, which still validates them.
"""

import itertools
import os
import tempfile
import uuid

import pytest
import zmq as pyzmq

from helpers import RawListener, destroy_with_timeout, raw_connect, raw_handshake

IMPL = os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower()
if IMPL == "pyzmq":
    zl = pyzmq
elif IMPL == "zmqlite":
    import zmqlite as zl  # a failure here means the package/extension is not built
else:  # a typo must not silently test the wrong thing
    raise RuntimeError(f"ZMQLITE_TEST_IMPL must be 'zmqlite' or 'pyzmq', not {IMPL!r}")

IS_PYZMQ = zl is pyzmq

#: every transport a socket pattern is checked on
TRANSPORTS = ("tcp", "ipc", "inproc")
#: transports that cross a process boundary (and so speak ZMTP on the wire)
WIRE_TRANSPORTS = ("tcp", "ipc")

#: default per-test limit when a test does not set its own
DEFAULT_TIMEOUT = 60

# sun_path is 108 bytes on Linux (104 on macOS); keep well under it
_IPC_PATH_MAX = 100
_counter = itertools.count()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "zmqlite_only(reason): needs zmqlite internals or pins zmqlite-specific "
        "behaviour; skipped when ZMQLITE_TEST_IMPL=pyzmq",
    )
    config.addinivalue_line("markers", "timeout(seconds): pytest-timeout limit")


def pytest_report_header(config):
    return f"zmqlite tests: implementation under test = {zl.__name__} ({IMPL})"


#: set by tests/sanitizers/run: the build under test has a sanitizer preloaded
SANITIZER = os.environ.get("ZMQLITE_SANITIZER", "")


def _sanitizer_skip_reason(item):
    """Tests a sanitized run leaves out, and why (None: run it)."""
    if not SANITIZER:
        return None
    import inspect

    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError):
        source = ""
    if SANITIZER == "address":
        if "rss_bytes" in source:
            return "ASan keeps freed memory resident (its quarantine): no bound on RSS holds"
        return None
    # libzmq is not built with TSAN: its lock-free queues are reported (suppressed) at a
    # cost that stalls its I/O thread for seconds on large messages
    if {"pyctx", "link"} & set(item.fixturenames) or "pyzmq.Context" in source:
        return "uses libzmq in this process (not built with TSAN)"
    # TSAN does not follow a child made by fork(); a child process is not ours to judge
    if "fork" in item.nodeid or "Process" in source or "subprocess" in source:
        return "forks or runs a child process"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        reason = _sanitizer_skip_reason(item)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"{SANITIZER} sanitizer: {reason}"))
        # every test is bounded in time even if pyproject's timeout is missing
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(DEFAULT_TIMEOUT))
        if IS_PYZMQ:
            marker = item.get_closest_marker("zmqlite_only")
            if marker is not None:
                reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
                item.add_marker(pytest.mark.skip(reason=f"zmqlite only: {reason}"))


@pytest.fixture(name="zl")
def zl_fixture():
    """The implementation under test (zmqlite, or pyzmq under the switch)."""
    return zl


def _keeping_context_class(base):
    """A ``base`` Context subclass that keeps every socket it makes alive.

    A socket the test dropped would otherwise be garbage collected and closed
    with the default LINGER (-1); with messages still queued for an absent
    peer that makes ``term()`` wait forever.  Kept alive, teardown closes it
    with linger 0 like every other socket.
    """

    class KeepingContext(base):
        _test_sockets = None  # declared on the class so pyzmq's setattr allows it

        def socket(self, *args, **kwargs):
            sock = super().socket(*args, **kwargs)
            if self._test_sockets is None:
                self._test_sockets = []
            self._test_sockets.append(sock)
            return sock

    KeepingContext.__name__ = KeepingContext.__qualname__ = f"Keeping{base.__name__}"
    return KeepingContext


_ZlContext = _keeping_context_class(zl.Context)
_PyContext = _keeping_context_class(pyzmq.Context)


def _close_and_destroy(context):
    for sock in context._test_sockets or ():
        if not sock.closed:
            sock.close(linger=0)
    destroy_with_timeout(context)


@pytest.fixture
def ctx():
    """A context of the implementation under test, destroyed at teardown.

    Every socket it made is closed with linger 0 first, then the context is
    terminated under a timeout (a hang fails the test instead of CI).
    """
    context = _ZlContext()
    yield context
    _close_and_destroy(context)


@pytest.fixture
def pyctx():
    """A real pyzmq context (the interop peer), destroyed at teardown."""
    context = _PyContext()
    yield context
    _close_and_destroy(context)


@pytest.fixture
def ipc_dir(tmp_path):
    """A directory for ipc socket files whose paths fit in sun_path."""
    if len(str(tmp_path)) + 24 < _IPC_PATH_MAX:
        yield tmp_path
        return
    # pytest's tmp_path embeds the test name and can be too long for AF_UNIX
    with tempfile.TemporaryDirectory(prefix="zl-") as short:
        yield short


@pytest.fixture
def endpoint(ipc_dir):
    """Factory: ``endpoint(transport)`` -> an address to bind.

    tcp gives a wildcard port (read the real one back with ``bound()``), ipc a
    fresh socket file in a per-test directory, inproc a unique name.
    """

    def make(transport):
        n = next(_counter)
        if transport == "tcp":
            return "tcp://127.0.0.1:*"
        if transport == "ipc":
            return f"ipc://{os.path.join(str(ipc_dir), f's{n}.ipc')}"
        if transport == "inproc":
            return f"inproc://test-{uuid.uuid4().hex}-{n}"
        raise ValueError(f"unknown transport {transport!r}")

    return make


def bound(sock, addr):
    """Bind ``sock`` to ``addr`` and return the real endpoint as ``str``.

    For ``tcp://host:*`` this is the port the kernel picked.
    """
    sock.bind(addr)
    last = sock.getsockopt(pyzmq.LAST_ENDPOINT)
    return last.decode() if isinstance(last, bytes) else last


@pytest.fixture(name="bound")
def bound_fixture():
    """``bound(sock, addr)``: bind and return the real endpoint."""
    return bound


@pytest.fixture(params=TRANSPORTS)
def transport(request):
    """Parametrize a test over tcp, ipc and inproc."""
    return request.param


@pytest.fixture(params=WIRE_TRANSPORTS)
def wire_transport(request):
    """Parametrize a test over the ZMTP transports, tcp and ipc."""
    return request.param


# --- zmqlite <-> pyzmq links (tests/interop) ---


@pytest.fixture(params=["zl_binds", "py_binds"])
def zl_binds(request):
    return request.param == "zl_binds"


@pytest.fixture
def link(zl, ctx, pyctx, endpoint, wire_transport, bound, zl_binds):
    """Factory: ``link(zl_type, py_type, zl_opts=None, py_opts=None)`` ->
    (zl_sock, py_sock), connected.  Options (name -> value) are set before
    bind/connect, as a routing id must be."""

    def make(zl_type, py_type, zl_opts=None, py_opts=None):
        mine = ctx.socket(getattr(zl, zl_type))
        theirs = pyctx.socket(getattr(pyzmq, py_type))
        for sock, mod, opts in ((mine, zl, zl_opts), (theirs, pyzmq, py_opts)):
            for name, value in (opts or {}).items():
                sock.setsockopt(getattr(mod, name), value)
        binder, connector = (mine, theirs) if zl_binds else (theirs, mine)
        connector.connect(bound(binder, endpoint(wire_transport)))
        return mine, theirs

    return make


# --- raw ZMTP peers (tests/interop) ---


@pytest.fixture
def raw_peer(zl, ctx, bound):
    """Factory: ``raw_peer(zl_type="PULL", raw_type=b"PUSH", zl_binds=True,
    setup=None, minor=1)`` -> (our socket, a raw socket that finished the NULL
    handshake with it as ZMTP 3.minor, our greeting). ``setup(sock)`` sets
    options first; RECONNECT_IVL is 10 s, so each test sees one connection."""
    opened = []

    def make(zl_type="PULL", raw_type=b"PUSH", zl_binds=True, setup=None, minor=1):
        mine = ctx.socket(getattr(zl, zl_type))
        mine.setsockopt(pyzmq.RECONNECT_IVL, 10000)
        if setup is not None:
            setup(mine)
        if zl_binds:
            raw = raw_connect(bound(mine, "tcp://127.0.0.1:*"))
        else:
            listener = RawListener()
            opened.append(listener)
            mine.connect(listener.endpoint)
            raw = listener.accept()
        opened.append(raw)
        our_greeting, ready = raw_handshake(raw, raw_type, minor=minor)
        assert ready.startswith(b"\x05READY"), ready
        return mine, raw, our_greeting

    yield make
    for thing in opened:
        thing.close()
