"""``zmq.sugar.version``: the version functions (zmqlite's own, re-exported), and the parts
of the pyzmq API level zmqlite implements (``pyzmq_version_info()``), as pyzmq names them."""

from .. import __version__, pyzmq_version, pyzmq_version_info, zmq_version, zmq_version_info

VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH = pyzmq_version_info()[:3]
#: pyzmq's development suffix: none, the API level is a release's
VERSION_EXTRA = ""

__all__ = ["zmq_version", "zmq_version_info", "pyzmq_version", "pyzmq_version_info",
           "__version__", "VERSION_MAJOR", "VERSION_MINOR", "VERSION_PATCH", "VERSION_EXTRA"]
