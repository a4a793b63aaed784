/* Platform layer of the I/O loop: a readiness poller (epoll on Linux, poll(2)
 * elsewhere) and a signaler (eventfd on Linux, a pipe elsewhere). Everything
 * here is plain C without Python, callable from nogil Cython. */
#ifndef ZL_POLL_H
#define ZL_POLL_H
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <pthread.h>

#include <sys/socket.h>
#ifndef MSG_NOSIGNAL
/* macOS has no MSG_NOSIGNAL; CPython ignores SIGPIPE, so a write to a closed
 * peer fails with EPIPE there too instead of killing the process. */
#define MSG_NOSIGNAL 0
#endif

/* Linux reports a TCP socket readable (and wakes its reader) only once
 * SO_RCVLOWAT bytes are queued; elsewhere poll's handling varies, so the
 * engine leaves the mark alone there. */
#ifdef __linux__
#define ZL_TCP_LOWAT 1
#else
#define ZL_TCP_LOWAT 0
#endif

/* BINDTODEVICE: a tcp socket sends and receives through one interface only
 * (Linux's SO_BINDTODEVICE; elsewhere binding and connecting fail ENOTSUP,
 * as libzmq's). */
static inline int zl_bind_to_device(int fd, const char *device)
{
#ifdef SO_BINDTODEVICE
    return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device, (socklen_t)strlen(device));
#else
    (void)fd;
    (void)device;
    errno = ENOTSUP;
    return -1;
#endif
}

#define ZL_EV_IN 1
#define ZL_EV_OUT 2
#define ZL_EV_ERR 4

typedef struct { void *data; int events; } zl_event;

/* The engine's locks guard sections of a few dozen instructions, taken by a
 * user thread and the I/O thread in turn. A plain mutex puts the loser to
 * sleep (a futex wait and a context switch, microseconds) where waiting a few
 * hundred nanoseconds would do: glibc's adaptive mutex spins briefly first. */
static inline int zl_mutex_init(pthread_mutex_t *m) {
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
    pthread_mutexattr_t attr;
    int rc;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    rc = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
#else
    return pthread_mutex_init(m, NULL);
#endif
}

/* A pointer read outside the lock that guards its writes, where a stale
 * value is fine (a quick "anything there?" before taking the lock): atomic,
 * so that the race is defined behaviour and ThreadSanitizer knows it is meant. */
static inline void *zl_peek(void *const *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void zl_poke(void **p, void *v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
/* a reference count shared by threads that may hold no common lock (zl_meta) */
static inline int zl_ref_add(int *p, int d) { return __atomic_add_fetch(p, d, __ATOMIC_ACQ_REL); }

static inline long long zl_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline long long zl_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* sleeps a few microseconds (the I/O thread waiting for a user thread to give
 * a connection's reading back, src/engine.pyx conn_reclaim) */
static inline void zl_pause_us(long us) {
    struct timespec ts;
    ts.tv_sec = 0;
    ts.tv_nsec = us * 1000;
    nanosleep(&ts, NULL);
}

static inline int zl_set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0) return -1;
    if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* ZL_FORCE_POLL builds the portable poll(2)/pipe backend on Linux too, so
 * that the code path macOS uses can be tested here. */
#if defined(__linux__) && !defined(ZL_FORCE_POLL)
#include <sys/epoll.h>
#include <sys/eventfd.h>

/* epoll_ctl may be called by any thread while another waits in epoll_wait:
 * a user thread may take a connection's reading over (src/inline_read.pyx). */
#define ZL_POLLER_SHARED 1

typedef struct { int epfd; } zl_poller;

static inline int zl_poller_init(zl_poller *p) {
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    return p->epfd < 0 ? -1 : 0;
}
static inline void zl_poller_close(zl_poller *p) { if (p->epfd >= 0) close(p->epfd); p->epfd = -1; }
static inline unsigned zl__epev(int events) {
    return (events & ZL_EV_IN ? EPOLLIN : 0) | (events & ZL_EV_OUT ? EPOLLOUT : 0);
}
static inline int zl_poller_add(zl_poller *p, int fd, void *data, int events) {
    struct epoll_event ev; memset(&ev, 0, sizeof ev);
    ev.events = zl__epev(events); ev.data.ptr = data;
    return epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev);
}
static inline int zl_poller_mod(zl_poller *p, int fd, void *data, int events) {
    struct epoll_event ev; memset(&ev, 0, sizeof ev);
    ev.events = zl__epev(events); ev.data.ptr = data;
    return epoll_ctl(p->epfd, EPOLL_CTL_MOD, fd, &ev);
}
static inline int zl_poller_del(zl_poller *p, int fd) {
    struct epoll_event ev; memset(&ev, 0, sizeof ev);
    return epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, &ev);
}
#define ZL_POLLER_MAX_EVENTS 256
static inline int zl_poller_wait(zl_poller *p, zl_event *out, int max, int timeout_ms) {
    struct epoll_event evs[ZL_POLLER_MAX_EVENTS];
    if (max > ZL_POLLER_MAX_EVENTS) max = ZL_POLLER_MAX_EVENTS;
    int n = epoll_wait(p->epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].data = evs[i].data.ptr;
        out[i].events = (evs[i].events & EPOLLIN ? ZL_EV_IN : 0)
                      | (evs[i].events & EPOLLOUT ? ZL_EV_OUT : 0)
                      | (evs[i].events & (EPOLLERR | EPOLLHUP) ? ZL_EV_ERR : 0);
    }
    return n;
}

