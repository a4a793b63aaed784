"""The two ends of every benchmark point, for ``zmqlite.perf`` and the ``bench/`` scripts.

Each function here is one end of one measurement, written against the pyzmq API only: it takes
the implementation's module as ``zmq`` (zmqlite, pyzmq or pyomq), so every implementation runs
exactly the same Python code.  Modelled on libzmq's perf tools: the side that binds is
``local_*`` (local_thr receives, local_lat echoes), the side that connects is ``remote_*``.

Rules every end keeps:

- Throughput is measured by the receiver, from its first message to its last, so process
  start-up, imports and connection set-up are never in the figure.  Senders run for a given
  number of seconds (counts are sized by time, so a slow machine runs fewer messages, not
  longer) and then send one empty message as the end marker.
- Every blocking receive has RCVTIMEO, so an end whose peer died or hung raises instead of
  waiting forever; the parent (``zmqlite.perf``) also holds a deadline over each child and kills
  it, so a hung implementation is a failed point, not a hung suite.
- Nothing imports zmqlite here: ``zmqlite.perf`` runs this file by path in a child process
  (``child_main``), so a pyzmq or pyomq child never loads zmqlite's engine.

Results are plain dicts of numbers; ``report(kind, **fields)`` hands them to whoever drives the
end (the child writes them as JSON lines on stdout, the bench scripts print them).
"""

import json
import os
import socket as _socket
import sys
import tempfile
import threading
import time

#: receive timeout while a measurement runs: a stalled peer fails the point after this long
RECV_TIMEOUT_MS = 10_000
#: linger of senders: long enough to flush the end marker, short enough to finish when the peer died
SEND_LINGER_MS = 10_000
#: prefix of the child's result lines, so stray output of a library cannot be taken for one
LINE_PREFIX = "@perf "
#: raw-socket ceiling: bytes moved per sendall/recv_into
RAW_CHUNK = 1 << 20


#: CPU seconds (user + system) of the whole process, every thread: the I/O threads count
cpu_time = time.process_time


def payload(size):
    return b"\x5a" * size


