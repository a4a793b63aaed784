"""PLAIN, CURVE and ZAP (RFC 24, 26, 27): the implementation under test against pyzmq
(libzmq 4.3.5) in both roles, over tcp and ipc, for each socket pattern; the failures
(wrong server key, a client key or password ZAP refuses, a mechanism mismatch) the same
on both; hostile peers (a malformed HELLO, a replayed, reordered or forged MESSAGE) are
dropped while the socket goes on serving its other peers."""

import errno
import importlib
import os
import socket as pysocket
import threading

import pytest
import zmq as pyzmq

from helpers import command_frame, greeting, wait_closed_by_peer
from test_monitor import events_of

pytestmark = pytest.mark.timeout(60)

PATTERNS = [("REQ", "REP"), ("DEALER", "ROUTER"), ("PUSH", "PULL"), ("PUB", "SUB")]


@pytest.fixture(autouse=True)
def _curve_built(zl):
    if not zl.has("curve"):
        pytest.fail("zmqlite was built without libsodium: CURVE tests must run (ZMQLITE_CURVE=1)")


def recv_multipart(sock, timeout=5000):
    """A whole message within timeout ms. Blocking, not NOBLOCK after a poll: libzmq
    may report POLLIN once a message's first frame is in while a large next frame
    is still arriving (seen with pyzmq 27.3 receiving 4 B + 100 kB)."""
    sock.rcvtimeo = timeout
    return sock.recv_multipart()


def auth_of(mod):
    return importlib.import_module(mod.__name__ + ".auth.thread")


class Keys:
    """One server and one client key pair, made by pyzmq (the model)."""

    def __init__(self):
        self.server_public, self.server_secret = pyzmq.curve_keypair()
        self.client_public, self.client_secret = pyzmq.curve_keypair()


def make_server(mod, sock, mechanism, keys):
    if mechanism == "CURVE":
        sock.curve_secretkey = keys.server_secret
        sock.curve_publickey = keys.server_public
        sock.curve_server = True
    else:
        sock.plain_server = True


def make_client(mod, sock, mechanism, keys, password=b"secret", server_key=None, client=None):
    if mechanism == "CURVE":
        sock.curve_serverkey = server_key or keys.server_public
        public, secret = client or (keys.client_public, keys.client_secret)
        sock.curve_publickey = public
        sock.curve_secretkey = secret
    else:
        sock.plain_username = b"admin"
        sock.plain_password = password


def start_auth(mod, context, mechanism, keys, allowed_key=None):
    """An authenticator of mod in context, accepting admin/secret and the client key."""
    auth = auth_of(mod).ThreadAuthenticator(context)
    auth.start()
    if mechanism == "PLAIN":
        auth.configure_plain(domain="*", passwords={"admin": "secret"})
    else:
        auth.configure_curve_callback(domain="*", credentials_provider=_KeyList(
            [allowed_key or keys.client_public]))
    return auth


class _KeyList:
    def __init__(self, keys):
        self.keys = set(keys)

    def callback(self, domain, key):
        return key in self.keys


def endpoint_for(transport, ipc_dir, name):
    return "tcp://127.0.0.1:*" if transport == "tcp" else f"ipc://{os.path.join(ipc_dir, name)}"


def exchange(mod_a, a, mod_b, b, client_type):
    """Moves a message each way the pattern allows, a being the client's side."""
    if client_type == "PUB":
        # a slow joiner: publish until the subscriber has one
        for _ in range(200):
            a.send(b"topic news")
            if b.poll(50):
                break
        assert b.recv() == b"topic news"
        return
    if client_type == "PUSH":
        a.send_multipart([b"work", b"x" * 100000])
        assert recv_multipart(b) == [b"work", b"x" * 100000]
        return
    a.send_multipart([b"request", b"y" * 70000])
    msg = recv_multipart(b)
    assert msg[-2:] == [b"request", b"y" * 70000]
    b.send_multipart(msg[:-2] + [b"reply"])
    assert recv_multipart(a)[-1] == b"reply"


