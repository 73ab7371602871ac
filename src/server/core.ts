/**
 * The command path (Redis server.c processCommand / call, blocked.c, networking.c writes): checks in
 * Redis 7.0's order, MULTI queueing, blocking and serving of ready keys, propagation, and the per-tick
 * output flush. Sockets are accepted in server.ts; this file never listens.
 */
import type { BlockRequest, CommandResult, CommandSpec } from '../commands/index.js';
import {
  ERR_NOAUTH,
  QUEUED,
  encodeReply,
  error,
  unknownCommand,
  wrongArity,
  type Reply,
} from '../resp/index.js';
import { Keyspace, type KeyspaceObserver } from '../store/index.js';
import { BlockingRegistry } from './blocking.js';
import { admitUnderMaxmemory, recordCall } from './call-hooks.js';
import type { Client } from './client.js';
import type { ServerState } from './state.js';
import { WatchRegistry } from './watch.js';

/** Commands a RESP2 client may send while subscribed (Redis 7.0). */
const PUBSUB_ALLOWED = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);
/** Commands that run at once inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Above this many unsent bytes a client's input is paused until its socket drains (memory bound). */
const READ_PAUSE_BYTES = 64 * 1024 * 1024;
/** Output gathered while running a pipeline is written once it reaches this size. */
const OUT_CHUNK_BYTES = 1024 * 1024;

function isBlock(result: CommandResult): result is BlockRequest {
  return result.kind === 'block';
}

export class ServerCore {
  readonly keyspace: Keyspace;
  readonly watch = new WatchRegistry();
  readonly blocking = new BlockingRegistry<Client>();
  private readonly exactCase = new Map<string, CommandSpec>();
  private readonly toFlush = new Set<Client>();
  private flushScheduled = false;
  /** Clients whose next command is held by CLIENT PAUSE. */
  private readonly held = new Set<Client>();
  private serving = false;

  constructor(readonly state: ServerState) {
    const observer: KeyspaceObserver = {
      keyModified: (db, key) => this.watch.touch(db, key),
      keyReady: (db, key) => this.blocking.signalReady(db, key),
      keyExpired: (db, key) => {
        state.stats.expiredKeys++;
        state.propagate(db, ['DEL', key]);
      },
    };
    this.keyspace = new Keyspace(state.config.databases, observer);
    state.onUnpause = () => this.resumeHeld();
  }

  authRequired(): boolean {
    return this.state.config.requirepass !== '';
  }

  /** The default user: `nopass` when requirepass is empty, else requirepass. */
  checkPassword(username: string, password: string): boolean {
    if (username !== 'default') return false;
    const required = this.state.config.requirepass;
    return required === '' || password === required;
  }

  lookup(name: string): CommandSpec | undefined {
    const hit = this.exactCase.get(name);
    if (hit !== undefined) return hit;
    const spec = this.state.commands.get(name.toLowerCase());
    // Cache the spelling clients actually send ("SET", "set"); bounded so garbage names cannot grow it.
    if (spec !== undefined && this.exactCase.size < 4096) this.exactCase.set(name, spec);
    return spec;
  }

  /** Runs every complete command buffered for the client, unless it blocks, is paused or is closing. */
  processInput(c: Client): void {
    while (!c.closing && !c.closed && c.blockedState === undefined && c.held === undefined) {
      if (c.out.length >= OUT_CHUNK_BYTES) {
        this.flush(c);
        // Backpressure: stop taking commands until the socket drains (resumed by the drain handler).
        if (c.inputPaused) break;
      }
      const argv = c.parser.next();
      if (argv === undefined) break;
      if (!Array.isArray(argv)) {
        if (argv.silent !== true) c.reply(error('ERR ' + argv.message));
        c.closing = true;
        break;
      }
      if (argv.length === 0) continue;
      this.processCommand(c, argv);
    }
    this.flush(c);
  }

