/**
 * The command path (Redis server.c processCommand / call, blocked.c, networking.c writes): checks in
 * Redis 7.0's order, MULTI queueing, blocking and serving of ready keys, propagation, and the per-tick
 * output flush. Sockets are accepted in server.ts; this file never listens.
 */
import { performance } from 'node:perf_hooks';
import {
  Scripting,
  keysOf,
  type BlockRequest,
  type CommandResult,
  type CommandSpec,
  type ScriptCaller,
  type ScriptOutcome,
  type ScriptRun,
} from '../commands/index.js';
import { REDIS_COMPAT_VERSION } from '../config/index.js';
import {
  ERR_EXECABORT_BECAUSE,
  ERR_INTERNAL,
  ERR_LOADING,
  ERR_MISCONF,
  ERR_OOM,
  ERR_NOAUTH,
  ERR_NOPERM_CHANNEL,
  ERR_NOPERM_COMMAND,
  ERR_NOPERM_EXEC,
  ERR_NOPERM_KEY,
  ERR_NOT_IN_MULTI,
  ERR_PROTOCOL,
  ERR_PUBSUB_CONTEXT,
  ERR_READONLY,
  ERR_SCRIPT_MISCONF,
  ERR_SCRIPT_WRITE_ON_REPLICA,
  NULL,
  QUEUED,
  encodeReply,
  error,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
  type Reply,
} from '../resp/index.js';
import { Socket } from 'node:net';
import type { MasterClient } from '../replication/index.js';
import { Evictor, Keyspace, type KeyspaceObserver } from '../store/index.js';
import { aclTraits, type AclCommandTraits, type AclUser } from './acl/index.js';
import { BlockingRegistry } from './blocking.js';
import { CallHooks } from './call-hooks.js';
import { Client, type ClientHost } from './client.js';
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

/** What the dispatcher checks on every call of a command, computed once per spec. */
interface CommandEntry {
  readonly spec: CommandSpec;
  /** Lowercase name as INFO commandstats and errors show it ("get", "config|get"). */
  readonly fullName: string;
  readonly hasSubcommands: boolean;
  readonly noAuth: boolean;
  readonly noMulti: boolean;
  readonly write: boolean;
  /** Flagged `stale`: runs on a replica whose link is down with replica-serve-stale-data no. */
  readonly stale: boolean;
  /** Held by CLIENT PAUSE WRITE. */
  readonly writeLike: boolean;
  readonly skipSlowlog: boolean;
  /** Flagged `denyoom`: refused with OOM when memory is full. */
  readonly denyoom: boolean;
  /** Refused with MISCONF while background saves fail. */
  readonly deniedOnDiskError: boolean;
  /** Allowed to a RESP2 client in subscribed mode. */
  readonly pubsubAllowed: boolean;
  /** Runs at once inside MULTI instead of being queued. */
  readonly runsInMulti: boolean;
  /** EVAL, EVALSHA, FCALL and their _RO forms: a script's flags decide whether it writes. */
  readonly scripting: boolean;
  /** Its keys are remembered for client-side caching (readonly, not pubsub). */
  readonly trackKeys: boolean;
  /** Shown to MONITOR (not admin, not skip_monitor). */
  readonly monitored: boolean;
  /** Flagged `loading`: served while the dataset loads (INFO, PING…); others get -LOADING. */
  readonly allowedWhileLoading: boolean;
  /** Flagged `no_async_loading`: -LOADING during a replica's async loading (SAVE, REPLICAOF…). */
  readonly noAsyncLoading: boolean;
  /** Flagged `allow-busy`: served while a script is past busy-reply-threshold; others get -BUSY. */
  readonly allowBusy: boolean;
  /** What the ACL check needs (catalog id, keys, channels). */
  readonly acl: AclCommandTraits;
}

const SCRIPT_RUNNERS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

function commandEntry(spec: CommandSpec, fullName: string): CommandEntry {
  const has = (f: CommandSpec['flags'][number]): boolean => spec.flags.includes(f);
  const base = spec.name.toLowerCase();
  return {
    spec,
    fullName,
    hasSubcommands: spec.subcommands !== undefined && spec.subcommands.length > 0,
    noAuth: has('no_auth'),
    noMulti: has('no_multi'),
    write: has('write'),
    stale: has('stale'),
    allowedWhileLoading: has('loading'),
    noAsyncLoading: has('no_async_loading'),
    allowBusy: has('allow_busy'),
    writeLike: has('write') || has('may_replicate'),
    skipSlowlog: has('skip_slowlog'),
    denyoom: has('denyoom'),
    // Redis writeCommandsDeniedByDiskError: writes and PING are refused while saves fail (MISCONF).
    deniedOnDiskError: has('write') || base === 'ping',
    pubsubAllowed: PUBSUB_ALLOWED.has(base),
    runsInMulti: MULTI_IMMEDIATE.has(base),
    scripting: SCRIPT_RUNNERS.has(base),
    // A script runner's keys are remembered when its script reads (callForScript), not by the runner.
    trackKeys:
      has('readonly') &&
      !has('pubsub') &&
      !SCRIPT_RUNNERS.has(base) &&
      (spec.firstKey > 0 || spec.keys !== undefined),
    monitored: !has('admin') && !has('skip_monitor'),
    acl: aclTraits(spec, fullName),
  };
}