def batch_for(size):
    """Messages sent between two looks at the clock: ~64 KiB of payload, at least one."""
    return max(1, min(4096, 65536 // max(size, 1)))


def _hold(hold):
    """Keep a sender's socket open until its peer has everything (``hold`` returns then).

    Closing at once and relying on LINGER to deliver the end marker is not enough for every
    implementation (pyomq 0.21 drops the last message over ipc:// when the socket closes right
    after sending it), and a lost end marker would fail the point for a reason that has
    nothing to do with speed.  Without a driver (the bench scripts) LINGER alone does it.
    """
    if hold is not None and not hold():
        raise RuntimeError("the parent never said the peer was done")


def _setup_recv(sock, zmq):
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, RECV_TIMEOUT_MS)


def _endpoint_of(sock, zmq, endpoint):
    """The endpoint peers should connect to (resolves tcp://...:* to the chosen port)."""
    if not endpoint.startswith("tcp://") or not endpoint.endswith(":*"):
        return endpoint
    ep = sock.getsockopt(zmq.LAST_ENDPOINT)
    return ep.decode() if isinstance(ep, bytes) else ep


# ---- PUSH -> PULL throughput (single or multipart) ------------------------------------------


def _recv_until_end(sock, frames):
    """Receive until the end marker; returns (messages after the first, seconds first..last)."""
    n = 0
    if frames == 1:
        recv = sock.recv
        recv()
        t0 = time.perf_counter()
        while recv():
            n += 1
    else:
        recv = sock.recv_multipart
        recv()
        t0 = time.perf_counter()
        while True:
            parts = recv()
            if len(parts) == 1 and not parts[0]:
                break
            n += 1
    return n, time.perf_counter() - t0


def _send_for(sock, size, frames, seconds):
    """Send for ``seconds``, then the end marker; returns the number of messages sent."""
    msg = payload(size)
    batch = range(batch_for(size * frames))
    clock = time.perf_counter
    deadline = clock() + seconds
    sent = 0
    if frames == 1:
        send = sock.send
        while clock() < deadline:
            for _ in batch:
                send(msg)
            sent += len(batch)
    else:
        send = sock.send_multipart
        parts = [msg] * frames
        while clock() < deadline:
            for _ in batch:
                send(parts)
            sent += len(batch)
    sock.send(b"")
    return sent


def local_thr(zmq, endpoint, frames, report, curve=False):
    """PULL: bind, report the endpoint, time first..last message. With curve, a CURVE
    server: its public key goes to the sender with the endpoint."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PULL)
    try:
        _setup_recv(sock, zmq)
        server_key = None
        if curve:
            public, secret = zmq.curve_keypair()
            sock.setsockopt(zmq.CURVE_SECRETKEY, secret)
            sock.setsockopt(zmq.CURVE_PUBLICKEY, public)
            sock.setsockopt(zmq.CURVE_SERVER, 1)
            server_key = public.decode("ascii")
        sock.bind(endpoint)
        report("ready", endpoint=_endpoint_of(sock, zmq, endpoint), server_key=server_key)
        cpu0 = cpu_time()
        n, elapsed = _recv_until_end(sock, frames)
        report("result", messages=n, seconds=elapsed, cpu_s=cpu_time() - cpu0)
    finally:
        sock.close()
        ctx.term()


def remote_thr(zmq, endpoint, size, frames, seconds, report, hold=None, server_key=None):
    """PUSH: connect and send as fast as possible for ``seconds`` (a CURVE client of
    ``server_key`` when given)."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PUSH)
    try:
        sock.setsockopt(zmq.LINGER, SEND_LINGER_MS)
        if server_key:
            public, secret = zmq.curve_keypair()
            sock.setsockopt(zmq.CURVE_SERVERKEY, server_key.encode("ascii"))
            sock.setsockopt(zmq.CURVE_PUBLICKEY, public)
            sock.setsockopt(zmq.CURVE_SECRETKEY, secret)
        sock.connect(endpoint)
        cpu0 = cpu_time()
        sent = _send_for(sock, size, frames, seconds)
        _hold(hold)     # until the receiver has it all: the I/O thread's writing is counted
        report("sent", messages=sent, cpu_s=cpu_time() - cpu0)
    finally:
        sock.close()
        ctx.term()


def inproc_thr(zmq, size, frames, seconds, report):
    """PUSH -> PULL over inproc:// between two threads of one process and one Context."""
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    failure = []

    def sender():
        try:
            _send_for(push, size, frames, seconds)
        except Exception as exc:  # surfaces through the receiver's timeout and this list
            failure.append(exc)

    try:
        _setup_recv(pull, zmq)
        push.setsockopt(zmq.LINGER, SEND_LINGER_MS)
        pull.bind("inproc://perf-inproc-thr")
        push.connect("inproc://perf-inproc-thr")
        report("ready", endpoint="inproc://perf-inproc-thr")
        thread = threading.Thread(target=sender, daemon=True)
        cpu0 = cpu_time()
        thread.start()
        try:
            n, elapsed = _recv_until_end(pull, frames)
        finally:
            thread.join(RECV_TIMEOUT_MS / 1000)
        if failure:
            raise failure[0]
        report("result", messages=n, seconds=elapsed, cpu_s=cpu_time() - cpu0)
    finally:
        push.close()
        pull.close()
        ctx.term()


# ---- cost per message against the number of peers (scale-* points) --------------------------


def _scale_context(zmq, peers):
    ctx = zmq.Context()
    if hasattr(ctx, "set"):  # pyomq 0.21 has no Context.set (nor a socket limit to raise)
        ctx.set(zmq.MAX_SOCKETS, peers + 16)  # libzmq's default is 1023
    return ctx


def _scale_bind(sock, transport, name):
    if transport == "inproc":
        sock.bind(f"inproc://{name}")
        return f"inproc://{name}"
    if transport == "ipc":
        path = os.path.join(tempfile.gettempdir(), f"zl-scale-{os.getpid()}-{name}")
        sock.bind(f"ipc://{path}")
        return f"ipc://{path}"
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    return f"tcp://127.0.0.1:{port}"


def scale(zmq, pattern, transport, peers, seconds, report):
    """One busy peer among ``peers`` (the others idle), in one process: the
    busy end and the socket under test are two threads.

    router: a DEALER sends requests (100 in flight) that a ROUTER answers
    pull:   a PUSH sends to a PULL that fair-queues over every PUSH
    pub:    a PUB sends to ``peers`` SUBs; messages delivered per second
    """
    ctx = _scale_context(zmq, peers)
    try:
        if pattern == "router":
            n, elapsed, cpu = _scale_router(zmq, ctx, transport, peers, seconds)
        elif pattern == "pull":
            n, elapsed, cpu = _scale_pull(zmq, ctx, transport, peers, seconds)
        else:
            n, elapsed, cpu = _scale_pub(zmq, ctx, transport, peers, seconds)
        report("result", messages=n, seconds=elapsed, cpu_s=cpu)
    finally:
        ctx.destroy(linger=0)


def _scale_router(zmq, ctx, transport, peers, seconds):
    router = ctx.socket(zmq.ROUTER)
    router.setsockopt(zmq.SNDHWM, 0)
    router.setsockopt(zmq.RCVHWM, 0)
    ep = _scale_bind(router, transport, "router")
    dealers = []
    for i in range(peers):
        d = ctx.socket(zmq.DEALER)
        d.setsockopt(zmq.ROUTING_ID, b"peer-%d" % i)
        d.connect(ep)
        dealers.append(d)
    # every connection is up once every peer's hello arrived
    for d in dealers:
        d.send(b"hello")
    _setup_recv(router, zmq)
    for _ in dealers:
        router.recv_multipart()
    busy = dealers[0]
    _setup_recv(busy, zmq)
    stop = threading.Event()

    def server():
        recv, send = router.recv_multipart, router.send_multipart
        while not stop.is_set():
            if router.poll(100):
                send(recv())

    thread = threading.Thread(target=server, daemon=True)
    thread.start()
    n = 0
    cpu0 = cpu_time()
    start = time.perf_counter()
    deadline = start + seconds
    try:
        while time.perf_counter() < deadline:
            for _ in range(100):
                busy.send(b"request")
            for _ in range(100):
                busy.recv()
            n += 100
        return n, time.perf_counter() - start, cpu_time() - cpu0
    finally:
        stop.set()
        thread.join(RECV_TIMEOUT_MS / 1000)


def _scale_pull(zmq, ctx, transport, peers, seconds):
    pull = ctx.socket(zmq.PULL)
    ep = _scale_bind(pull, transport, "pull")
    pushes = []
    for _ in range(peers):
        p = ctx.socket(zmq.PUSH)
        p.connect(ep)
        pushes.append(p)
    for p in pushes:
        p.send(b"hello")
    _setup_recv(pull, zmq)
    for _ in pushes:
        pull.recv()
    busy = pushes[0]
    thread = threading.Thread(target=_send_for, args=(busy, 16, 1, seconds), daemon=True)
    cpu0 = cpu_time()
    thread.start()
    try:
        n, elapsed = _recv_until_end(pull, 1)
        return n, elapsed, cpu_time() - cpu0
    finally:
        thread.join(RECV_TIMEOUT_MS / 1000)


def _scale_pub(zmq, ctx, transport, peers, seconds):
    pub = ctx.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 0)
    ep = _scale_bind(pub, transport, "pub")
    subs = []
    for _ in range(peers):
        s = ctx.socket(zmq.SUB)
        s.setsockopt(zmq.RCVHWM, 0)
        s.setsockopt(zmq.SUBSCRIBE, b"")
        s.connect(ep)
        subs.append(s)
    waiting = set(range(peers))  # every subscription is live once each got a message
    deadline = time.monotonic() + RECV_TIMEOUT_MS / 1000
    while waiting:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(waiting)} subscribers never received anything")
        pub.send(b"sync")
        time.sleep(0.01)
        for i in list(waiting):
            if subs[i].poll(0):
                waiting.discard(i)
    for s in subs:
        while s.poll(0):
            s.recv()
        _setup_recv(s, zmq)
    # in rounds of about 10,000 deliveries: publish, then every subscriber
    # reads what it got, so queues stay small whatever the number of peers
    batch = max(1, 10000 // peers)
    msg = payload(16)
    n = 0
    cpu0 = cpu_time()
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(batch):
            pub.send(msg)
        for s in subs:
            for _ in range(batch):
                s.recv()
        n += batch * peers
    return n, time.perf_counter() - start, cpu_time() - cpu0


# ---- REQ/REP latency ------------------------------------------------------------------------


def local_lat(zmq, endpoint, report, hold=None):
    """REP: bind and echo until an empty request, which is answered and ends the run."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REP)
    try:
        _setup_recv(sock, zmq)
        # The reply to the end marker must reach REQ, which waits for it: linger 0 could drop it.
        sock.setsockopt(zmq.LINGER, SEND_LINGER_MS)
        sock.bind(endpoint)
        report("ready", endpoint=_endpoint_of(sock, zmq, endpoint))
        cpu0 = cpu_time()
        recv, send = sock.recv, sock.send
        n = 0
        while True:
            msg = recv()
            send(msg)
            if not msg:
                break
            n += 1
        cpu = cpu_time() - cpu0
        _hold(hold)
        report("echoed", messages=n, cpu_s=cpu)
    finally:
        sock.close()
        ctx.term()


def summarize_latency(samples_ns, warmup):
    """Median/p99/mean in microseconds of ``samples_ns`` after dropping ``warmup`` samples."""
    rest = sorted(samples_ns[warmup:] if len(samples_ns) > warmup * 2 else samples_ns)
    if not rest:
        raise RuntimeError("no round trips measured")
    n = len(rest)

    def pct(p):  # nearest-rank percentile
        return rest[min(n - 1, max(0, int(p / 100 * n + 0.5) - 1))] / 1000

    return {
        "round_trips": n,
        "median_us": pct(50),
        "p99_us": pct(99),
        "min_us": rest[0] / 1000,
        "mean_us": sum(rest) / n / 1000,
    }


def remote_lat(zmq, endpoint, size, seconds, report):
    """REQ: ping-pong for ``seconds``, timing every round trip with perf_counter_ns."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REQ)
    try:
        _setup_recv(sock, zmq)
        sock.connect(endpoint)
        msg = payload(size)
        send, recv = sock.send, sock.recv
        ns = time.perf_counter_ns
        samples = []
        add = samples.append
        cpu0 = cpu_time()
        deadline = ns() + int(seconds * 1e9)
        t1 = 0
        while t1 < deadline:
            t0 = ns()
            send(msg)
            recv()
            t1 = ns()
            add(t1 - t0)
        send(b"")
        recv()
        cpu = cpu_time() - cpu0
        # The first round trips include connection set-up and cold caches.
        report("result", cpu_s=cpu, all_round_trips=len(samples) + 1,
               **summarize_latency(samples, warmup=max(10, len(samples) // 100)))
    finally:
        sock.close()
        ctx.term()


# ---- PUB -> SUB fan-out ---------------------------------------------------------------------

#: the publisher repeats the end marker this many times, this far apart: PUB drops at the
#: high-water mark, so one marker sent into full queues could be lost
END_MARKERS, END_MARKER_GAP = 40, 0.025


def local_pub(zmq, endpoint, size, seconds, go, report, hold=None):
    """PUB: bind, report the endpoint, wait for ``go()`` (subscribers are in), publish."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PUB)
    try:
        sock.setsockopt(zmq.LINGER, 0)
        sock.bind(endpoint)
        report("ready", endpoint=_endpoint_of(sock, zmq, endpoint))
        if not go():
            raise RuntimeError("no go signal from the parent")
        cpu0 = cpu_time()
        msg = payload(size)
        send = sock.send
        batch = range(batch_for(size))
        clock = time.perf_counter
        deadline = clock() + seconds
        sent = 0
        while clock() < deadline:
            for _ in batch:
                send(msg)
            sent += len(batch)
        for _ in range(END_MARKERS):
            send(b"")
            time.sleep(END_MARKER_GAP)
        cpu = cpu_time() - cpu0
        _hold(hold)
        report("sent", messages=sent, cpu_s=cpu)
    finally:
        sock.close()
        ctx.term()


def remote_sub(zmq, endpoint, report):
    """SUB: connect, subscribe to everything, time first..last message until the end marker."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.SUB)
    try:
        _setup_recv(sock, zmq)
        sock.setsockopt(zmq.SUBSCRIBE, b"")
        sock.connect(endpoint)
        report("ready", endpoint=endpoint)
        cpu0 = cpu_time()
        n, elapsed = _recv_until_end(sock, 1)
        report("result", messages=n, seconds=elapsed, cpu_s=cpu_time() - cpu0)
    finally:
        sock.close()
        ctx.term()


# ---- raw socket ceiling ---------------------------------------------------------------------


def _raw_family(transport):
    return _socket.AF_INET if transport == "tcp" else _socket.AF_UNIX


#: kernel buffer size asked for on ipc, as zmqlite does by default (its engine.pyx IPC_BUFFER):
#: the ceiling must allow what the library is allowed; tcp keeps the kernel's autotuning in both
RAW_IPC_BUFFER = 1 << 20


def _raw_socket(transport):
    sock = _socket.socket(_raw_family(transport), _socket.SOCK_STREAM)
    if transport != "tcp":
        sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF, RAW_IPC_BUFFER)
        sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_RCVBUF, RAW_IPC_BUFFER)
    return sock


def _raw_accept(transport, address, report):
    """Plain socket listener: bind, report the endpoint, accept one peer; returns
    (listener, connection), both with the receive timeout set."""
    listener = _raw_socket(transport)
    try:
        listener.bind(("127.0.0.1", 0) if transport == "tcp" else address)
        listener.listen(1)
        listener.settimeout(RECV_TIMEOUT_MS / 1000)
        addr = listener.getsockname()
        report("ready", endpoint=list(addr) if isinstance(addr, tuple) else addr)
        conn, _ = listener.accept()
        conn.settimeout(RECV_TIMEOUT_MS / 1000)
        return listener, conn
    except BaseException:
        listener.close()
        raise


def raw_local(transport, address, report):
    """Plain socket receiver: recv_into a 1 MiB buffer until EOF, time first..last byte."""
    listener, conn = _raw_accept(transport, address, report)
    try:
        with conn:
            buf = bytearray(RAW_CHUNK)
            view = memoryview(buf)
            recv_into = conn.recv_into
            total = recv_into(view)
            t0 = time.perf_counter()
            first = total
            while True:
                got = recv_into(view)
                if not got:
                    break
                total += got
            elapsed = time.perf_counter() - t0
        report("result", bytes=total - first, seconds=elapsed)
    finally:
        listener.close()


def raw_remote(transport, address, seconds, report):
    """Plain socket sender: sendall 1 MiB chunks for ``seconds``, then close."""
    sock = _raw_socket(transport)
    with sock:
        sock.settimeout(RECV_TIMEOUT_MS / 1000)
        sock.connect(tuple(address) if transport == "tcp" else address)
        chunk = bytes(RAW_CHUNK)
        sendall = sock.sendall
        clock = time.perf_counter
        deadline = clock() + seconds
        sent = 0
        while clock() < deadline:
            sendall(chunk)
            sent += RAW_CHUNK
        sock.shutdown(_socket.SHUT_WR)
        report("sent", bytes=sent)


def raw_lat_local(transport, address, report):
    """Plain socket echo: bind, answer each message with the same bytes until EOF (the
    floor under REQ/REP: what two processes' blocking sockets take per round trip)."""
    listener, conn = _raw_accept(transport, address, report)
    try:
        with conn:
            if transport == "tcp":
                conn.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            view = memoryview(bytearray(RAW_CHUNK))
            recv_into, sendall = conn.recv_into, conn.sendall
            n = 0
            while True:
                got = recv_into(view)
                if not got:
                    break
                sendall(view[:got])
                n += 1
        report("echoed", messages=n)
    finally:
        listener.close()


def raw_lat_remote(transport, address, size, seconds, report):
    """Plain socket ping-pong for ``seconds``: send ``size`` bytes, read them back, time
    every round trip as remote_lat does."""
    sock = _raw_socket(transport)
    with sock:
        sock.settimeout(RECV_TIMEOUT_MS / 1000)
        sock.connect(tuple(address) if transport == "tcp" else address)
        if transport == "tcp":
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        msg = payload(size)
        sendall, recv_into = sock.sendall, sock.recv_into
        buf = memoryview(bytearray(RAW_CHUNK))
        ns = time.perf_counter_ns
        samples = []
        add = samples.append
        deadline = ns() + int(seconds * 1e9)
        t1 = 0
        while t1 < deadline:
            t0 = ns()
            sendall(msg)
            got = 0
            while got < size:  # a stream: the echo may come back in pieces
                n = recv_into(buf)
                if not n:
                    raise RuntimeError("the echo end closed")
                got += n
            t1 = ns()
            add(t1 - t0)
        sock.shutdown(_socket.SHUT_WR)
        report("result", **summarize_latency(samples, warmup=max(10, len(samples) // 100)))


def raw_fan(transport, peers, seconds, report):
    """Plain sockets in the rounds of the scale-pub point, in one process: each round
    writes ``max(1, 10000 // peers)`` messages' bytes (16 B and ZMTP's 2-byte header
    each) to every one of ``peers`` connections in one send, then reads every one.
    Its CPU per delivery is the transport's floor under PUB's fan-out: one segment
    sent and received per subscriber per round, whatever a library does above it."""
    listener = _raw_socket(transport)
    writers, readers = [], []  # the accepted ends publish, the connecting ends read
    path = None
    try:
        if transport == "tcp":
            listener.bind(("127.0.0.1", 0))
        else:
            path = os.path.join(tempfile.gettempdir(), f"zl-rawfan-{os.getpid()}")
            listener.bind(path)
        listener.listen(min(peers, 4096))
        listener.settimeout(RECV_TIMEOUT_MS / 1000)
        for _ in range(peers):
            client = _raw_socket(transport)
            readers.append(client)  # (listed first: closed in finally if connect fails)
            client.connect(listener.getsockname())
            server, _ = listener.accept()
            writers.append(server)
            if transport == "tcp":
                for sock in (client, server):
                    sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            client.settimeout(RECV_TIMEOUT_MS / 1000)
        batch = max(1, 10000 // peers)
        chunk = bytes(18 * batch)
        buf = memoryview(bytearray(RAW_CHUNK))
        n = 0
        cpu0 = cpu_time()
        start = time.perf_counter()
        deadline = start + seconds
        while time.perf_counter() < deadline:
            for w in writers:
                w.sendall(chunk)
            for r in readers:
                got = 0
                while got < len(chunk):
                    k = r.recv_into(buf)
                    if not k:
                        raise RuntimeError("a connection closed")
                    got += k
            n += batch * peers
        report("result", messages=n, seconds=time.perf_counter() - start, cpu_s=cpu_time() - cpu0)
    finally:
        for sock in writers + readers:
            sock.close()
        listener.close()
        if path:
            os.unlink(path)


# ---- child process entry --------------------------------------------------------------------

#: import name of each implementation of the pyzmq API
MODULES = {"zmqlite": "zmqlite", "pyzmq": "zmq", "pyomq": "pyomq"}


def _watch_parent(events):
    """Read commands ("go", "close") from the parent on stdin; end of file: the parent is gone."""
    for line in sys.stdin:
        event = events.get(line.strip())
        if event is not None:
            event.set()
    os._exit(3)  # the parent died or gave up on us: never outlive it


def child_main(spec_json):
    """Run one end described by ``spec_json``; report JSON lines on stdout."""
    spec = json.loads(spec_json)
    out = sys.stdout

    def report(kind, **fields):
        fields["kind"] = kind
        out.write(LINE_PREFIX + json.dumps(fields) + "\n")
        out.flush()

    events = {"go": threading.Event(), "close": threading.Event()}
    threading.Thread(target=_watch_parent, args=(events,), daemon=True).start()
    go = lambda: events["go"].wait(60)  # noqa: E731
    hold = lambda: events["close"].wait(60)  # noqa: E731
    try:
        if spec.get("pin") is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {spec["pin"]})
        role = spec["role"]
        if role == "raw_local":
            return raw_local(spec["transport"], spec["endpoint"], report)
        if role == "raw_remote":
            return raw_remote(spec["transport"], spec["endpoint"], spec["seconds"], report)
        if role == "raw_lat_local":
            return raw_lat_local(spec["transport"], spec["endpoint"], report)
        if role == "raw_fan":
            return raw_fan(spec["transport"], spec["peers"], spec["seconds"], report)
        if role == "raw_lat_remote":
            return raw_lat_remote(spec["transport"], spec["endpoint"], spec["size"],
                                  spec["seconds"], report)
        if spec.get("path"):  # the zmqlite the parent runs, not whatever else is on sys.path
            sys.path.insert(0, spec["path"])
        import importlib

        zmq = importlib.import_module(MODULES[spec["impl"]])
        report("version", version=str(getattr(zmq, "__version__", "?")))
        ep, size, frames, secs = (spec.get(k) for k in ("endpoint", "size", "frames", "seconds"))
        if role == "local_thr":
            local_thr(zmq, ep, frames, report, curve=spec.get("curve", False))
        elif role == "remote_thr":
            remote_thr(zmq, ep, size, frames, secs, report, hold, spec.get("server_key"))
        elif role == "inproc_thr":
            inproc_thr(zmq, size, frames, secs, report)
        elif role == "local_lat":
            local_lat(zmq, ep, report, hold)
        elif role == "remote_lat":
            remote_lat(zmq, ep, size, secs, report)
        elif role == "local_pub":
            local_pub(zmq, ep, size, secs, go, report, hold)
        elif role == "remote_sub":
            remote_sub(zmq, ep, report)
        elif role == "scale":
            scale(zmq, spec["pattern"], spec["transport"], spec["peers"], secs, report)
        else:
            raise ValueError(f"unknown role {role!r}")
    except BaseException as exc:
        report("error", error=f"{spec.get('role')}: {type(exc).__name__}: {exc}")
        raise SystemExit(1)


# ---- one end by hand (bench/local_thr.py & co) ----------------------------------------------


def end_main(role, argv=None):
    """Run one end from the command line, like libzmq's perf tools, and print what it measured.

    Start the local (binding) end first, then the remote end, in two shells or on two machines.
    """
    import argparse

    ap = argparse.ArgumentParser(prog=role, description=end_main.__doc__.splitlines()[0])
    ap.add_argument("endpoint", help="bind-to (local_*) or connect-to (remote_*) endpoint")
    ap.add_argument("size", type=int, help="message (frame) size in bytes")
    ap.add_argument("--impl", choices=sorted(MODULES), default="zmqlite")
    if role.endswith("_thr"):
        ap.add_argument("--frames", type=int, default=1, help="frames per message (default 1)")
    if role.startswith("remote_"):
        ap.add_argument("--seconds", type=float, default=5.0, help="how long to send (default 5)")
    ap.add_argument("--pin", type=int, metavar="CPU", help="pin this process to one CPU")
    args = ap.parse_args(argv)
    if args.size < 1:
        ap.error("size must be at least 1 (an empty message marks the end)")
    if args.pin is not None:
        os.sched_setaffinity(0, {args.pin})
    import importlib

    zmq = importlib.import_module(MODULES[args.impl])
    frames = getattr(args, "frames", 1)

    def report(kind, **f):
        if kind == "ready":
            print(f"{role} ({args.impl} {getattr(zmq, '__version__', '?')}) "
                  f"bound to {f['endpoint']}", flush=True)
        elif kind == "result" and role == "local_thr":
            rate = f["messages"] / f["seconds"]
            print(f"message size: {args.size} [B] x {frames} frame(s)\n"
                  f"message count: {f['messages']}\n"
                  f"mean throughput: {rate:,.0f} [msg/s]\n"
                  f"mean throughput: {rate * args.size * frames * 8 / 1e6:,.3f} [Mb/s]")
        elif kind == "result":  # remote_lat
            print(f"message size: {args.size} [B]\nround trips: {f['round_trips']}\n"
                  f"latency median: {f['median_us']:.2f} [us]\n"
                  f"latency p99: {f['p99_us']:.2f} [us]\nlatency mean: {f['mean_us']:.2f} [us]")
        elif kind in ("sent", "echoed"):
            print(f"{role}: {f['messages']} messages", flush=True)

    if role == "local_thr":
        local_thr(zmq, args.endpoint, frames, report)
    elif role == "remote_thr":
        remote_thr(zmq, args.endpoint, args.size, frames, args.seconds, report)
    elif role == "local_lat":
        local_lat(zmq, args.endpoint, report)
    elif role == "remote_lat":
        remote_lat(zmq, args.endpoint, args.size, args.seconds, report)
    else:
        raise ValueError(f"unknown role {role!r}")
