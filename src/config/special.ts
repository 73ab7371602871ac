/**
 * The directives whose syntax is their own: bind, save, client-output-buffer-limit, replicaof, dir,
 * notify-keyspace-events, oom-score-adj-values, latency-tracking-info-percentiles, unixsocketperm,
 * maxmemory-clients. Error texts are Redis 7.0.15's.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AnyDirective, customDirective, type DirectiveOptions } from './directive.js';
import { formatMemoryForRewrite, parseConfigInteger, parseMemory } from './units.js';

const MAX_BIND_ADDRESSES = 16;

/** `bind 127.0.0.1 -::1`: a '-' prefix means "skip this address if it is not available". */
export function bindDirective(): AnyDirective {
  return customDirective<readonly string[]>(
    'bind',
    ['*', '-::*'],
    {},
    {
      multiArg: true,
      parse: (args) => {
        if (args.length > MAX_BIND_ADDRESSES) return { error: 'Too many bind addresses specified.' };
        // CONFIG SET bind "" means: listen nowhere.
        if (args.length === 1 && args[0] === '') return [];
        return [...args];
      },
      format: (v) => v.join(' '),
      equals: sameList,
    },
  );
}

export interface SaveParam {
  readonly seconds: number;
  readonly changes: number;
}

/**
 * `save <seconds> <changes> [...]`. In a file the first `save` line replaces the default and later
 * lines add to it (Redis's save_loaded); `save ""` clears, a bare `save` adds nothing.
 */
export function saveDirective(): AnyDirective {
  return customDirective<readonly SaveParam[]>(
    'save',
    [
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 100 },
      { seconds: 60, changes: 10000 },
    ],
    {},
    {
      multiArg: true,
      parse: (args, previous, continuing) => {
        // `save ""` clears; a `save` line with no value adds nothing (alone in a file: no save points).
        if (args.length === 0) return continuing ? previous : [];
        if (args.length === 1 && args[0] === '') return [];
        if (args.length === 0 || args.length % 2 !== 0) return { error: 'Invalid save parameters' };
        const params: SaveParam[] = [];
        for (let i = 0; i < args.length; i += 2) {
          const seconds = parseConfigInteger(args[i] ?? '');
          const changes = parseConfigInteger(args[i + 1] ?? '');
          if (seconds === undefined || changes === undefined || seconds < 1 || changes < 0) {
            return { error: 'Invalid save parameters' };
          }
          params.push({ seconds, changes });
        }
        return continuing ? [...previous, ...params] : params;
      },
      format: (v) => v.map((p) => `${p.seconds} ${p.changes}`).join(' '),
      rewrite: (v) => (v.length === 0 ? ['""'] : v.map((p) => `${p.seconds} ${p.changes}`)),
      equals: (a, b) =>
        a.length === b.length &&
        a.every((p, i) => p.seconds === b[i]?.seconds && p.changes === b[i]?.changes),
    },
  );
}

export type ClientClass = 'normal' | 'replica' | 'pubsub';
export interface OutputBufferLimit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}
export type OutputBufferLimits = Readonly<Record<ClientClass, OutputBufferLimit>>;

const CLASS_NAMES: Readonly<Record<string, ClientClass>> = {
  normal: 'normal',
  replica: 'replica',
  slave: 'replica',
  pubsub: 'pubsub',
};

/** `client-output-buffer-limit <class> <hard> <soft> <soft seconds> [...]`: each line updates its classes. */
export function clientOutputBufferLimitDirective(): AnyDirective {
  return customDirective<OutputBufferLimits>(
    'client-output-buffer-limit',
    {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
      pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
    },
    {},
    {
      multiArg: true,
      parse: (args, previous) => {
        if (args.length === 0 || args.length % 4 !== 0) {
          return { error: 'Wrong number of arguments in buffer limit configuration.' };
        }
        const next: Record<ClientClass, OutputBufferLimit> = { ...previous };
        for (let i = 0; i < args.length; i += 4) {
          const cls = CLASS_NAMES[(args[i] ?? '').toLowerCase()];
          if (cls === undefined)
            return { error: 'Invalid client class specified in buffer limit configuration.' };
          const hard = parseMemory(args[i + 1] ?? '');
          const soft = parseMemory(args[i + 2] ?? '');
          const softSeconds = parseConfigInteger(args[i + 3] ?? '');
          if (hard === undefined || soft === undefined || softSeconds === undefined || softSeconds < 0) {
            return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
          }
          next[cls] = { hard, soft, softSeconds };
        }
        return next;
      },
      format: (v) =>
        (['normal', 'replica', 'pubsub'] as const)
          .map((c) => `${c === 'replica' ? 'slave' : c} ${v[c].hard} ${v[c].soft} ${v[c].softSeconds}`)
          .join(' '),
      rewrite: (v) =>
        (['normal', 'replica', 'pubsub'] as const).map(
          (c) =>
            `${c} ${formatMemoryForRewrite(v[c].hard)} ${formatMemoryForRewrite(v[c].soft)} ${v[c].softSeconds}`,
        ),
      equals: (a, b) =>
        (['normal', 'replica', 'pubsub'] as const).every(
          (c) => a[c].hard === b[c].hard && a[c].soft === b[c].soft && a[c].softSeconds === b[c].softSeconds,
        ),
    },
  );
}

export interface ReplicaOf {
  readonly host: string;
  readonly port: number;
}

