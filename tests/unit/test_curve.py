"""CURVE's per-frame box (src/mechanisms/curve.pyx): sealed in one pass from the frame's
own bytes, it must equal libsodium's crypto_box_easy_afternm of flags + body, and open
back to the frame, at every length around the 64-byte stream block boundary."""

import os

import pytest

pytestmark = pytest.mark.zmqlite_only(reason="checks zmqlite's C code through a _core test hook")


@pytest.mark.parametrize("size", [0, 1, 30, 31, 32, 33, 63, 64, 65, 95, 96, 97, 1000, 65536, 1 << 20])
@pytest.mark.parametrize("more,command", [(0, 0), (1, 0), (0, 1)])
def test_seal_equals_crypto_box_and_opens(size, more, command):
    from zmqlite import _core

    if not _core.HAVE_CURVE:
        pytest.skip("built without libsodium")
    assert _core._curve_seal_matches_box(os.urandom(size), more, command)
