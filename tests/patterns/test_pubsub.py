"""RFC 29/PUBSUB: PUB, SUB, XPUB and XSUB, zmqlite on both ends, on every transport.

Subscriptions travel asynchronously, so no test publishes its real data
before it knows the subscriptions are live.  It learns that without sleeping:
the SUB subscribes (last) to a sync topic, the PUB sends sync messages until
one arrives, then an end marker the SUB reads up to.  Subscriptions and
cancels travel in order on one connection, so once the last one is live all
earlier ones are too; and a message sent after the end marker is only
received after it.
"""

import threading
import time

import pytest

from helpers import assert_no_message, recv, recv_multipart, sync_subscription

pytestmark = pytest.mark.timeout(20)

SYNC = b"~1"  # later syncs use b"~2", b"~3": no sync topic is a prefix of another


def sync(zl, pub, sub, topic=SYNC, subscribe=True):
    """``sync_subscription`` on this module's sync topic (see helpers)."""
    sync_subscription(zl, pub, sub, topic, subscribe)


def drain(zl, sock, idle_ms=100):
    """Every message readable now (waiting ``idle_ms`` for more after each)."""
    got = []
    while sock.poll(idle_ms, zl.POLLIN):
        got.append(sock.recv_multipart(zl.NOBLOCK))
    return got


def publish_then_mark(pub, bodies, topic=SYNC):
    """Publish ``bodies`` then a marker on ``topic`` (which the SUB keeps
    subscribed): reading up to the marker sees everything that was delivered."""
    for body in bodies:
        pub.send(body)
    pub.send(topic + b" mark")


def read_until_mark(sub, topic=SYNC):
    """Read messages until the marker (exclusive): what the SUB got of a batch."""
    marker = topic + b" mark"
    got = []
    while True:
        frames = recv_multipart(sub)
        if frames == [marker]:
            return got
        got.append(frames[0] if len(frames) == 1 else frames)


@pytest.fixture
def pub_sub(zl, ctx, endpoint, transport, bound):
    """A PUB bound, a SUB connected (no subscriptions yet)."""
    pub = ctx.socket(zl.PUB)
    sub = ctx.socket(zl.SUB)
    sub.connect(bound(pub, endpoint(transport)))
    return pub, sub


ALL = [b"apple", b"apricot", b"banana", b"", b"a", b"cherry", b"\x00bin", b"ap"]


# --- SUB filtering --------------------------------------------------------


def test_prefix_filter(zl, pub_sub):
    """RFC 29, SUB: "SHALL ... filter incoming messages" by prefix; a topic is
    a prefix of the first frame."""
    pub, sub = pub_sub
    sub.setsockopt(zl.SUBSCRIBE, b"ap")
    sync(zl, pub, sub)
    publish_then_mark(pub, ALL)
    assert read_until_mark(sub) == [b"apple", b"apricot", b"ap"]


def test_empty_subscription_gets_everything(zl, pub_sub):
    """RFC 29: "an empty subscription matches all messages"."""
    pub, sub = pub_sub
    sub.setsockopt(zl.SUBSCRIBE, b"")
    sync(zl, pub, sub)
    publish_then_mark(pub, ALL)
    assert read_until_mark(sub) == ALL


def test_no_subscription_gets_nothing(zl, pub_sub):
    """RFC 29: a SUB with no subscription receives nothing."""
    pub, sub = pub_sub
    sync(zl, pub, sub)  # only the sync topic is subscribed
    publish_then_mark(pub, ALL)
    assert read_until_mark(sub) == []


def test_several_subscriptions(zl, pub_sub):
    """RFC 29, SUB: "MAY subscribe to multiple topics"; a message matching any
    of them is delivered, in publication order."""
    pub, sub = pub_sub
    for topic in (b"banana", b"che", b"\x00"):
        sub.setsockopt(zl.SUBSCRIBE, topic)
    sync(zl, pub, sub)
    publish_then_mark(pub, ALL)
    assert read_until_mark(sub) == [b"banana", b"cherry", b"\x00bin"]


def test_overlapping_prefixes_deliver_once(zl, pub_sub):
    """RFC 29: a message that matches several subscriptions is delivered once."""
    pub, sub = pub_sub
    for topic in (b"a", b"ap", b"apple", b""):
        sub.setsockopt(zl.SUBSCRIBE, topic)
    sync(zl, pub, sub)
    publish_then_mark(pub, [b"apple", b"apricot", b"zzz"])
    assert read_until_mark(sub) == [b"apple", b"apricot", b"zzz"]


