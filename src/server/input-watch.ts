/**
 * Whether a client has sent bytes the event loop has not read yet. Work that holds the loop in
 * slices (BGSAVE, an AOF rewrite, a full sync's snapshot) asks between keys and ends its slice as soon
 * as one has, so a request waits tens of µs behind a save instead of a whole slice: Redis's forked
 * child never holds the parent's loop at all, and a GET during a save must not wait for one.
 *
 * Every client connection's fd joins one epoll set of our own (not libuv's, which is never read or
 * changed here), edge-triggered: an arrival is reported once, by the first `pending()` after it, so a
 * client whose socket is paused with unread bytes does not end every slice. The kernel drops an fd
 * from the set when the connection is closed. An epoll_wait costs ~1.5 µs; callers ask at most every
 * few tens of µs.
 */
import { EPOLLET, EPOLLIN, EPOLLRDHUP, libc } from '../platform/index.js';

/** Ready fds taken per check: any number above zero ends the slice; the rest stay reported. */
const READY_PER_CHECK = 16;

export class InputWatch {
  private epfd = -1;
  private failed = false;

  /** Watches a client's fd (a no-op if epoll is unavailable: slices then run their full length). */
  add(fd: number): void {
    if (fd < 0 || this.failed) return;
    const c = libc();
    if (this.epfd < 0) {
      this.epfd = c.epollCreate();
      if (this.epfd < 0) {
        this.failed = true;
        return;
      }
    }
    c.epollAdd(this.epfd, fd, EPOLLIN | EPOLLRDHUP | EPOLLET);
  }

  /** True when bytes arrived on a watched connection since the last call (consumes the report). */
  pending(): boolean {
    return this.epfd >= 0 && libc().epollReady(this.epfd, READY_PER_CHECK) > 0;
  }

  close(): void {
    if (this.epfd >= 0) libc().close(this.epfd);
    this.epfd = -1;
  }
}
