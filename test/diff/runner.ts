/**
 * Runs sequences in lockstep on two servers (real Redis, the oracle, and redmesh), compares every step,
 * and on a mismatch shrinks the sequence to the fewest units that still mismatch at the same step.
 */
import { RawConnection, encodeCommand, infoField, replyText, showBytes } from '../helpers/raw-resp.js';
import { agree, show } from './compare.js';
import type { Observed } from './compare.js';
import type { Check, Sequence, Step, Unit } from './sequence.js';

/** Per-read bound: a server that does not answer within this is recorded as '<timeout>'. */
const READ_TIMEOUT_MS = 3000;
const WAIT_LIMIT_MS = 3000;

/** One server's connections for one sequence run. */
class Session {
  private readonly conns = new Map<number, RawConnection>();
  commands = 0;
  constructor(
    readonly port: number,
    private readonly control: RawConnection,
  ) {}

  static async open(port: number): Promise<Session> {
    const control = await RawConnection.open(port);
    const flushed = await control.call(['FLUSHALL'], READ_TIMEOUT_MS);
    if (flushed.toString('latin1') !== '+OK\r\n')
      throw new Error(`FLUSHALL on ${port}: ${showBytes(flushed)}`);
    const session = new Session(port, control);
    // The previous sequence's connections must be gone (a lingering subscriber would count in PUBLISH).
    await pollUntil(async () => (await session.connectedClients()) === 1);
    return session;
  }

  /** The numbered connection; a closed one (QUIT, protocol error) is replaced by a fresh one. */
  async conn(i: number): Promise<RawConnection> {
    const c = this.conns.get(i);
    if (c !== undefined && !c.isClosed) return c;
    const fresh = await RawConnection.open(this.port);
    this.conns.set(i, fresh);
    return fresh;
  }

  async readN(c: RawConnection, n: number, timeoutMs: number): Promise<Observed[]> {
    const out: Observed[] = [];
    for (let i = 0; i < n; i++) {
      const r = await c.read(timeoutMs);
      if (r.kind !== 'reply') {
        out.push(`<${r.kind}>`);
        break;
      }
      out.push(r.bytes);
    }
    return out;
  }

  async connectedClients(): Promise<number> {
    const info = replyText(await this.control.call(['INFO', 'clients'], READ_TIMEOUT_MS));
    return Number(infoField(info, 'connected_clients') ?? -1);
  }

  async blockedClients(): Promise<number> {
    const info = replyText(await this.control.call(['INFO', 'clients'], READ_TIMEOUT_MS));
    return Number(infoField(info, 'blocked_clients') ?? -1);
  }

  close(): void {
    this.control.close();
    for (const c of this.conns.values()) c.close();
  }
}

