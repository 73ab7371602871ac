/**
 * The daemon's operator log: one line per event on stdout,
 * `2026-11-27T21:00:00.000Z info peer-up node=3fa1… endpoint=192.0.2.2:7000`.
 * Plain text so `journalctl -u` and a terminal read it as is; fields are `key=value`, values with
 * spaces are JSON-quoted.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFn = (level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>) => void;

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]*$/.test(v) && v !== '' ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined) return '-';
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v) ?? '-';
}

/** Formats one log line (without the newline). */
export function formatLogLine(
  time: Date,
  level: LogLevel,
  event: string,
  fields: Readonly<Record<string, unknown>> | undefined,
): string {
  let line = `${time.toISOString()} ${level} ${event}`;
  for (const [k, v] of Object.entries(fields ?? {})) line += ` ${k}=${formatValue(v)}`;
  return line;
}

/** A logger writing lines at or above `minLevel` to `out`. */
export function createLogger(out: NodeJS.WritableStream, minLevel: LogLevel): LogFn {
  return (level, event, fields) => {
    if (RANK[level] < RANK[minLevel]) return;
    out.write(formatLogLine(new Date(), level, event, fields) + '\n');
  };
}
