"""Socket monitors: Socket.monitor/get_monitor_socket/disable_monitor and
zmq.utils.monitor, with libzmq's events, values and order. Each scenario runs on
the implementation under test and on pyzmq, and the two sequences must match.
File descriptors differ between the two, so fd values are compared as "fd"."""

import errno
import importlib
import socket as pysocket

import pytest
import zmq as pyzmq

pytestmark = pytest.mark.timeout(60)

#: events whose value is a file descriptor
FD_EVENTS = {"CONNECTED", "LISTENING", "ACCEPTED", "CLOSED", "DISCONNECTED"}


def events_of(mod, mon, quiet_ms=300, first=None):
    """The monitor's events as (name, value, endpoint) until it is quiet for quiet_ms."""
    monitor = importlib.import_module(mod.__name__ + ".utils.monitor")
    names = {int(getattr(mod, n)): n[6:] for n in dir(mod)
             if n.startswith("EVENT_") and not n.startswith("EVENT_ALL")}
    out = []
    while mon.poll(quiet_ms if out else 5000):
        msg = monitor.recv_monitor_message(mon)
        name = names.get(int(msg["event"]), int(msg["event"]))
        value = "fd" if name in FD_EVENTS else int(msg["value"])
        out.append((name, value, msg["endpoint"].decode()))
        if first is not None and len(out) == first:
            break
    return out


def tcp_port(sock, mod):
    return int(sock.getsockopt(mod.LAST_ENDPOINT).decode().rsplit(":", 1)[1])


def scenario_server_and_client(mod):
    ctx = mod.Context()
    try:
        srv = ctx.socket(mod.PULL)
        smon = srv.get_monitor_socket()
        srv.bind("tcp://127.0.0.1:*")
        endpoint = srv.getsockopt(mod.LAST_ENDPOINT).decode()
        cli = ctx.socket(mod.PUSH)
        cmon = cli.get_monitor_socket()
        cli.connect(endpoint)
        cli.send(b"x")
        assert srv.recv() == b"x"
        seen = {"server": events_of(mod, smon), "client": events_of(mod, cmon)}
        cli.close(linger=0)
        seen["client closed"] = events_of(mod, cmon)
        seen["server after"] = events_of(mod, smon)
        srv.close(linger=0)
        seen["server closed"] = events_of(mod, smon)
        return _anonymous(seen, endpoint)
    finally:
        ctx.destroy(linger=0)


def scenario_refused(mod):
    ctx = mod.Context()
    try:
        probe = pysocket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        cli = ctx.socket(mod.PUSH)
        mon = cli.get_monitor_socket()
        cli.connect(f"tcp://127.0.0.1:{port}")
        seen = events_of(mod, mon, first=3)
        # libzmq's reconnect interval has a random part: only its presence is compared
        return [(n, "ivl" if n == "CONNECT_RETRIED" else v, "ep") for n, v, _ in seen]
    finally:
        ctx.destroy(linger=0)


def scenario_mechanism_mismatch(mod):
    ctx = mod.Context()
    try:
        srv = ctx.socket(mod.PULL)
        mon = srv.get_monitor_socket()
        srv.bind("tcp://127.0.0.1:*")
        endpoint = srv.getsockopt(mod.LAST_ENDPOINT).decode()
        raw = pysocket.create_connection(("127.0.0.1", tcp_port(srv, mod)))
        raw.sendall(b"\xff" + b"\0" * 8 + b"\x7f\x03\x01" + b"PLAIN".ljust(20, b"\0") + b"\0" * 32)
        seen = events_of(mod, mon)
        raw.close()
        return _anonymous({"server": seen}, endpoint)
    finally:
        ctx.destroy(linger=0)


def scenario_bind_failed_and_disable(mod):
    ctx = mod.Context()
    try:
        first = ctx.socket(mod.PULL)
        first.bind("tcp://127.0.0.1:*")
        endpoint = first.getsockopt(mod.LAST_ENDPOINT).decode()
        second = ctx.socket(mod.PULL)
        mon = second.get_monitor_socket()
        with pytest.raises(mod.ZMQError) as info:
            second.bind(endpoint)
        assert info.value.errno == errno.EADDRINUSE
        seen = {"bind failed": events_of(mod, mon)}
        second.disable_monitor()
        seen["disabled"] = events_of(mod, mon)
        return _anonymous(seen, endpoint)
    finally:
        ctx.destroy(linger=0)


