"""pyzmq's own test suite against zmqlite (pyzmq_suite.py), when asked for.

Slow (a minute or two) and it downloads the pyzmq sdist, so it runs only with
ZMQLITE_PYZMQ_SUITE=1. The floor is the number of pyzmq's tests known to pass on
zmqlite: raise it as fixes land, never lower it to make a run pass.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

FLOOR = 387  # 2026-12-02: 392 of 403 pass (each file in its own process, see
# pyzmq_suite.run_suite). Two of pyzmq's tests use the fixed port 5555, which a busy machine
# may have taken (test_retry_term, TestSocket.test_shadow), and a few race on timing
# (subscribe-then-publish): hence the margin

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("ZMQLITE_PYZMQ_SUITE") != "1",
        reason="pyzmq's test suite runs only with ZMQLITE_PYZMQ_SUITE=1",
    ),
    pytest.mark.zmqlite_only(reason="runs pyzmq's suite against zmqlite"),
    pytest.mark.timeout(1800),
]


def test_pyzmq_suite_floor():
    runner = Path(__file__).with_name("pyzmq_suite.py")
    result = subprocess.run(
        [sys.executable, str(runner), "--impl", "zmqlite", "--floor", str(FLOOR)],
        capture_output=True, text=True,
    )
    tail = "\n".join(result.stdout.splitlines()[-45:])
    assert result.returncode == 0, tail