@pytest.mark.parametrize("mechanism", ["PLAIN", "CURVE"])
@pytest.mark.parametrize("transport", ["tcp", "ipc"])
@pytest.mark.parametrize("client_type,server_type", PATTERNS)
@pytest.mark.parametrize("ours", ["server", "client"])
def test_interop(zl, ctx, pyctx, ipc_dir, mechanism, transport, client_type, server_type, ours):
    keys = Keys()
    server_mod, server_ctx = (zl, ctx) if ours == "server" else (pyzmq, pyctx)
    client_mod, client_ctx = (pyzmq, pyctx) if ours == "server" else (zl, ctx)
    auth = start_auth(server_mod, server_ctx, mechanism, keys)
    try:
        server = server_ctx.socket(getattr(server_mod, server_type))
        make_server(server_mod, server, mechanism, keys)
        if server_type == "SUB":
            server.subscribe(b"topic")
        server.bind(endpoint_for(transport, ipc_dir, f"sec-{mechanism}-{client_type}.ipc"))
        client = client_ctx.socket(getattr(client_mod, client_type))
        make_client(client_mod, client, mechanism, keys)
        client.connect(server.getsockopt(pyzmq.LAST_ENDPOINT).decode())
        exchange(client_mod, client, server_mod, server, client_type)
        mech_number = 1 if mechanism == "PLAIN" else 2
        assert server.getsockopt(pyzmq.MECHANISM) == mech_number
        assert client.getsockopt(pyzmq.MECHANISM) == mech_number
    finally:
        auth.stop()


@pytest.mark.parametrize("mechanism", ["PLAIN", "CURVE"])
def test_same_implementation_both_ends(zl, ctx, mechanism):
    """Server, client and authenticator all of the implementation under test, one
    context (what the thread sanitizer can check: no libzmq in the process)."""
    keys = Keys()
    auth = start_auth(zl, ctx, mechanism, keys)
    try:
        server = ctx.socket(zl.ROUTER)
        make_server(zl, server, mechanism, keys)
        server.bind("tcp://127.0.0.1:*")
        clients = []
        for i in range(3):
            client = ctx.socket(zl.DEALER)
            client.setsockopt(zl.ROUTING_ID, b"c%d" % i)
            make_client(zl, client, mechanism, keys)
            client.connect(server.getsockopt(zl.LAST_ENDPOINT).decode())
            clients.append(client)
        for round_ in range(20):
            for i, client in enumerate(clients):
                client.send_multipart([b"%d" % round_, b"z" * (i * 30000)])
            for _ in clients:
                rid, n, body = recv_multipart(server)
                server.send_multipart([rid, n, body[::-1]])
            for i, client in enumerate(clients):
                assert recv_multipart(client) == [b"%d" % round_, b"z" * (i * 30000)]
    finally:
        auth.stop()


def failure_scenario(mod, context, case, keys, good_after=True):
    """A server of mod with a ZAP handler; one bad client (of pyzmq), then a good one.
    Returns the server's monitor events for the bad one, and whether the good one got in."""
    mechanism = "PLAIN" if case == "password" else "CURVE"
    stranger = pyzmq.curve_keypair()
    auth = start_auth(mod, context, mechanism, keys)
    client_ctx = pyzmq.Context()
    try:
        server = context.socket(mod.PULL)
        make_server(mod, server, mechanism, keys)
        mon = server.get_monitor_socket()
        server.bind("tcp://127.0.0.1:*")
        addr = server.getsockopt(pyzmq.LAST_ENDPOINT).decode()
        bad = client_ctx.socket(pyzmq.PUSH)
        bad.linger = 0
        bad.reconnect_ivl = 60000       # one attempt: the events of one handshake
        if case == "server key":
            make_client(pyzmq, bad, mechanism, keys, server_key=stranger[0])
        elif case == "client key":
            make_client(pyzmq, bad, mechanism, keys, client=stranger)
        elif case == "password":
            make_client(pyzmq, bad, mechanism, keys, password=b"wrong")
        # ("mismatch": a NULL client)
        bad.connect(addr)
        bad.send(b"must not arrive")
        # (all four are expected: waiting for the fourth keeps a slow run complete)
        events = [(name, value) for name, value, _ in events_of(mod, mon, quiet_ms=3000, first=4)]
        good = client_ctx.socket(pyzmq.PUSH)
        good.linger = 0
        make_client(pyzmq, good, mechanism, keys)
        good.connect(addr)
        good.send(b"welcome")
        got = server.recv() if server.poll(5000) else None
        server.disable_monitor()
        return events, got
    finally:
        auth.stop()
        client_ctx.destroy(linger=0)


