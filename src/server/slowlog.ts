/**
 * The slow log (Redis slowlog.c): the dispatcher calls `record` after each command with its duration;
 * entries slower than slowlog-log-slower-than microseconds are kept, newest first, at most
 * slowlog-max-len of them.
 */
import type { SlowLogEntry, SlowLogPort } from '../commands/index.js';
import type { ConfigView } from '../config/index.js';

/** Redis trims what it stores of a command (SLOWLOG_ENTRY_MAX_ARGC / _STRING). */
const MAX_ARGC = 32;
const MAX_STRING = 128;

/** Checked after every command, so read through the config's cache. */
const readSettings = (config: ConfigView): { threshold: number; maxLen: number } => ({
  threshold: config.getNumber('slowlog-log-slower-than'),
  maxLen: config.getNumber('slowlog-max-len'),
});

const REDACTED = '(redacted)';
/** Configs whose CONFIG SET value Redis redacts (SENSITIVE_CONFIG in 7.0's config.c). */
const SENSITIVE_CONFIGS = new Set(['requirepass', 'masterauth', 'masteruser']);

/**
 * The command line as Redis keeps it after the command ran: passwords and ACL rules replaced by
 * "(redacted)" (redactClientCommandArgument in AUTH, HELLO AUTH, ACL SETUSER, MIGRATE AUTH/AUTH2 and
 * CONFIG SET of a sensitive setting), so the slow log never holds a secret. `name` is the spec's
 * lowercase full name ('auth', 'acl|setuser').
 */
export function redactedArgv(name: string, argv: readonly string[]): readonly string[] {
  const hide = (from: number, to = argv.length): string[] =>
    argv.map((a, i) => (i >= from && i < to ? REDACTED : a));
  switch (name) {
    case 'auth':
      return hide(1);
    case 'acl|setuser':
      return hide(2);
    case 'hello': {
      const at = argv.findIndex((a, i) => i >= 2 && a.toLowerCase() === 'auth');
      return at < 0 ? argv : hide(at + 1, at + 3);
    }
    case 'migrate': {
      let out = argv;
      argv.forEach((a, i) => {
        const word = a.toLowerCase();
        if (i >= 6 && word === 'auth') out = out.map((x, j) => (j === i + 1 ? REDACTED : x));
        if (i >= 6 && word === 'auth2') out = out.map((x, j) => (j === i + 2 ? REDACTED : x));
      });
      return out;
    }
    case 'config|set':
      return argv.map((a, i) =>
        i >= 3 && i % 2 === 1 && SENSITIVE_CONFIGS.has((argv[i - 1] as string).toLowerCase()) ? REDACTED : a,
      );
    default:
      return argv;
  }
}

export class SlowLog implements SlowLogPort {
  private entries: SlowLogEntry[] = [];
  private nextId = 0;

  constructor(private readonly config: ConfigView) {}

  /**
   * Should be called after a command ran (not for commands flagged skip_slowlog, as Redis does).
   * `peer` is "ip:port" of the client.
   */
  record(
    name: string,
    argv: readonly string[],
    durationUs: number,
    peer: string,
    clientName: string,
    nowMs: number,
  ): void {
    const { threshold, maxLen } = this.config.cached('slowlog-settings', readSettings);
    if (threshold < 0 || durationUs < threshold) return;
    argv = redactedArgv(name, argv);
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(nowMs / 1000),
      durationUs: Math.round(durationUs),
      argv: trimArgv(argv),
      peer,
      clientName,
    });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  /** Newest first. */
  get(count: number): readonly SlowLogEntry[] {
    return this.entries.slice(0, count);
  }
  get length(): number {
    return this.entries.length;
  }
  reset(): void {
    this.entries = [];
  }
}

function trimArgv(argv: readonly string[]): string[] {
  const n = Math.min(argv.length, MAX_ARGC);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i === MAX_ARGC - 1 && argv.length > MAX_ARGC) {
      out.push(`... (${argv.length - MAX_ARGC + 1} more arguments)`);
      break;
    }
    const a = argv[i] as string;
    out.push(
      a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a,
    );
  }
  return out;
}
