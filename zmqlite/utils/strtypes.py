"""String helpers from Python 2 days, deprecated in pyzmq 23 and kept there for old
code: ``cast_bytes``/``b``/``asbytes`` and ``cast_unicode``/``u`` warn when called."""

from __future__ import annotations

import warnings

bytes = bytes
unicode = str
basestring = (str,)


def _deprecated() -> None:
    warnings.warn("zmq.utils.strtypes is deprecated in pyzmq 23.", DeprecationWarning, stacklevel=3)


def cast_bytes(s: str | bytes, encoding: str = "utf8", errors: str = "strict") -> bytes:
    """``s`` as bytes (str is encoded)."""
    _deprecated()
    if isinstance(s, (str, bytes)):
        return s if isinstance(s, bytes) else s.encode(encoding, errors)
    raise TypeError(f"Expected unicode or bytes, got {s!r}")


def cast_unicode(s: str | bytes, encoding: str = "utf8", errors: str = "strict") -> str:
    """``s`` as str (bytes are decoded)."""
    _deprecated()
    if isinstance(s, (str, bytes)):
        return s if isinstance(s, str) else s.decode(encoding, errors)
    raise TypeError(f"Expected unicode or bytes, got {s!r}")


b = asbytes = cast_bytes
u = cast_unicode

__all__ = ["asbytes", "bytes", "unicode", "basestring", "b", "u", "cast_bytes", "cast_unicode"]
