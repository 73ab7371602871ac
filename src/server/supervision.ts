/**
 * `supervised` as Redis 7.0 runs it (server.c redisIsSupervised, redisCommunicateSystemd): under
 * systemd the server tells the service manager, through the datagram socket named by NOTIFY_SOCKET,
 * that it is loading, then `STATUS=Ready to accept connections` and `READY=1` once it listens, and
 * `STOPPING=1` at shutdown, so `Type=notify` units (Debian's own redis-server unit is one) start and stop
 * cleanly. Under upstart it stops itself with SIGSTOP when supervision is chosen, as Redis does. `auto` picks whichever the
 * environment names. A supervised server never daemonizes.
 */
import {
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  AF_UNIX,
  abstractUnixAddress,
  libc,
  unixPathAddress,
} from '../platform/index.js';

export type SupervisedSetting = 'no' | 'upstart' | 'systemd' | 'auto';

/** What the server tells its service manager; `mode` is INFO's process_supervised. */
export interface Supervisor {
  readonly mode: 'no' | 'upstart' | 'systemd';
  /** After the listeners are open (Redis: the end of main() before aeMain). */
  ready(): void;
  /** At the start of shutdown (Redis prepareForShutdown). */
  stopping(): void;
}

export const UNSUPERVISED: Supervisor = { mode: 'no', ready: () => undefined, stopping: () => undefined };

/**
 * Redis redisIsSupervised: decides the mode from the setting and the environment, and for systemd sends
 * the first status (Redis: "Redis is loading..."). Logs what Redis logs.
 */
export function superviseFrom(
  setting: SupervisedSetting,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Supervisor {
  let mode: SupervisedSetting = setting;
  if (mode === 'auto') {
    if (env.UPSTART_JOB !== undefined) mode = 'upstart';
    else if (env.NOTIFY_SOCKET !== undefined) mode = 'systemd';
  }
  if (mode === 'upstart') return upstart(env, log);
  if (mode === 'systemd') return systemd(env, log);
  return UNSUPERVISED;
}

/** Redis redisSupervisedUpstart: stops the process (upstart's readiness signal) as soon as it is chosen. */
function upstart(env: NodeJS.ProcessEnv, log: (line: string) => void): Supervisor {
  if (env.UPSTART_JOB === undefined) {
    log('upstart supervision requested, but UPSTART_JOB not found!');
    return UNSUPERVISED;
  }
  log('supervised by upstart, will stop to signal readiness.');
  process.kill(process.pid, 'SIGSTOP');
  delete env.UPSTART_JOB;
  return { mode: 'upstart', ready: () => undefined, stopping: () => undefined };
}

function systemd(env: NodeJS.ProcessEnv, log: (line: string) => void): Supervisor {
  const notify = notifier(env.NOTIFY_SOCKET, log);
  if (!notify('STATUS=Redis is loading...\n')) return UNSUPERVISED;
  log(
    'Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and ' +
      'TimeoutStopSec in your service unit.',
  );
  return {
    mode: 'systemd',
    ready: () => {
      notify('STATUS=Ready to accept connections\n');
      notify('READY=1\n');
    },
    stopping: () => void notify('STOPPING=1\n'),
  };
}

/**
 * sd_notify(3) without libsystemd: one datagram per message to the socket NOTIFY_SOCKET names (a path,
 * or `@name` for an abstract socket). Returns false, with Redis's log line, when it cannot be sent.
 */
function notifier(socketName: string | undefined, log: (line: string) => void): (message: string) => boolean {
  const address =
    socketName === undefined || socketName.length < 2
      ? undefined
      : socketName.startsWith('@')
        ? abstractUnixAddress(socketName)
        : socketName.startsWith('/')
          ? unixPathAddress(socketName)
          : undefined;
  return (message) => {
    if (address === undefined) {
      log('systemd supervision error: NOTIFY_SOCKET not found!');
      return false;
    }
    const c = libc();
    const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      log(`systemd supervision error: sd_notify: ${-c.errno()}`);
      return false;
    }
    try {
      const sent = c.sendto(fd, Buffer.from(message), MSG_NOSIGNAL | MSG_DONTWAIT, address);
      if (sent < 0) {
        log(`systemd supervision error: sd_notify: ${-c.errno()}`);
        return false;
      }
      return true;
    } finally {
      c.close(fd);
    }
  };
}