def test_many_subscriptions_of_mixed_lengths(zl, pub_sub):
    """The weather example at scale: a subscriber with 500 zip codes and
    prefixes of other lengths gets exactly the messages one of them starts,
    and none twice; cancelling some of them stops just those. (libzmq counts
    subscriptions against the SUB's SNDHWM and drops those past it, so the
    test stays under the default 1000.)"""
    pub, sub = pub_sub
    zips = [b"%05d" % z for z in range(10000, 11000, 2)]      # even zip codes
    for topic in zips + [b"1001", b"Q", b"XY"]:
        sub.setsockopt(zl.SUBSCRIBE, topic)
    sync(zl, pub, sub)
    bodies = [b"%05d temp" % z for z in range(10000, 10040)] + [
        b"Q1", b"XY2", b"X3", b"10998 last", b"10999 odd", b"11000 out"]
    expected = [b for b in bodies
                if any(b.startswith(t) for t in zips + [b"1001", b"Q", b"XY"])]
    publish_then_mark(pub, bodies)
    assert read_until_mark(sub) == expected
    for topic in zips[:20] + [b"1001"]:                    # 10000 .. 10038
        sub.setsockopt(zl.UNSUBSCRIBE, topic)
    sync(zl, pub, sub, topic=b"~2")
    publish_then_mark(pub, bodies)
    assert read_until_mark(sub) == [b"Q1", b"XY2", b"10998 last"]


def test_unsubscribe_stops_delivery(zl, pub_sub):
    """RFC 29, SUB: "MAY unsubscribe from topics" -- after the cancel is live,
    matching messages stop; other subscriptions are unaffected."""
    pub, sub = pub_sub
    sub.setsockopt(zl.SUBSCRIBE, b"a")
    sub.setsockopt(zl.SUBSCRIBE, b"b")
    sync(zl, pub, sub)
    publish_then_mark(pub, [b"a1", b"b1", b"c1"])
    assert read_until_mark(sub) == [b"a1", b"b1"]

    sub.setsockopt(zl.UNSUBSCRIBE, b"a")
    sync(zl, pub, sub, topic=b"~2")  # the cancel went first, so it is live
    publish_then_mark(pub, [b"a2", b"b2", b"c2"])
    assert read_until_mark(sub) == [b"b2"]


def test_subscriptions_are_counted(zl, pub_sub):
    """RFC 29 / libzmq: subscribing to a topic twice needs two unsubscribes
    before delivery stops."""
    pub, sub = pub_sub
    sub.setsockopt(zl.SUBSCRIBE, b"t")
    sub.setsockopt(zl.SUBSCRIBE, b"t")
    sync(zl, pub, sub)
    publish_then_mark(pub, [b"t1"])
    assert read_until_mark(sub) == [b"t1"]

    sub.setsockopt(zl.UNSUBSCRIBE, b"t")
    sync(zl, pub, sub, topic=b"~2")
    publish_then_mark(pub, [b"t2"])
    assert read_until_mark(sub) == [b"t2"]  # one subscription left

    sub.setsockopt(zl.UNSUBSCRIBE, b"t")
    sync(zl, pub, sub, topic=b"~3")
    publish_then_mark(pub, [b"t3"])
    assert read_until_mark(sub) == []


def test_unsubscribe_unknown_topic_is_harmless(zl, pub_sub):
    """Cancelling a topic never subscribed is not an error and changes nothing."""
    pub, sub = pub_sub
    sub.setsockopt(zl.SUBSCRIBE, b"x")
    sub.setsockopt(zl.UNSUBSCRIBE, b"never")
    sync(zl, pub, sub)
    publish_then_mark(pub, [b"x1", b"never1"])
    assert read_until_mark(sub) == [b"x1"]


