"""The parts of zmqlite._core are included bottom up (src/zmqlite/_core.pyx):
a part calls only the C functions of the parts above it. Calls up the layers go
through a socket type's hooks (SOCKET_TYPES), so that, say, the pipes never
name a socket family's function. This reads the sources; it builds nothing."""

import os
import re

import pytest

pytestmark = pytest.mark.zmqlite_only(reason="reads zmqlite's Cython sources")

SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")
DEF = re.compile(r"^cdef\s+(?:inline\s+)?[\w\s\*]*?\b(\w+)\s*\(", re.M)


def parts():
    root = os.path.join(SRC, "zmqlite", "_core.pyx")
    if not os.path.exists(root):
        pytest.skip("no sources here (an installed wheel)")
    with open(root) as f:
        names = re.findall(r'^include "([^"]+)"', f.read(), re.M)
    out = []
    for name in names:
        with open(os.path.join(SRC, name)) as f:
            text = f.read()
        code = re.sub(r"#.*", "", text)
        code = re.sub(r'""".*?"""', "", code, flags=re.S)
        out.append((name, set(DEF.findall(code)), code))
    return out


def test_no_part_calls_a_part_included_after_it():
    found = parts()
    defined_in = {}
    for i, (name, defs, _) in enumerate(found):
        for d in defs:
            defined_in.setdefault(d, i)
    upward = []
    for i, (name, _, code) in enumerate(found):
        for call in set(re.findall(r"\b(\w+)\s*\(", code)):
            j = defined_in.get(call)
            if j is not None and j > i:
                upward.append(f"{name} calls {call} of {found[j][0]}")
    assert not upward, "\n".join(sorted(upward))
