"""TCP tuning options act on the tcp connections as in libzmq (issue 13):
TCP_KEEPALIVE (and _CNT, _IDLE, _INTVL), TCP_MAXRT, TOS, CONNECT_TIMEOUT.

The values are read back from the OS: the test finds the sockets of this
process by their ports (/proc/self/fd, Linux) and asks the kernel with
getsockopt on a duplicate of the descriptor, for zmqlite and for pyzmq alike.
"""

import os
import socket
import sys
import time

import pytest

from helpers import recv

pytestmark = [
    pytest.mark.timeout(30),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd"),
]

TCP_USER_TIMEOUT = getattr(socket, "TCP_USER_TIMEOUT", 18)


def os_options(sock):
    out = {
        "keepalive": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
        "cnt": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
        "idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
        "intvl": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
        "user_timeout": sock.getsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT),
    }
    if sock.family == socket.AF_INET:
        out["tos"] = sock.getsockopt(socket.IPPROTO_IP, socket.IP_TOS)
    else:
        out["tos"] = sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS)
    return out


def sockets_on(port):
    """{"listener"|"accepted"|"connected": [options]} of this process's tcp
    sockets on `port`, as the kernel reports them."""
    found = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            if not os.readlink("/proc/self/fd/" + name).startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(int(name)))
        except OSError:
            continue
        with sock:
            if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            local = sock.getsockname()[1]
            try:
                peer = sock.getpeername()[1]
            except OSError:
                peer = None
            if local == port:
                kind = "listener" if peer is None else "accepted"
            elif peer == port:
                kind = "connected"
            else:
                continue
            found.setdefault(kind, []).append(os_options(sock))
    return found


def os_defaults(family=socket.AF_INET):
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        return os_options(sock)


def connected_pair(zl, ctx, host="127.0.0.1", **options):
    """A PULL bound on host and a PUSH connected to it, both with `options`,
    one message through; returns the port."""
    pull = ctx.socket(zl.PULL)
    push = ctx.socket(zl.PUSH)
    for sock in (pull, push):
        sock.ipv6 = host.startswith("[")
        for name, value in options.items():
            sock.setsockopt(getattr(zl, name), value)
    port = pull.bind_to_random_port("tcp://" + host)
    push.connect("tcp://%s:%d" % (host, port))
    push.send(b"through")
    assert recv(pull) == b"through"
    return port


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]"])
def test_keepalive_and_maxrt_on_both_connections(zl, ctx, host):
    """libzmq sets them on each connection, connected and accepted, not on the listener."""
    port = connected_pair(
        zl, ctx, host, TCP_KEEPALIVE=1, TCP_KEEPALIVE_CNT=7, TCP_KEEPALIVE_IDLE=33,
        TCP_KEEPALIVE_INTVL=11, TCP_MAXRT=4321,
    )
    found = sockets_on(port)
    for kind in ("connected", "accepted"):
        (opts,) = found[kind]
        assert (opts["keepalive"], opts["cnt"], opts["idle"], opts["intvl"], opts["user_timeout"]) == (
            1, 7, 33, 11, 4321), kind
    (listener,) = found["listener"]
    defaults = os_defaults(socket.AF_INET if host[0] != "[" else socket.AF_INET6)
    assert (listener["keepalive"], listener["cnt"], listener["user_timeout"]) == (
        defaults["keepalive"], defaults["cnt"], defaults["user_timeout"])


def test_keepalive_tunings_need_keepalive_set(zl, ctx):
    """TCP_KEEPALIVE -1 (the default) leaves the OS's settings, its tunings
    included; 0 turns keepalive off and still applies the tunings."""
    defaults = os_defaults()
    port = connected_pair(zl, ctx, TCP_KEEPALIVE_CNT=5, TCP_KEEPALIVE_IDLE=44)
    (opts,) = sockets_on(port)["connected"]
    assert (opts["keepalive"], opts["cnt"], opts["idle"]) == (defaults["keepalive"], defaults["cnt"], defaults["idle"])
    port = connected_pair(zl, ctx, TCP_KEEPALIVE=0, TCP_KEEPALIVE_CNT=5, TCP_KEEPALIVE_IDLE=44)
    (opts,) = sockets_on(port)["connected"]
    assert (opts["keepalive"], opts["cnt"], opts["idle"]) == (0, 5, 44)


