/* zl_tcp.h: the socket options of TCP tuning (TCP_KEEPALIVE*, TCP_MAXRT, TOS),
 * with -1 for those an OS lacks: the engine then skips that setsockopt, as
 * libzmq does where the option does not exist. */
#ifndef ZL_TCP_H
#define ZL_TCP_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#ifndef TCP_KEEPIDLE
# ifdef TCP_KEEPALIVE         /* macOS names the idle time so */
#  define TCP_KEEPIDLE TCP_KEEPALIVE
# else
#  define TCP_KEEPIDLE -1
# endif
#endif
#ifndef TCP_KEEPCNT
# define TCP_KEEPCNT -1
#endif
#ifndef TCP_KEEPINTVL
# define TCP_KEEPINTVL -1
#endif
#ifndef TCP_USER_TIMEOUT       /* libzmq's TCP_MAXRT off Windows (Linux only) */
# define TCP_USER_TIMEOUT -1
#endif
#ifndef IPV6_TCLASS
# define IPV6_TCLASS -1
#endif

/* setsockopt of an int, skipped (0) when the OS has no such option */
static inline int zl_setsockopt_int(int fd, int level, int name, int value) {
    if (name < 0)
        return 0;
    return setsockopt(fd, level, name, &value, sizeof(value));
}

#endif
