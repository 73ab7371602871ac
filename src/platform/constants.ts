/**
 * Linux ABI numbers for the libc calls in libc.ts (x86-64 and arm64 share them), with the names of the
 * C headers. Values Node already names (errno, open flags) come from node:os / node:fs instead.
 */
import { constants } from 'node:os';

// <linux/if_tun.h>, <net/if.h>
export const TUNSETIFF = 0x400454ca;
export const IFF_TAP = 0x0002;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;
export const IFNAMSIZ = 16;
/** sizeof(struct ifreq) */
export const IFREQ_SIZE = 40;

// <fcntl.h>
export const F_DUPFD_CLOEXEC = 1030;
/** fcntl: set the fd flags (FD_CLOEXEC). */
export const F_SETFD = 2;

// <sys/socket.h>, <netinet/in.h>
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const SO_MARK = 36;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;
export const SOL_UDP = 17;
/** UDP GSO: one send of n×size bytes leaves as n datagrams (linux/udp.h). */
export const UDP_SEGMENT = 103;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
/** sizeof(sun_path) in struct sockaddr_un. */
export const SUN_PATH_MAX = 108;

// <netinet/tcp.h>, <poll.h>
export const IPPROTO_TCP = 6;
export const TCP_NODELAY = 1;
export const POLLIN = 0x1;
export const POLLOUT = 0x4;

// <sys/epoll.h>
export const EPOLL_CLOEXEC = 0o2000000;
export const EPOLL_CTL_ADD = 1;
export const EPOLLIN = 0x1;
/** The peer closed its end (counts as input: the loop reads the EOF). */
export const EPOLLRDHUP = 0x2000;
/** Edge-triggered: a readiness is reported once per arrival, then only again after new bytes. */
export const EPOLLET = 0x80000000;
/** sizeof(struct epoll_event): 12 on x86-64 (packed), 16 on arm64; buffers here use the larger. */
export const EPOLL_EVENT_SIZE = 16;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;

// <netdb.h>
export const AI_PASSIVE = 0x1;
export const AI_NUMERICSERV = 0x400;

// <errno.h>
export const EAGAIN = constants.errno.EAGAIN;
export const EINTR = constants.errno.EINTR;
export const EIO = constants.errno.EIO;
export const EINVAL = constants.errno.EINVAL;
export const EMSGSIZE = constants.errno.EMSGSIZE;
export const EINPROGRESS = constants.errno.EINPROGRESS;
export const ETIMEDOUT = constants.errno.ETIMEDOUT;
/** Linux errno values @types/node does not name. */
export const ESOCKTNOSUPPORT = 94;
export const EPFNOSUPPORT = 96;
