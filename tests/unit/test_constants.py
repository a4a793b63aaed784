"""zmqlite.constants carries pyzmq's names with libzmq's values.

pyzmq (>= 23) is the reference: every enum class, member, alias and flat
module-level name it exposes must exist here with the same value, so that
``import zmqlite as zmq`` runs pyzmq scripts unchanged. pyzmq is imported by the
test only; zmqlite never imports it.
"""

import enum
import errno
import os
import subprocess
import sys
import textwrap

import pytest
import zmq as pyzmq
import zmq.constants as pyzmq_constants

# under ZMQLITE_TEST_IMPL=pyzmq zmqlite may not be built yet: skip, do not error
constants = pytest.importorskip("zmqlite.constants")

pytestmark = pytest.mark.zmqlite_only(reason="checks zmqlite's own constants module")

ENUM_NAMES = [
    "ContextOption",
    "DeviceType",
    "Errno",
    "Event",
    "Flag",
    "MessageOption",
    "NormMode",
    "PollEvent",
    "ReconnectStop",
    "RouterNotify",
    "SecurityMechanism",
    "SocketOption",
    "SocketType",
]


def test_same_enum_classes_as_pyzmq():
    """Every public enum class of pyzmq.constants is mirrored (and no other)."""
    theirs = {
        name
        for name, obj in vars(pyzmq_constants).items()
        if isinstance(obj, type)
        and issubclass(obj, enum.Enum)
        and not name.startswith("_")
        and obj.__module__ == pyzmq_constants.__name__
    }
    assert theirs == set(ENUM_NAMES)


@pytest.mark.parametrize("enum_name", ENUM_NAMES)
def test_enum_members_match_pyzmq(enum_name):
    """Same member names (aliases included), same values, same enum kind."""
    ours = getattr(constants, enum_name)
    theirs = getattr(pyzmq_constants, enum_name)
    assert {k: int(v) for k, v in ours.__members__.items()} == {
        k: int(v) for k, v in theirs.__members__.items()
    }
    assert issubclass(ours, enum.IntFlag) == issubclass(theirs, enum.IntFlag)
    assert issubclass(ours, enum.IntEnum) == issubclass(theirs, enum.IntEnum)


@pytest.mark.parametrize("enum_name", ENUM_NAMES)
def test_aliases_resolve_like_pyzmq(enum_name):
    """An alias (XREQ, IDENTITY, NOBLOCK, ALL) names the same canonical member."""
    ours = getattr(constants, enum_name)
    theirs = getattr(pyzmq_constants, enum_name)
    for name, member in theirs.__members__.items():
        assert ours.__members__[name].name == member.name, name


def test_flat_names_match_pyzmq():
    """Each flat name of pyzmq.constants exists here, same value, same enum class."""
    flat = [n for n in pyzmq_constants.__all__ if n not in ENUM_NAMES]
    flat = [n for n in flat if isinstance(getattr(pyzmq_constants, n), int)]
    assert len(flat) > 200  # the check really covers the socket options etc.
    for name in flat:
        theirs = getattr(pyzmq_constants, name)
        ours = getattr(constants, name)
        assert int(ours) == int(theirs), name
        assert type(ours).__name__ == type(theirs).__name__, name
        assert ours.name == theirs.name, name


def test_flat_names_match_pyzmq_top_level():
    """What scripts actually spell: zmq.PUSH, zmq.EVENT_ALL, zmq.NOTIFY_CONNECT ..."""
    for name in constants.__all__:
        value = getattr(constants, name)
        if isinstance(value, int):
            assert int(getattr(pyzmq, name)) == int(value), name


def test_all_matches_pyzmq():
    assert set(constants.__all__) == set(pyzmq_constants.__all__)
    for name in constants.__all__:
        assert hasattr(constants, name), name


