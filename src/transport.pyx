# Endpoint parsing and the listening/connecting fds: Python-level code that
# runs in the user's thread at bind()/connect() time (not the hot path), so
# that bind errors such as EADDRINUSE are raised where the user can see them.

import os as _os
import tempfile as _tempfile

cdef str endpoint_str(object addr):
    """An endpoint given as str or bytes (ipykernel connects to LAST_ENDPOINT, which
    is bytes, as pyzmq accepts), as str."""
    if isinstance(addr, bytes):
        return addr.decode("utf-8")
    if not isinstance(addr, str):
        raise TypeError("endpoint must be str or bytes, not %s" % type(addr).__name__)
    return addr

cdef tuple split_endpoint(str addr):
    """'tcp://host:port' -> ('tcp', 'host:port'); errno as libzmq for bad ones."""
    if not isinstance(addr, str):
        raise TypeError("endpoint must be str, not %s" % type(addr).__name__)
    scheme, sep, rest = addr.partition("://")
    if not sep or not rest:
        raise _zmq_error(EINVAL, "Invalid argument: endpoint %r" % addr)
    if scheme not in ("tcp", "ipc", "inproc"):
        raise _zmq_error(EPROTONOSUPPORT, None)
    return scheme, rest

cdef tuple split_host_port(str rest, bint for_bind):
    """'host:port' with host '*', a name, an IPv4 or a [IPv6] literal."""
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0 or rest[end + 1:end + 2] != ":":
            raise _zmq_error(EINVAL, None)
        host, port = rest[1:end], rest[end + 2:]
    else:
        host, sep, port = rest.rpartition(":")
        if not sep:
            raise _zmq_error(EINVAL, None)
    if port in ("*", "0"):
        if not for_bind:
            raise _zmq_error(EINVAL, None)
        port = 0
    else:
        if not port.isdigit() or int(port) > 65535:
            raise _zmq_error(EINVAL, None)
        port = int(port)
    if not host:
        raise _zmq_error(EINVAL, None)
    return host, port

cdef int resolve_tcp(str host, int port, bint for_bind, bint ipv6, sockaddr_storage *out, socklen_t *outlen) except -1:
    """bind(): fills out with the address: literals directly, '*' as the
    wildcard, names through getaddrinfo on this thread, as libzmq resolves a
    bind at once (the first usable answer; IPv6 ones only with IPV6 on)."""
    cdef sockaddr_in *a4 = <sockaddr_in *>out
    cdef sockaddr_in6 *a6 = <sockaddr_in6 *>out
    cdef bytes bhost
    cdef int rc
    cdef const char *chost
    memset(out, 0, sizeof(sockaddr_storage))
    if host == "*":
        if not for_bind:
            raise _zmq_error(EINVAL, None)
        if ipv6:
            a6.sin6_family = AF_INET6
            a6.sin6_port = htons(port)
            outlen[0] = sizeof(sockaddr_in6)
        else:
            a4.sin_family = AF_INET
            a4.sin_port = htons(port)
            outlen[0] = sizeof(sockaddr_in)
        return 0
    bhost = host.encode()
    chost = bhost
    rc = resolve_literal(chost, port, ipv6, out, outlen)
    if rc == 0:
        with nogil:
            rc = 1 if resolve_name(chost, port, ipv6, out, outlen) == 0 else -1
    if rc < 0:
        # libzmq: an unknown interface for bind is ENODEV, an unknown host for connect EINVAL
        raise _zmq_error(ENODEV if for_bind else EINVAL, None)
    return 0

# what libzmq lets through in a tcp connect endpoint (it checks the
# characters and that the port starts with a digit, and resolves later)
_TCP_CONNECT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:%;[]_*")

cdef int parse_tcp_connect(str rest, bint ipv6, zl_endpoint *ep) except -1:
    """connect(): an address literal fills ep.addr at once; a host name goes
    to ep.host, looked up by the resolver thread before each attempt (it may
    not resolve yet: libzmq accepts it and keeps trying). EINVAL for what
    cannot be an endpoint: characters libzmq refuses, no port or a port that
    is not a number up to 65535, an empty host, '*', a source address
    ('src;host:port', not implemented), an IPv6 literal without IPV6."""
    cdef bytes bhost
    cdef int rc
    if not rest or not (rest[0].isalnum() or rest[0] in "[:") \
            or any(ch not in _TCP_CONNECT_CHARS for ch in rest) or ";" in rest:
        raise _zmq_error(EINVAL, None)
    host, port = split_host_port(rest, False)
    if host == "*":
        raise _zmq_error(EINVAL, None)
    bhost = host.encode()
    if len(bhost) >= sizeof(ep.host):
        raise _zmq_error(EINVAL, None)
    rc = resolve_literal(bhost, port, ipv6, &ep.addr, &ep.addrlen)
    if rc < 0:
        raise _zmq_error(EINVAL, None)
    if rc == 0:
        strcpy(ep.host, bhost)
        ep.port = port
        ep.ipv6 = ipv6
    return 0