  /** Redis processCommand: the checks in 7.0's order, then queue (MULTI) or call. */
  processCommand(c: Client, argv: string[]): void {
    c.lastInteraction = Date.now();
    c.startCommand();
    const name = argv[0] as string;
    const container = this.lookup(name);
    if (container === undefined) {
      this.reject(c, unknownCommand(name, argv.slice(1)));
      return;
    }
    const resolved = this.resolveSubcommand(c, container, argv);
    if (resolved === undefined) return;
    const { spec, fullName } = resolved;
    c.lastCommand = fullName;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      this.reject(c, wrongArity(fullName));
      return;
    }
    if (!c.authenticated && !spec.flags.includes('no_auth')) {
      this.reject(c, ERR_NOAUTH);
      return;
    }
    if (c.multiQueue !== undefined && spec.flags.includes('no_multi')) {
      this.reject(c, 'ERR Command not allowed inside a transaction');
      return;
    }
    const base = container.name.toLowerCase();
    if (c.protocol === 2 && c.inPubsubMode && !PUBSUB_ALLOWED.has(base)) {
      this.reject(
        c,
        `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
      return;
    }
    const oom = admitUnderMaxmemory(this.state, this.keyspace, spec, c.multiQueue !== undefined);
    if (oom !== undefined) {
      this.reject(c, oom);
      return;
    }
    if (c.multiQueue !== undefined && !MULTI_IMMEDIATE.has(base)) {
      c.multiQueue.push({ spec, argv });
      c.reply(QUEUED);
      return;
    }
    if (this.state.isPaused(spec.flags.includes('write') || spec.flags.includes('may_replicate'))) {
      // Hold the command (and the rest of the pipeline) until the pause ends.
      c.held = argv;
      this.held.add(c);
      return;
    }
    this.call(c, spec, argv);
    this.serveReadyKeys();
  }

  /** Container commands (CLIENT, CONFIG…) dispatch on their second word. */
  private resolveSubcommand(
    c: Client,
    container: CommandSpec,
    argv: readonly string[],
  ): { spec: CommandSpec; fullName: string } | undefined {
    const base = container.name.toLowerCase();
    const subs = container.subcommands;
    if (subs === undefined || subs.length === 0 || argv.length < 2)
      return { spec: container, fullName: base };
    const word = (argv[1] as string).toLowerCase();
    const full = `${base}|${word}`;
    const sub = subs.find((s) => {
      const n = s.name.toLowerCase();
      return n === word || n === full;
    });
    if (sub === undefined) {
      const shown = (argv[1] as string).slice(0, 128);
      // Redis names the command as the client typed it (a renamed CONFIG says "Try CFG HELP.").
      const typed = (argv[0] as string).toUpperCase();
      this.reject(c, `ERR unknown subcommand '${shown}'. Try ${typed} HELP.`);
      return undefined;
    }
    return { spec: sub, fullName: full };
  }

  /** An error before execution: inside MULTI it also dooms the transaction (EXECABORT). */
  private reject(c: Client, message: string): void {
    if (c.multiQueue !== undefined) c.multiError = true;
    c.reply(error(message));
  }

  /** Redis call(): runs one command, replies, counts, propagates; parks the client if it blocks. */
  call(c: Client, spec: CommandSpec, argv: readonly string[]): void {
    const ctx = c.ctx;
    ctx.now = Date.now();
    ctx.db = this.keyspace.db(c.dbIndex);
    ctx.dirty = 0;
    ctx.propagated = undefined;
    const dbIndex = c.dbIndex;
    let result: CommandResult;
    const startedNs = process.hrtime.bigint();
    try {
      result = spec.run(ctx, argv);
    } catch (err) {
      process.stderr.write(`redmesh: command ${spec.name} failed: ${String(err)}\n`);
      result = error('ERR internal error');
    }
    this.state.stats.totalCommandsProcessed++;
    recordCall(this.state, c, spec, argv, Number(process.hrtime.bigint() - startedNs) / 1000, result);
    if (isBlock(result)) {
      if (c.inMulti) result = result.onTimeout(ctx);
      else {
        this.startBlock(c, spec, argv, result);
        return;
      }
    }
    c.reply(result);
    this.afterCall(c, spec, argv, dbIndex);
  }

  private afterCall(c: Client, spec: CommandSpec, argv: readonly string[], dbIndex: number): void {
    const ctx = c.ctx;
    this.state.stats.dirty += ctx.dirty;
    if (ctx.propagated !== undefined) {
      for (const a of ctx.propagated) this.state.propagate(dbIndex, a);
    } else if (ctx.dirty > 0 && spec.flags.includes('write')) {
      this.state.propagate(dbIndex, argv);
    }
  }

  // --- blocking ---

  private startBlock(c: Client, spec: CommandSpec, argv: readonly string[], request: BlockRequest): void {
    const state = { request, db: c.dbIndex, spec, argv, timer: undefined as NodeJS.Timeout | undefined };
    c.blockedState = state;
    this.blocking.add(c.dbIndex, request.keys, c);
    if (request.deadlineMs > 0) {
      state.timer = setTimeout(() => c.unblock(false), Math.max(0, request.deadlineMs - Date.now()));
    }
  }

  /** Removes the client from the blocked tables (its reply is the caller's business). */
  endBlock(c: Client): void {
    const state = c.blockedState;
    if (state === undefined) return;
    clearTimeout(state.timer);
    this.blocking.remove(state.db, state.request.keys, c);
    c.blockedState = undefined;
  }

  /** After an unblock: flush the reply and go on with the client's pipelined input. */
  resumeAfterBlock(c: Client): void {
    this.scheduleFlush(c);
    setImmediate(() => {
      if (!c.closed) this.processInput(c);
    });
  }

  /** Redis handleClientsBlockedOnKeys: retries waiters of ready keys, FIFO, until nothing more is ready. */
  serveReadyKeys(): void {
    if (this.serving || !this.blocking.hasReady) return;
    this.serving = true;
    try {
      for (let round = 0; this.blocking.hasReady && round < 1000; round++) {
        for (const { waiters } of this.blocking.takeReady()) {
          for (const w of waiters) this.retryBlocked(w);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  private retryBlocked(c: Client): void {
    const state = c.blockedState;
    if (state === undefined || c.closed) return;
    const ctx = c.ctx;
    ctx.now = Date.now();
    ctx.db = this.keyspace.db(state.db);
    ctx.dirty = 0;
    ctx.propagated = undefined;
    let reply: Reply | undefined;
    try {
      reply = state.request.retry(ctx);
    } catch (err) {
      process.stderr.write(`redmesh: blocked ${state.spec.name} failed: ${String(err)}\n`);
      reply = error('ERR internal error');
    }
    if (reply === undefined) return;
    this.endBlock(c);
    c.reply(reply);
    this.afterCall(c, state.spec, state.argv, state.db);
    this.resumeAfterBlock(c);
  }

  // --- CLIENT PAUSE ---

  private resumeHeld(): void {
    const clients = [...this.held];
    this.held.clear();
    for (const c of clients) {
      const argv = c.held;
      c.held = undefined;
      if (argv === undefined || c.closed) continue;
      this.processCommand(c, argv);
      this.processInput(c);
    }
  }

  // --- output ---

  scheduleFlush(c: Client): void {
    this.toFlush.add(c);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const clients = [...this.toFlush];
      this.toFlush.clear();
      for (const x of clients) this.flush(x);
    });
  }

  /** Writes the client's pending output in one write, applies output limits, closes if asked. */
  flush(c: Client): void {
    if (c.closed) return;
    if (c.out.length > 0) {
      const out = c.out;
      c.out = '';
      this.state.stats.totalNetOutputBytes += out.length;
      c.socket.write(out, 'latin1');
      if (this.overOutputLimit(c)) {
        this.state.stats.clientOutputBufferLimitDisconnections++;
        c.socket.destroy();
        return;
      }
      if (c.socket.writableLength > READ_PAUSE_BYTES && !c.inputPaused) {
        c.inputPaused = true;
        c.socket.pause();
        c.socket.once('drain', () => {
          c.inputPaused = false;
          c.socket.resume();
          if (!c.closed) this.processInput(c);
        });
      }
    }
    if (c.closing) {
      // Stop reading, send what is queued, then drop the connection: a sender still streaming gets a
      // reset instead of having its bytes read and thrown away (Redis frees the client the same way).
      c.socket.pause();
      c.socket.end(() => c.socket.destroy());
      c.closed = true;
    }
  }

  /** Redis checkClientOutputBufferLimits: hard limit at once, soft limit when exceeded for too long. */
  private overOutputLimit(c: Client): boolean {
    const limits = this.state.config.clientOutputBufferLimit;
    const limit = c.inPubsubMode ? limits.pubsub : limits.normal;
    const used = c.socket.writableLength;
    if (limit.hardBytes > 0 && used >= limit.hardBytes) return true;
    if (limit.softBytes > 0 && used >= limit.softBytes) {
      const now = Date.now();
      if (c.softLimitSince === 0) c.softLimitSince = now;
      else if (now - c.softLimitSince >= limit.softSeconds * 1000) return true;
    } else {
      c.softLimitSince = 0;
    }
    return false;
  }

  /** A closed connection leaves every table it was in. */
  forget(c: Client): void {
    c.closed = true;
    this.endBlock(c);
    this.held.delete(c);
    this.toFlush.delete(c);
    c.unwatch();
    for (const kind of ['channel', 'pattern', 'shard'] as const) c.unsubscribeAll(kind);
    this.state.registry.delete(c.id);
  }

  /** Encodes a reply for a client outside any command (e.g. the maxclients error). */
  static encodeFor(r: Reply, protocol: 2 | 3): string {
    return encodeReply(r, protocol);
  }
}
