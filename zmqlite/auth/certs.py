"""CURVE certificates as files, in the format libzmq's tools and pyzmq use (ZPL): a
public ``name.key`` and a ``name.key_secret`` holding both keys, each key in Z85."""

from __future__ import annotations

import datetime
import glob
import os
import re
from typing import Any

_HEADER = """#   ****  Generated on {date} by zmqlite  ****
#   ZeroMQ CURVE {kind} Certificate
#   Exchange securely, or use a secure mechanism to verify the contents
#   of this file after exchange. Store public certificates in your home
#   directory, in the .curve subdirectory.

"""


def _write(path: str, kind: str, public_key: bytes, secret_key: bytes | None,
           metadata: dict[str, Any] | None) -> None:
    lines = [_HEADER.format(date=datetime.datetime.now().isoformat(" ", "seconds"), kind=kind),
             "metadata\n"]
    for key, value in (metadata or {}).items():
        lines.append(f'    {key} = "{value}"\n')
    lines.append("curve\n")
    lines.append(f'    public-key = "{public_key.decode("ascii")}"\n')
    if secret_key is not None:
        lines.append(f'    secret-key = "{secret_key.decode("ascii")}"\n')
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(lines))


def create_certificates(key_dir: str | os.PathLike, name: str,
                        metadata: dict[str, Any] | None = None) -> tuple[str, str]:
    """Makes a key pair and writes ``key_dir/name.key`` (public) and
    ``key_dir/name.key_secret`` (both); returns the two paths."""
    from .. import curve_keypair

    public_key, secret_key = curve_keypair()
    base = os.path.join(os.fspath(key_dir), name)
    public_file, secret_file = base + ".key", base + ".key_secret"
    _write(public_file, "Public", public_key, None, metadata)
    _write(secret_file, "Secret", public_key, secret_key, metadata)
    return public_file, secret_file


_KEY = re.compile(r'^\s*(public|secret)-key\s*=\s*"?([^"\s]+)"?\s*$')


def load_certificate(filename: str | os.PathLike) -> tuple[bytes, bytes | None]:
    """(public key, secret key or None) from a certificate file, keys in Z85."""
    public_key = secret_key = None
    if not os.path.exists(filename):
        raise OSError(f"Invalid certificate file: {filename}")
    with open(filename, "rb") as f:
        for raw in f:
            m = _KEY.match(raw.decode("utf-8", "replace").rstrip("\r\n"))
            if m:
                key = m.group(2).encode("ascii")
                if m.group(1) == "public":
                    public_key = key
                else:
                    secret_key = key
    if public_key is None:
        raise ValueError(f"No public key found in {filename}")
    return public_key, secret_key


def load_certificates(directory: str | os.PathLike = ".") -> dict[bytes, bool]:
    """The public keys of every ``*.key`` certificate in ``directory``, as {key: True}."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise OSError(f"Invalid certificate directory: {directory}")
    certs = {}
    for path in glob.glob(os.path.join(directory, "*.key")):
        public_key, _ = load_certificate(path)
        certs[public_key] = True
    return certs


__all__ = ["create_certificates", "load_certificate", "load_certificates"]
