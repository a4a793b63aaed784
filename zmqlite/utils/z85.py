"""Z85 (ZeroMQ RFC 32): binary as printable text, 4 bytes to 5 characters, as CURVE keys
are written (40 characters for a 32-byte key)."""

from __future__ import annotations

_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}


def encode(data: bytes) -> bytes:
    """Z85 text of ``data``, whose length must be a multiple of 4."""
    data = bytes(data)
    if len(data) % 4:
        raise ValueError(f"Z85 encodes a multiple of 4 bytes, got {len(data)}")
    out = bytearray()
    for i in range(0, len(data), 4):
        value = int.from_bytes(data[i:i + 4], "big")
        chunk = bytearray(5)
        for j in range(4, -1, -1):
            value, chunk[j] = divmod(value, 85)
            chunk[j] = _ALPHABET[chunk[j]]
        out += chunk
    return bytes(out)


def decode(text: bytes | str) -> bytes:
    """The bytes of Z85 ``text``, whose length must be a multiple of 5."""
    if isinstance(text, str):
        text = text.encode("ascii")
    text = bytes(text)
    if len(text) % 5:
        raise ValueError(f"Z85 decodes a multiple of 5 characters, got {len(text)}")
    out = bytearray()
    for i in range(0, len(text), 5):
        value = 0
        for c in text[i:i + 5]:
            try:
                value = value * 85 + _VALUE[c]
            except KeyError:
                raise ValueError(f"not a Z85 character: {chr(c)!r}") from None
        if value > 0xFFFFFFFF:
            raise ValueError(f"Z85 group {text[i:i + 5]!r} is out of range")
        out += value.to_bytes(4, "big")
    return bytes(out)


__all__ = ["encode", "decode"]