/** script.c scriptVerifyACL's texts, by the reason ACLCheckAllPerm gives. */
const SCRIPT_ACL_DENIALS: Readonly<Record<'command' | 'key' | 'channel', string>> = {
  command: "The user executing the script can't run this command or subcommand",
  key: "The user executing the script can't access at least one of the keys mentioned in the command arguments",
  channel: "The user executing the script can't publish to the channel mentioned in the command",
};

function isBlock(result: CommandResult): result is BlockRequest {
  return result.kind === 'block';
}

const VERBOSITY_LEVELS = ['debug', 'verbose', 'notice', 'warning'];

/** REDIS_VERSION_NUM: 0x00MMmmpp. */
function versionNumber(v: string): number {
  const [a, b, c] = v.split('.').map(Number);
  return ((a ?? 0) << 16) | ((b ?? 0) << 8) | (c ?? 0);
}

/** Redis's floor for maxmemory-clients (128 KB). */
const CLIENT_EVICTION_MIN_LIMIT = 128 * 1024;

export class ServerCore implements ClientHost {
  readonly keyspace: Keyspace;
  readonly watch = new WatchRegistry();
  readonly blocking = new BlockingRegistry<Client>();
  /** Command names as clients spell them ("SET", "set") → their table entry. */
  private readonly exactCase = new Map<string, CommandEntry>();
  /** Entries of subcommands and of specs reached without a name lookup (EXEC's queue, blocked clients). */
  private readonly entries = new Map<CommandSpec, CommandEntry>();
  private readonly hooks: CallHooks;
  /**
   * The clock, read once per command: `tick` is performance.now() at the end of the previous command
   * of the batch (a command's duration runs from there, so it includes its own parsing), and
   * `clockOffset` turns it into unix ms for the command's `now`. Both are refreshed when a batch of
   * input starts and whenever a command runs outside one.
   */
  private tick = performance.now();
  private clockOffset = Date.now() - this.tick;
  private inBatch = false;
  private readonly toFlush = new Set<Client>();
  private flushScheduled = false;
  /** Clients whose next command is held by CLIENT PAUSE. */
  private readonly held = new Set<Client>();
  private serving = false;
  /** Nesting of running commands (EXEC runs its queue inside its own call). */
  private callDepth = 0;
  /** Clients in WAIT: retried when replicas' ACKs arrive. */
  private readonly ackWaiters = new Set<Client>();
  private scriptClient: Client | undefined;
  /** The database the running script's commands use (SELECT in a script changes it). */
  private scriptDb = 0;
  private scriptRun: ScriptRun | undefined;
  /** The running EVAL / FCALL (its keys are what a tracking caller remembers when the script reads). */
  private scriptRunner: { readonly spec: CommandSpec; readonly argv: readonly string[] } | undefined;
  /** The master's commands that arrived while a script was busy (run when it ends, as Redis does). */
  private readonly masterBacklog: { run: (argv: string[]) => void; argv: string[] }[] = [];
  /** The server is closing: a suspended script is dropped instead of resumed. */
  private closing = false;

  constructor(readonly state: ServerState) {
    const observer: KeyspaceObserver = {
      keyModified: (db, key) => {
        this.watch.touch(db, key);
        // Expiry and eviction change keys outside any command (Redis signalModifiedKey(NULL, …)).
        state.tracking.invalidateKey(key, undefined);
      },
      keyReady: (db, key) => this.blocking.signalReady(db, key),
      keyExpired: (db, key) => {
        state.keyspaceEvents.notify('x', 'expired', key, db);
        state.stats.expiredKeys++;
        state.propagate(db, ['DEL', key]);
      },
      keyAdded: (db, key) => state.keyspaceEvents.notify('n', 'new', key, db),
      keyMissed: (db, key) => state.keyspaceEvents.notify('m', 'keymiss', key, db),
    };
    this.keyspace = new Keyspace(state.config.databases, observer);
    // Created up front (it is three empty maps until maxmemory is set): OBJECT IDLETIME/FREQ read it.
    const evictor = new Evictor(this.keyspace);
    state.eviction = evictor;
    this.hooks = new CallHooks(state, this.keyspace, evictor);
    state.onUnpause = () => this.resumeHeld();
    state.scripting = new Scripting({
      call: (run, argv) => this.callForScript(run, argv),
      commandExists: (argv) => this.lookupEntry(argv[0] ?? '') !== undefined,
      log: (level, message) => {
        if (level >= VERBOSITY_LEVELS.indexOf(state.config.getString('loglevel'))) {
          process.stderr.write(`${process.pid}:M ${message}\n`);
        }
      },
      version: REDIS_COMPAT_VERSION,
      versionNum: versionNumber(REDIS_COMPAT_VERSION),
      startConditions: (caller) => this.scriptStartConditions(caller),
      busyThreshold: () => state.config.getNumber('busy-reply-threshold'),
    });
  }

  // --- scripts (Redis script.c) ---

  /** getCommandFlags for a script runner: write when its shebang or function flags allow writes. */
  private scriptTraits(
    entry: CommandEntry,
    argv: readonly string[],
  ): { write: boolean; stale: boolean; denyoom: boolean } {
    return (
      this.state.scripting?.commandFlagsOf(argv) ?? {
        write: entry.write,
        stale: entry.stale,
        denyoom: entry.spec.flags.includes('denyoom'),
      }
    );
  }

