"""zmq.ssh tunnels through a real OpenSSH server started for the test (skipped where there is
no sshd, or where it cannot run, e.g. not as root with a fixed host key path).

The server listens on a random port with a throw-away host key and one authorized key; the
client is the system's ``ssh``, given the test's configuration by a wrapper first in PATH
(port, key, no host-key prompt), as a user's ~/.ssh/config would. A REP socket binds on
127.0.0.1 and a REQ reaches it only through the tunnel.
"""

import os
import shutil
import socket
import stat
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.timeout(60)]

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
SSH = shutil.which("ssh")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _without_preload():
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)     # a sanitizer run's runtime is for zmqlite, not sshd
    return env


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    if SSHD is None or SSH is None or shutil.which("ssh-keygen") is None:
        pytest.skip("needs OpenSSH's sshd, ssh and ssh-keygen")
    if os.geteuid() != 0:
        pytest.skip("sshd runs here as root only (privilege separation)")
    d = tmp_path_factory.mktemp("sshd")
    for name in ("host", "user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)],
                       check=True)
    (d / "authorized").write_text((d / "user.pub").read_text())
    port = _free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host'}\n"
        f"AuthorizedKeysFile {d / 'authorized'}\nPidFile {d / 'sshd.pid'}\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\nAllowTcpForwarding yes\n"
        "PermitRootLogin prohibit-password\n")
    os.makedirs("/run/sshd", exist_ok=True)     # privilege separation directory
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
                              stderr=subprocess.PIPE, env=_without_preload())
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.skip(f"sshd did not start: {server.stderr.read().decode()[-300:]}")
            time.sleep(0.05)
    # the client's configuration, as a user's ~/.ssh/config would give it
    (d / "ssh_config").write_text(
        f"Host tunnelhost\n  HostName 127.0.0.1\n  Port {port}\n  User {os.environ.get('USER', 'root')}\n"
        f"  IdentityFile {d / 'user'}\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n"
        "  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n")
    bindir = d / "bin"
    bindir.mkdir()
    # in Python, not sh: a sanitizer run preloads its runtime into every child, which
    # /bin/sh does not survive; it is dropped for OpenSSH
    (bindir / "ssh").write_text(
        f"#!{sys.executable}\nimport os, sys\nos.environ.pop('LD_PRELOAD', None)\n"
        f"os.execv({SSH!r}, [{SSH!r}, '-F', {str(d / 'ssh_config')!r}, *sys.argv[1:]])\n")
    os.chmod(bindir / "ssh", stat.S_IRWXU)
    yield {"dir": d, "port": port, "bin": str(bindir), "key": str(d / "user")}
    server.terminate()
    server.wait(10)


@pytest.fixture
def ssh_on_path(sshd, monkeypatch):
    monkeypatch.setenv("PATH", sshd["bin"] + os.pathsep + os.environ["PATH"])
    return sshd


def _echo_server(zl, ctx):
    rep = ctx.socket(zl.REP)
    rep.linger = 0
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    return rep, port


def test_imports_as_pyzmq():
    from zmqlite.ssh import tunnel
    assert callable(tunnel.tunnel_connection) and callable(tunnel.open_tunnel)


def test_select_random_ports_are_distinct_and_free():
    from zmqlite.ssh.tunnel import select_random_ports

    for _ in range(200):
        ports = select_random_ports(10)
        assert len(set(ports)) == 10
    with socket.socket() as s:
        s.bind(("127.0.0.1", ports[0]))     # free again once chosen


def test_openssh_tunnel_connection(ssh_on_path):
    import zmqlite as zl
    from zmqlite.ssh import tunnel

    assert tunnel.try_passwordless_ssh("tunnelhost", None) is True
    with zl.Context() as ctx:
        rep, port = _echo_server(zl, ctx)
        req = ctx.socket(zl.REQ)
        req.linger = 0
        req.rcvtimeo = 10000
        pid = tunnel.tunnel_connection(req, f"tcp://127.0.0.1:{port}", "tunnelhost", timeout=5)
        assert isinstance(pid, int)
        assert req.last_endpoint.decode().startswith("tcp://127.0.0.1:")
        assert req.last_endpoint.decode() != f"tcp://127.0.0.1:{port}"    # the tunnel's end
        req.send(b"through ssh")
        assert rep.poll(10000)
        rep.send(rep.recv() + b", and back")
        assert req.recv() == b"through ssh, and back"
        req.close()
        rep.close()


def test_openssh_tunnel_failure_says_why(ssh_on_path):
    from zmqlite.ssh import tunnel

    (lport,) = tunnel.select_random_ports(1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", lport))
        taken.listen()
        with pytest.raises(RuntimeError, match="ssh tunnel to tunnelhost failed"):
            tunnel.openssh_tunnel(lport, 1, "tunnelhost", timeout=5)


def test_paramiko_tunnel_connection(sshd):
    pytest.importorskip("paramiko")
    import zmqlite as zl
    from zmqlite.ssh import tunnel

    server = f"{os.environ.get('USER', 'root')}@127.0.0.1:{sshd['port']}"
    with zl.Context() as ctx:
        rep, port = _echo_server(zl, ctx)
        req = ctx.socket(zl.REQ)
        req.linger = 0
        req.rcvtimeo = 10000
        forward = tunnel.tunnel_connection(req, f"tcp://127.0.0.1:{port}", server,
                                           keyfile=sshd["key"], paramiko=True, timeout=5)
        try:
            req.send(b"via paramiko")
            assert rep.poll(10000)
            rep.send(rep.recv()[::-1])
            assert req.recv() == b"okimarap aiv"
        finally:
            req.close()
            rep.close()
            forward.terminate()
            forward.join(5)
        assert not forward.is_alive()


def test_not_tcp_is_refused():
    from zmqlite.ssh import tunnel

    with pytest.raises(ValueError, match="tcp://host:port"):
        tunnel.open_tunnel("ipc:///tmp/x", "somewhere")
