"""Reach a socket that only an ssh server can see, as pyzmq's ``zmq.ssh.tunnel``.

    tunnel_connection(sock, "tcp://10.0.0.5:5555", "user@gateway")

opens an ssh tunnel from a free local port to 10.0.0.5:5555 as seen from the gateway, and
connects ``sock`` to the local end. The tunnel is the system's ``ssh`` client (``ssh -f -L``),
or paramiko where asked for (or where there is no ``ssh``). It stays up for ``timeout``
seconds waiting for its first connection, then as long as a connection uses it.

A password, when given, reaches ``ssh`` through SSH_ASKPASS (a helper that prints it), never
on a command line or a terminal; keys and the ssh configuration are used as ``ssh`` uses them.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from typing import Any

__all__ = [
    "open_tunnel",
    "openssh_tunnel",
    "paramiko_tunnel",
    "select_random_ports",
    "ssh_tunnel",
    "try_passwordless_ssh",
    "tunnel_connection",
]

#: seconds a tunnel's set-up (authentication, the forward) may take before it counts as failed
SETUP_TIMEOUT = 60


def select_random_ports(n: int) -> list[int]:
    """``n`` distinct local tcp ports that were free a moment ago (all held open together
    while chosen, so none comes twice)."""
    held = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _split_server(server: str) -> tuple[str, str | None, int | None]:
    """``[user@]host[:port]`` -> (``[user@]host``, user, port)."""
    login, _, port = server.rpartition(":") if re.search(r":\d+$", server) else (server, "", "")
    user = login.split("@", 1)[0] if "@" in login else None
    return login, user, int(port) if port else None


def _ssh_command(server: str, keyfile: str | None) -> tuple[list[str], str]:
    ssh = shutil.which("ssh")
    if ssh is None:
        raise FileNotFoundError("no ssh client on PATH (install OpenSSH, or use paramiko=True)")
    login, _, port = _split_server(server)
    cmd = [ssh]
    if port is not None:
        cmd += ["-p", str(port)]
    if keyfile:
        cmd += ["-i", keyfile]
    return cmd, login


class _AskPass:
    """SSH_ASKPASS set up to answer ``password``: a small script reading it from the
    environment of the ssh process (the password is in no file and on no command line)."""

    def __init__(self, password: str | None):
        self.password, self.path = password, None

    def __enter__(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password is None:
            return env
        fd, self.path = tempfile.mkstemp(prefix="zmqlite-askpass-", suffix=".py")
        with os.fdopen(fd, "w") as f:
            f.write(f"#!{sys.executable}\nimport os, sys\n"
                    "sys.stdout.write(os.environ['ZMQLITE_SSH_PASSWORD'] + '\\n')\n")
        os.chmod(self.path, stat.S_IRWXU)
        env.update(SSH_ASKPASS=self.path, SSH_ASKPASS_REQUIRE="force",
                   DISPLAY=env.get("DISPLAY", ":0"), ZMQLITE_SSH_PASSWORD=self.password)
        return env

    def __exit__(self, *exc: Any) -> None:
        if self.path:
            os.unlink(self.path)


def _try_passwordless_openssh(server: str, keyfile: str | None) -> bool:
    cmd, login = _ssh_command(server, keyfile)
    cmd += ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={SETUP_TIMEOUT}", login, "exit"]
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=SETUP_TIMEOUT, start_new_session=True)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def _try_passwordless_paramiko(server: str, keyfile: str | None) -> bool:
    client = _paramiko_client(server, keyfile, None)
    if client is None:
        return False
    client.close()
    return True


def try_passwordless_ssh(server: str, keyfile: str | None, paramiko: bool | None = None) -> bool:
    """Whether ``server`` lets us in without a password (keys or an agent)."""
    if paramiko is None:
        paramiko = shutil.which("ssh") is None
    if paramiko:
        return _try_passwordless_paramiko(server, keyfile)
    return _try_passwordless_openssh(server, keyfile)


def openssh_tunnel(lport: int, rport: int, server: str, remoteip: str = "127.0.0.1",
                   keyfile: str | None = None, password: str | None = None,
                   timeout: int = 60) -> int:
    """``ssh -f -L 127.0.0.1:lport:remoteip:rport server sleep timeout``: forwards local port
    ``lport`` to ``remoteip:rport`` as the server sees it. Returns when the forward is up
    (ssh has gone to the background) with the pid ssh was started as; RuntimeError with
    ssh's message when it fails."""
    if password is None and not _try_passwordless_openssh(server, keyfile):
        password = getpass.getpass(f"ssh password for {server}: ")
    cmd, login = _ssh_command(server, keyfile)
    cmd += ["-f", "-S", "none", "-o", "ExitOnForwardFailure=yes",
            "-o", f"ConnectTimeout={SETUP_TIMEOUT}",
            "-L", f"127.0.0.1:{lport}:{remoteip}:{rport}", login, f"sleep {int(timeout)}"]
    # stderr goes to a file, not a pipe: the ssh left in the background keeps it, and a
    # pipe nobody reads any more would block it (or kill it with SIGPIPE) on its next message
    with _AskPass(password) as env, tempfile.TemporaryFile() as errors:
        # a session of its own: no terminal, so ssh asks SSH_ASKPASS, and the background
        # ssh is not in the caller's process group (Ctrl-C does not end the tunnel)
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=errors,
                                start_new_session=True)
        try:
            # with -f (and ExitOnForwardFailure), ssh forks into the background once it is
            # authenticated and the forward listens: its exit is the tunnel being up
            code = proc.wait(timeout=SETUP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"ssh tunnel to {server} not up within {SETUP_TIMEOUT} s") from None
        if code != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise RuntimeError(f"ssh tunnel to {server} failed (exit {code}): {message}")
    return proc.pid


