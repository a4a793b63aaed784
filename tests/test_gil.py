"""The I/O thread never takes the GIL, in every build (see setup.py)."""

import os
import subprocess
import sys

from conftest import IMPL

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "gil_hog.py")


def test_messages_arrive_while_a_thread_holds_the_gil():
    proc = subprocess.run([sys.executable, SCRIPT, IMPL], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["200"]
