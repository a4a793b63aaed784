/* zmqlite constants: libzmq's numeric values, so that pyzmq scripts and the
 * Python-level enums (zmqlite/constants.py) agree with the engine. A test
 * (tests/unit/test_constants.py) checks the two against each other. */
#ifndef ZL_CONSTANTS_H
#define ZL_CONSTANTS_H

/* socket types */
#define ZL_PAIR 0
#define ZL_PUB 1
#define ZL_SUB 2
#define ZL_REQ 3
#define ZL_REP 4
#define ZL_DEALER 5
#define ZL_ROUTER 6
#define ZL_PULL 7
#define ZL_PUSH 8
#define ZL_XPUB 9
#define ZL_XSUB 10
#define ZL_STREAM 11
#define ZL_NSOCKET_TYPES 12

/* socket options */
#define ZL_OPT_ROUTING_ID 5
#define ZL_OPT_SUBSCRIBE 6
#define ZL_OPT_UNSUBSCRIBE 7
#define ZL_OPT_SNDBUF 11
#define ZL_OPT_RCVBUF 12
#define ZL_OPT_RCVMORE 13
#define ZL_OPT_FD 14
#define ZL_OPT_EVENTS 15
#define ZL_OPT_TYPE 16
#define ZL_OPT_LINGER 17
#define ZL_OPT_RECONNECT_IVL 18
#define ZL_OPT_BACKLOG 19
#define ZL_OPT_RECONNECT_IVL_MAX 21
#define ZL_OPT_MAXMSGSIZE 22
#define ZL_OPT_SNDHWM 23
#define ZL_OPT_RCVHWM 24
#define ZL_OPT_RCVTIMEO 27
#define ZL_OPT_SNDTIMEO 28
#define ZL_OPT_LAST_ENDPOINT 32
#define ZL_OPT_ROUTER_MANDATORY 33
#define ZL_OPT_IMMEDIATE 39
#define ZL_OPT_XPUB_VERBOSE 40
#define ZL_OPT_CONFLATE 54
#define ZL_OPT_XPUB_NODROP 69
#define ZL_OPT_XPUB_MANUAL 71
#define ZL_OPT_XPUB_WELCOME_MSG 72
#define ZL_OPT_INVERT_MATCHING 74
#define ZL_OPT_BINDTODEVICE 92
#define ZL_OPT_IPV6 42
#define ZL_OPT_IPV4ONLY 31  /* deprecated: IPV6 inverted */
#define ZL_OPT_MECHANISM 43
#define ZL_OPT_PLAIN_SERVER 44
#define ZL_OPT_PLAIN_USERNAME 45
#define ZL_OPT_PLAIN_PASSWORD 46
#define ZL_OPT_CURVE_SERVER 47
#define ZL_OPT_CURVE_PUBLICKEY 48
#define ZL_OPT_CURVE_SECRETKEY 49
#define ZL_OPT_CURVE_SERVERKEY 50
#define ZL_OPT_ZAP_DOMAIN 55
#define ZL_OPT_ROUTER_HANDOVER 56
#define ZL_OPT_CONNECT_ROUTING_ID 61
#define ZL_OPT_HANDSHAKE_IVL 66
#define ZL_OPT_STREAM_NOTIFY 73
#define ZL_OPT_HEARTBEAT_IVL 75
#define ZL_OPT_HEARTBEAT_TTL 76
#define ZL_OPT_HEARTBEAT_TIMEOUT 77
#define ZL_OPT_PROBE_ROUTER 51
#define ZL_OPT_REQ_CORRELATE 52
#define ZL_OPT_REQ_RELAXED 53
#define ZL_OPT_ROUTER_NOTIFY 97  /* DRAFT in libzmq 4.3.5 */
#define ZL_NOTIFY_CONNECT 1
#define ZL_NOTIFY_DISCONNECT 2
/* accepted and reported back, without effect yet (README, compatibility table) */
#define ZL_OPT_AFFINITY 4
#define ZL_OPT_RATE 8
#define ZL_OPT_RECOVERY_IVL 9
#define ZL_OPT_MULTICAST_HOPS 25
#define ZL_OPT_TCP_KEEPALIVE 34
#define ZL_OPT_TCP_KEEPALIVE_CNT 35
#define ZL_OPT_TCP_KEEPALIVE_IDLE 36
#define ZL_OPT_TCP_KEEPALIVE_INTVL 37
#define ZL_OPT_TOS 57
#define ZL_OPT_CONNECT_TIMEOUT 79
#define ZL_OPT_TCP_MAXRT 80

/* security mechanisms (MECHANISM) */
#define ZL_MECH_NULL 0
#define ZL_MECH_PLAIN 1
#define ZL_MECH_CURVE 2

/* send/recv flags */
#define ZL_DONTWAIT 1
#define ZL_SNDMORE 2

/* poll events */
#define ZL_POLLIN 1
#define ZL_POLLOUT 2
#define ZL_POLLERR 4

/* errors that have no errno of the OS: libzmq numbers them from here */
#define ZL_HAUSNUMERO 156384712
#define ZL_EFSM (ZL_HAUSNUMERO + 51)
#define ZL_ENOCOMPATPROTO (ZL_HAUSNUMERO + 52)
#define ZL_ETERM (ZL_HAUSNUMERO + 53)
#define ZL_EMTHREAD (ZL_HAUSNUMERO + 54)

/* defaults, as libzmq */
#define ZL_DEFAULT_HWM 1000
#define ZL_DEFAULT_RECONNECT_IVL 100
#define ZL_DEFAULT_BACKLOG 100
#define ZL_DEFAULT_HANDSHAKE_IVL 30000

#endif