cdef int resolve_ipc(str path, sockaddr_storage *out, socklen_t *outlen) except -1:
    cdef sockaddr_un *un = <sockaddr_un *>out
    cdef bytes bpath = _os.fsencode(path)
    if len(bpath) >= sizeof(un.sun_path):
        # pyzmq's wording: the limit is what the user needs to know
        raise _zmq_error(ENAMETOOLONG, 'ipc path "%s" is longer than %d characters '
                         '(sizeof(sockaddr_un.sun_path)). zmq.IPC_PATH_MAX_LEN constant can be '
                         'used to check addr length (if it is defined).'
                         % (path, sizeof(un.sun_path) - 1))
    memset(out, 0, sizeof(sockaddr_storage))
    un.sun_family = AF_UNIX
    memcpy(un.sun_path, <char *>bpath, len(bpath))
    outlen[0] = sizeof(sockaddr_un)
    return 0

cdef str format_tcp(sockaddr_storage *addr):
    cdef char buf[64]
    cdef sockaddr_in *a4 = <sockaddr_in *>addr
    cdef sockaddr_in6 *a6 = <sockaddr_in6 *>addr
    if addr.ss_family == AF_INET:
        inet_ntop(AF_INET, &a4.sin_addr, buf, 64)
        return "tcp://%s:%d" % (buf.decode(), ntohs(a4.sin_port))
    inet_ntop(AF_INET6, &a6.sin6_addr, buf, 64)
    return "tcp://[%s]:%d" % (buf.decode(), ntohs(a6.sin6_port))

cdef int open_listener(zl_socket *s, str scheme, str rest, zl_listener *l) except -1:
    """Creates, binds and listens l.fd; fills l.endpoint (and l.ipc_path)."""
    cdef sockaddr_storage addr
    cdef socklen_t alen = 0
    cdef int fd, one = 1, err
    cdef bytes ep
    cdef char device[17]
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    if scheme == "tcp":
        host, port = split_host_port(rest, True)
        resolve_tcp(host, port, True, s.ipv6, &addr, &alen)
    else:
        if rest == "*":
            rest = _os.path.join(_tempfile.gettempdir(), "zmqlite-%s" % _os.urandom(6).hex())
        resolve_ipc(rest, &addr, &alen)
        try:
            # a stale socket file from an earlier run would make bind fail (libzmq does the same)
            import stat as _stat
            if _stat.S_ISSOCK(_os.stat(rest).st_mode):
                _os.unlink(rest)
        except OSError:
            pass
    fd = socket(addr.ss_family, SOCK_STREAM, 0)
    if fd < 0:
        raise _zmq_error(errno, None)
    zl_set_nonblock(fd)
    if scheme == "tcp":
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))
        sock_set_tos(fd, s.tos)     # as libzmq: accepted connections inherit it
        pthread_mutex_lock(&c.lock)
        strcpy(device, s.bind_device)
        pthread_mutex_unlock(&c.lock)
        if device[0] != 0 and zl_bind_to_device(fd, device) < 0:
            err = errno     # ENODEV: no such interface (as libzmq, bind() fails)
            close(fd)
            raise _zmq_error(err, None)
    if bind(fd, <sockaddr *>&addr, alen) < 0 or listen(fd, s.backlog if s.backlog > 0 else SOMAXCONN) < 0:
        err = errno
        close(fd)
        raise _zmq_error(err, None)
    l.fd = fd
    l.sock = s
    if scheme == "tcp":
        alen = sizeof(addr)
        getsockname(fd, <sockaddr *>&addr, &alen)
        ep = format_tcp(&addr).encode()
    else:
        ep = ("ipc://" + rest).encode()
        bpath = _os.fsencode(rest)
        memcpy(l.ipc_path, <char *>bpath, len(bpath))
        l.ipc_path[len(bpath)] = 0
    if len(ep) >= sizeof(l.endpoint):
        raise _zmq_error(ENAMETOOLONG, None)
    memcpy(l.endpoint, <char *>ep, len(ep))
    l.endpoint[len(ep)] = 0
    return 0