def test_subscribe_helpers_take_str_and_bytes(zl, pub_sub):
    """pyzmq's ``subscribe()``/``unsubscribe()`` accept str (UTF-8) and bytes."""
    pub, sub = pub_sub
    sub.subscribe("tö")
    sub.subscribe(b"raw")
    sub.subscribe("gone")
    sub.unsubscribe(b"gone")
    sync(zl, pub, sub)
    publish_then_mark(pub, ["tö!".encode(), b"raw data", b"gone?", "t".encode()])
    assert read_until_mark(sub) == ["tö!".encode(), b"raw data"]

    sub.unsubscribe("tö")
    sync(zl, pub, sub, topic=b"~2")
    publish_then_mark(pub, ["tö!".encode(), b"raw data"])
    assert read_until_mark(sub) == [b"raw data"]


def test_multipart_filtered_on_first_frame_and_delivered_whole(zl, pub_sub):
    """RFC 29: the filter looks at the first frame only; a matching multipart
    message is delivered whole, a non-matching one not at all, even when a
    later frame would match."""
    pub, sub = pub_sub
    sub.setsockopt(zl.SUBSCRIBE, b"news")
    sync(zl, pub, sub)
    pub.send_multipart([b"news.world", b"body 1", b"", b"tail"])
    pub.send_multipart([b"sport", b"news inside"])
    pub.send_multipart([b"news", b"body 2"])
    publish_then_mark(pub, [])
    assert read_until_mark(sub) == [
        [b"news.world", b"body 1", b"", b"tail"],
        [b"news", b"body 2"],
    ]


def test_sub_cannot_send(zl, pub_sub):
    """RFC 29, SUB: "SHALL NOT" send data: send raises ENOTSUP (libzmq)."""
    _, sub = pub_sub
    with pytest.raises(zl.ZMQError) as info:
        sub.send(b"x", zl.NOBLOCK)
    assert info.value.errno == zl.ENOTSUP


def test_pub_cannot_recv(zl, pub_sub):
    """RFC 29, PUB: "SHALL NOT" receive: recv raises ENOTSUP (libzmq)."""
    pub, _ = pub_sub
    with pytest.raises(zl.ZMQError) as info:
        pub.recv(zl.NOBLOCK)
    assert info.value.errno == zl.ENOTSUP


def test_late_joiner_misses_earlier_messages(zl, ctx, endpoint, transport, bound):
    """RFC 29, PUB: "SHALL silently drop the message" if there are no
    subscribers; a subscriber only gets what is published after its
    subscription is live (the "slow joiner" effect).

    Only the deterministic part is asserted: messages published before the
    SUB even connected are never delivered.  Messages published between
    connect and the subscription becoming live may or may not arrive, so the
    test publishes none in that window.
    """
    pub = ctx.socket(zl.PUB)
    addr = bound(pub, endpoint(transport))
    for i in range(10):
        pub.send(b"early %d" % i)  # nobody there: dropped, never blocks
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"")
    sub.connect(addr)
    sync(zl, pub, sub)
    publish_then_mark(pub, [b"late %d" % i for i in range(3)])
    assert read_until_mark(sub) == [b"late 0", b"late 1", b"late 2"]


def test_pub_never_blocks_and_drops_for_slow_subscriber(zl, ctx, endpoint, transport, bound):
    """RFC 29, PUB: "SHALL NOT block on send" -- when a subscriber's queue is
    full the PUB drops for that subscriber.  A SUB that never reads gets far
    fewer than were sent; another that reads still receives, in order.
    """
    n, size = 10_000, 4096  # 40 MB: more than the kernel buffers between them
    pub = ctx.socket(zl.PUB)
    pub.setsockopt(zl.SNDHWM, 10)
    addr = bound(pub, endpoint(transport))
    slow, fast = ctx.socket(zl.SUB), ctx.socket(zl.SUB)
    # each syncs on its own topic, so the slow one's small queue holds no
    # sync traffic meant for the other
    for sub, topic in ((slow, b"~1"), (fast, b"~2")):
        sub.setsockopt(zl.RCVHWM, 10)
        sub.setsockopt(zl.SUBSCRIBE, b"d")
        sub.connect(addr)
        sync(zl, pub, sub, topic=topic)

    got = []
    done = threading.Event()

    def read_fast():
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if fast.poll(20, zl.POLLIN):
                body = fast.recv()
                if body == b"d-end":
                    break
                got.append(int(body[1:7]))
        done.set()

    reader = threading.Thread(target=read_fast, daemon=True)
    reader.start()
    pad = b"." * size
    start = time.monotonic()
    for i in range(n):
        pub.send(b"d%06d" % i + pad)  # blocking send: must still never wait
    elapsed = time.monotonic() - start
    # the end marker itself may be dropped for a full queue: repeat it
    deadline = time.monotonic() + 10
    while not done.wait(0.02):
        assert time.monotonic() < deadline, "the reading subscriber never saw the end"
        pub.send(b"d-end")
    reader.join(5)
    assert elapsed < 10, f"publishing {n} messages took {elapsed:.1f} s"

    assert got, "the reading subscriber received nothing"
    assert got == sorted(got) and len(set(got)) == len(got)  # in order, no duplicates
    slow_got = [m for m in drain(zl, slow) if m[0][:2] == b"d0"]
    assert 0 < len(slow_got) < n
    indices = [int(m[0][1:7]) for m in slow_got]
    assert indices == sorted(indices)


