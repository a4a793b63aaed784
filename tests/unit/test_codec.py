"""The sans-I/O ZMTP codec in zmqlite._core: plain byte strings, no sockets.

Wire facts from RFC 23 (ZMTP 3.0) and RFC 37 (ZMTP 3.1): a 64-byte greeting;
frames are a flags byte (bit0 MORE, bit1 LONG, bit2 COMMAND, bits 3-7 zero), a
1-byte size (or 8-byte big-endian size when LONG) and the body; a command body
is a 1-byte name length, the name and its data; READY data is a list of
properties (1-byte name length, name, 4-byte big-endian value length, value).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = [
    pytest.mark.zmqlite_only(reason="tests zmqlite._core's codec helpers"),
    pytest.mark.timeout(30),
]

try:
    from zmqlite import _core as core
except ImportError:
    # tolerated only for ZMQLITE_TEST_IMPL=pyzmq, where every test here is
    # skipped; on the default run conftest has already failed loudly
    core = None


MORE, LONG, COMMAND = 1, 2, 4


def decode_all(data, maxmsgsize=-1):
    """Feed ``data`` in one go and drain every complete frame."""
    dec = core.ZMTPDecoder(maxmsgsize)
    dec.feed(data)
    frames = []
    while (frame := dec.next_frame()) is not None:
        frames.append(frame)
    return frames


# --------------------------------------------------------------------------
# greeting


def test_greeting_layout():
    g = core.encode_greeting()
    assert isinstance(g, bytes) and len(g) == 64
    assert g[0] == 0xFF and g[9] == 0x7F  # signature; bytes 1-8 are padding
    assert g[10:12] == b"\x03\x01"  # version 3.1
    assert g[12:32] == b"NULL" + b"\x00" * 16
    assert g[32] == 0  # as-server
    assert g[33:] == b"\x00" * 31


def test_greeting_as_server_and_mechanism():
    g = core.encode_greeting(mechanism=b"PLAIN", as_server=True)
    assert g[12:32] == b"PLAIN" + b"\x00" * 15
    assert g[32] == 1


@pytest.mark.parametrize("mechanism", [b"NULL", b"PLAIN", b"CURVE"])
@pytest.mark.parametrize("as_server", [False, True])
def test_greeting_round_trip(mechanism, as_server):
    g = core.encode_greeting(mechanism=mechanism, as_server=as_server)
    assert core.parse_greeting(g) == (3, 1, mechanism, as_server)


def test_greeting_minor_zero_accepted():
    """ZMTP 3.0 peers (JeroMQ, NetMQ...) say minor 0: accept them."""
    g = core.encode_greeting(minor=0)
    assert g[10:12] == b"\x03\x00"
    assert core.parse_greeting(g) == (3, 0, b"NULL", False)


def test_greeting_higher_minor_accepted():
    g = bytearray(core.encode_greeting())
    g[11] = 2
    assert core.parse_greeting(bytes(g)) == (3, 2, b"NULL", False)


def test_greeting_padding_is_ignored():
    """libzmq puts 0x00*7 0x01 in the padding (a ZMTP 1.0 compatible length)."""
    libzmq_style = (
        b"\xff" + b"\x00" * 7 + b"\x01" + b"\x7f" + b"\x03\x01"
        + b"NULL".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31
    )
    assert core.parse_greeting(libzmq_style) == (3, 1, b"NULL", False)


@pytest.mark.parametrize(
    "index, value",
    [(0, 0x00), (0, 0x7F), (9, 0x00), (9, 0xFF), (10, 2), (10, 1), (10, 0)],
    ids=["sig0-00", "sig0-7f", "sig9-00", "sig9-ff", "major2", "major1", "major0"],
)
def test_greeting_rejected(index, value):
    """A bad signature, or a major version below 3, is a protocol error."""
    g = bytearray(core.encode_greeting())
    g[index] = value
    with pytest.raises(core.ZMTPError):
        core.parse_greeting(bytes(g))


def test_zmtp_error_is_value_error():
    assert issubclass(core.ZMTPError, ValueError)


# --------------------------------------------------------------------------
# commands and READY

READY_PAIR = b"\x04\x1a\x05READY\x0bSocket-Type\x00\x00\x00\x04PAIR"


def test_ready_exact_bytes():
    """flags 0x04 (COMMAND, short), size 26 = 1 + len("READY") + 1 +
    len("Socket-Type") + 4 + len("PAIR")."""
    assert len(READY_PAIR) == 2 + 0x1A
    assert core.encode_ready(b"PAIR", None) == READY_PAIR


def test_ready_exact_bytes_dealer():
    body = b"\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER"
    assert len(body) == 28
    assert core.encode_ready(b"DEALER", None) == b"\x04\x1c" + body


def test_hand_built_ready_parses():
    flags, body = decode_all(READY_PAIR)[0]
    assert flags & COMMAND and not flags & MORE
    name, data = core.parse_command(body)
    assert name == b"READY"
    assert core.parse_properties(data) == {b"Socket-Type": b"PAIR"}


@pytest.mark.parametrize("identity", [b"abc", b"", b"\x00\x01\x02", b"i" * 255])
def test_ready_with_identity_round_trip(identity):
    frame = core.encode_ready(b"DEALER", identity)
    [(flags, body)] = decode_all(frame)
    assert flags & COMMAND
    name, data = core.parse_command(body)
    assert name == b"READY"
    assert core.parse_properties(data) == {b"Socket-Type": b"DEALER", b"Identity": identity}
    # properties as on the wire: name length, name, 4-byte big-endian length, value
    assert b"\x08Identity" + len(identity).to_bytes(4, "big") + identity in data


def test_ready_without_identity_has_no_identity_property():
    _, body = decode_all(core.encode_ready(b"PUSH", None))[0]
    assert core.parse_properties(core.parse_command(body)[1]) == {b"Socket-Type": b"PUSH"}


def test_command_exact_bytes():
    assert core.encode_command(b"PING", b"\x00\x0a") == b"\x04\x07\x04PING\x00\x0a"
    assert core.encode_command(b"SUBSCRIBE", b"") == b"\x04\x0a\x09SUBSCRIBE"


def test_long_command_uses_long_flag():
    data = b"d" * 300
    frame = core.encode_command(b"X", data)
    body = b"\x01X" + data
    assert frame == b"\x06" + len(body).to_bytes(8, "big") + body
    [(flags, got)] = decode_all(frame)
    assert flags == COMMAND | LONG
    assert core.parse_command(got) == (b"X", data)


def test_parse_properties_many_and_empty():
    data = (
        b"\x0bSocket-Type\x00\x00\x00\x03REQ"
        + b"\x08Identity\x00\x00\x00\x00"
        + b"\x08X-Custom" + (300).to_bytes(4, "big") + b"v" * 300
    )
    assert core.parse_properties(data) == {
        b"Socket-Type": b"REQ",
        b"Identity": b"",
        b"X-Custom": b"v" * 300,
    }
    assert core.parse_properties(b"") == {}


@pytest.mark.parametrize(
    "data",
    [
        b"\x0bSocket-Type\x00\x00\x00\x04PAI",  # value cut short
        b"\x0bSocket-Typ",  # name cut short
        b"\x0bSocket-Type\x00\x00",  # length cut short
    ],
    ids=["value", "name", "length"],
)
def test_truncated_properties_rejected(data):
    with pytest.raises(ValueError):  # ZMTPError is a ValueError
        core.parse_properties(data)


# --------------------------------------------------------------------------
# frames


@pytest.mark.parametrize("size", [0, 1, 255, 256, 65536, 2**20])
def test_frame_sizes(size):
    body = bytes(i % 251 for i in range(size))
    frame = core.encode_frame(body)
    if size < 256:
        assert frame[:2] == bytes([0, size])
        assert len(frame) == 2 + size
    else:
        assert frame[0] == LONG
        assert frame[1:9] == size.to_bytes(8, "big")
        assert len(frame) == 9 + size
    assert frame.endswith(body)
    [(flags, got)] = decode_all(frame)
    assert got == body
    assert flags & MORE == 0 and flags & COMMAND == 0
    assert bool(flags & LONG) == (size >= 256)


def test_more_flag_encoding():
    assert core.encode_frame(b"ab", more=True) == b"\x01\x02ab"
    assert core.encode_frame(b"ab") == b"\x00\x02ab"
    assert core.encode_frame(b"x" * 256, more=True)[:1] == b"\x03"


def test_more_chain():
    parts = [b"a", b"", b"c" * 300, b"d"]
    wire = b"".join(
        core.encode_frame(p, more=(i < len(parts) - 1)) for i, p in enumerate(parts)
    )
    frames = decode_all(wire)
    assert [body for _, body in frames] == parts
    assert [bool(flags & MORE) for flags, _ in frames] == [True, True, True, False]


def test_several_frames_in_one_feed_then_need_data():
    wire = core.encode_frame(b"one") + core.encode_frame(b"two") + core.encode_frame(b"thr")
    dec = core.ZMTPDecoder()
    dec.feed(wire[:-1])
    assert dec.next_frame() == (0, b"one")
    assert dec.next_frame() == (0, b"two")
    assert dec.next_frame() is None
    dec.feed(wire[-1:])
    assert dec.next_frame() == (0, b"thr")
    assert dec.next_frame() is None


@pytest.mark.parametrize("size", [0, 5, 255, 256, 1000])
def test_byte_by_byte(size):
    """Every prefix of a frame is NEED_DATA (None); the last byte completes it."""
    bodies = [b"p" * size, b"q"]
    wire = core.encode_frame(bodies[0], more=True) + core.encode_frame(bodies[1])
    first_len = len(core.encode_frame(bodies[0], more=True))
    dec = core.ZMTPDecoder()
    got = []
    for i in range(len(wire)):
        dec.feed(wire[i:i + 1])
        frame = dec.next_frame()
        if i + 1 in (first_len, len(wire)):
            assert frame is not None, f"frame not complete at byte {i + 1}"
            got.append(frame)
        else:
            assert frame is None, f"frame returned early at byte {i + 1}"
    assert got == [(MORE | (LONG if size >= 256 else 0), bodies[0]), (0, b"q")]


def test_feed_empty_is_harmless():
    dec = core.ZMTPDecoder()
    dec.feed(b"")
    assert dec.next_frame() is None
    dec.feed(b"\x00")
    dec.feed(b"")
    assert dec.next_frame() is None
    dec.feed(b"\x00")
    assert dec.next_frame() == (0, b"")


@pytest.mark.parametrize("bit", [0x08, 0x10, 0x20, 0x40, 0x80])
def test_reserved_flag_bits_rejected(bit):
    dec = core.ZMTPDecoder()
    dec.feed(bytes([bit, 1]) + b"x")
    with pytest.raises(core.ZMTPError):
        dec.next_frame()


def test_command_with_more_rejected():
    dec = core.ZMTPDecoder()
    dec.feed(b"\x05\x07\x04PING\x00\x00")
    with pytest.raises(core.ZMTPError):
        dec.next_frame()


def test_maxmsgsize_edge():
    """A frame of exactly maxmsgsize passes (libzmq: size > max is the error)."""
    assert decode_all(core.encode_frame(b"x" * 100), maxmsgsize=100) == [(0, b"x" * 100)]
    assert decode_all(core.encode_frame(b"x" * 300), maxmsgsize=300)[0][1] == b"x" * 300
    with pytest.raises(core.ZMTPError):
        decode_all(core.encode_frame(b"x" * 101), maxmsgsize=100)
    with pytest.raises(core.ZMTPError):
        decode_all(core.encode_frame(b"x" * 301), maxmsgsize=300)


def test_maxmsgsize_checked_on_the_header():
    """The limit applies to the declared size: a peer must not make us buffer
    a huge body before we refuse it."""
    dec = core.ZMTPDecoder(1000)
    dec.feed(b"\x02" + (10**12).to_bytes(8, "big") + b"x" * 10)
    with pytest.raises(core.ZMTPError):
        dec.next_frame()


def test_unlimited_by_default():
    assert decode_all(core.encode_frame(b"x" * 70000)) == [(LONG, b"x" * 70000)]


# --------------------------------------------------------------------------
# property test: encoding then decoding in any chunking is the identity

frames_strategy = st.lists(
    st.tuples(
        st.one_of(st.binary(max_size=300), st.binary(min_size=254, max_size=258)),
        st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(frames=frames_strategy, data=st.data())
def test_round_trip_any_chunking(frames, data):
    wire = b"".join(core.encode_frame(body, more=more) for body, more in frames)
    cuts = sorted(
        data.draw(st.lists(st.integers(0, len(wire)), max_size=20), label="cuts")
    )
    dec = core.ZMTPDecoder()
    got = []
    start = 0
    for end in cuts + [len(wire)]:
        dec.feed(wire[start:end])
        start = end
        while (frame := dec.next_frame()) is not None:
            got.append(frame)
    assert [(body, bool(flags & MORE)) for flags, body in got] == frames
    assert all(not flags & COMMAND for flags, _ in got)


def test_subscription_commands_become_messages_for_zmtp30():
    """The engine's one encoder (frame_to_wire): ZMTP 3.0 has no SUBSCRIBE or
    CANCEL commands, so a 3.0 peer gets RFC 29's 0x01/0x00 + topic message."""
    subscribe = b"\x09SUBSCRIBE" + b"topic"
    cancel = b"\x06CANCEL" + b"topic"
    assert core.encode_frame(subscribe, command=True, peer_minor=1) == b"\x04\x0f" + subscribe
    assert core.encode_frame(subscribe, command=True, peer_minor=0) == b"\x00\x06\x01topic"
    assert core.encode_frame(cancel, command=True, peer_minor=0) == b"\x00\x06\x00topic"
    long_topic = b"t" * 300
    assert core.encode_frame(b"\x09SUBSCRIBE" + long_topic, command=True, peer_minor=0) == \
        b"\x02" + (301).to_bytes(8, "big") + b"\x01" + long_topic
    # other commands and data frames are the same for both versions
    ping = b"\x04PING\x00\x00"
    assert core.encode_frame(ping, command=True, peer_minor=0) == core.encode_frame(ping, command=True)
    assert core.encode_frame(b"data", more=True, peer_minor=0) == b"\x01\x04data"