@pytest.mark.parametrize("case", ["server key", "client key", "password", "mismatch"])
def test_failures_as_libzmq(zl, ctx, pyctx, case):
    keys = Keys()
    ours, got = failure_scenario(zl, ctx, case, keys)
    theirs, their_got = failure_scenario(pyzmq, pyctx, case, keys)
    assert got == their_got == b"welcome"       # the good client still gets in
    if case == "mismatch":
        # zmqlite sends its 64-byte greeting at once (docs/zmtp.md), libzmq in steps: a
        # libzmq client may then see our mechanism first and hang up before sending its
        # own, so the server sees no mechanism to call mismatched, only the peer leave
        # (EPIPE, or ECONNRESET); which side sees the other's first is timing
        possible = {("HANDSHAKE_FAILED_PROTOCOL", pyzmq.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH),
                    ("HANDSHAKE_FAILED_NO_DETAIL", errno.EPIPE),
                    ("HANDSHAKE_FAILED_NO_DETAIL", errno.ECONNRESET)}
        assert len(ours) == len(theirs) == 4 and ours[2] in possible and theirs[2] in possible, (ours, theirs)
        ours[2] = theirs[2] = ("HANDSHAKE_FAILED_PROTOCOL", pyzmq.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
    assert ours == theirs
    expected = {
        "server key": ("HANDSHAKE_FAILED_PROTOCOL", pyzmq.PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC),
        "client key": ("HANDSHAKE_FAILED_AUTH", 400),
        "password": ("HANDSHAKE_FAILED_AUTH", 400),
        "mismatch": ("HANDSHAKE_FAILED_PROTOCOL", pyzmq.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH),
    }[case]
    assert ours == [("LISTENING", "fd"), ("ACCEPTED", "fd"), expected, ("DISCONNECTED", "fd")]


def test_plain_without_zap_handler_refuses(zl, ctx, pyctx):
    """As libzmq: a PLAIN server with nobody to ask lets nobody in (EFAULT)."""
    def run(mod, context):
        server = context.socket(mod.PULL)
        server.plain_server = True
        mon = server.get_monitor_socket()
        server.bind("tcp://127.0.0.1:*")
        client = pyctx.socket(pyzmq.PUSH)
        client.reconnect_ivl = 60000
        make_client(pyzmq, client, "PLAIN", None)
        client.connect(server.getsockopt(pyzmq.LAST_ENDPOINT).decode())
        client.send(b"x")
        events = [(n, v) for n, v, _ in events_of(mod, mon, quiet_ms=3000, first=4)]
        assert not server.poll(100)
        server.disable_monitor()
        return events

    assert run(zl, ctx) == run(pyzmq, pyctx) == [
        ("LISTENING", "fd"), ("ACCEPTED", "fd"), ("HANDSHAKE_FAILED_NO_DETAIL", errno.EFAULT), ("DISCONNECTED", "fd")]


def test_curve_without_zap_handler_accepts(zl, ctx, pyctx):
    keys = Keys()
    server = ctx.socket(zl.PULL)
    make_server(zl, server, "CURVE", keys)
    server.bind("tcp://127.0.0.1:*")
    client = pyctx.socket(pyzmq.PUSH)
    make_client(pyzmq, client, "CURVE", keys)
    client.connect(server.getsockopt(pyzmq.LAST_ENDPOINT).decode())
    client.send(b"anyone with the server key")
    assert recv_multipart(server) == [b"anyone with the server key"]


def test_null_with_zap_domain_asks_by_address(zl, ctx, pyctx):
    auth = auth_of(zl).ThreadAuthenticator(ctx)
    auth.start()
    try:
        auth.deny("127.0.0.1")
        server = ctx.socket(zl.PULL)
        server.zap_domain = b"global"
        server.bind("tcp://127.0.0.1:*")
        client = pyctx.socket(pyzmq.PUSH)
        client.linger = 0
        client.connect(server.getsockopt(pyzmq.LAST_ENDPOINT).decode())
        client.send(b"denied")
        assert not server.poll(500)
        auth.stop()
        auth = auth_of(zl).ThreadAuthenticator(ctx)
        auth.start()
        auth.allow("127.0.0.1")
        # (a refused libzmq peer does not try again: a protocol error ends its session)
        second = pyctx.socket(pyzmq.PUSH)
        second.connect(server.getsockopt(pyzmq.LAST_ENDPOINT).decode())
        second.send(b"allowed now")
        assert recv_multipart(server) == [b"allowed now"]
    finally:
        auth.stop()


def test_options_and_keys(zl, ctx):
    public, secret = zl.curve_keypair()
    assert len(public) == len(secret) == 40
    assert zl.curve_public(secret) == public
    s = ctx.socket(zl.DEALER)
    assert s.getsockopt(zl.MECHANISM) == 0
    s.curve_secretkey = secret
    s.curve_publickey = public
    s.curve_serverkey = public
    assert s.getsockopt(zl.MECHANISM) == 2
    assert s.getsockopt(zl.CURVE_SERVER) == 0
    s.curve_server = True
    assert s.getsockopt(zl.CURVE_SERVER) == 1
    z85 = importlib.import_module(zl.__name__ + ".utils.z85")
    s.curve_publickey = z85.decode(public)       # 32 raw bytes work too
    with pytest.raises(zl.ZMQError) as exc:
        s.curve_publickey = b"short"
    assert exc.value.errno == errno.EINVAL
    s.plain_username = b"me"
    assert s.getsockopt(zl.MECHANISM) == 1 and s.getsockopt(zl.PLAIN_SERVER) == 0
    s.plain_server = True
    assert s.getsockopt(zl.PLAIN_SERVER) == 1
    s.zap_domain = b"global"
    assert s.getsockopt(zl.ZAP_DOMAIN) == b"global"


@pytest.mark.zmqlite_only(reason="pyzmq 27.3 asks libzmq for a 255-byte key, which it refuses (EINVAL)")
def test_curve_keys_read_back_in_z85(zl, ctx):
    public, secret = zl.curve_keypair()
    s = ctx.socket(zl.DEALER)
    s.curve_secretkey = secret
    assert s.getsockopt(zl.CURVE_PUBLICKEY) == public     # derived from the secret key
    assert s.getsockopt(zl.CURVE_SECRETKEY) == secret
    s.curve_serverkey = public
    assert s.getsockopt(zl.CURVE_SERVERKEY) == public


def test_z85(zl):
    z85 = importlib.import_module(zl.__name__ + ".utils.z85")
    # RFC 32's test vector
    data = bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])
    assert z85.encode(data) == b"HelloWorld"
    assert z85.decode(b"HelloWorld") == data
    with pytest.raises(ValueError):
        z85.encode(b"abc")
    with pytest.raises(ValueError):
        z85.decode(b"abcd")


