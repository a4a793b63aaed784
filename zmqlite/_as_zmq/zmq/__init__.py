# Put first in PYTHONPATH by zmqlite.install_as_zmq(): a Python process that imports zmq
# gets zmqlite (this module is replaced in sys.modules by zmqlite itself).
_zmqlite_shim = True
import zmqlite.as_zmq  # noqa: E402

zmqlite.as_zmq.install_as_zmq()
