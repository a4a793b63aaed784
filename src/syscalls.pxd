# Extern declarations of the system calls the engine uses that Cython's own
# libc/posix packages lack: sockets, writev, pthreads. Names must not shadow
# Cython's libc/posix modules (see STYLE.md).

cdef extern from "<pthread.h>" nogil:
    ctypedef struct pthread_mutex_t:
        pass
    ctypedef struct pthread_mutexattr_t:
        pass
    ctypedef unsigned long pthread_t
    ctypedef struct pthread_attr_t:
        pass
    int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
    int pthread_mutex_destroy(pthread_mutex_t *m)
    int pthread_mutex_lock(pthread_mutex_t *m)
    int pthread_mutex_unlock(pthread_mutex_t *m)
    int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*start)(void *) noexcept nogil, void *arg)
    int pthread_join(pthread_t t, void **ret)
    int pthread_detach(pthread_t t)
    ctypedef struct pthread_cond_t:
        pass
    ctypedef struct pthread_condattr_t:
        pass
    int pthread_cond_init(pthread_cond_t *cv, const pthread_condattr_t *a)
    int pthread_cond_destroy(pthread_cond_t *cv)
    int pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m)
    int pthread_cond_signal(pthread_cond_t *cv)
    int pthread_atfork(void (*prepare)() noexcept nogil, void (*parent)() noexcept nogil,
                       void (*child)() noexcept nogil)

cdef extern from "<sys/uio.h>" nogil:
    struct iovec:
        void *iov_base
        size_t iov_len
    ssize_t writev(int fd, const iovec *iov, int iovcnt)

cdef extern from "<sys/socket.h>" nogil:
    ctypedef unsigned int socklen_t
    ctypedef unsigned short sa_family_t
    struct sockaddr:
        sa_family_t sa_family
    struct sockaddr_storage:
        sa_family_t ss_family
    int AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC
    int SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SO_ERROR, SOMAXCONN, SO_SNDBUF, SO_RCVBUF, SO_RCVLOWAT
    int MSG_NOSIGNAL, MSG_DONTWAIT
    int socket(int domain, int type, int protocol)
    int bind(int fd, const sockaddr *addr, socklen_t len)
    int listen(int fd, int backlog)
    int accept(int fd, sockaddr *addr, socklen_t *len)
    int connect(int fd, const sockaddr *addr, socklen_t len)
    int getsockname(int fd, sockaddr *addr, socklen_t *len)
    int getpeername(int fd, sockaddr *addr, socklen_t *len)
    int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
    int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
    ssize_t send(int fd, const void *buf, size_t len, int flags)
    ssize_t recv(int fd, void *buf, size_t len, int flags)
    int socketpair(int domain, int type, int protocol, int *sv)
    int shutdown(int fd, int how)

cdef extern from "<netinet/in.h>" nogil:
    int IPPROTO_TCP
    int IPPROTO_IPV6
    int IPV6_V6ONLY
    struct in_addr:
        unsigned int s_addr
    struct sockaddr_in:
        sa_family_t sin_family
        unsigned short sin_port
        in_addr sin_addr
    struct in6_addr:
        unsigned char s6_addr[16]
    struct sockaddr_in6:
        sa_family_t sin6_family
        unsigned short sin6_port
        in6_addr sin6_addr
    unsigned short htons(unsigned short)
    unsigned short ntohs(unsigned short)
    unsigned int htonl(unsigned int)

cdef extern from "<netinet/tcp.h>" nogil:
    int TCP_NODELAY

cdef extern from "<sys/un.h>" nogil:
    struct sockaddr_un:
        sa_family_t sun_family
        char sun_path[108]

cdef extern from "<arpa/inet.h>" nogil:
    int inet_pton(int af, const char *src, void *dst)
    const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
    int INET6_ADDRSTRLEN

cdef extern from "<netdb.h>" nogil:
    struct addrinfo:
        int ai_flags
        int ai_family
        int ai_socktype
        int ai_protocol
        socklen_t ai_addrlen
        sockaddr *ai_addr
        addrinfo *ai_next
    int getaddrinfo(const char *node, const char *service, const addrinfo *hints, addrinfo **res)
    void freeaddrinfo(addrinfo *res)

cdef extern from "<poll.h>" nogil:
    struct pollfd:
        int fd
        short events
        short revents
    ctypedef unsigned long nfds_t
    int poll(pollfd *fds, nfds_t n, int timeout)
    short POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL

cdef extern from "<errno.h>" nogil:
    # not in Cython's libc.errno
    int EWOULDBLOCK
    int ENOTSUP