def test_certificates_round_trip(zl, tmp_path):
    auth = importlib.import_module(zl.__name__ + ".auth")
    public_file, secret_file = auth.create_certificates(str(tmp_path), "server", metadata={"name": "x"})
    public, secret = auth.load_certificate(secret_file)
    assert auth.load_certificate(public_file) == (public, None)
    assert zl.curve_public(secret) == public
    pyzmq_auth = importlib.import_module("zmq.auth")
    assert pyzmq_auth.load_certificate(secret_file) == (public, secret)     # pyzmq reads them
    assert auth.load_certificates(str(tmp_path)) == {public: True}


# ---------------------------------------------------------------- hostile peers

def curve_server(zl, ctx, keys, sock_type="PULL", monitored=False):
    """A bound CURVE server and its endpoint (and its monitor, made before the bind,
    so that LISTENING is always the first event)."""
    server = ctx.socket(getattr(zl, sock_type))
    make_server(zl, server, "CURVE", keys)
    mon = server.get_monitor_socket() if monitored else None
    server.bind("tcp://127.0.0.1:*")
    endpoint = server.getsockopt(pyzmq.LAST_ENDPOINT).decode()
    return (server, endpoint, mon) if monitored else (server, endpoint)


@pytest.mark.parametrize("hello", [
    command_frame(b"HELLO", b"\x01\x00" + bytes(100)),               # too short
    command_frame(b"HELLO", b"\x01\x00" + os.urandom(192)),          # a box that does not open
    command_frame(b"HELLO", b"\x02\x00" + bytes(192)),               # an unknown version
    command_frame(b"INITIATE", bytes(300)),                          # out of turn
])
def test_malformed_handshake_is_dropped(zl, ctx, pyctx, hello):
    keys = Keys()
    server, addr = curve_server(zl, ctx, keys)
    host, port = addr.split("://")[1].rsplit(":", 1)
    raw = pysocket.create_connection((host, int(port)), timeout=5)
    raw.sendall(greeting(mechanism=b"CURVE") + hello)
    assert wait_closed_by_peer(raw)
    raw.close()
    good = pyctx.socket(pyzmq.PUSH)
    make_client(pyzmq, good, "CURVE", keys)
    good.connect(addr)
    good.send(b"still serving")
    assert recv_multipart(server) == [b"still serving"]