# ---- paramiko ---------------------------------------------------------------------------------


def _paramiko_client(server: str, keyfile: str | None, password: str | None):
    """A connected paramiko SSHClient, or None when authentication failed."""
    try:
        import paramiko
    except ImportError:
        raise ImportError("paramiko tunnels need paramiko: pip install paramiko") from None
    login, user, port = _split_server(server)
    host = login.split("@", 1)[-1]
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.WarningPolicy())
    try:
        client.connect(host, port or 22, username=user, key_filename=keyfile,
                       password=password, look_for_keys=True, timeout=SETUP_TIMEOUT)
    except paramiko.AuthenticationException:
        client.close()
        return None
    return client


class ParamikoTunnel:
    """A forward from 127.0.0.1:lport through a paramiko connection, served by a daemon
    thread: up for ``timeout`` s waiting for its first connection, then while one is open.
    ``terminate()`` ends it at once; ``is_alive()`` and ``join()`` as a thread's."""

    def __init__(self, client, lport: int, remoteip: str, rport: int, timeout: float):
        self._client, self._target, self._timeout = client, (remoteip, rport), timeout
        self._listener = socket.create_server(("127.0.0.1", lport))
        self._stop = threading.Event()
        self._pairs: list[tuple[socket.socket, Any]] = []
        self._thread = threading.Thread(target=self._serve, name=f"zmqlite ssh tunnel {lport}",
                                        daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import selectors

        sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ)
        served = False
        try:
            while not self._stop.is_set():
                if not self._pairs and served:
                    break                   # its last connection closed: the tunnel ends
                ready = sel.select(timeout=None if served else self._timeout)
                if self._stop.is_set() or (not ready and not served):
                    break                   # terminated, or nobody came within the timeout
                for key, _ in ready:
                    if key.fileobj is self._listener:
                        self._accept(sel)
                        served = True
                    else:
                        self._pump(sel, key.fileobj, key.data)
        finally:
            sel.close()
            self._close_all()

    def _accept(self, sel) -> None:
        import selectors

        conn, peer = self._listener.accept()
        try:
            channel = self._client.get_transport().open_channel("direct-tcpip", self._target, peer)
        except Exception:
            conn.close()    # the server refused this one (nothing listens there?): the next may do
            return
        self._pairs.append((conn, channel))
        sel.register(conn, selectors.EVENT_READ, channel)
        sel.register(channel, selectors.EVENT_READ, conn)

    def _pump(self, sel, source, sink) -> None:
        data = source.recv(65536)
        if data:
            sink.sendall(data)
            return
        for pair in [p for p in self._pairs if source in p]:
            self._pairs.remove(pair)
            for end in pair:
                sel.unregister(end)
                end.close()

    def _close_all(self) -> None:
        for pair in self._pairs:
            for end in pair:
                end.close()
        self._pairs.clear()
        self._listener.close()
        self._client.close()

    def terminate(self) -> None:
        self._stop.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)   # wakes the selector
        except OSError:
            pass

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


def paramiko_tunnel(lport: int, rport: int, server: str, remoteip: str = "127.0.0.1",
                    keyfile: str | None = None, password: str | None = None,
                    timeout: float = 60) -> ParamikoTunnel:
    """The same forward as ``openssh_tunnel``, made with paramiko in this process (for
    machines without an ssh client). Returns the running tunnel (``terminate()`` ends it)."""
    client = _paramiko_client(server, keyfile, password)
    if client is None and password is None:
        password = getpass.getpass(f"ssh password for {server}: ")
        client = _paramiko_client(server, keyfile, password)
    if client is None:
        raise RuntimeError(f"ssh authentication to {server} failed")
    return ParamikoTunnel(client, lport, remoteip, rport, timeout)


ssh_tunnel = openssh_tunnel if sys.platform != "win32" else paramiko_tunnel


# ---- a 0MQ endpoint through a tunnel ----------------------------------------------------------


def open_tunnel(addr: str, server: str, keyfile: str | None = None, password: str | None = None,
                paramiko: bool | None = None, timeout: float = 60) -> tuple[str, Any]:
    """Forwards a free local port to ``addr`` (``tcp://ip:port`` as the server sees it);
    returns (the local ``tcp://127.0.0.1:lport`` to connect to, the tunnel: a pid for
    ssh, a ``ParamikoTunnel`` for paramiko)."""
    match = re.fullmatch(r"tcp://(.+):(\d+)", addr)
    if match is None:
        raise ValueError(f"ssh tunnels carry tcp://host:port endpoints, not {addr!r}")
    remoteip, rport = match.group(1).strip("[]"), int(match.group(2))
    if remoteip == "*":
        remoteip = "127.0.0.1"      # a wildcard bind on the server is reachable there
    if paramiko is None:
        paramiko = shutil.which("ssh") is None
    (lport,) = select_random_ports(1)
    make = paramiko_tunnel if paramiko else openssh_tunnel
    tunnel = make(lport, rport, server, remoteip=remoteip, keyfile=keyfile,
                  password=password, timeout=timeout)
    return f"tcp://127.0.0.1:{lport}", tunnel


def tunnel_connection(socket: Any, addr: str, server: str, keyfile: str | None = None,
                      password: str | None = None, paramiko: bool | None = None,
                      timeout: float = 60) -> Any:
    """``socket.connect(addr)`` through an ssh tunnel via ``server``; returns the tunnel."""
    url, tunnel = open_tunnel(addr, server, keyfile=keyfile, password=password,
                              paramiko=paramiko, timeout=timeout)
    socket.connect(url)
    return tunnel