def test_defaults_leave_the_os_settings(zl, ctx):
    defaults = os_defaults()
    port = connected_pair(zl, ctx)
    found = sockets_on(port)
    for kind in ("connected", "accepted"):
        (opts,) = found[kind]
        assert opts == defaults, kind


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]"])
def test_tos_on_listener_and_connections(zl, ctx, host):
    """IP_TOS (IPV6_TCLASS over IPv6) on the listener, and so on the
    connections it accepts, and on connected ones."""
    port = connected_pair(zl, ctx, host, TOS=0x28)
    found = sockets_on(port)
    for kind in ("listener", "connected", "accepted"):
        (opts,) = found[kind]
        assert opts["tos"] == 0x28, kind


def test_option_ranges_as_libzmq(zl, ctx):
    sock = ctx.socket(zl.PUSH)
    for name, bad, good in [
        ("TCP_KEEPALIVE", (-2, 2), (-1, 0, 1)),
        ("TCP_KEEPALIVE_CNT", (-2,), (-1, 0, 9)),
        ("TCP_KEEPALIVE_IDLE", (-2,), (-1, 0, 60)),
        ("TCP_KEEPALIVE_INTVL", (-2,), (-1, 0, 5)),
        ("TOS", (-1,), (0, 0x28, 256)),
        ("TCP_MAXRT", (-1,), (0, 1000)),
        ("CONNECT_TIMEOUT", (-1,), (0, 1000)),
    ]:
        option = getattr(zl, name)
        for value in bad:
            with pytest.raises(zl.ZMQError) as info:
                sock.setsockopt(option, value)
            assert info.value.errno == zl.EINVAL, (name, value)
        for value in good:
            sock.setsockopt(option, value)
            assert sock.getsockopt(option) == value, name


@pytest.fixture
def hanging_endpoint():
    """A tcp endpoint whose connects hang: its listener's backlog is full, so
    the kernel drops further SYNs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname())
    probe = socket.socket()
    probe.settimeout(0.2)
    try:
        probe.connect(listener.getsockname())
        pytest.skip("this kernel accepts past a full backlog")
    except OSError:
        pass
    finally:
        probe.close()
    yield "tcp://127.0.0.1:%d" % listener.getsockname()[1]
    filler.close()
    listener.close()


def monitor_events(zl, monitor, until):
    from_monitor = __import__(zl.__name__ + ".utils.monitor", fromlist=["recv_monitor_message"])
    got = []
    while True:
        left = int((until - time.monotonic()) * 1000)
        if left <= 0 or not monitor.poll(left):
            return got
        got.append(from_monitor.recv_monitor_message(monitor)["event"])


def test_connect_timeout_abandons_a_hanging_connect(zl, ctx, hanging_endpoint):
    """CONNECT_TIMEOUT: the attempt is closed after it and retried after
    RECONNECT_IVL (CONNECT_DELAYED, CLOSED, CONNECT_RETRIED, again)."""
    push = ctx.socket(zl.PUSH)
    push.connect_timeout = 100
    push.reconnect_ivl = 100
    monitor = push.get_monitor_socket()
    push.connect(hanging_endpoint)
    got = monitor_events(zl, monitor, time.monotonic() + 1.0)
    cycle = [zl.EVENT_CONNECT_DELAYED, zl.EVENT_CLOSED, zl.EVENT_CONNECT_RETRIED]
    assert got[:6] == cycle * 2
    push.disable_monitor()


def test_without_connect_timeout_a_connect_waits(zl, ctx, hanging_endpoint):
    push = ctx.socket(zl.PUSH)
    monitor = push.get_monitor_socket()
    push.connect(hanging_endpoint)
    assert monitor_events(zl, monitor, time.monotonic() + 0.5) == [zl.EVENT_CONNECT_DELAYED]
    push.disable_monitor()