# --- XPUB / XSUB ----------------------------------------------------------


def test_xpub_receives_subscribe_and_cancel(zl, ctx, endpoint, transport, bound):
    """RFC 29, XPUB: "SHALL deliver subscription messages to the calling
    application": b"\\x01" + topic when a SUB subscribes, b"\\x00" + topic
    when it unsubscribes."""
    xpub = ctx.socket(zl.XPUB)
    sub = ctx.socket(zl.SUB)
    sub.connect(bound(xpub, endpoint(transport)))
    sub.setsockopt(zl.SUBSCRIBE, b"topic")
    assert recv(xpub) == b"\x01topic"
    sub.setsockopt(zl.SUBSCRIBE, b"")
    assert recv(xpub) == b"\x01"
    sub.setsockopt(zl.UNSUBSCRIBE, b"topic")
    assert recv(xpub) == b"\x00topic"
    # and XPUB publishes like PUB
    xpub.send(b"data")
    assert recv(sub) == b"data"
    assert_no_message(xpub, 50)


def test_xpub_passes_duplicates_only_when_verbose(zl, ctx, endpoint, transport, bound):
    """RFC 29, XPUB: duplicate subscriptions (a second SUB on the same topic)
    are not passed up unless XPUB_VERBOSE=1 (libzmq); a cancel is passed when
    the last subscriber goes.  A distinct marker topic subscribed after the
    duplicate proves the duplicate was processed without being delivered.
    """
    xpub = ctx.socket(zl.XPUB)
    addr = bound(xpub, endpoint(transport))
    sub1, sub2 = ctx.socket(zl.SUB), ctx.socket(zl.SUB)
    sub1.connect(addr)
    sub2.connect(addr)
    sub1.setsockopt(zl.SUBSCRIBE, b"t")
    assert recv(xpub) == b"\x01t"
    sub2.setsockopt(zl.SUBSCRIBE, b"t")
    sub2.setsockopt(zl.SUBSCRIBE, b"marker")
    assert recv(xpub) == b"\x01marker"

    sub1.setsockopt(zl.UNSUBSCRIBE, b"t")
    sub1.setsockopt(zl.SUBSCRIBE, b"marker1")
    assert recv(xpub) == b"\x01marker1"  # sub2 still holds t: no cancel yet
    sub2.setsockopt(zl.UNSUBSCRIBE, b"t")
    assert recv(xpub) == b"\x00t"

    xpub.setsockopt(zl.XPUB_VERBOSE, 1)
    sub1.setsockopt(zl.SUBSCRIBE, b"v")
    assert recv(xpub) == b"\x01v"
    sub2.setsockopt(zl.SUBSCRIBE, b"v")
    assert recv(xpub) == b"\x01v"  # the duplicate now passes
    assert_no_message(xpub, 50)


def test_xsub_subscribes_by_message(zl, ctx, endpoint, transport, bound):
    """RFC 29, XSUB: "SHALL accept subscription messages" sent as b"\\x01" +
    topic (b"\\x00" + topic cancels) and receives matching data."""
    pub = ctx.socket(zl.PUB)
    xsub = ctx.socket(zl.XSUB)
    xsub.connect(bound(pub, endpoint(transport)))
    xsub.send(b"\x01news")
    xsub.send(b"\x01" + SYNC)
    sync(zl, pub, xsub, subscribe=False)
    publish_then_mark(pub, [b"news 1", b"sport 1", b"newsflash"])
    assert read_until_mark(xsub) == [b"news 1", b"newsflash"]

    xsub.send(b"\x00news")
    xsub.send(b"\x01" + b"~2")
    sync(zl, pub, xsub, topic=b"~2", subscribe=False)
    publish_then_mark(pub, [b"news 2", b"sport 2"])
    assert read_until_mark(xsub) == []