async function pollUntil(test: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

/** Runs one step on one server and returns what it observed. */
async function runStep(s: Session, step: Step, timeoutMs: number): Promise<Observed[]> {
  switch (step.op) {
    case 'call': {
      const c = await s.conn(step.conn);
      c.send(step.argv);
      s.commands++;
      const out = await s.readN(c, step.replies ?? 1, timeoutMs);
      if (step.argv[0]?.toUpperCase() === 'QUIT')
        out.push((await c.waitClosed(timeoutMs)) ? '<closed>' : '<open>');
      return out;
    }
    case 'send': {
      (await s.conn(step.conn)).send(step.argv);
      s.commands++;
      return [];
    }
    case 'read':
      return s.readN(await s.conn(step.conn), 1, timeoutMs);
    case 'raw': {
      const c = await s.conn(step.conn);
      c.write(step.bytes);
      s.commands++;
      const out = await s.readN(c, step.replies, timeoutMs);
      // Probe: a protocol error must have closed the connection, anything else must leave it usable.
      c.send(['PING']);
      out.push(...(await s.readN(c, 1, timeoutMs)));
      return out;
    }
    case 'waitBlocked':
      return [
        (await pollUntil(async () => (await s.blockedClients()) === step.count))
          ? '<blocked>'
          : `<not blocked>`,
      ];
    case 'waitGone': {
      const c = await s.conn(step.conn);
      const gone = await pollUntil(
        async () => (await c.call(['EXISTS', step.key], timeoutMs)).toString() === ':0\r\n',
      );
      return [gone ? '<gone>' : '<still there>'];
    }
    case 'drain':
      return drain(s, await s.conn(step.conn), timeoutMs);
    case 'scanAll':
      return [await scanAll(s, await s.conn(step.conn), step.argv, step.pairs, timeoutMs)];
  }
}

function isPong(bytes: Buffer): boolean {
  const t = bytes.toString('latin1');
  return t === '+PONG\r\n' || t.startsWith('*2\r\n$4\r\npong\r\n');
}

/** Messages delivered before a PING's answer, sorted (several patterns may match in any order), then the answer. */
async function drain(s: Session, c: RawConnection, timeoutMs: number): Promise<Observed[]> {
  c.send(['PING']);
  s.commands++;
  const messages: Buffer[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = await c.read(timeoutMs);
    if (r.kind !== 'reply') return [...messages.sort((p, q) => Buffer.compare(p, q)), `<${r.kind}>`];
    if (isPong(r.bytes)) return [...messages.sort((p, q) => Buffer.compare(p, q)), r.bytes];
    messages.push(r.bytes);
  }
  return [...messages.sort((p, q) => Buffer.compare(p, q)), '<no pong>'];
}

/**
 * Iterates SCAN/HSCAN/SSCAN/ZSCAN to cursor 0 and returns the sorted, deduplicated elements as one
 * RESP array (SCAN may return an element twice; cursors themselves differ between servers).
 */
async function scanAll(
  s: Session,
  c: RawConnection,
  argv: readonly string[],
  pairs: boolean,
  timeoutMs: number,
): Promise<Observed> {
  let cursor = '0';
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const reply = await c.call(
      argv.map((a) => (a === '{cursor}' ? cursor : a)),
      timeoutMs,
    );
    s.commands++;
    const m = parseScan(reply);
    if (m === undefined) return reply;
    for (let j = 0; j < m.items.length; j += pairs ? 2 : 1) {
      const el = pairs
        ? encodeCommand([m.items[j] as Buffer, m.items[j + 1] ?? Buffer.alloc(0)])
        : encodeCommand([m.items[j] as Buffer]);
      seen.add(el.toString('latin1'));
    }
    cursor = m.cursor;
    if (cursor === '0') return `<scan ${[...seen].sort().join('|')}>`;
  }
  return '<scan did not finish>';
}

function parseScan(reply: Buffer): { cursor: string; items: Buffer[] } | undefined {
  const text = reply.toString('latin1');
  if (!text.startsWith('*2\r\n')) return undefined;
  let pos = 4;
  const readLine = (): string => {
    const end = text.indexOf('\r\n', pos);
    const line = text.slice(pos, end);
    pos = end + 2;
    return line;
  };
  const cursorLen = Number(readLine().slice(1));
  const cursor = text.slice(pos, pos + cursorLen);
  pos += cursorLen + 2;
  const n = Number(readLine().slice(1));
  const items: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const header = readLine();
    if (header[0] === ',') {
      items.push(Buffer.from(header.slice(1), 'latin1'));
      continue;
    }
    const len = Number(header.slice(1));
    items.push(reply.subarray(pos, pos + len));
    pos += len + 2;
  }
  return { cursor, items };
}

export interface Mismatch {
  readonly unit: number;
  readonly step: number;
  readonly check: Check;
  readonly redis: string;
  readonly redmesh: string;
}

export interface RunResult {
  readonly mismatch?: Mismatch;
  /** Commands sent to each server. */
  readonly commands: number;
}

function checkOf(step: Step): Check {
  return step.op === 'call' || step.op === 'read' ? step.check : 'exact';
}