class Tamper:
    """A TCP relay between a pyzmq CURVE client and the server that changes the
    client's first MESSAGE frame (after the handshake's commands): sends it twice,
    swaps it with the next, or flips a bit of its box."""

    def __init__(self, target, how):
        self.how = how
        self.target = target.split("://")[1].rsplit(":", 1)
        self.listener = pysocket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.endpoint = "tcp://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.closed_by_server = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        client, _ = self.listener.accept()
        server = pysocket.create_connection((self.target[0], int(self.target[1])))
        threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()
        buf, held, greeting_left, done = b"", None, 64, False
        while True:
            data = client.recv(65536)
            if not data:
                break
            if done:
                server.sendall(data)
                continue
            buf += data
            # the greeting goes through as it comes (libzmq sends it in steps,
            # waiting for the other side's first bytes)
            out, buf = buf[:greeting_left], buf[greeting_left:]
            greeting_left -= len(out)
            while greeting_left == 0 and len(buf) >= 2:
                size_len = 9 if buf[0] & 2 else 2
                size = int.from_bytes(buf[1:size_len], "big") if buf[0] & 2 else buf[1]
                if len(buf) < size_len + size:
                    break
                frame, buf = buf[:size_len + size], buf[size_len + size:]
                if self.how == "initiate" and frame[0] & 4 and frame[size_len:size_len + 9] == b"\x08INITIATE":
                    out += frame[:-1] + bytes([frame[-1] ^ 1])      # its box no longer opens
                    done = True
                elif frame[0] & 4 or done:        # a handshake command, or after the change
                    out += frame
                elif self.how == "replay":
                    out += frame + frame
                    done = True
                elif self.how == "forge":
                    out += frame[:-1] + bytes([frame[-1] ^ 1])
                    done = True
                elif held is None:
                    held = frame                # reorder: hold it back...
                else:
                    out += frame + held         # ...and send it after the next one
                    done = True
            if done:
                out += buf
                buf = b""
            server.sendall(out)

    def _pipe(self, src, dst):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.closed_by_server.set()
                try:
                    dst.shutdown(pysocket.SHUT_RDWR)
                except OSError:
                    pass
                return
            dst.sendall(data)


def tamper_scenario(mod, context, keys, how, tries=2):
    """tamper_once, tried again once if the relay never saw the server hang up: seen
    once in ~30 full runs of this file on pyzmq alone (not reproduced in 40 runs of
    the scenario by itself); a second miss fails."""
    for attempt in range(tries):
        try:
            return tamper_once(mod, context, keys, how)
        except RelayNotClosed:
            if attempt == tries - 1:
                raise


class RelayNotClosed(AssertionError):
    pass


def tamper_once(mod, context, keys, how):
    """A pyzmq CURVE client sends three messages through a Tamper relay to a server
    of mod: the server's events and what it received."""
    server, addr, mon = curve_server(mod, context, keys, monitored=True)
    relay = Tamper(addr, how)
    client_ctx = pyzmq.Context()
    try:
        client = client_ctx.socket(pyzmq.PUSH)
        client.linger = 0
        client.reconnect_ivl = 60000
        make_client(pyzmq, client, "CURVE", keys)
        client.connect(relay.endpoint)
        for body in (b"one", b"two", b"three"):
            client.send(body)
        if not relay.closed_by_server.wait(10):
            server.disable_monitor()
            server.close(linger=0)
            raise RelayNotClosed(f"{mod.__name__}: the server did not drop the connection")
        events = [(n, v) for n, v, _ in events_of(mod, mon, quiet_ms=3000, first=5)]
        got = []
        while server.poll(200):
            got.append(server.recv())
        server.disable_monitor()
        return events, got
    finally:
        client_ctx.destroy(linger=0)


