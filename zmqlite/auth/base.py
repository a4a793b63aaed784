"""The authenticator's policy: which peers a ZAP request is answered 200 for.

Checks, in order (as pyzmq's Authenticator): the peer's IP address against the allow
list (if any) or the deny list; then the mechanism's credentials: NULL needs nothing
more, PLAIN a username/password of the domain, CURVE a public key of the domain's
certificates (or any key with ``CURVE_ALLOW_ANY``, or what a callback says)."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from typing import Any, Callable

from .. import Context, Socket
from ..utils import z85
from .certs import load_certificates

#: ``configure_curve(location=CURVE_ALLOW_ANY)``: any client key is accepted
CURVE_ALLOW_ANY = "*"
ZAP_ENDPOINT = "inproc://zeromq.zap.01"
VERSION = b"1.0"


class Authenticator:
    """ZAP policy and request handling. ``start()`` binds the ZAP socket in ``context``;
    a subclass (ThreadAuthenticator, AsyncioAuthenticator) reads requests from it and
    calls ``handle_zap_message``."""

    context: Context
    encoding: str
    allow_any: bool
    credentials_providers: dict[str, Any]
    zap_socket: Socket | None
    whitelist: set[str]
    blacklist: set[str]
    passwords: dict[str, dict[str, str]]
    certs: dict[str, dict[bytes, Any]]

    def __init__(self, context: Context | None = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        self.context = context or Context.instance()
        self.encoding = encoding
        self.allow_any = False
        self.credentials_providers = {}
        self.zap_socket = None
        self.whitelist = set()
        self.blacklist = set()
        self.passwords = {}
        self.certs = {}
        self.log = log or logging.getLogger("zmqlite.auth")

    # -- life -------------------------------------------------------------------------

    #: the class of the ZAP socket: a plain (blocking) one, whatever the context's
    #: sockets are (an asyncio context's included), as pyzmq's
    _zap_socket_class: Any = Socket

    def start(self) -> None:
        """Binds the ZAP socket (a REP at inproc://zeromq.zap.01 of the context)."""
        self.zap_socket = self.context.socket(_rep_type(self.context), socket_class=self._zap_socket_class)
        self.zap_socket.linger = 1
        self.zap_socket.bind(ZAP_ENDPOINT)
        self.log.debug("Starting")

    def stop(self) -> None:
        if self.zap_socket is not None:
            self.zap_socket.close()
        self.zap_socket = None

    # -- policy -----------------------------------------------------------------------

    def allow(self, *addresses: str) -> None:
        """Accepts only these IP addresses (for every mechanism); others are denied."""
        if self.blacklist:
            raise ValueError("Only use allow or deny, not both")
        self.log.debug("Allowing %s", ",".join(addresses))
        self.whitelist.update(addresses)

    def deny(self, *addresses: str) -> None:
        """Refuses these IP addresses; others go on to the mechanism's checks."""
        if self.whitelist:
            raise ValueError("Only use allow or deny, not both")
        self.log.debug("Denying %s", ",".join(addresses))
        self.blacklist.update(addresses)

    def configure_plain(self, domain: str = "*", passwords: dict[str, str] | None = None) -> None:
        """PLAIN: the usernames and passwords accepted for ``domain`` ("*": every domain)."""
        self.passwords[domain] = dict(passwords or {})
        self.log.debug("Configure plain: %s", domain)

    def configure_curve(self, domain: str = "*", location: str | os.PathLike = "") -> None:
        """CURVE: the client keys accepted for ``domain``: those of the public
        certificates in the directory ``location``, or any with ``CURVE_ALLOW_ANY``."""
        self.log.debug("Configure curve: %s[%s]", domain, location)
        if location == CURVE_ALLOW_ANY:
            self.allow_any = True
        else:
            self.allow_any = False
            try:
                self.certs[domain] = load_certificates(location)
            except Exception as e:
                self.log.error("Failed to load CURVE certs from %s: %s", location, e)

    def configure_curve_callback(self, domain: str = "*", credentials_provider: Any = None) -> None:
        """CURVE: ``credentials_provider.callback(domain, key)`` decides (key in Z85)."""
        self.allow_any = False
        if credentials_provider is not None:
            self.credentials_providers[domain] = credentials_provider
        else:
            self.log.error("None credentials_provider provided for domain:%s", domain)

    def curve_user_id(self, client_public_key: bytes) -> str:
        """The User-Id a CURVE client gets: its public key in Z85."""
        return z85.encode(client_public_key).decode("ascii")

    def configure_gssapi(self, domain: str = "*", location: str | None = None) -> None:
        raise NotImplementedError("GSSAPI is not supported by zmqlite (nor by pyzmq's wheels)")

    # -- requests ---------------------------------------------------------------------

    def handle_zap_message(self, msg: list[bytes]) -> None:
        """Answers one ZAP request (the frames after the REP envelope), from a thread
        with no running event loop (a credentials provider's async callback is run
        to its end here)."""
        asyncio.run(self._handle_zap_message(msg))

    async def _handle_zap_message(self, msg: list[bytes]) -> None:
        if len(msg) < 6:
            self.log.error("Invalid ZAP message, not enough frames: %r", msg)
            if len(msg) < 2:
                self.log.error("Not enough information to reply")
            else:
                self._send_zap_reply(msg[1], b"400", b"Not enough frames")
            return
        version, request_id, domain, address, identity, mechanism = msg[:6]
        credentials = msg[6:]
        domain_s = domain.decode(self.encoding, "replace")
        address_s = address.decode(self.encoding, "replace")
        if version != VERSION:
            self.log.error("Invalid ZAP version: %r", msg)
            self._send_zap_reply(request_id, b"400", b"Invalid version")
            return
        self.log.debug("version: %r, request_id: %r, domain: %r, address: %r, identity: %r, "
                       "mechanism: %r", version, request_id, domain_s, address_s, identity, mechanism)
        allowed, denied, reason = False, False, b"NO ACCESS"
        if self.whitelist:
            if address_s in self.whitelist:
                allowed = True
                self.log.debug("PASSED (allowed) address=%s", address_s)
            else:
                denied = True
                reason = b"Address not allowed"
                self.log.debug("DENIED (not allowed) address=%s", address_s)
        elif self.blacklist:
            if address_s in self.blacklist:
                denied = True
                reason = b"Address denied"
                self.log.debug("DENIED (denied) address=%s", address_s)
            else:
                allowed = True
                self.log.debug("PASSED (not denied) address=%s", address_s)
        username = "anonymous"
        if not denied:
            if mechanism == b"NULL" and not allowed:
                self.log.debug("ALLOWED (NULL)")
                allowed = True
            elif mechanism == b"PLAIN":
                if len(credentials) != 2:
                    self.log.error("Invalid PLAIN credentials: %r", credentials)
                    self._send_zap_reply(request_id, b"400", b"Invalid credentials")
                    return
                username = credentials[0].decode(self.encoding, "replace")
                password = credentials[1].decode(self.encoding, "replace")
                allowed, reason = self._authenticate_plain(domain_s, username, password)
            elif mechanism == b"CURVE":
                if len(credentials) != 1:
                    self.log.error("Invalid CURVE credentials: %r", credentials)
                    self._send_zap_reply(request_id, b"400", b"Invalid credentials")
                    return
                allowed, reason = await self._authenticate_curve(domain_s, credentials[0])
                if allowed:
                    username = self.curve_user_id(credentials[0])
            elif mechanism == b"GSSAPI":
                allowed, reason = False, b"GSSAPI is not supported"
        if allowed:
            self._send_zap_reply(request_id, b"200", b"OK", username)
        else:
            self._send_zap_reply(request_id, b"400", reason)

    def _authenticate_plain(self, domain: str, username: str, password: str) -> tuple[bool, bytes]:
        if not domain:
            domain = "*"
        passwords = self.passwords.get(domain)
        if passwords is None:
            self.log.debug("DENIED (PLAIN) no passwords defined for domain: %s", domain)
            return False, b"Invalid domain"
        if passwords.get(username) == password and username in passwords:
            self.log.debug("ALLOWED (PLAIN) domain=%s username=%s", domain, username)
            return True, b"OK"
        self.log.debug("DENIED (PLAIN) domain=%s username=%s", domain, username)
        return False, b"Invalid username or password"

    async def _authenticate_curve(self, domain: str, client_key: bytes) -> tuple[bool, bytes]:
        if self.allow_any:
            self.log.debug("ALLOWED (CURVE allow any client)")
            return True, b"OK"
        if not domain:
            domain = "*"
        key = z85.encode(client_key)
        provider = self.credentials_providers.get(domain)
        if provider is not None:
            verdict = provider.callback(domain, key)
            if inspect.isawaitable(verdict):    # an async callback, as pyzmq allows
                verdict = await verdict
            if verdict:
                self.log.debug("ALLOWED (CURVE auth_callback) domain=%s client_key=%s", domain, key)
                return True, b"OK"
            self.log.debug("DENIED (CURVE auth_callback) domain=%s client_key=%s", domain, key)
            return False, b"Unknown key"
        certs = self.certs.get(domain)
        if certs is None:
            self.log.debug("DENIED (CURVE) no certificates for domain: %s", domain)
            return False, b"Unknown domain"
        if key in certs:
            self.log.debug("ALLOWED (CURVE) domain=%s client_key=%s", domain, key)
            return True, b"OK"
        self.log.debug("DENIED (CURVE) domain=%s client_key=%s", domain, key)
        return False, b"Unknown key"

    def _send_zap_reply(self, request_id: bytes, status_code: bytes, status_text: bytes,
                        user_id: str = "anonymous") -> None:
        user = user_id.encode(self.encoding, "replace") if status_code == b"200" else b""
        self.log.debug("ZAP reply code=%s text=%s", status_code, status_text)
        assert self.zap_socket is not None
        self.zap_socket.send_multipart([VERSION, request_id, status_code, status_text, user, b""])


def _rep_type(context: Any) -> int:
    from ..constants import SocketType

    return SocketType.REP


Callback = Callable[[str, bytes], bool]
