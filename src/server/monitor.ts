/**
 * MONITOR (Redis replicationFeedMonitors): every command a client runs is shown to the monitoring
 * clients as one status line,
 *
 *   +1700000000.123456 [0 127.0.0.1:50000] "SET" "key" "value"
 *
 * with the unix time in microseconds, the database the command ran in (after it ran: SELECT 1 shows
 * 1), the client's address (`unix:<path>` for a Unix socket client, `lua` for a script's commands)
 * and each argument quoted like sdscatrepr. Like 7.0 the line is fed after the command ran (a
 * command that blocks is shown when it blocks, not again when served); commands flagged `admin` or
 * `skip_monitor` (CONFIG, DEBUG, CLIENT LIST…, EVAL which scripting shows itself) and commands
 * refused before running (unknown, wrong arity, NOAUTH…) are never shown. Passwords are redacted
 * (AUTH, HELLO … AUTH, MIGRATE … AUTH/AUTH2), as Redis's redactClientCommandArgument does.
 */
import { performance } from 'node:perf_hooks';
import { quoteArg } from '../resp/index.js';

/** A monitoring connection. */
export interface MonitorClient {
  /** Queues a line as an ordinary reply: nothing while the monitor itself said CLIENT REPLY OFF. */
  deliverReply(bytes: string): void;
  /** Queues the line of the monitor's own command as part of its reply (CLIENT REPLY SKIP drops it too). */
  reply(r: { readonly kind: 'raw'; readonly bytes: string }): void;
}

const REDACTED = '(redacted)';

/** How an option is read: how many arguments follow it, whether they are secret, whether it ends the scan. */
interface OptionShape {
  readonly args: number;
  readonly secret: boolean;
  readonly last?: boolean;
}

const HELLO_OPTIONS: Readonly<Record<string, OptionShape>> = {
  auth: { args: 2, secret: true },
  setname: { args: 1, secret: false },
};
const MIGRATE_OPTIONS: Readonly<Record<string, OptionShape>> = {
  auth: { args: 1, secret: true },
  auth2: { args: 2, secret: true },
  keys: { args: 0, secret: false, last: true },
};

/**
 * The argv as MONITOR shows it: password arguments replaced with "(redacted)" where the command's
 * own parsing reaches them (HELLO with a bad protocol version fails before reading its options, so
 * nothing is redacted, as in Redis).
 */
export function redactedArgv(argv: readonly string[]): readonly string[] {
  const name = (argv[0] ?? '').toLowerCase();
  if (name === 'auth') return argv.map((a, i) => (i === 0 ? a : REDACTED));
  if (name === 'hello') {
    const version = argv[1];
    if (version !== '2' && version !== '3') return argv;
    return redactOptions(argv, 2, HELLO_OPTIONS);
  }
  if (name === 'migrate') return redactOptions(argv, 6, MIGRATE_OPTIONS);
  return argv;
}

/** Replaces the secret arguments of the options, scanning from `start` as the command parses them. */
function redactOptions(
  argv: readonly string[],
  start: number,
  options: Readonly<Record<string, OptionShape>>,
): readonly string[] {
  let out: string[] | undefined;
  for (let j = start; j < argv.length; j++) {
    const shape = options[(argv[j] as string).toLowerCase()];
    if (shape === undefined || shape.last === true || j + shape.args >= argv.length) return out ?? argv;
    if (shape.secret) {
      out ??= [...argv];
      for (let k = 1; k <= shape.args; k++) out[j + k] = REDACTED;
    }
    j += shape.args;
  }
  return out ?? argv;
}

/** Unix time with microseconds, as Redis prints gettimeofday: "1700000000.123456". */
function timestamp(): string {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

export class MonitorFeed {
  readonly monitors = new Set<MonitorClient>();

  get active(): boolean {
    return this.monitors.size > 0;
  }

  /**
   * Shows one command to every monitor. `source` is the client's address ("127.0.0.1:50000"),
   * "unix:<path>" or "lua"; `origin` the client that ran it, when it is a connection.
   */
  feed(dbIndex: number, source: string, argv: readonly string[], origin?: MonitorClient): void {
    if (this.monitors.size === 0) return;
    let line = `+${timestamp()} [${dbIndex} ${source}]`;
    for (const a of redactedArgv(argv)) line += ' ' + quoteArg(a);
    line += '\r\n';
    for (const m of this.monitors) {
      if (m === origin) m.reply({ kind: 'raw', bytes: line });
      else m.deliverReply(line);
    }
  }
}