@pytest.mark.parametrize("how,code", [
    ("replay", pyzmq.PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE),
    ("reorder", pyzmq.PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE),
    ("forge", pyzmq.PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC),
])
def test_tampered_messages_drop_the_connection(zl, ctx, pyctx, how, code):
    """After the handshake, a MESSAGE replayed, out of order or changed: the
    connection is dropped at it (libzmq reports it as a failed handshake), what
    came before it is delivered, nothing after it."""
    keys = Keys()
    ours = tamper_scenario(zl, ctx, keys, how)
    assert ours == tamper_scenario(pyzmq, pyctx, keys, how)
    events, got = ours
    assert events == [("LISTENING", "fd"), ("ACCEPTED", "fd"), ("HANDSHAKE_SUCCEEDED", 0),
                      ("HANDSHAKE_FAILED_PROTOCOL", code), ("DISCONNECTED", "fd")]
    assert got == {"replay": [b"one"], "reorder": [b"two"], "forge": []}[how]


def test_forged_initiate_fails_the_handshake(zl, ctx, pyctx):
    """INITIATE whose box was changed on the way: the handshake fails as in libzmq."""
    keys = Keys()

    def run(mod, context):
        server, addr, mon = curve_server(mod, context, keys, monitored=True)
        relay = Tamper(addr, "initiate")
        client_ctx = pyzmq.Context()
        try:
            client = client_ctx.socket(pyzmq.PUSH)
            client.linger = 0
            client.reconnect_ivl = 60000
            make_client(pyzmq, client, "CURVE", keys)
            client.connect(relay.endpoint)
            client.send(b"never")
            assert relay.closed_by_server.wait(10)
            events = [(n, v) for n, v, _ in events_of(mod, mon, quiet_ms=3000, first=4)]
            assert not server.poll(100)
            server.disable_monitor()
            return events
        finally:
            client_ctx.destroy(linger=0)

    ours = run(zl, ctx)
    assert ours == run(pyzmq, pyctx) == [
        ("LISTENING", "fd"), ("ACCEPTED", "fd"),
        ("HANDSHAKE_FAILED_PROTOCOL", pyzmq.PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC),
        ("DISCONNECTED", "fd")]


def test_message_properties_from_handshake_and_zap(zl, ctx, pyctx):
    """As libzmq: a received frame carries its connection's properties, the peer's
    Socket-Type and Identity, Peer-Address, and the User-Id and metadata ZAP gave."""
    keys = Keys()
    zap = ctx.socket(zl.REP)
    zap.bind("inproc://zeromq.zap.01")

    def handler():
        request = zap.recv_multipart()
        # a user id and one metadata property ("Hello": "World"), RFC 27
        meta = b"\x05Hello" + (5).to_bytes(4, "big") + b"World"
        zap.send_multipart([request[0], request[1], b"200", b"OK", b"alice", meta])

    thread = threading.Thread(target=handler, daemon=True)
    thread.start()
    server = ctx.socket(zl.ROUTER)
    make_server(zl, server, "CURVE", keys)
    server.bind("tcp://127.0.0.1:*")
    client = pyctx.socket(pyzmq.DEALER)
    client.routing_id = b"client-1"
    make_client(pyzmq, client, "CURVE", keys)
    client.connect(server.getsockopt(pyzmq.LAST_ENDPOINT).decode())
    client.send(b"hi")
    assert server.poll(5000)
    frames = server.recv_multipart(copy=False)
    thread.join(5)
    assert [f.bytes for f in frames] == [b"client-1", b"hi"]
    for frame in frames:
        assert frame.get("User-Id") == "alice"
        assert frame["Hello"] == "World"
        assert frame.get("Socket-Type") == "DEALER"
        assert frame.get("Identity") == "client-1"
        assert frame.get("Peer-Address") == "127.0.0.1"
        with pytest.raises(zl.ZMQError) as exc:
            frame.get("No-Such-Property")
        assert exc.value.errno == errno.EINVAL