/* signaler: one eventfd serves as both ends */
static inline int zl_signaler_open(int *rfd, int *wfd) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) return -1;
    *rfd = *wfd = fd; return 0;
}
static inline void zl_signaler_send(int wfd) {
    uint64_t one = 1; ssize_t r;
    do { r = write(wfd, &one, sizeof one); } while (r < 0 && errno == EINTR);
}
static inline void zl_signaler_drain(int rfd) {
    uint64_t v; ssize_t r;
    do { r = read(rfd, &v, sizeof v); } while (r < 0 && errno == EINTR);
}
static inline void zl_signaler_close(int rfd, int wfd) { close(rfd); if (wfd != rfd) close(wfd); }

#else /* poll(2) fallback: a table of fds and their user data */
/* the table belongs to the I/O thread: nobody else may change it */
#define ZL_POLLER_SHARED 0

typedef struct { struct pollfd *fds; void **data; int n, cap; } zl_poller;

static inline int zl_poller_init(zl_poller *p) { p->fds = NULL; p->data = NULL; p->n = p->cap = 0; return 0; }
static inline void zl_poller_close(zl_poller *p) { free(p->fds); free(p->data); p->fds = NULL; p->data = NULL; p->n = p->cap = 0; }
static inline short zl__pev(int events) { return (events & ZL_EV_IN ? POLLIN : 0) | (events & ZL_EV_OUT ? POLLOUT : 0); }
static inline int zl__pfind(zl_poller *p, int fd) { for (int i = 0; i < p->n; i++) if (p->fds[i].fd == fd) return i; return -1; }
static inline int zl_poller_add(zl_poller *p, int fd, void *data, int events) {
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        struct pollfd *f = realloc(p->fds, cap * sizeof *f); if (!f) return -1; p->fds = f;
        void **d = realloc(p->data, cap * sizeof *d); if (!d) return -1; p->data = d;
        p->cap = cap;
    }
    p->fds[p->n].fd = fd; p->fds[p->n].events = zl__pev(events); p->fds[p->n].revents = 0;
    p->data[p->n] = data; p->n++; return 0;
}
static inline int zl_poller_mod(zl_poller *p, int fd, void *data, int events) {
    int i = zl__pfind(p, fd); if (i < 0) { errno = ENOENT; return -1; }
    p->fds[i].events = zl__pev(events); p->data[i] = data; return 0;
}
static inline int zl_poller_del(zl_poller *p, int fd) {
    int i = zl__pfind(p, fd); if (i < 0) { errno = ENOENT; return -1; }
    p->n--; p->fds[i] = p->fds[p->n]; p->data[i] = p->data[p->n]; return 0;
}
static inline int zl_poller_wait(zl_poller *p, zl_event *out, int max, int timeout_ms) {
    int r = poll(p->fds, p->n, timeout_ms), k = 0;
    if (r <= 0) return r;
    for (int i = 0; i < p->n && k < max; i++) {
        short re = p->fds[i].revents; if (!re) continue;
        out[k].data = p->data[i];
        out[k].events = (re & POLLIN ? ZL_EV_IN : 0) | (re & POLLOUT ? ZL_EV_OUT : 0)
                      | (re & (POLLERR | POLLHUP | POLLNVAL) ? ZL_EV_ERR : 0);
        k++;
    }
    return k;
}
static inline int zl_signaler_open(int *rfd, int *wfd) {
    int fds[2]; if (pipe(fds) < 0) return -1;
    zl_set_nonblock(fds[0]); zl_set_nonblock(fds[1]);
    *rfd = fds[0]; *wfd = fds[1]; return 0;
}
static inline void zl_signaler_send(int wfd) {
    char c = 1; ssize_t r;
    do { r = write(wfd, &c, 1); } while (r < 0 && errno == EINTR);
}
static inline void zl_signaler_drain(int rfd) {
    char buf[256]; ssize_t r;
    do { r = read(rfd, buf, sizeof buf); } while (r > 0 || (r < 0 && errno == EINTR));
}
static inline void zl_signaler_close(int rfd, int wfd) { close(rfd); if (wfd != rfd) close(wfd); }
#endif
#endif