def test_libzmq_values_from_the_spec():
    """Spot checks against zmq.h, independent of pyzmq."""
    s = constants.SocketType
    assert [s.PAIR, s.PUB, s.SUB, s.REQ, s.REP, s.DEALER, s.ROUTER] == list(range(7))
    assert [s.PULL, s.PUSH, s.XPUB, s.XSUB, s.STREAM] == list(range(7, 12))
    assert s.XREQ is s.DEALER and s.XREP is s.ROUTER
    assert constants.NOBLOCK == constants.DONTWAIT == 1 and constants.SNDMORE == 2
    assert (constants.POLLIN, constants.POLLOUT, constants.POLLERR, constants.POLLPRI) == (
        1,
        2,
        4,
        8,
    )
    o = constants.SocketOption
    assert o.IDENTITY is o.ROUTING_ID == 5
    assert (o.SUBSCRIBE, o.UNSUBSCRIBE, o.RCVMORE, o.FD, o.EVENTS, o.TYPE, o.LINGER) == (
        6,
        7,
        13,
        14,
        15,
        16,
        17,
    )
    assert (o.SNDHWM, o.RCVHWM, o.RCVTIMEO, o.SNDTIMEO, o.LAST_ENDPOINT) == (23, 24, 27, 28, 32)
    assert (o.ROUTER_MANDATORY, o.IMMEDIATE, o.XPUB_VERBOSE, o.IPV6, o.MECHANISM) == (
        33,
        39,
        40,
        42,
        43,
    )
    assert (o.HANDSHAKE_IVL, o.HEARTBEAT_IVL, o.HEARTBEAT_TTL, o.HEARTBEAT_TIMEOUT) == (
        66,
        75,
        76,
        77,
    )
    assert o.CONNECT_TIMEOUT == 79 and o.HWM == 1
    m = constants.SecurityMechanism
    assert (m.NULL, m.PLAIN, m.CURVE, m.GSSAPI) == (0, 1, 2, 3)
    d = constants.DeviceType
    assert (d.STREAMER, d.FORWARDER, d.QUEUE) == (1, 2, 3)


def test_errno_values():
    h = 156384712
    e = constants.Errno
    assert (e.EFSM, e.ENOCOMPATPROTO, e.ETERM, e.EMTHREAD) == (h + 51, h + 52, h + 53, h + 54)
    assert e.EAGAIN == errno.EAGAIN and e.EINVAL == errno.EINVAL
    if not sys.platform.startswith("win"):
        # the OS value wherever the OS has one; HAUSNUMERO only as a fallback
        for name in ("ENOTSUP", "EADDRINUSE", "ECONNREFUSED", "EHOSTUNREACH", "ENETRESET"):
            assert getattr(e, name) == getattr(errno, name, None) or getattr(e, name) > h


def test_option_types_match_pyzmq():
    for name, member in pyzmq_constants.SocketOption.__members__.items():
        ours = constants.SocketOption.__members__[name]
        assert ours._opt_type.value == member._opt_type.value, name


@pytest.mark.parametrize(
    "opt, expected",
    [
        (constants.LINGER, "int"),
        (17, "int"),
        ("linger", "int"),
        ("RCVTIMEO", "int"),
        (constants.AFFINITY, "int64"),
        (22, "int64"),  # MAXMSGSIZE
        (constants.ROUTING_ID, "bytes"),
        (constants.IDENTITY, "bytes"),  # alias shares its target's type
        ("identity", "bytes"),
        (constants.SUBSCRIBE, "bytes"),
        (constants.LAST_ENDPOINT, "bytes"),
        (constants.CURVE_SERVERKEY, "bytes"),
        (constants.TCP_ACCEPT_FILTER, "bytes"),
        (constants.FD, "fd"),
        (14, "fd"),
    ],
)
def test_option_type_helper(opt, expected):
    result = constants._option_type(opt)
    assert result == expected
    assert result is constants._OptType(expected)


@pytest.mark.parametrize("bad", [999, -1, "no_such_option"])
def test_option_type_helper_unknown(bad):
    with pytest.raises(ValueError):
        constants._option_type(bad)


def test_core_constants_agree():
    """The C-level values compiled into _core agree with the Python enums."""
    core = pytest.importorskip("zmqlite._core")
    table = getattr(core, "CONSTANTS", None)
    if not table:
        pytest.skip("_core.CONSTANTS not available")
    shared = [name for name in table if hasattr(constants, name)]
    assert shared, "no name of _core.CONSTANTS is a zmqlite constant"
    for name in shared:
        assert table[name] == int(getattr(constants, name)), name


def test_import_needs_neither_core_nor_pyzmq():
    """constants and error are importable before _core is built, and never import zmq."""
    package_dir = os.path.dirname(constants.__file__)
    code = textwrap.dedent(
        f"""
        import sys, types
        pkg = types.ModuleType("zmqlite")
        pkg.__path__ = [{package_dir!r}]
        sys.modules["zmqlite"] = pkg  # skip zmqlite/__init__.py, which imports _core
        import zmqlite.constants, zmqlite.error
        assert zmqlite.constants.PUSH == 8
        assert "zmqlite._core" not in sys.modules, "imported _core"
        assert "zmq" not in sys.modules, "imported pyzmq"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)