/** Runs units on both servers step by step; stops at the first disagreement. */
export async function runUnits(
  units: readonly Unit[],
  redisPort: number,
  redmeshPort: number,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<RunResult> {
  const [a, b] = await Promise.all([Session.open(redisPort), Session.open(redmeshPort)]);
  try {
    for (let u = 0; u < units.length; u++) {
      const unit = units[u] as Unit;
      for (let st = 0; st < unit.length; st++) {
        const step = unit[st] as Step;
        const [x, y] = await Promise.all([runStep(a, step, timeoutMs), runStep(b, step, timeoutMs)]);
        const check = checkOf(step);
        const tolerance = step.op === 'call' ? (step.tolerance ?? 0) : 0;
        if (!agree(check, x, y, tolerance)) {
          return {
            mismatch: { unit: u, step: st, check, redis: show(x), redmesh: show(y) },
            commands: a.commands,
          };
        }
      }
    }
    return { commands: a.commands };
  } finally {
    a.close();
    b.close();
  }
}

/**
 * Shrinks a failing sequence: drops units one at a time (never the failing one) as long as the
 * mismatch still happens at that unit and step. Bounded by `budgetMs` so a hung server cannot stall CI.
 */
export async function minimise(
  units: readonly Unit[],
  m: Mismatch,
  redisPort: number,
  redmeshPort: number,
  budgetMs = 20_000,
): Promise<{ units: Unit[]; mismatch: Mismatch }> {
  let current = units.slice(0, m.unit + 1);
  let last = m;
  const deadline = Date.now() + budgetMs;
  let i = 0;
  while (i < current.length - 1 && Date.now() < deadline) {
    const candidate = [...current.slice(0, i), ...current.slice(i + 1)];
    const r = await runUnits(candidate, redisPort, redmeshPort, 1000);
    if (r.mismatch && r.mismatch.unit === candidate.length - 1 && r.mismatch.step === last.step) {
      current = candidate;
      last = r.mismatch;
    } else {
      i++;
    }
  }
  return { units: current, mismatch: last };
}

/** Renders a step as a redis-cli-like line with bytes escaped. */
export function describeStep(step: Step): string {
  const q = (s: string): string => `"${showBytes(Buffer.from(s, 'latin1'), 200)}"`;
  switch (step.op) {
    case 'call':
      return `[c${step.conn}] ${step.argv.map(q).join(' ')}${step.check === 'exact' ? '' : `   (${step.check})`}`;
    case 'send':
      return `[c${step.conn}] ${step.argv.map(q).join(' ')}   (sent, reply read later)`;
    case 'read':
      return `[c${step.conn}] <read reply>`;
    case 'raw':
      return `[c${step.conn}] raw bytes ${q(step.bytes)} then PING`;
    case 'waitBlocked':
      return `<wait until INFO blocked_clients == ${step.count}>`;
    case 'waitGone':
      return `<wait until key ${q(step.key)} is gone>`;
    case 'drain':
      return `[c${step.conn}] PING, reading pushed messages until PONG`;
    case 'scanAll':
      return `[c${step.conn}] ${step.argv.map(q).join(' ')} iterated to cursor 0${step.pairs ? ' (pairs)' : ''}`;
  }
}

/** A full mismatch report: the minimal sequence, the failing step and both replies. */
export function describeMismatch(seq: Sequence, units: readonly Unit[], m: Mismatch): string {
  const lines = [
    `family ${seq.family}, seed ${seq.seed}: mismatch at the last step below (check: ${m.check})`,
  ];
  units.forEach((unit, u) =>
    unit.forEach((step, s) => {
      const marker = u === m.unit && s === m.step ? '>>' : '  ';
      if (u < m.unit || s <= m.step) lines.push(`${marker} ${describeStep(step)}`);
    }),
  );
  lines.push(`   redis:   ${m.redis}`, `   redmesh: ${m.redmesh}`);
  return lines.join('\n');
}