/** `replicaof <host> <port>` / `replicaof no one`; changed at run time only through REPLICAOF. */
export function replicaofDirective(): AnyDirective {
  return customDirective<ReplicaOf | undefined>(
    'replicaof',
    undefined,
    { aliases: ['slaveof'], immutable: true },
    {
      multiArg: true,
      parse: (args) => {
        if (args.length !== 2) return { error: 'wrong number of arguments' };
        const [host, portText] = args as [string, string];
        if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') return undefined;
        const port = parseConfigInteger(portText);
        if (port === undefined || port < 0 || port > 65535) return { error: 'Invalid master port' };
        return { host, port };
      },
      format: (v) => (v === undefined ? '' : `${v.host} ${v.port}`),
      // Redis rewriteConfigReplicaOfOption: no master, no line (an old one is removed).
      rewrite: (v) => (v === undefined ? [] : [`${v.host} ${v.port}`]),
      equals: (a, b) => a?.host === b?.host && a?.port === b?.port,
    },
  );
}

/**
 * `dir`: where RDB/AOF files go. Redis chdir()s; redmesh keeps the absolute path instead so a server
 * embedded in another process (tests) does not move that process.
 */
export function dirDirective(): AnyDirective {
  return customDirective<string>(
    'dir',
    process.cwd(),
    { protected: true, alwaysRewrite: true },
    {
      parse: (args) => {
        const path = resolve(args[0] ?? '');
        if (!existsSync(path)) return { error: 'No such file or directory' };
        if (!statSync(path).isDirectory()) return { error: 'Not a directory' };
        return path;
      },
      format: (v) => v,
      rewrite: (v) => [JSON.stringify(v)],
    },
  );
}

const NOTIFY_ORDER = 'g$lshzxetdn';
const NOTIFY_ALL = 'g$lshzxetd';

/** `notify-keyspace-events`: flag letters, shown in Redis's canonical order ("KEA" → "AKE"). */
export function notifyKeyspaceEventsDirective(): AnyDirective {
  return customDirective<string>(
    'notify-keyspace-events',
    '',
    {},
    {
      parse: (args) => {
        const flags = new Set<string>();
        for (const c of args[0] ?? '') {
          if (c === 'A') for (const f of NOTIFY_ALL) flags.add(f);
          else if ('g$lshzxetdnKEm'.includes(c)) flags.add(c);
          else return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
        }
        let out = [...NOTIFY_ALL].every((f) => flags.has(f))
          ? 'A' + (flags.has('n') ? 'n' : '')
          : [...NOTIFY_ORDER].filter((f) => flags.has(f)).join('');
        if (flags.has('K')) out += 'K';
        if (flags.has('E')) out += 'E';
        if (flags.has('m')) out += 'm';
        return out;
      },
      format: (v) => v,
      rewrite: (v) => [JSON.stringify(v)],
    },
  );
}

export function oomScoreAdjValuesDirective(): AnyDirective {
  return customDirective<readonly number[]>(
    'oom-score-adj-values',
    [0, 200, 800],
    {},
    {
      multiArg: true,
      parse: (args) => {
        if (args.length !== 3) return { error: 'wrong number of arguments' };
        const values = args.map((a) => parseConfigInteger(a));
        if (values.some((v) => v === undefined || v < -2000 || v > 2000)) {
          return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
        }
        return values as number[];
      },
      format: (v) => v.join(' '),
      equals: sameList,
    },
  );
}

export function latencyPercentilesDirective(): AnyDirective {
  return customDirective<readonly number[]>(
    'latency-tracking-info-percentiles',
    [50, 99, 99.9],
    { alwaysRewrite: true },
    {
      multiArg: true,
      parse: (args) => {
        if (args.length === 1 && args[0] === '') return [];
        const values: number[] = [];
        for (const a of args) {
          const v = Number(a);
          if (a.trim() === '' || Number.isNaN(v))
            return { error: 'Invalid latency-tracking-info-percentiles parameters' };
          if (v < 0 || v > 100) {
            return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
          }
          values.push(v);
        }
        return values;
      },
      format: (v) => v.map((n) => String(n)).join(' '),
      equals: sameList,
    },
  );
}

/** Octal permissions (unixsocketperm 700). */
export function octalDirective(name: string, opts: DirectiveOptions): AnyDirective {
  return customDirective<number>(name, 0, opts, {
    parse: (args) => {
      const s = args[0] ?? '';
      if (!/^[0-7]+$/.test(s)) return { error: "argument couldn't be parsed into an integer" };
      const n = parseInt(s, 8);
      return n > 0o777 ? { error: 'argument must be between 0 and 777 inclusive' } : n;
    },
    format: (v) => v.toString(8),
  });
}

/** maxmemory-clients: bytes, or a percentage of maxmemory ("10%"). */
export function maxmemoryClientsDirective(): AnyDirective {
  return customDirective<string>(
    'maxmemory-clients',
    '0',
    {},
    {
      parse: (args) => {
        const s = args[0] ?? '';
        if (/^[0-9]+%$/.test(s)) {
          const pct = Number(s.slice(0, -1));
          return pct <= 100 ? s : { error: 'argument must be between 0 and 100 inclusive' };
        }
        const n = parseMemory(s);
        return n === undefined ? { error: 'argument must be a memory value' } : String(n);
      },
      format: (v) => v,
      rewrite: (v) => [v.endsWith('%') ? v : formatMemoryForRewrite(Number(v))],
    },
  );
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
