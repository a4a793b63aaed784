"""The guide's asynchronous client/server (asyncsrv): DEALER clients with
their own identities talk to a ROUTER frontend; a proxy passes requests over
inproc to a DEALER backend and DEALER worker threads, each of which answers a
request several times. Every reply goes back to the client that asked."""

import threading

import pytest

from helpers import recv_multipart

REPLIES_PER_REQUEST = 2
CLIENTS = 3
REQUESTS = 5
WORKERS = 2


@pytest.mark.timeout(30)
def test_async_client_server(zl, ctx, endpoint, transport, bound):
    frontend = ctx.socket(zl.ROUTER)
    backend = ctx.socket(zl.DEALER)
    front_addr = bound(frontend, endpoint(transport))
    backend.bind("inproc://asyncsrv-backend")
    control_in = ctx.socket(zl.PAIR)
    control_in.bind("inproc://asyncsrv-control")
    control = ctx.socket(zl.PAIR)
    control.connect("inproc://asyncsrv-control")

    def proxy():
        try:
            zl.proxy_steerable(frontend, backend, None, control_in)
        finally:
            for sock in (frontend, backend, control_in):
                sock.close(linger=0)

    stop = threading.Event()

    def worker():
        sock = ctx.socket(zl.DEALER)
        sock.connect("inproc://asyncsrv-backend")
        poller = zl.Poller()
        poller.register(sock, zl.POLLIN)
        while not stop.is_set():
            if not poller.poll(50):
                continue
            ident, body = sock.recv_multipart()
            for k in range(REPLIES_PER_REQUEST):
                sock.send_multipart([ident, body + b" reply %d" % k])
        sock.close(linger=0)

    threads = [threading.Thread(target=proxy, daemon=True)]
    threads += [threading.Thread(target=worker, daemon=True) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    clients = []
    for n in range(CLIENTS):
        client = ctx.socket(zl.DEALER)
        client.setsockopt(zl.ROUTING_ID, b"client-%d" % n)
        client.connect(front_addr)
        clients.append(client)
    try:
        for k in range(REQUESTS):
            for n, client in enumerate(clients):
                client.send(b"c%d request #%d" % (n, k))
        for n, client in enumerate(clients):
            got = sorted(recv_multipart(client)[0] for _ in range(REQUESTS * REPLIES_PER_REQUEST))
            assert got == sorted(b"c%d request #%d reply %d" % (n, k, r)
                                 for k in range(REQUESTS) for r in range(REPLIES_PER_REQUEST))
    finally:
        stop.set()
        control.send(b"TERMINATE")
        for t in threads:
            t.join(5)
        assert not any(t.is_alive() for t in threads)
