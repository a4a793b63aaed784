"""zmqlite.error: pyzmq's exception classes, errno mapping and messages."""

import errno
import pickle

import pytest
import zmq as pyzmq
import zmq.error as pyzmq_error

# under ZMQLITE_TEST_IMPL=pyzmq zmqlite may not be built yet: skip, do not error
constants = pytest.importorskip("zmqlite.constants")
error = pytest.importorskip("zmqlite.error")

pytestmark = pytest.mark.zmqlite_only(reason="checks zmqlite's own error module")


def test_same_public_names_as_pyzmq():
    assert set(error.__all__) == set(pyzmq_error.__all__)
    for name in error.__all__:
        assert isinstance(getattr(error, name), type), name


@pytest.mark.parametrize("name", pyzmq_error.__all__)
def test_same_hierarchy_as_pyzmq(name):
    """Class by class, the bases have pyzmq's names (ours in zmqlite, builtins shared)."""

    def names(cls):
        return [c.__name__ for c in cls.__mro__]

    assert names(getattr(error, name)) == names(getattr(pyzmq_error, name))


def test_hierarchy():
    assert issubclass(error.ZMQError, error.ZMQBaseError)
    assert issubclass(error.ZMQBaseError, Exception)
    for cls in (error.Again, error.ContextTerminated, error.InterruptedSystemCall):
        assert issubclass(cls, error.ZMQError)
    assert issubclass(error.InterruptedSystemCall, InterruptedError)
    for cls in (error.ZMQBindError, error.NotDone):
        assert issubclass(cls, error.ZMQBaseError)
        assert not issubclass(cls, error.ZMQError)


def test_zmqerror_from_errno():
    e = error.ZMQError(errno.EAGAIN)
    assert e.errno == errno.EAGAIN
    assert e.strerror == "Resource temporarily unavailable"
    assert str(e) == "Resource temporarily unavailable"
    assert repr(e) == "ZMQError('Resource temporarily unavailable')"


def test_zmqerror_with_message():
    e = error.ZMQError(errno.EINVAL, "bad option")
    assert e.errno == errno.EINVAL
    assert str(e) == "bad option"
    assert repr(e) == "ZMQError('bad option')"


def test_zmqerror_message_only():
    e = error.ZMQError("something broke")
    assert e.errno is None
    assert str(e) == "something broke"


def test_zmqerror_no_arguments():
    e = error.ZMQError()
    assert e.errno is None
    assert str(e)


@pytest.mark.parametrize(
    "num, text",
    [
        (constants.EAGAIN, "Resource temporarily unavailable"),
        (constants.EFSM, "Operation cannot be accomplished in current state"),
        (constants.ETERM, "Context was terminated"),
        (constants.ENOCOMPATPROTO, "The protocol is not compatible with the socket type"),
        (constants.EMTHREAD, "No thread available"),
    ],
)
def test_strerror_libzmq_messages(num, text):
    assert error.strerror(num) == text
    assert str(error.ZMQError(num)) == text


@pytest.mark.parametrize("member", list(constants.Errno), ids=lambda m: m.name)
def test_strerror_matches_libzmq(member):
    """Same text as libzmq's zmq_strerror (through pyzmq) for every Errno."""
    assert error.strerror(member) == pyzmq.strerror(int(member))


def test_strerror_os_errors_and_unknown():
    import os

    assert error.strerror(errno.ENOENT) == os.strerror(errno.ENOENT)
    assert error.strerror(99999)  # some text, never an exception
    assert error.strerror(2**70)


def test_again():
    for e in (error.Again(), error.Again(errno.EAGAIN), error.Again(errno.EAGAIN, "x")):
        assert e.errno == errno.EAGAIN
        assert str(e) == "Resource temporarily unavailable"
        assert repr(e) == "Again('Resource temporarily unavailable')"


def test_context_terminated():
    e = error.ContextTerminated()
    assert e.errno == constants.ETERM
    assert str(e) == "Context was terminated"


def test_interrupted_system_call():
    e = error.InterruptedSystemCall()
    assert e.errno == errno.EINTR
    assert str(e).startswith(error.strerror(errno.EINTR))
    with pytest.raises(InterruptedError):
        raise e


@pytest.mark.parametrize(
    "num, cls",
    [
        (errno.EAGAIN, error.Again),
        (constants.ETERM, error.ContextTerminated),
        (errno.EINTR, error.InterruptedSystemCall),
        (constants.EFSM, error.ZMQError),
        (constants.ENOCOMPATPROTO, error.ZMQError),
        (errno.EINVAL, error.ZMQError),
        (errno.EADDRINUSE, error.ZMQError),
        (constants.ENOTSUP, error.ZMQError),
        (errno.EHOSTUNREACH, error.ZMQError),
    ],
)
def test_exception_for_class(num, cls):
    exc = error._exception_for(num)
    assert type(exc) is cls
    assert exc.errno == num
    assert str(exc).startswith(error.strerror(num))


@pytest.mark.parametrize("num", [errno.EAGAIN, constants.ETERM, errno.EINVAL])
def test_exception_for_message(num):
    exc = error._exception_for(num, "custom text")
    assert exc.errno == num
    assert str(exc) == "custom text"


def test_exception_for_is_catchable_as_pyzmq_scripts_do():
    with pytest.raises(error.ZMQError) as info:
        raise error._exception_for(errno.EAGAIN)
    assert info.value.errno == constants.EAGAIN


@pytest.mark.parametrize(
    "exc",
    [
        error.ZMQError(errno.EINVAL),
        error.ZMQError(errno.EINVAL, "msg"),
        error.Again(),
        error.ContextTerminated(),
        error.InterruptedSystemCall(),
        error._exception_for(constants.EFSM),
    ],
    ids=repr,
)
def test_pickle_round_trip(exc):
    """Exceptions cross process boundaries (multiprocessing, concurrent.futures)."""
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc)
    assert back.errno == exc.errno
    assert str(back) == str(exc)


def test_bind_error_and_not_done():
    assert str(error.ZMQBindError("no port")) == "no port"
    assert isinstance(error.NotDone(), error.ZMQBaseError)