def _anonymous(seen, endpoint):
    """Endpoints differ between runs (ports): name them by what they are."""
    bare = endpoint.split("://", 1)[1]
    return {k: [(n, v, {endpoint: "ep", bare: "address", "": ""}.get(e, e)) for n, v, e in evs]
            for k, evs in seen.items()}


@pytest.mark.parametrize("scenario", [scenario_server_and_client, scenario_refused,
                                      scenario_mechanism_mismatch,
                                      scenario_bind_failed_and_disable],
                         ids=lambda f: f.__name__[9:])
def test_same_events_as_libzmq(zl, scenario):
    ours = scenario(zl)
    theirs = scenario(pyzmq)
    assert ours == theirs


def test_event_values(zl):
    """The values worth knowing, spelled out (they are libzmq's)."""
    seen = scenario_server_and_client(zl)
    assert seen["server"] == [("LISTENING", "fd", "ep"), ("ACCEPTED", "fd", "ep"),
                              ("HANDSHAKE_SUCCEEDED", 0, "ep")]
    assert seen["client"] == [("CONNECT_DELAYED", errno.EINPROGRESS, "ep"), ("CONNECTED", "fd", "ep"),
                              ("HANDSHAKE_SUCCEEDED", 0, "ep")]
    assert seen["server after"] == [("DISCONNECTED", "fd", "ep")]
    assert seen["client closed"] == [("MONITOR_STOPPED", 0, "")]
    assert seen["server closed"] == [("CLOSED", "fd", "ep"), ("MONITOR_STOPPED", 0, "")]
    mismatch = scenario_mechanism_mismatch(zl)["server"]
    assert mismatch[2] == ("HANDSHAKE_FAILED_PROTOCOL", int(zl.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH), "ep")


def test_only_the_requested_events(zl, ctx):
    srv = ctx.socket(zl.PULL)
    mon = srv.get_monitor_socket(zl.EVENT_ACCEPTED)
    srv.bind("tcp://127.0.0.1:*")
    cli = ctx.socket(zl.PUSH)
    cli.connect(srv.getsockopt(zl.LAST_ENDPOINT).decode())
    assert [e[0] for e in events_of(zl, mon)] == ["ACCEPTED"]


def test_monitor_over_ipc(zl, ctx, ipc_dir):
    srv = ctx.socket(zl.PULL)
    mon = srv.get_monitor_socket()
    endpoint = f"ipc://{ipc_dir}/mon.ipc"
    srv.bind(endpoint)
    cli = ctx.socket(zl.PUSH)
    cli.connect(endpoint)
    cli.send(b"x")
    assert srv.recv() == b"x"
    assert events_of(zl, mon) == [("LISTENING", "fd", endpoint), ("ACCEPTED", "fd", endpoint),
                                  ("HANDSHAKE_SUCCEEDED", 0, endpoint)]


def test_monitor_needs_inproc(zl, ctx):
    sock = ctx.socket(zl.PUSH)
    with pytest.raises(zl.ZMQError):
        sock.monitor("tcp://127.0.0.1:5555")


def test_recv_monitor_message_on_an_asyncio_socket(zl):
    import asyncio

    aio = importlib.import_module(zl.__name__ + ".asyncio")
    monitor = importlib.import_module(zl.__name__ + ".utils.monitor")

    async def main():
        ctx = aio.Context()
        try:
            srv = ctx.socket(zl.PULL)
            mon = srv.get_monitor_socket()
            srv.bind("tcp://127.0.0.1:*")
            msg = await asyncio.wait_for(monitor.recv_monitor_message(mon), 5)
            assert int(msg["event"]) == int(zl.EVENT_LISTENING)
        finally:
            ctx.destroy(linger=0)

    asyncio.run(main())
