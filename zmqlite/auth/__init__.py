"""ZAP authentication (RFC 27) for zmqlite servers, with pyzmq's ``zmq.auth`` names:
an authenticator answers the ZAP requests of the sockets of its context, allowing or
denying peers by IP address, PLAIN username/password, or CURVE public key."""

from .base import CURVE_ALLOW_ANY, Authenticator
from .certs import create_certificates, load_certificate, load_certificates
from .thread import ThreadAuthenticator

__all__ = [
    "Authenticator",
    "ThreadAuthenticator",
    "AsyncioAuthenticator",
    "CURVE_ALLOW_ANY",
    "create_certificates",
    "load_certificate",
    "load_certificates",
]


def __getattr__(name: str):
    # asyncio's authenticator imports zmqlite.asyncio only when asked for
    if name == "AsyncioAuthenticator":
        from .asyncio import AsyncioAuthenticator

        return AsyncioAuthenticator
    raise AttributeError(name)
