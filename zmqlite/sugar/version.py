"""``zmq.sugar.version``: the version functions (zmqlite's own, re-exported)."""

from .. import __version__, pyzmq_version, pyzmq_version_info, zmq_version, zmq_version_info

__all__ = ["zmq_version", "zmq_version_info", "pyzmq_version", "pyzmq_version_info",
           "__version__"]