def test_xpub_to_xsub_subscription_and_data(zl, ctx, endpoint, transport, bound):
    """XSUB's subscription message reaches an XPUB as the same bytes."""
    xpub = ctx.socket(zl.XPUB)
    xsub = ctx.socket(zl.XSUB)
    xsub.connect(bound(xpub, endpoint(transport)))
    xsub.send(b"\x01abc")
    assert recv(xpub) == b"\x01abc"
    xpub.send(b"abc!")
    xpub.send(b"xyz!")
    xpub.send(b"abc?")
    assert recv(xsub) == b"abc!"
    assert recv(xsub) == b"abc?"
    assert_no_message(xsub, 100)
    xsub.send(b"\x00abc")
    assert recv(xpub) == b"\x00abc"


def _forward(zl, xsub, xpub, stop):
    """An XSUB/XPUB proxy as a bounded Poller loop: data down, subscriptions up."""
    poller = zl.Poller()
    poller.register(xsub, zl.POLLIN)
    poller.register(xpub, zl.POLLIN)
    deadline = time.monotonic() + 15
    while not stop.is_set() and time.monotonic() < deadline:
        events = dict(poller.poll(20))
        if xsub in events:
            xpub.send_multipart(xsub.recv_multipart())
        if xpub in events:
            xsub.send_multipart(xpub.recv_multipart())


def test_xpub_xsub_proxy(zl, ctx, endpoint, transport, bound):
    """RFC 29: XSUB and XPUB make a forwarder: subscriptions flow upstream
    (the upstream XPUB sees the downstream SUB's b"\\x01" + topic) and only
    matching data flows down."""
    upstream = ctx.socket(zl.XPUB)
    front = ctx.socket(zl.XSUB)
    front.connect(bound(upstream, endpoint(transport)))
    back = ctx.socket(zl.XPUB)
    back_addr = bound(back, endpoint(transport))
    sub = ctx.socket(zl.SUB)
    sub.connect(back_addr)

    stop = threading.Event()
    proxy = threading.Thread(target=_forward, args=(zl, front, back, stop), daemon=True)
    proxy.start()
    try:
        sub.setsockopt(zl.SUBSCRIBE, b"news")
        assert recv(upstream) == b"\x01news"
        sub.setsockopt(zl.SUBSCRIBE, SYNC)
        assert recv(upstream) == b"\x01" + SYNC
        sync(zl, upstream, sub, subscribe=False)
        publish_then_mark(upstream, [b"news 1", b"sport 1", b"news 2"])
        assert read_until_mark(sub) == [b"news 1", b"news 2"]
        pub_multipart = [b"news 3", b"a", b"b"]
        upstream.send_multipart(pub_multipart)
        assert recv_multipart(sub) == pub_multipart
        sub.setsockopt(zl.UNSUBSCRIBE, b"news")
        assert recv(upstream) == b"\x00news"
    finally:
        stop.set()
        proxy.join(5)
    assert not proxy.is_alive()


def test_sub_binds_and_several_pubs_connect(zl, ctx, endpoint, transport, bound):
    """RFC 29: either side may bind.  A SUB bound with two PUBs connected gets
    the matching messages of both, each publisher's in its own order."""
    sub = ctx.socket(zl.SUB)
    addr = bound(sub, endpoint(transport))
    sub.setsockopt(zl.SUBSCRIBE, b"k")
    pubs = [ctx.socket(zl.PUB) for _ in range(2)]
    for pub in pubs:
        pub.connect(addr)
        sync(zl, pub, sub)  # the SUB keeps the sync topic: later syncs just reuse it
    for n, pub in enumerate(pubs):
        for i in range(5):
            pub.send(b"k%d-%d" % (n, i))
            pub.send(b"x%d-%d" % (n, i))
        publish_then_mark(pub, [])
    got = []
    marks = 0
    while marks < 2:
        body = recv(sub)
        if body == SYNC + b" mark":
            marks += 1
        else:
            got.append(body)
    for n in range(2):
        assert [b for b in got if b.startswith(b"k%d" % n)] == [b"k%d-%d" % (n, i) for i in range(5)]
    assert len(got) == 10
