"""Shared by the bench/ end scripts: run one end of zmqlite/_perfends.py by hand.

The module is loaded by path, not imported as zmqlite._perfends, so that an end measuring
pyzmq or pyomq does not load zmqlite's engine too.  zmqlite is found where Python finds it
(installed, or PYTHONPATH), else in the checkout this directory belongs to.
"""

import importlib.util
import os
import sys


def run(role):
    spec = importlib.util.find_spec("zmqlite")  # locates the package without importing it
    if spec is not None and spec.submodule_search_locations:
        pkg = list(spec.submodule_search_locations)[0]
    else:
        pkg = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zmqlite")
        sys.path.insert(0, os.path.dirname(pkg))  # so --impl zmqlite imports this checkout's
    loader = importlib.util.spec_from_file_location("_zmqlite_perfends",
                                                    os.path.join(pkg, "_perfends.py"))
    ends = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(ends)
    ends.end_main(role)