  /** The Lua client (Redis's lua_client): the connection every command of a script runs on. */
  private scriptClientOf(): Client {
    if (this.scriptClient === undefined) {
      const c = new Client(0, new Socket(), this);
      c.authenticated = true;
      // Blocking commands must not block in a script (CLIENT_DENY_BLOCKING).
      c.inMulti = true;
      this.scriptClient = c;
    }
    return this.scriptClient;
  }

  private scriptStartConditions(caller: ScriptCaller): { writeRefusal: string | undefined; oom: boolean } {
    const isMaster = caller instanceof Client && caller.isMaster;
    const refusal = this.state.replicationChecks?.refusal({ write: true, stale: true }, isMaster);
    let writeRefusal: string | undefined;
    if (refusal === ERR_READONLY) writeRefusal = ERR_SCRIPT_WRITE_ON_REPLICA;
    else if (this.state.persistence?.writesDenied() === true) {
      writeRefusal = ERR_SCRIPT_MISCONF;
    }
    return { writeRefusal, oom: this.hooks.outOfMemory };
  }

  /**
   * Redis scriptCall: a command of a running script. Its checks (arity, noscript, read-only script,
   * READONLY replica, MISCONF) give scriptCall's error texts; then the command runs on the Lua
   * client as any call does: counted, slow-logged, its effects propagated inside the script's unit.
   */
  private callForScript(run: ScriptRun, argv: string[]): Reply | { refusal: string } {
    let entry = this.lookupEntry(argv[0] as string);
    if (entry !== undefined && entry.hasSubcommands && argv.length >= 2) {
      const full = `${entry.fullName}|${(argv[1] as string).toLowerCase()}`;
      const sub = entry.spec.subcommands?.find((x) => x.name.toLowerCase() === full);
      entry = sub === undefined ? undefined : this.entryOf(sub, full);
    }
    if (entry === undefined) return { refusal: 'Unknown Redis command called from script' };
    const spec = entry.spec;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      return { refusal: 'Wrong number of args calling Redis command from script' };
    }
    if (spec.flags.includes('noscript')) return { refusal: 'This Redis command is not allowed from script' };
    const caller = run.caller;
    const fromMaster = caller instanceof Client && caller.isMaster;
    if (!entry.stale) {
      const stale = this.state.replicationChecks?.refusal({ write: false, stale: false }, fromMaster);
      if (stale !== undefined) return { refusal: 'Can not execute the command on a stale replica' };
    }
    // scriptVerifyACL: the script runs with its caller's user; a denial is logged in the lua context.
    const user = caller instanceof Client ? caller.aclUser : undefined;
    if (user !== undefined && !user.unrestricted) {
      const denial = this.state.acl.check(user, entry.acl, argv);
      if (denial !== undefined) {
        this.state.acl.logDenial(caller as Client, denial.reason, 'lua', denial.object);
        return { refusal: SCRIPT_ACL_DENIALS[denial.reason] };
      }
    }
    if (entry.write) {
      if (run.readOnly) return { refusal: 'Write commands are not allowed from read-only scripts.' };
      const ro = this.state.replicationChecks?.refusal({ write: true, stale: true }, fromMaster);
      if (ro === ERR_READONLY) return { refusal: `-${ERR_READONLY}` };
      if (this.state.persistence?.writesDenied() === true) return { refusal: `-${ERR_MISCONF}` };
    }
    // scriptVerifyOOM: only before the script's first write (it cannot stop half way after that).
    if (run.oomAtStart && !run.allowOom && !run.writeDirty && !fromMaster && spec.flags.includes('denyoom')) {
      return { refusal: `-${ERR_OOM}` };
    }
    if (entry.write) run.writeDirty = true;
    const c = this.scriptClientOf();
    if (this.scriptRun !== run) {
      // scriptPrepareForRun: the Lua client starts in the caller's database.
      this.scriptRun = run;
      this.scriptDb = caller.dbIndex;
    }
    c.protocol = run.resp;
    c.dbIndex = this.scriptDb;
    c.lastCommand = entry.fullName;
    const ctx = c.ctx;
    ctx.now = run.startMs;
    ctx.db = this.keyspace.db(c.dbIndex);
    ctx.dirty = 0;
    ctx.propagated = undefined;
    const started = performance.now();
    let result: CommandResult;
    try {
      result = spec.run(ctx, argv);
    } catch (err) {
      process.stderr.write(`redmesh: command ${spec.name} failed: ${String(err)}\n`);
      result = error(ERR_INTERNAL);
    }
    this.state.stats.totalCommandsProcessed++;
    if (isBlock(result)) result = result.onTimeout(ctx);
    this.hooks.recordCall(
      c,
      entry.fullName,
      spec,
      argv,
      (performance.now() - started) * 1000,
      result,
      entry.skipSlowlog,
      ctx.now,
    );
    // SELECT inside a script changes the script's database, not the caller's.
    this.scriptDb = c.dbIndex;
    // Redis call() for the Lua client: MONITOR sees the command as `[db lua]`, in the database it
    // left selected; and a read makes a tracking caller remember the keys of its EVAL / FCALL (7.0
    // remembers the caller's command's keys, not the ones the script read).
    const monitor = this.state.monitor;
    if (monitor.active && entry.monitored) monitor.feed(c.dbIndex, 'lua', argv);
    const runner = this.scriptRunner;
    if (runner !== undefined && spec.flags.includes('readonly') && caller instanceof Client) {
      const tracked = caller.tracking;
      if (tracked !== undefined && !tracked.bcast) {
        this.state.tracking.rememberKeys(caller, keysOf(runner.spec, runner.argv));
      }
    }
    if (run.repl === 0) {
      this.state.stats.dirty += ctx.dirty;
      ctx.propagated = undefined;
    } else this.afterCall(c, spec, argv, ctx.db.index, entry.write);
    return result;
  }

  lookup(name: string): CommandSpec | undefined {
    return this.lookupEntry(name)?.spec;
  }

  private lookupEntry(name: string): CommandEntry | undefined {
    const hit = this.exactCase.get(name);
    if (hit !== undefined) return hit;
    const spec = this.state.commands.get(name.toLowerCase());
    if (spec === undefined) return undefined;
    const entry = this.entryOf(spec);
    // Cache the spelling clients actually send; bounded so garbage names cannot grow it.
    if (this.exactCase.size < 4096) this.exactCase.set(name, entry);
    return entry;
  }

  /** The precomputed facts the dispatcher checks for every call of a spec. */
  private entryOf(spec: CommandSpec, fullName?: string): CommandEntry {
    const hit = this.entries.get(spec);
    if (hit !== undefined) return hit;
    const entry = commandEntry(spec, fullName ?? spec.name.toLowerCase());
    this.entries.set(spec, entry);
    return entry;
  }

  /** Runs every complete command buffered for the client, unless it blocks, is paused or is closing. */
  processInput(c: Client): void {
    const outer = this.inBatch;
    this.inBatch = true;
    this.refreshClock();
    // Redis keeps the batch read in the query buffer until it has run (CLIENT LIST qbuf).
    c.inputBatchBytes = c.parser.buffered;
    c.hasRead = true;
    try {
      this.runInput(c);
    } finally {
      this.inBatch = outer;
      c.inputBatchBytes = -1;
    }
    this.evictClients();
    // Replies leave after every readable client of this loop turn had its input run (Redis writes in
    // beforeSleep too): a write wakes the client's process, which on a busy machine preempts the
    // server before it reaches the next socket.
    this.scheduleFlush(c);
  }

  private refreshClock(): void {
    this.tick = performance.now();
    this.clockOffset = Date.now() - this.tick;
  }

  private runInput(c: Client): void {
    while (!c.closing && !c.closed && c.blockedState === undefined && c.held === undefined) {
      if (c.out.length >= OUT_CHUNK_BYTES) {
        this.flush(c);
        // Backpressure: stop taking commands until the socket drains (resumed by the drain handler).
        if (c.inputPaused) break;
      }
      const argv = c.parser.next();
      if (argv === undefined) break;
      if (!Array.isArray(argv)) {
        if (argv.silent !== true) c.reply(error(ERR_PROTOCOL(argv.message)));
        c.closing = true;
        break;
      }
      if (argv.length === 0) continue;
      this.processCommand(c, argv);
      // A blocked command keeps its arguments (argv-mem) until it is served.
      if (c.blockedState === undefined) c.runningArgv = undefined;
    }
  }

  /** Redis processCommand, with the client as server.current_client while it runs. */
  processCommand(c: Client, argv: string[]): void {
    const tracking = this.state.tracking;
    const outer = tracking.current;
    tracking.current = c;
    try {
      this.processCommandChecked(c, argv);
    } finally {
      tracking.current = outer;
      // Redis resetClient: CLIENT CACHING holds for the next command only (a whole transaction when
      // given before MULTI or inside it).
      if (c.tracking !== undefined && c.multiQueue === undefined && c.lastCommandBase !== 'client') {
        c.clearCachingGiven();
      }
    }
  }

  /** The checks in 7.0's order, then queue (MULTI) or call. */
  private processCommandChecked(c: Client, argv: string[]): void {
    c.startCommand();
    c.runningArgv = argv;
    const name = argv[0] as string;
    const container = this.lookupEntry(name);
    c.lastCommandBase = container?.fullName;
    if (container === undefined) {
      this.reject(c, unknownCommand(name, argv.slice(1)));
      return;
    }
    const entry = container.hasSubcommands ? this.resolveSubcommand(c, container, argv) : container;
    if (entry === undefined) return;
    const spec = entry.spec;
    c.lastCommand = entry.fullName;
    c.argv0 = name;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      this.reject(c, wrongArity(entry.fullName), entry.fullName);
      return;
    }
    if (!c.authenticated && !entry.noAuth && this.state.acl.authRequired()) {
      this.reject(c, ERR_NOAUTH, entry.fullName);
      return;
    }
    if (c.multiQueue !== undefined && entry.noMulti) {
      this.reject(c, ERR_NOT_IN_MULTI, entry.fullName);
      return;
    }
    // The default user (and any user allowed everything) skips the check: nothing runs per command.
    const user = c.aclUser;
    if (user !== undefined && !user.unrestricted) {
      const refusal = this.aclRefusal(
        c,
        user,
        entry,
        argv,
        c.multiQueue !== undefined ? 'multi' : 'toplevel',
      );
      if (refusal !== undefined) {
        this.reject(c, refusal);
        return;
      }
    }
    if (c.protocol === 2 && !container.pubsubAllowed && c.inPubsubMode) {
      this.reject(c, ERR_PUBSUB_CONTEXT(entry.fullName), entry.fullName);
      return;
    }
    const traits = entry.scripting ? this.scriptTraits(entry, argv) : undefined;
    const busy = this.state.scripting?.busy;
    // Redis performs no eviction while a script is busy (the keyspace is the script's).
    const oom =
      busy === undefined
        ? this.hooks.admitUnderMaxmemory(spec, traits?.denyoom ?? entry.denyoom, c.multiQueue !== undefined)
        : undefined;
    if (oom !== undefined) {
      this.reject(c, oom, entry.fullName);
      return;
    }
    // A reasonable amount of memory for client-side caching metadata (tracking-table-max-keys).
    if (this.state.tracking.clientCount() > 0) {
      this.state.tracking.limitUsedSlots(this.state.config.getNumber('tracking-table-max-keys'));
    }
    // Redis writeCommandsDeniedByDiskError: the last background save failed (PING is refused too).
    if (entry.deniedOnDiskError && this.state.persistence?.writesDenied() === true) {
      this.reject(c, ERR_MISCONF, entry.fullName);
      return;
    }
    // Redis's order: NOREPLICAS, READONLY and MASTERDOWN come before LOADING and MULTI's queueing.
    const replicationRefusal = this.state.replicationChecks?.refusal(traits ?? entry, c.isMaster);
    if (replicationRefusal !== undefined) {
      this.reject(c, replicationRefusal, entry.fullName);
      return;
    }
    // Redis: loading and not flagged CMD_LOADING (the AOF's own loading client runs everything);
    // during async loading only commands flagged no-async-loading (EXEC: any queued one).
    const loading = this.state.persistence?.loading;
    if (loading !== undefined && !c.loader) {
      if (loading.async ? this.deniedWhileAsyncLoading(c, entry) : !entry.allowedWhileLoading) {
        this.reject(c, ERR_LOADING);
        return;
      }
    }
    // A script past busy-reply-threshold: only allow-busy commands (MULTI's too, PR #7022) are served.
    if (busy !== undefined && !entry.allowBusy) {
      this.reject(c, (this.state.scripting as Scripting).busyError(), entry.fullName);
      return;
    }
    if (c.multiQueue !== undefined && !container.runsInMulti) {
      c.multiQueue.push({ spec, argv });
      c.reply(QUEUED);
      return;
    }
    if (this.state.pausedUntil !== 0 && this.state.isPaused(entry.writeLike)) {
      // Hold the command (and the rest of the pipeline) until the pause ends.
      c.held = argv;
      this.held.add(c);
      return;
    }
    // One execution unit: what the command (or EXEC's commands) propagates goes out together.
    this.state.beginUnit();
    try {
      this.callEntry(c, entry, argv);
    } finally {
      this.state.endUnit();
    }
    this.serveReadyKeys();
  }

  /** Redis is_deny_async_loading_command: the command, or for EXEC one of those it queued. */
  private deniedWhileAsyncLoading(c: Client, entry: CommandEntry): boolean {
    if (entry.noAsyncLoading) return true;
    if (entry.fullName !== 'exec' || c.multiQueue === undefined) return false;
    return c.multiQueue.some((q) => this.entryOf(q.spec).noAsyncLoading);
  }

  /** ACLCheckAllPerm and its log entry: the NOPERM text, or undefined when the user may run argv. */
  private aclRefusal(
    c: Client,
    user: AclUser,
    entry: CommandEntry,
    argv: readonly string[],
    context: 'toplevel' | 'multi',
  ): string | undefined {
    const denial = this.state.acl.check(user, entry.acl, argv);
    if (denial === undefined) return undefined;
    this.state.acl.logDenial(c, denial.reason, context, denial.object);
    if (denial.reason === 'command') return ERR_NOPERM_COMMAND(entry.fullName);
    return denial.reason === 'key' ? ERR_NOPERM_KEY : ERR_NOPERM_CHANNEL;
  }

  /** EXEC checks each queued command again: the user's rules may have changed since it was queued. */
  execRefusal(c: Client, spec: CommandSpec, argv: readonly string[]): Reply | undefined {
    const user = c.aclUser;
    if (user === undefined || user.unrestricted) return undefined;
    const denial = this.state.acl.check(user, this.entryOf(spec).acl, argv);
    if (denial === undefined) return undefined;
    this.state.acl.logDenial(c, denial.reason, 'multi', denial.object);
    return error(ERR_NOPERM_EXEC(denial.reason));
  }

  /** Container commands (CLIENT, CONFIG…) dispatch on their second word. */
  private resolveSubcommand(
    c: Client,
    container: CommandEntry,
    argv: readonly string[],
  ): CommandEntry | undefined {
    const base = container.fullName;
    const subs = container.spec.subcommands;
    if (subs === undefined || subs.length === 0 || argv.length < 2) return container;
    const word = (argv[1] as string).toLowerCase();
    const full = `${base}|${word}`;
    const sub = subs.find((s) => {
      const n = s.name.toLowerCase();
      return n === word || n === full;
    });
    if (sub === undefined) {
      // Redis names the command as the client typed it (a renamed CONFIG says "Try CFG HELP.").
      this.reject(c, unknownSubcommand(argv[1] as string, argv[0] as string));
      return undefined;
    }
    return this.entryOf(sub, full);
  }

  /**
   * An error before execution: inside MULTI it also dooms the transaction (EXECABORT). Counted as
   * Redis rejectCommand + afterErrorReply do: in errorstats, and as a rejected call of the command
   * when it was found (`fullName`).
   */
  private reject(c: Client, message: string, fullName?: string): void {
    if (c.multiQueue !== undefined) c.multiError = true;
    const stats = this.state.commandStats;
    if (fullName !== undefined) stats.recordRejected(fullName);
    // Redis rejectCommand → execCommandAbort: a refused EXEC discards the transaction.
    if (c.multiQueue !== undefined && c.runningArgv?.[0]?.toLowerCase() === 'exec') {
      c.discard();
      message = ERR_EXECABORT_BECAUSE(message);
    }
    stats.recordError(message);
    c.reply(error(message));
  }

  /** Redis call(): runs one command, replies, counts, propagates; parks the client if it blocks. */
  call(c: Client, spec: CommandSpec, argv: readonly string[]): void {
    this.callEntry(c, this.entryOf(spec), argv);
  }

  private callEntry(c: Client, entry: CommandEntry, argv: readonly string[]): void {
    const spec = entry.spec;
    const ctx = c.ctx;
    if (!this.inBatch) this.refreshClock();
    const started = this.tick;
    ctx.now = Math.floor(this.clockOffset + started);
    ctx.db = this.keyspace.db(c.dbIndex);
    ctx.dirty = 0;
    ctx.propagated = undefined;
    const dbIndex = c.dbIndex;
    const tracking = this.state.tracking;
    const outerExecuting = tracking.executing;
    tracking.executing = true;
    this.callDepth++;
    const outerRunner = this.scriptRunner;
    if (entry.scripting) {
      // Redis evalCommand / fcallCommand feed MONITOR themselves before running (they are
      // skip_monitor), so the script's own commands appear after it.
      const monitor = this.state.monitor;
      if (monitor.active) monitor.feed(c.dbIndex, c.monitorSource, argv, c);
      this.scriptRunner = { spec, argv };
    }
    let result: CommandResult;
    try {
      result = spec.run(ctx, argv);
    } catch (err) {
      process.stderr.write(`redmesh: command ${spec.name} failed: ${String(err)}\n`);
      result = error(ERR_INTERNAL);
    } finally {
      this.callDepth--;
      tracking.executing = outerExecuting;
      this.scriptRunner = outerRunner;
    }
    this.state.stats.totalCommandsProcessed++;
    this.tick = performance.now();
    if (isBlock(result) && result.script === true) {
      if (c.inMulti) result = result.onTimeout(ctx);
      else {
        this.suspendScript(c, entry, argv, started);
        return;
      }
    }
    const usec = (this.tick - started) * 1000;
    this.hooks.recordCall(c, entry.fullName, spec, argv, usec, result, entry.skipSlowlog, ctx.now);
    // Redis call(): a tracking client's reads are remembered (in default mode), whatever the reply.
    if (entry.trackKeys && c.tracking !== undefined && !c.tracking.bcast) {
      tracking.rememberKeys(c, keysOf(spec, argv));
    }
    if (isBlock(result)) {
      if (c.inMulti) result = result.onTimeout(ctx);
      else {
        this.feedMonitors(c, entry, argv);
        this.startBlock(c, spec, argv, result);
        return;
      }
    }
    c.reply(result);
    this.feedMonitors(c, entry, argv);
    this.afterCall(c, spec, argv, dbIndex, entry.write);
    // Invalidations the command caused for its own client follow its reply (EXEC's, not inside it).
    if (this.callDepth === 0) tracking.flushPending(c.closed ? undefined : c);
  }

  /** MONITOR: the command as run, in the database it left selected (Redis feeds after call()). */
  private feedMonitors(c: Client, entry: CommandEntry, argv: readonly string[]): void {
    const monitor = this.state.monitor;
    if (!monitor.active || !entry.monitored) return;
    monitor.feed(c.dbIndex, c.monitorSource, argv, c);
  }

  private afterCall(
    c: Client,
    spec: CommandSpec,
    argv: readonly string[],
    dbIndex: number,
    isWrite = spec.flags.includes('write'),
  ): void {
    const ctx = c.ctx;
    this.state.stats.dirty += ctx.dirty;
    if (ctx.propagated !== undefined) {
      for (const a of ctx.propagated) this.state.propagate(dbIndex, a);
    } else if (ctx.dirty > 0 && isWrite) {
      this.state.propagate(dbIndex, argv);
    }
  }

  // --- scripts past busy-reply-threshold ---

  /**
   * Should be called when a client's script yielded past busy-reply-threshold. The client waits as a
   * blocked one (Redis protectClient: its further input waits); the execution unit stays open so the
   * script's effects still go out as one MULTI … EXEC; the script goes on in slices, each after the
   * event loop has served other clients (BUSY for all but allow-busy commands).
   */
  private suspendScript(c: Client, entry: CommandEntry, argv: readonly string[], started: number): void {
    const request: BlockRequest = {
      kind: 'block',
      keys: [],
      deadlineMs: 0,
      retry: () => undefined,
      onTimeout: () => NULL,
    };
    c.blockedState = { request, db: c.dbIndex, spec: entry.spec, argv, timer: undefined };
    this.state.beginUnit();
    setImmediate(() => this.scriptSlice(c, entry, argv, started));
  }

  private scriptSlice(c: Client, entry: CommandEntry, argv: readonly string[], started: number): void {
    const scripting = this.state.scripting as Scripting;
    const tracking = this.state.tracking;
    const outer = tracking.current;
    const outerExecuting = tracking.executing;
    tracking.current = c;
    tracking.executing = true;
    const outerRunner = this.scriptRunner;
    this.scriptRunner = { spec: entry.spec, argv };
    let reply: ScriptOutcome;
    try {
      // A closing server drops the script (SHUTDOWN NOSAVE while it is busy).
      reply = this.closing ? scripting.abandon() : scripting.resume();
    } catch (err) {
      process.stderr.write(`redmesh: script failed: ${String(err)}\n`);
      reply = error(ERR_INTERNAL);
    } finally {
      tracking.current = outer;
      tracking.executing = outerExecuting;
      this.scriptRunner = outerRunner;
    }
    if (reply.kind === 'suspended') {
      setImmediate(() => this.scriptSlice(c, entry, argv, started));
      return;
    }
    this.endScript(c, entry, argv, started, reply);
  }

  /** The script ended (or was killed): its caller gets the reply and goes on with its input. */
  private endScript(
    c: Client,
    entry: CommandEntry,
    argv: readonly string[],
    started: number,
    reply: Reply,
  ): void {
    const now = performance.now();
    const usec = (now - started) * 1000;
    this.hooks.recordCall(c, entry.fullName, entry.spec, argv, usec, reply, entry.skipSlowlog, Date.now());
    this.endBlock(c);
    if (!c.closed) {
      c.reply(reply);
      this.feedMonitors(c, entry, argv);
    }
    this.state.endUnit();
    if (!c.closed) {
      this.state.tracking.flushPending(c);
      this.resumeAfterBlock(c);
    }
    this.serveReadyKeys();
    // exitScriptTimedoutMode: the master's stream goes on.
    const backlog = this.masterBacklog.splice(0);
    for (const { run, argv: a } of backlog) run(a);
  }

  /** Server shutdown: a suspended script is not resumed again. */
  stopScripts(): void {
    this.closing = true;
  }

  // --- blocking ---

  private startBlock(c: Client, spec: CommandSpec, argv: readonly string[], request: BlockRequest): void {
    const state = { request, db: c.dbIndex, spec, argv, timer: undefined as NodeJS.Timeout | undefined };
    c.blockedState = state;
    this.blocking.add(c.dbIndex, request.keys, c);
    if (request.onReplicaAck === true) this.ackWaiters.add(c);
    if (request.deadlineMs > 0) {
      state.timer = setTimeout(() => c.unblock(false), Math.max(0, request.deadlineMs - Date.now()));
    }
  }

  /** Removes the client from the blocked tables (its reply is the caller's business). */
  endBlock(c: Client): void {
    const state = c.blockedState;
    if (state === undefined) return;
    clearTimeout(state.timer);
    this.ackWaiters.delete(c);
    this.blocking.remove(state.db, state.request.keys, c);
    c.blockedState = undefined;
    c.runningArgv = undefined;
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
      reply = error(ERR_INTERNAL);
    }
    if (reply === undefined) return;
    this.endBlock(c);
    c.reply(reply);
    this.afterCall(c, state.spec, state.argv, state.db);
    this.resumeAfterBlock(c);
  }

  /** Replicas acknowledged more of the stream: clients in WAIT check their count again. */
  retryAckWaiters(): void {
    for (const c of [...this.ackWaiters]) this.retryBlocked(c);
  }

  /**
   * The master's client on a replica (replicationCreateMasterClient): the replication room reads the
   * link and runs each command of the stream through it; nothing is ever written back by the server.
   */
  openMasterClient(socket: Socket): MasterClient {
    const c = new Client(this.state.allocateClientId(), socket, this);
    c.isMaster = true;
    c.authenticated = true;
    c.aclUser = undefined;
    c.replyMode = 'off';
    this.state.registry.set(c.id, c);
    const run = (argv: string[]): void => {
      if (c.closed) return;
      // Redis processInputBuffer: the master's stream waits while a script is busy (no BUSY reply).
      if (this.state.scripting?.busy !== undefined) {
        this.masterBacklog.push({ run, argv });
        return;
      }
      this.keyspace.setApplyingMasterStream(true);
      try {
        this.processCommand(c, argv);
      } finally {
        this.keyspace.setApplyingMasterStream(false);
      }
    };
    const batch = (work: () => void): void => {
      const outer = this.inBatch;
      this.inBatch = true;
      this.refreshClock();
      c.lastInteraction = Date.now();
      try {
        work();
      } finally {
        this.inBatch = outer;
      }
    };
    return {
      run,
      batch,
      close: () => this.forget(c),
      get dbIndex() {
        return c.dbIndex;
      },
    };
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
    for (const hook of this.state.beforeReplies) hook();
    if (c.isMaster) {
      // Replies to the master are never sent (EXEC's array header included).
      c.out.takeView();
      c.out.trim();
      // CLIENT KILL TYPE master: the link drops (the replica reconnects and asks for PSYNC).
      if (c.closing) {
        c.socket.destroy();
        this.forget(c);
      }
      return;
    }
    if (c.closeAsap) {
      // Over an output limit: what is queued is dropped, not sent (Redis frees the client first).
      c.out.takeView();
      c.out.trim();
      c.socket.destroy();
      this.forget(c);
      return;
    }
    if (c.out.length > 0) {
      this.state.stats.totalNetOutputBytes += c.out.length;
      c.socket.write(c.out.takeView());
      // A write the kernel did not take at once keeps referring to the bytes: write on in a new buffer.
      if (c.socket.writableLength > 0) c.out.release();
      else c.out.trim();
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
      // Leave every table now, not at the socket's 'close' event: Redis frees the client right after
      // the write, so once QUIT's +OK is read its subscriptions no longer count for a PUBLISH.
      this.forget(c);
    }
  }

  /**
   * Redis closeClientOnOutputBufferLimitReached, called each time output is queued (so one huge reply
   * is caught before any of it is sent): over the hard limit, or over the soft limit for longer than
   * its seconds, the client is closed as soon as possible, its queued output dropped.
   */
  checkOutputLimit(c: Client): void {
    if (c.closeAsap || !this.overOutputLimit(c)) return;
    c.closeAsap = true;
    c.closing = true;
    this.state.stats.clientOutputBufferLimitDisconnections++;
    this.scheduleFlush(c);
  }

  /** Redis checkClientOutputBufferLimits: hard limit at once, soft limit when exceeded for too long. */
  private overOutputLimit(c: Client): boolean {
    // A replica's limit is the replication room's (client-output-buffer-limit replica); a master's
    // link never gets replies.
    if (c.isReplica || c.isMaster) return false;
    const limits = this.state.config.clientOutputBufferLimit;
    const limit = c.inPubsubMode ? limits.pubsub : limits.normal;
    if (limit.hard === 0 && limit.soft === 0) return false;
    const used = c.out.length + c.socket.writableLength;
    if (limit.hard > 0 && used >= limit.hard) return true;
    if (limit.soft > 0 && used >= limit.soft) {
      const now = Math.floor(Date.now() / 1000);
      if (c.softLimitSince === 0) c.softLimitSince = now;
      else if (now - c.softLimitSince > limit.softSeconds) return true;
    } else {
      c.softLimitSince = 0;
    }
    return false;
  }

  /**
   * Redis getClientEvictionLimit: maxmemory-clients in bytes, or a percentage of maxmemory (none
   * without one); 0 when disabled, and never below 128 KB so a bad setting cannot cut every client off.
   */
  private clientEvictionLimit(): number {
    return this.state.config.cached('client-eviction-limit', (config) => {
      const setting = config.format('maxmemory-clients');
      const limit = setting.endsWith('%')
        ? Math.floor((config.getNumber('maxmemory') * Number(setting.slice(0, -1))) / 100)
        : Number(setting);
      return limit === 0 ? 0 : Math.max(limit, CLIENT_EVICTION_MIN_LIMIT);
    });
  }

  /**
   * Redis evictClients (maxmemory-clients): while the clients together use more memory than the
   * limit, the normal or pub/sub client using the most is closed (never one with CLIENT NO-EVICT, a
   * master or a replica). Run after each batch of input and from the cron.
   */
  evictClients(): void {
    const limit = this.clientEvictionLimit();
    if (limit === 0) return;
    let total = 0;
    const evictable: { client: Client; memory: number }[] = [];
    for (const reg of this.state.registry.values()) {
      const c = reg as Client;
      const memory = c.memoryUsage();
      total += memory;
      if (!c.noEvict && !c.isMaster && !c.isReplica && !c.closed) evictable.push({ client: c, memory });
    }
    if (total <= limit) return;
    evictable.sort((a, b) => b.memory - a.memory);
    for (const { client, memory } of evictable) {
      if (total <= limit) break;
      total -= memory;
      this.state.stats.evictedClients++;
      client.socket.destroy();
      this.forget(client);
    }
  }

  /** A closed connection leaves every table it was in. */
  forget(c: Client): void {
    c.closed = true;
    this.toFlush.delete(c);
    this.leave(c);
  }

  /**
   * Takes a client out of the blocking, WATCH, pub/sub and client tables while its socket may still
   * be flushing: Redis frees a killed or quitting client at once, so nothing after that (a PUBLISH,
   * PUBSUB NUMSUB, CLIENT LIST) may still see it. Safe to repeat.
   */
  leave(c: Client): void {
    c.disableTracking();
    c.stopMonitor();
    this.endBlock(c);
    this.held.delete(c);
    c.unwatch();
    for (const kind of ['channel', 'pattern', 'shard'] as const) c.unsubscribeAll(kind);
    this.state.registry.delete(c.id);
  }

  /** Encodes a reply for a client outside any command (e.g. the maxclients error). */
  static encodeFor(r: Reply, protocol: 2 | 3): string {
    return encodeReply(r, protocol);
  }
}
