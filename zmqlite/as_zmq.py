"""Make other code's ``import zmq`` give zmqlite, as PyMySQL's ``install_as_MySQLdb()``.

In this process, from Python::

    import zmqlite
    zmqlite.install_as_zmq()     # before anything imports zmq
    import zmq                   # zmqlite; zmq.asyncio is zmqlite.asyncio, and so on

A whole program and the processes it starts, from the command line::

    python -m zmqlite.as_zmq script.py [args]
    python -m zmqlite.as_zmq -m locust --master ...
    python -m zmqlite.as_zmq -c "import zmq; print(zmq)"

How: ``sys.modules["zmq"]`` becomes zmqlite, and a finder at the front of
``sys.meta_path`` maps every ``zmq.X.Y`` to the module ``zmqlite.X.Y`` itself (one
module object under both names, so classes and isinstance agree). A name zmqlite
lacks raises ModuleNotFoundError saying so. For child processes, a directory shipped
in the package (``zmqlite/_as_zmq``) that holds a two-line ``zmq`` package calling
``install_as_zmq()`` goes first in ``PYTHONPATH``: a Python child (a jupyter kernel, a
locust worker, a multiprocessing spawn) importing zmq gets zmqlite too, even where
pyzmq is installed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import types
from typing import Any

#: the directory to put first in PYTHONPATH: it holds the ``zmq`` shim package
SHIM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_as_zmq")


class _SameModuleLoader(importlib.abc.Loader):
    """Hands out an already-imported zmqlite module under its ``zmq`` name."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: Any) -> Any:
        return self.module

    def exec_module(self, module: Any) -> None:
        # the import system set __spec__ to the zmq.* one: the module keeps its own,
        # or its relative imports would see __package__ != __spec__.parent
        module.__spec__ = self.spec


class _ZmqAsZmqlite(importlib.abc.MetaPathFinder):
    """``zmq.X.Y`` -> the module ``zmqlite.X.Y``."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith("zmq."):
            return None
        name = "zmqlite." + fullname[len("zmq."):]
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:  # a dependency is missing (gevent for zmq.green): say that
                raise
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: zmq is zmqlite in this process "
                f"(zmqlite.install_as_zmq), and zmqlite has no {name!r}",
                name=fullname,
            ) from None
        return importlib.util.spec_from_loader(fullname, _SameModuleLoader(module))


def _is_ours(module: Any) -> bool:
    return getattr(module, "__name__", "").startswith("zmqlite") or getattr(
        module, "_zmqlite_shim", False)


def install_as_zmq(children: bool = True) -> None:
    """Make ``import zmq`` (and ``zmq.asyncio``, ``zmq.green``, ``zmq.sugar.socket``...)
    give zmqlite in this process and, with ``children``, in the Python processes it
    starts (through PYTHONPATH). Call it before anything imports zmq: RuntimeError if
    the real pyzmq was imported already, since its objects would be mixed with
    zmqlite's. Calling it again changes nothing."""
    import zmqlite

    real = sorted((name for name, module in list(sys.modules.items())
                   if (name == "zmq" or name.startswith("zmq.")) and module is not None
                   and not _is_ours(module)), key=len)
    if real:
        where = getattr(sys.modules.get(real[0]), "__file__", None) or "?"
        raise RuntimeError(
            f"zmqlite.install_as_zmq(): the real {real[0]!r} ({where}) is already imported "
            "in this process; call install_as_zmq() before anything imports zmq")
    sys.modules["zmq"] = zmqlite
    if not any(isinstance(finder, _ZmqAsZmqlite) for finder in sys.meta_path):
        # first: the path finder would otherwise load zmq.X again from zmqlite's
        # directory (zmq.__path__), as a second copy of every module
        sys.meta_path.insert(0, _ZmqAsZmqlite())
    if children:
        _put_shim_in_pythonpath(os.environ)


def _put_shim_in_pythonpath(environ: Any) -> None:
    entries = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if entries[:1] != [SHIM_DIR]:
        environ["PYTHONPATH"] = os.pathsep.join([SHIM_DIR] + [p for p in entries if p != SHIM_DIR])


_USAGE = """usage: python -m zmqlite.as_zmq (script.py | -m module | -c code) [args...]

Runs a Python program with `import zmq` giving zmqlite, in it and in the Python
processes it starts (even where pyzmq is installed)."""


def main(argv: list[str] | None = None) -> None:
    """Run a script, a module (-m) or code (-c) as __main__, with zmq being zmqlite."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_USAGE)
        sys.exit(0 if args else 2)
    if args[0] in ("-m", "-c") and len(args) < 2:
        print(_USAGE, file=sys.stderr)
        sys.exit(2)
    install_as_zmq()
    if args[0] == "-m":
        sys.argv = args[1:]  # runpy puts the module's path in argv[0]
        sys.path[0] = os.getcwd()  # as `python -m` has it
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c"] + args[2:]
        sys.path[0] = ""  # as `python -c` has it
        main_module = types.ModuleType("__main__")
        sys.modules["__main__"] = main_module
        exec(compile(args[1], "<string>", "exec"), main_module.__dict__)
    else:
        sys.argv = args
        sys.path[0] = os.path.dirname(os.path.abspath(args[0]))  # as `python script.py`
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
