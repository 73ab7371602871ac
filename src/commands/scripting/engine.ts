/**
 * The Lua engine of EVAL and FUNCTION (Redis script_lua.c, eval.c, function_lua.c): one Lua 5.1 VM
 * (Debian's liblua5.1 through koffi, see platform/lua.ts), the redis.* API, the sandbox, and the
 * conversions between Redis replies and Lua values both ways.
 *
 * The VM runs on the main thread; commands called by a script go through the server's own call path
 * (`ScriptHost.call`), so they are checked, counted and propagated as Redis does for the Lua client.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  LUA_GLOBALSINDEX,
  LUA_REGISTRYINDEX,
  LUA_TBOOLEAN,
  LUA_TFUNCTION,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LUA_GCSTEP,
  LUA_GCCOUNT,
  LUA_MASKCOUNT,
  LUA_YIELD,
  luaApi,
  type LuaDebug,
  type LuaHook,
  type LuaApi,
  type LuaState,
} from '../../platform/index.js';
import {
  ERR_COMPILE_FUNCTION,
  ERR_LUA_MISSING,
  ERR_LUA_MISSING_PREFIX,
  ERR_LUA_STACK_LIMIT,
  ERR_NO_FUNCTIONS,
  ERR_NOTBUSY,
  ERR_SCRIPT_KILLED,
  ERR_REGISTER_FUNCTIONS,
  ERR_SCRIPT_RUN,
  NULL,
  bool,
  bulk,
  cString,
  double,
  encodeReply,
  error,
  formatG,
  integer,
  map,
  parseReply,
  set,
  simple,
  verbatim,
  type Reply,
  type ReplyNode,
} from '../../resp/index.js';
import { PRELUDE } from './prelude.js';
import { makeCmsgpack } from './cmsgpack.js';
import { makeStruct } from './struct.js';

/** The client a script runs for, as the engine sees it (a ScriptCaller; no import, no cycle with types.ts). */
export interface ScriptCaller {
  readonly id: number;
  readonly dbIndex: number;
  /** The master's link or the AOF loader. */
  readonly obeysPrimary?: boolean;
}

/** Redis scriptRunCtx: one running script or function. */
export interface ScriptRun {
  readonly caller: ScriptCaller;
  /** The sha (EVAL) or function name (FCALL) that errors name. */
  readonly name: string;
  readonly evalMode: boolean;
  /** SCRIPT_READ_ONLY: *_RO, or a shebang script without the writes flag. */
  readonly readOnly: boolean;
  readonly allowOom: boolean;
  /** SCRIPT_WRITE_DIRTY: a write command already ran. */
  writeDirty: boolean;
  /** The RESP version of replies the script sees (redis.setresp). */
  resp: 2 | 3;
  /** PROPAGATE_AOF (1) | PROPAGATE_REPL (2) (redis.set_repl). */
  repl: number;
  /** Unix ms when the script started: the time every command of it sees. */
  readonly startMs: number;
  /** server.script_oom: memory was over maxmemory when the script started. */
  readonly oomAtStart: boolean;
  /**
   * Its caller can wait for the reply (a client's own command, not EXEC's, the master's or the
   * AOF's): past busy-reply-threshold the script is suspended between slices so the server can answer
   * others; otherwise it runs to its end.
   */
  readonly suspendable: boolean;
  /** performance.now() at the start (script.c start_time, monotonic). */
  readonly startedAt: number;
  /** SCRIPT_TIMEDOUT: ran past busy-reply-threshold; other clients get BUSY until it ends. */
  timedOut: boolean;
  /** SCRIPT_KILLED: SCRIPT KILL / FUNCTION KILL asked it to stop. */
  killed: boolean;
  /** The caller's command (FUNCTION STATS). */
  readonly argv: readonly string[];
}

/** What running a script gives: its reply, or SUSPENDED when it yielded to the event loop. */
export type ScriptOutcome = Reply | typeof SUSPENDED;
export const SUSPENDED: { readonly kind: 'suspended' } = Object.freeze({ kind: 'suspended' });

/** Lua instructions between two calls of the time-limit hook (Redis luaMaskCountHook's count). */
const HOOK_INSTRUCTIONS = 100000;
const LUA_ERRRUN = 2;

/** What the engine needs from the server. */
export interface ScriptHost {
  /** Redis scriptCall: runs a command for the script, or refuses it with scriptCall's error text. */
  call(run: ScriptRun, argv: string[]): Reply | { readonly refusal: string };
  /** The command exists (redis.acl_check_cmd). */
  commandExists(argv: readonly string[]): boolean;
  /** serverLogRaw at a level (0 debug … 3 warning), when the server's verbosity lets it through. */
  log(level: number, message: string): void;
  /** busy-reply-threshold in ms (0: no limit). */
  busyThreshold(): number;
  readonly version: string;
  readonly versionNum: number;
  /** What scriptPrepareForRun checks: writes refused now (READONLY replica, MISCONF), memory over maxmemory. */
  startConditions(caller: ScriptCaller): { readonly writeRefusal: string | undefined; readonly oom: boolean };
}

/** A function a library registered (function_lua.c luaRegisterFunction). */
export interface RegisteredFunction {
  readonly name: string;
  readonly ref: number;
  readonly flags: readonly string[];
  readonly description: string | undefined;
}

/** Redis's script flags by their shebang names. */
export const SCRIPT_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'];

const PROPAGATE_ALL = 3;
const LRAND48_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);

/** C's (long long) cast of a double on x86-64: out of range and NaN give INT64_MIN. */
export function truncateToInteger(n: number): Reply {
  if (!(n >= -9223372036854775808 && n < 9223372036854775808)) return integer(INT64_MIN);
  const t = Math.trunc(n);
  return integer(Number.isSafeInteger(t) ? t : BigInt(t));
}

/** luaPushErrorBuff's text: "-CODE msg" keeps its code, a bare message gets ERR; CR/LF trimmed. */
export function luaErrorText(buffer: string): string {
  let code = 'ERR';
  let msg = buffer;
  if (buffer.startsWith('-')) {
    const sp = buffer.indexOf(' ');
    if (sp < 0) msg = buffer.slice(1);
    else {
      code = buffer.slice(1, sp);
      msg = buffer.slice(sp + 1);
    }
  }
  // lua_pushstring of the result: a C string.
  return cString(`${code} ${msg.replace(/^[\r\n]+|[\r\n]+$/g, '')}`);
}

const mapNewlines = (s: string): string => s.replace(/[\r\n]/g, ' ');

/** The VM and what the prelude gave back, made on first use. */
interface Vm {
  readonly L: LuaState;
  readonly api: LuaApi;
  readonly armRef: number;
  readonly handlerRef: number;
  readonly bindRef: number;
  readonly runEvalRef: number;
  readonly loadLibraryRef: number;
  readonly threadHandlerRef: number;
  readonly suspendedAtRef: number;
  readonly adoptRef: number;
  readonly abandonedRef: number;
  readonly ownerRef: number;
}

/** The coroutine a script runs in, and its registry ref (which keeps it alive). */
interface ScriptThread {
  readonly co: LuaState;
  readonly ref: number;
}

/** A library being loaded: register_function adds to it. */
interface LoadingLibrary {
  readonly functions: Map<string, RegisteredFunction>;
}

export class LuaEngine {
  private vmState: Vm | string | undefined;
  /** The running script (Redis curr_run_ctx), undefined between scripts. */
  current: ScriptRun | undefined;
  private loading: LoadingLibrary | undefined;
  /** redisLrand48's state, rand.c's initial X0..X2, shared by every script, as in 7.0. */
  private rand48 = 0x1234abcd330en;
  private gcCount = 0;
  /** The running script's coroutine (set with `current`). */
  private thread: ScriptThread | undefined;
  private hook: LuaHook;
  /** The last script's coroutine when its body returned: the next script runs in it. */
  private spare: ScriptThread | undefined;
  /** The line the hook last suspended a thread at. */
  private yieldLine = -1;

  constructor(private readonly host: ScriptHost) {}

  /** The VM, or the error text when Lua is not installed. */
  vm(): Vm | string {
    if (this.vmState === undefined) this.vmState = this.createVm();
    return this.vmState;
  }

  /** SCRIPT FLUSH / FUNCTION FLUSH of everything: a fresh VM (old refs die with the old one). */
  reset(): void {
    const old = this.vmState;
    this.vmState = undefined;
    this.spare = undefined;
    if (old !== undefined && typeof old !== 'string') old.api.close(old.L);
  }

  /** Bytes of Lua memory (INFO used_memory_lua). */
  memory(): number {
    const vm = this.vmState;
    if (vm === undefined || typeof vm === 'string') return 0;
    return vm.api.gc(vm.L, LUA_GCCOUNT, 0) * 1024;
  }

  private createVm(): Vm | string {
    const api = luaApi();
    if (typeof api === 'string') return ERR_LUA_MISSING(api);
    const L = api.newState();
    api.openLibraries(L);
    // Every coroutine inherits the main state's hook.
    this.hook ??= api.registerHook((l, ar) => this.countHook(api, l, ar));
    api.sethook(L, this.hook, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    const code = Buffer.from(PRELUDE, 'latin1');
    if (api.loadBuffer(L, code, '=redmesh') !== 0) throw new Error(`Lua prelude: ${api.toBytes(L, -1)}`);
    this.pushJsTable(api, L);
    if (api.pcall(L, 1, 1, 0) !== 0) throw new Error(`Lua prelude: ${api.toBytes(L, -1)}`);
    const ref = (field: string): number => {
      api.getfield(L, -1, field);
      return api.ref(L, LUA_REGISTRYINDEX);
    };
    const vm: Vm = {
      L,
      api,
      armRef: ref('arm'),
      handlerRef: ref('errorHandler'),
      bindRef: ref('bind'),
      runEvalRef: ref('runEval'),
      loadLibraryRef: ref('loadLibrary'),
      threadHandlerRef: ref('threadErrorHandler'),
      suspendedAtRef: ref('suspendedAt'),
      adoptRef: ref('adopt'),
      abandonedRef: ref('abandoned'),
      ownerRef: ref('owner'),
    };
    api.settop(L, 0);
    return vm;
  }

  // --- compiling and running ---

  /**
   * Compiles a chunk and binds it to the eval or function environment; its registry ref, or the
   * compiler's message.
   */
  compile(body: string, chunkName: string, kind: 'eval' | 'function'): number | { readonly error: string } {
    const vm = this.vm();
    if (typeof vm === 'string') return { error: vm };
    const { api, L } = vm;
    if (api.loadBuffer(L, Buffer.from(body, 'latin1'), chunkName) !== 0) {
      const message = api.toBytes(L, -1) ?? '';
      api.settop(L, 0);
      return { error: message };
    }
    api.rawgeti(L, LUA_REGISTRYINDEX, vm.bindRef);
    api.pushvalue(L, -2);
    api.pushBytes(L, kind);
    api.call(L, 2, 1);
    const ref = api.ref(L, LUA_REGISTRYINDEX);
    api.settop(L, 0);
    return ref;
  }

  /** Runs an EVAL script (its compiled ref) with KEYS and ARGV; the reply for the caller. */
  runEval(run: ScriptRun, ref: number, keys: readonly string[], args: readonly string[]): ScriptOutcome {
    const vm = this.vm();
    if (typeof vm === 'string') return error(vm);
    const { api } = vm;
    const co = this.startThread(vm, run);
    api.rawgeti(co, LUA_REGISTRYINDEX, vm.runEvalRef);
    api.rawgeti(co, LUA_REGISTRYINDEX, ref);
    this.pushArray(api, co, keys);
    this.pushArray(api, co, args);
    return this.step(vm, 3);
  }

  /** Runs a registered function with its keys and args tables. */
  runFunction(run: ScriptRun, ref: number, keys: readonly string[], args: readonly string[]): ScriptOutcome {
    const vm = this.vm();
    if (typeof vm === 'string') return error(vm);
    const { api } = vm;
    const co = this.startThread(vm, run);
    api.rawgeti(co, LUA_REGISTRYINDEX, ref);
    this.pushArray(api, co, keys);
    this.pushArray(api, co, args);
    return this.step(vm, 2);
  }

  /** Continues the suspended script for another slice. */
  resume(): ScriptOutcome {
    const vm = this.vm();
    if (typeof vm === 'string' || this.thread === undefined) return error(ERR_NOTBUSY);
    return this.step(vm, 0);
  }

  /**
   * Ends the suspended script where it stands (scriptKill's effect, luaMaskCountHook's error): the
   * reply for its caller, Redis's kill error with the position of the script's code.
   */
  kill(): Reply {
    const vm = this.vm();
    const run = this.current;
    const thread = this.thread;
    if (typeof vm === 'string' || run === undefined || thread === undefined) return error(ERR_NOTBUSY);
    const { api, L } = vm;
    try {
      api.rawgeti(L, LUA_REGISTRYINDEX, vm.suspendedAtRef);
      api.rawgeti(L, LUA_REGISTRYINDEX, thread.ref);
      api.pcall(L, 1, 3, 0);
      const source = api.toBytes(L, -3);
      // Level 0 of user code: the script's own thread was suspended by the hook, in that frame.
      const line = api.tonumber(L, -1) === 0 ? String(this.yieldLine) : api.toBytes(L, -2);
      api.rawgeti(L, LUA_REGISTRYINDEX, vm.abandonedRef);
      api.call(L, 0, 0);
      this.host.log(3, 'Lua script killed by user with SCRIPT KILL.');
      const where =
        source !== undefined && line !== undefined ? ` script: ${run.name}, on ${source}:${line}.` : '';
      return error(mapNewlines(ERR_SCRIPT_KILLED + where));
    } finally {
      this.endRun(vm);
    }
  }

  /** A coroutine for a script, known to the prelude as one of the engine's threads. */
  private startThread(vm: Vm, run: ScriptRun): LuaState {
    const { api, L } = vm;
    this.current = run;
    // A coroutine whose body returned can run another (lua_resume starts it again).
    const spare = this.spare;
    if (spare !== undefined) {
      this.spare = undefined;
      this.thread = spare;
      api.settop(spare.co, 0);
      return spare.co;
    }
    const co = api.newthread(L);
    api.rawgeti(L, LUA_REGISTRYINDEX, vm.adoptRef);
    api.pushvalue(L, -2);
    api.call(L, 1, 0);
    this.thread = { co, ref: api.ref(L, LUA_REGISTRYINDEX) };
    return co;
  }

  /** Resumes the script's coroutine: SUSPENDED when a slice ended, else the reply (and the run ends). */
  private step(vm: Vm, nargs: number): ScriptOutcome {
    const { api, L } = vm;
    const thread = this.thread as ScriptThread;
    const run = this.current as ScriptRun;
    const co = thread.co;
    let status: number;
    try {
      status = api.resume(co, nargs);
      // Only suspendable runs are ever suspended by the hook; be safe anyway.
      while (status === LUA_YIELD && !run.suspendable) status = api.resume(co, 0);
    } catch (err) {
      this.endRun(vm);
      throw err;
    }
    if (status === LUA_YIELD) return SUSPENDED;
    try {
      if (++this.gcCount === 50) {
        api.gc(L, LUA_GCSTEP, 50);
        this.gcCount = 0;
      }
      if (status === 0) {
        // lua_pcall(…, 1, …): the first value returned, nil when none.
        if (api.gettop(co) === 0) api.pushnil(co);
        api.settop(co, 1);
        const reply = this.toReply(api, co, run.resp, 0);
        this.spare = thread;
        this.thread = undefined;
        return reply;
      }
      if (status === LUA_ERRRUN) {
        api.rawgeti(L, LUA_REGISTRYINDEX, vm.threadHandlerRef);
        api.rawgeti(L, LUA_REGISTRYINDEX, thread.ref);
        api.xmove(co, L, 1);
        // The handler cannot fail but for memory: its error is then the value failure() reads.
        api.pcall(L, 2, 1, 0);
      } else api.xmove(co, L, 1);
      return this.failure(api, L, run);
    } finally {
      this.endRun(vm);
    }
  }

  private endRun(vm: Vm): void {
    const { api, L } = vm;
    if (this.thread !== undefined) api.unref(L, LUA_REGISTRYINDEX, this.thread.ref);
    this.thread = undefined;
    this.current = undefined;
    api.settop(L, 0);
  }

  /**
   * The count hook, every HOOK_INSTRUCTIONS instructions of any thread (script.c scriptInterrupt):
   * past busy-reply-threshold the script is marked timed out (logged once) and, where the running
   * coroutine can yield, its slice ends: the engine's caller sees SUSPENDED and lets the event loop
   * run. Lua 5.1's luaV_execute supports a count hook that yields (the thread resumes at the
   * interrupted instruction).
   */
  private countHook(api: LuaApi, L: LuaState, ar: LuaDebug): void {
    const run = this.current;
    if (run === undefined || !run.suspendable) return;
    if (!run.timedOut) {
      const threshold = this.host.busyThreshold();
      const elapsed = performance.now() - run.startedAt;
      if (threshold <= 0 || elapsed < threshold) return;
      run.timedOut = true;
      this.host.log(
        3,
        `Slow script detected: still in execution after ${Math.floor(elapsed)} milliseconds. ` +
          `You can try killing the script using the ${run.evalMode ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. ` +
          `Script name is: ${run.name}.`,
      );
    }
    if (!api.yieldable(L) || !this.engineThread(api, L)) return;
    // Read now: once suspended the frame shows the line of the instruction before.
    this.yieldLine = api.hookLine(L, ar);
    api.yield(L, 0);
  }

  /** L is the script's coroutine or one of its pcall threads (not a coroutine of the script's own). */
  private engineThread(api: LuaApi, L: LuaState): boolean {
    const vm = this.vm() as Vm;
    const top = api.gettop(L);
    api.rawgeti(L, LUA_REGISTRYINDEX, vm.ownerRef);
    api.pushthread(L);
    api.rawget(L, -2);
    const ours = api.type(L, -1) !== LUA_TNIL;
    api.settop(L, top);
    return ours;
  }

  /** luaCallFunction's error reply: the error table's text, with where it was raised. */
  private failure(api: LuaApi, L: LuaState, run: ScriptRun): Reply {
    if (api.type(L, -1) !== LUA_TTABLE) {
      const msg = api.toBytes(L, -1) ?? 'execution failure';
      return error(mapNewlines(ERR_SCRIPT_RUN(run.name, msg.slice(0, 100))).trimEnd());
    }
    const field = (name: string): string | undefined => {
      api.pushBytes(L, name);
      api.rawget(L, -2);
      const v = api.toBytes(L, -1);
      api.settop(L, -2);
      return v;
    };
    const msg = cString(field('err') ?? '');
    const source = field('source');
    const line = field('line');
    const where =
      source !== undefined && line !== undefined ? ` script: ${run.name}, on ${source}:${line}.` : '';
    return error(mapNewlines(msg + where));
  }

  /** Loads a library's code: the functions it registered, or the error text FUNCTION LOAD replies. */
  loadLibrary(body: string): Map<string, RegisteredFunction> | { readonly error: string } {
    const ref = this.compile(body, '@user_function', 'function');
    if (typeof ref !== 'number') {
      return {
        error: ref.error.startsWith(ERR_LUA_MISSING_PREFIX) ? ref.error : ERR_COMPILE_FUNCTION(ref.error),
      };
    }
    const vm = this.vm() as Vm;
    const { api, L } = vm;
    const loading: LoadingLibrary = { functions: new Map() };
    this.loading = loading;
    try {
      api.rawgeti(L, LUA_REGISTRYINDEX, vm.handlerRef);
      api.rawgeti(L, LUA_REGISTRYINDEX, vm.loadLibraryRef);
      api.rawgeti(L, LUA_REGISTRYINDEX, ref);
      if (api.pcall(L, 1, 0, -3) !== 0) {
        let msg: string;
        if (api.type(L, -1) === LUA_TTABLE) {
          api.pushBytes(L, 'err');
          api.rawget(L, -2);
          msg = api.toBytes(L, -1) ?? '';
        } else msg = api.toBytes(L, -1) ?? '';
        return { error: ERR_REGISTER_FUNCTIONS(mapNewlines(msg)) };
      }
    } finally {
      this.loading = undefined;
      api.settop(L, 0);
    }
    if (loading.functions.size === 0) return { error: ERR_NO_FUNCTIONS };
    return loading.functions;
  }

  // --- Lua → Redis reply (luaReplyToRedisReply) ---

  /** Converts and pops the value on top of the stack. `resp` is the script's (booleans depend on it). */
  private toReply(api: LuaApi, L: LuaState, resp: 2 | 3, depth: number): Reply {
    const t = api.type(L, -1);
    let reply: Reply;
    if (depth > 1000 || api.checkstack(L, 4) === 0) reply = error(ERR_LUA_STACK_LIMIT);
    else if (t === LUA_TSTRING) reply = bulk(api.toBytes(L, -1) ?? '');
    else if (t === LUA_TBOOLEAN) {
      const b = api.toboolean(L, -1) !== 0;
      reply = resp === 2 ? (b ? integer(1) : NULL) : bool(b);
    } else if (t === LUA_TNUMBER) reply = truncateToInteger(api.tonumber(L, -1));
    else if (t === LUA_TTABLE) reply = this.tableToReply(api, L, resp, depth);
    else reply = NULL;
    api.settop(L, -2);
    return reply;
  }

  private tableToReply(api: LuaApi, L: LuaState, resp: 2 | 3, depth: number): Reply {
    const field = (name: string): number => {
      api.pushBytes(L, name);
      api.rawget(L, -2);
      return api.type(L, -1);
    };
    const pop = (): void => api.settop(L, -2);
    if (field('err') === LUA_TSTRING) {
      const msg = cString(api.toBytes(L, -1) ?? '');
      pop();
      return error(mapNewlines(msg));
    }
    pop();
    if (field('ok') === LUA_TSTRING) {
      // sdsnew(lua_tostring()): a C string, cut at its first NUL.
      const ok = cString(api.toBytes(L, -1) ?? '');
      pop();
      return simple(mapNewlines(ok));
    }
    pop();
    if (field('double') === LUA_TNUMBER) {
      const d = api.tonumber(L, -1);
      pop();
      return double(d);
    }
    pop();
    if (field('big_number') === LUA_TSTRING) {
      const n = api.toBytes(L, -1) ?? '';
      pop();
      return { kind: 'bignum', value: mapNewlines(n) };
    }
    pop();
    if (field('verbatim_string') === LUA_TTABLE) {
      if (field('format') === LUA_TSTRING) {
        const format = api.toBytes(L, -1) ?? '';
        api.pushBytes(L, 'string');
        api.rawget(L, -3);
        if (api.type(L, -1) === LUA_TSTRING) {
          const s = api.toBytes(L, -1) ?? '';
          api.settop(L, -4);
          return verbatim(s, format.slice(0, 3));
        }
        pop();
      }
      pop();
    }
    pop();
    if (field('map') === LUA_TTABLE) {
      const entries: [Reply, Reply][] = [];
      api.pushnil(L);
      while (api.next(L, -2) !== 0) {
        api.pushvalue(L, -2);
        const k = this.toReply(api, L, resp, depth + 1);
        const v = this.toReply(api, L, resp, depth + 1);
        entries.push([k, v]);
      }
      pop();
      return map(entries);
    }
    pop();
    if (field('set') === LUA_TTABLE) {
      const items: Reply[] = [];
      api.pushnil(L);
      while (api.next(L, -2) !== 0) {
        pop();
        api.pushvalue(L, -1);
        items.push(this.toReply(api, L, resp, depth + 1));
      }
      pop();
      return set(items);
    }
    pop();
    const items: Reply[] = [];
    for (let j = 1; ; j++) {
      api.rawgeti(L, -1, j);
      if (api.type(L, -1) === LUA_TNIL) {
        pop();
        break;
      }
      items.push(this.toReply(api, L, resp, depth + 1));
    }
    return { kind: 'array', items };
  }

  // --- Redis reply → Lua (redisProtocolToLuaType) ---

  /** Pushes a command's reply as the script sees it at RESP `resp`. */
  private pushReply(api: LuaApi, L: LuaState, r: Reply, resp: 2 | 3): void {
    api.checkstack(L, 4);
    switch (r.kind) {
      case 'int':
        api.pushnumber(L, Number(r.value));
        return;
      case 'bulk':
        api.pushBytes(L, r.value);
        return;
      case 'simple':
        api.createtable(L, 0, 1);
        api.pushBytes(L, r.value);
        api.setfield(L, -2, 'ok');
        return;
      case 'error':
        this.pushErrorTable(api, L, `-${r.message}`, true);
        return;
      case 'null':
      case 'nullArray':
        if (resp === 2) api.pushboolean(L, 0);
        else api.pushnil(L);
        return;
      case 'array':
        api.createtable(L, r.items.length, 0);
        r.items.forEach((item, i) => {
          this.pushReply(api, L, item, resp);
          api.rawseti(L, -2, i + 1);
        });
        return;
      default: {
        // The rarer types go through their wire form, exactly as Redis parses its own reply.
        const bytes = Buffer.from(encodeReply(r, resp), 'latin1');
        if (bytes.length === 0) {
          api.pushboolean(L, 0);
          return;
        }
        const parsed = parseReply(bytes);
        if (parsed === undefined) api.pushnil(L);
        else this.pushNode(api, L, parsed.node);
      }
    }
  }

  private pushNode(api: LuaApi, L: LuaState, node: ReplyNode): void {
    api.checkstack(L, 4);
    const text = (b: Buffer): string => b.toString('latin1');
    if ('line' in node) {
      const line = text(node.line);
      switch (node.type) {
        case '+':
          api.createtable(L, 0, 1);
          api.pushBytes(L, line);
          api.setfield(L, -2, 'ok');
          return;
        case '-':
          this.pushErrorTable(api, L, `-${line}`, true);
          return;
        case ':':
          api.pushnumber(L, Number(line));
          return;
        case '_':
          api.pushnil(L);
          return;
        case '#':
          api.pushboolean(L, line === 't' ? 1 : 0);
          return;
        case ',':
          api.createtable(L, 0, 1);
          api.pushnumber(L, parseRespDouble(line));
          api.setfield(L, -2, 'double');
          return;
        case '(':
          api.createtable(L, 0, 1);
          api.pushBytes(L, line);
          api.setfield(L, -2, 'big_number');
          return;
      }
    }
    if ('bulk' in node) {
      if (node.bulk === null) {
        api.pushboolean(L, 0);
        return;
      }
      if (node.type === '=') {
        const s = text(node.bulk);
        api.createtable(L, 0, 1);
        api.createtable(L, 0, 2);
        api.pushBytes(L, s.slice(4));
        api.setfield(L, -2, 'string');
        api.pushBytes(L, s.slice(0, 3));
        api.setfield(L, -2, 'format');
        api.setfield(L, -2, 'verbatim_string');
        return;
      }
      if (node.type === '!') {
        this.pushErrorTable(api, L, `-${text(node.bulk)}`, true);
        return;
      }
      api.pushBytes(L, text(node.bulk));
      return;
    }
    const items = node.items;
    if (items === null) {
      api.pushboolean(L, 0);
      return;
    }
    if (node.type === '%') {
      api.createtable(L, 0, 1);
      api.createtable(L, 0, items.length / 2);
      for (let i = 0; i + 1 < items.length; i += 2) {
        this.pushNode(api, L, items[i] as ReplyNode);
        this.pushNode(api, L, items[i + 1] as ReplyNode);
        api.rawset(L, -3);
      }
      api.setfield(L, -2, 'map');
      return;
    }
    if (node.type === '~') {
      api.createtable(L, 0, 1);
      api.createtable(L, 0, items.length);
      for (const item of items) {
        this.pushNode(api, L, item);
        api.pushboolean(L, 1);
        api.rawset(L, -3);
      }
      api.setfield(L, -2, 'set');
      return;
    }
    if (node.type === '|') {
      api.pushnil(L);
      return;
    }
    api.createtable(L, items.length, 0);
    items.forEach((item, i) => {
      this.pushNode(api, L, item);
      api.rawseti(L, -2, i + 1);
    });
  }

  /** luaPushErrorBuff (+ ignore_error_stats_update for errors of commands). */
  private pushErrorTable(api: LuaApi, L: LuaState, buffer: string, ignoreStats: boolean): void {
    api.createtable(L, 0, 2);
    api.pushBytes(L, luaErrorText(buffer));
    api.setfield(L, -2, 'err');
    if (ignoreStats) {
      api.pushboolean(L, 1);
      api.setfield(L, -2, 'ignore_error_stats_update');
    }
  }

  /** Raises the value on top of the stack once the running JS function returns (see prelude.ts). */
  private raiseTop(api: LuaApi, L: LuaState, withWhere = false): number {
    const vm = this.vm() as Vm;
    api.rawgeti(L, LUA_REGISTRYINDEX, vm.armRef);
    api.pushvalue(L, -2);
    api.pushboolean(L, withWhere ? 1 : 0);
    api.call(L, 2, 0);
    return 1;
  }

  /** luaPushError + luaError. */
  private raise(api: LuaApi, L: LuaState, message: string): number {
    this.pushErrorTable(api, L, message, false);
    return this.raiseTop(api, L);
  }

  /** luaL_error from a C function called by Lua code: the message with its caller's position. */
  private raiseString(api: LuaApi, L: LuaState, message: string): number {
    api.pushBytes(L, message);
    return this.raiseTop(api, L, true);
  }

  private pushArray(api: LuaApi, L: LuaState, values: readonly string[]): void {
    api.createtable(L, values.length, 0);
    values.forEach((v, i) => {
      api.pushBytes(L, v);
      api.rawseti(L, -2, i + 1);
    });
  }

  // --- the JS functions the prelude receives ---

  private pushJsTable(api: LuaApi, L: LuaState): void {
    api.createtable(L, 0, 20);
    const fn = (name: string, body: (L: LuaState) => number): void => {
      api.pushcclosure(L, api.register(body), 0);
      api.setfield(L, -2, name);
    };
    fn('call', (l) => this.redisCall(api, l, true));
    fn('pcall', (l) => this.redisCall(api, l, false));
    fn('sha1hex', (l) => {
      if (api.gettop(l) !== 1) return this.raise(api, l, 'wrong number of arguments');
      const s = api.toBytes(l, 1) ?? '';
      api.pushBytes(l, createHash('sha1').update(s, 'latin1').digest('hex'));
      return 1;
    });
    fn('error_reply', (l) => {
      if (api.gettop(l) !== 1 || api.type(l, -1) !== LUA_TSTRING) {
        this.pushErrorTable(api, l, 'wrong number or type of arguments', false);
        return 1;
      }
      const s = api.toBytes(l, -1) ?? '';
      this.pushErrorTable(api, l, s.startsWith('-') ? s : `-${s}`, false);
      return 1;
    });
    fn('status_reply', (l) => {
      if (api.gettop(l) !== 1 || api.type(l, -1) !== LUA_TSTRING) {
        this.pushErrorTable(api, l, 'wrong number or type of arguments', false);
        return 1;
      }
      api.createtable(l, 0, 1);
      api.pushvalue(l, -2);
      api.setfield(l, -2, 'ok');
      return 1;
    });
    fn('set_repl', (l) => {
      const run = this.current;
      if (run === undefined)
        return this.raise(api, l, 'redis.set_repl can only be called inside a script invocation');
      if (api.gettop(l) !== 1) return this.raise(api, l, 'redis.set_repl() requires two arguments.');
      const flags = Math.trunc(api.tonumber(l, -1));
      if ((flags & ~PROPAGATE_ALL) !== 0) {
        return this.raise(
          api,
          l,
          'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.',
        );
      }
      run.repl = flags;
      return 0;
    });
    fn('setresp', (l) => {
      const run = this.current;
      if (run === undefined)
        return this.raise(api, l, 'redis.setresp can only be called inside a script invocation');
      if (api.gettop(l) !== 1) return this.raise(api, l, 'redis.setresp() requires one argument.');
      const resp = Math.trunc(api.tonumber(l, 1));
      if (resp !== 2 && resp !== 3) return this.raise(api, l, 'RESP version must be 2 or 3.');
      run.resp = resp;
      return 0;
    });
    fn('log', (l) => {
      const argc = api.gettop(l);
      if (argc < 2) return this.raise(api, l, 'redis.log() requires two arguments or more.');
      if (api.type(l, 1) !== LUA_TNUMBER && Number.isNaN(Number(api.toBytes(l, 1) ?? 'x'))) {
        return this.raise(api, l, 'First argument must be a number (log level).');
      }
      const level = Math.trunc(api.tonumber(l, 1));
      if (level < 0 || level > 3) return this.raise(api, l, 'Invalid debug level.');
      const parts: string[] = [];
      for (let j = 2; j <= argc; j++) {
        const s = api.toBytes(l, j);
        if (s !== undefined) parts.push(s);
      }
      this.host.log(level, parts.join(' '));
      return 0;
    });
    fn('acl_check_cmd', (l) => {
      if (this.current === undefined) {
        return this.raise(api, l, 'redis.acl_check_cmd can only be called inside a script invocation');
      }
      const argv = this.readArgs(api, l);
      if (typeof argv === 'string') return this.raise(api, l, argv);
      if (!this.host.commandExists(argv))
        return this.raise(api, l, 'Invalid command passed to redis.acl_check_cmd()');
      api.pushboolean(l, 1);
      return 1;
    });
    fn('random', (l) => this.random(api, l));
    fn('randomseed', (l) => {
      const seed = this.checkInt(api, l, 1, 'randomseed');
      if (seed === undefined) return 0;
      this.rand48 = ((BigInt.asUintN(32, BigInt(seed)) << 16n) | 0x330en) & 0xffffffffffffn;
      return 0;
    });
    fn('register_function', (l) => this.registerFunction(api, l));
    // The raise hook replaced the count hook on this thread: it comes back once the error is raised.
    fn('restoreHook', (l) => {
      api.sethook(l, this.hook, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
      return 0;
    });
    fn('yieldable', (l) => {
      api.pushboolean(l, api.yieldable(l) ? 1 : 0);
      return 1;
    });
    api.pushBytes(L, this.host.version);
    api.setfield(L, -2, 'version');
    api.pushnumber(L, this.host.versionNum);
    api.setfield(L, -2, 'versionNum');
    const raiseString = (l: LuaState, m: string): number => this.raiseString(api, l, m);
    api.createtable(L, 0, 3);
    for (const [name, body] of makeStruct(api, raiseString)) fn(name, body);
    api.setfield(L, -2, 'struct');
    api.createtable(L, 0, 4);
    for (const [name, body] of makeCmsgpack(api, raiseString)) fn(name, body);
    api.setfield(L, -2, 'cmsgpack');
    void LUA_GLOBALSINDEX;
  }

  /** luaL_checkint: the integer argument, or undefined after raising Lua's bad-argument error. */
  private checkInt(api: LuaApi, L: LuaState, n: number, fname: string): number | undefined {
    const t = api.type(L, n);
    if (
      t !== LUA_TNUMBER &&
      (t !== LUA_TSTRING || Number.isNaN(Number((api.toBytes(L, n) ?? '').trim() || 'x')))
    ) {
      const names = [
        'nil',
        'boolean',
        'userdata',
        'number',
        'string',
        'table',
        'function',
        'userdata',
        'thread',
      ];
      const got = t < 0 ? 'no value' : (names[t] ?? '?');
      this.raiseString(api, L, `bad argument #${n} to '${fname}' (number expected, got ${got})`);
      return undefined;
    }
    return Math.trunc(api.tonumber(L, n)) | 0;
  }

  /** redis_math_random: Lua's math.random over redisLrand48 (rand.c's 48-bit LCG). */
  private random(api: LuaApi, L: LuaState): number {
    this.rand48 = (this.rand48 * 0x5deece66dn + 0xbn) & 0xffffffffffffn;
    const r = (Number(this.rand48 >> 17n) % LRAND48_MAX) / LRAND48_MAX;
    const argc = api.gettop(L);
    if (argc === 0) {
      api.pushnumber(L, r);
      return 1;
    }
    if (argc > 2) return this.raiseString(api, L, 'wrong number of arguments');
    const first = this.checkInt(api, L, 1, 'random');
    if (first === undefined) return 1;
    if (argc === 1) {
      if (first < 1) return this.raiseString(api, L, "bad argument #1 to 'random' (interval is empty)");
      api.pushnumber(L, Math.floor(r * first) + 1);
      return 1;
    }
    const u = this.checkInt(api, L, 2, 'random');
    if (u === undefined) return 1;
    if (first > u) return this.raiseString(api, L, "bad argument #2 to 'random' (interval is empty)");
    api.pushnumber(L, Math.floor(r * (u - first + 1)) + first);
    return 1;
  }

  /** luaArgsToRedisArgv: numbers as %.17g, strings as they are; anything else is an error text. */
  private readArgs(api: LuaApi, L: LuaState): string[] | string {
    const argc = api.gettop(L);
    if (argc === 0) return 'Please specify at least one argument for this redis lib call';
    const argv: string[] = new Array<string>(argc);
    for (let j = 1; j <= argc; j++) {
      const t = api.type(L, j);
      if (t === LUA_TNUMBER) argv[j - 1] = formatG(api.tonumber(L, j), 17);
      else if (t === LUA_TSTRING) argv[j - 1] = api.toBytes(L, j) ?? '';
      else {
        api.settop(L, 0);
        return 'Lua redis lib command arguments must be strings or integers';
      }
    }
    api.settop(L, 0);
    return argv;
  }

  /** luaRedisGenericCommand: redis.call (raise) and redis.pcall. */
  private redisCall(api: LuaApi, L: LuaState, raise: boolean): number {
    const run = this.current;
    if (run === undefined)
      return this.raise(api, L, 'redis.call/pcall can only be called inside a script invocation');
    const argv = this.readArgs(api, L);
    if (typeof argv === 'string') {
      this.pushErrorTable(api, L, argv, false);
      return raise ? this.raiseTop(api, L) : 1;
    }
    const outcome = this.host.call(run, argv);
    if ('refusal' in outcome) {
      this.pushErrorTable(api, L, outcome.refusal, true);
      return raise ? this.raiseTop(api, L) : 1;
    }
    this.pushReply(api, L, outcome, run.resp);
    if (raise && outcome.kind === 'error') return this.raiseTop(api, L);
    return 1;
  }

  /** function_lua.c luaRegisterFunction, during FUNCTION LOAD. */
  private registerFunction(api: LuaApi, L: LuaState): number {
    const loading = this.loading;
    if (loading === undefined)
      return this.raise(api, L, 'redis.register_function can only be called on FUNCTION LOAD command');
    const argc = api.gettop(L);
    let name: string | undefined;
    let flags: string[] = [];
    let description: string | undefined;
    if (argc === 1) {
      if (api.type(L, 1) !== LUA_TTABLE) {
        return this.raise(
          api,
          L,
          'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).',
        );
      }
      let haveCallback = false;
      api.pushnil(L);
      while (api.next(L, 1) !== 0) {
        if (api.type(L, -2) !== LUA_TSTRING) {
          return this.raise(api, L, 'named argument key given to redis.register_function is not a string');
        }
        const key = api.toBytes(L, -2) ?? '';
        const t = api.type(L, -1);
        if (key === 'function_name') {
          if (t !== LUA_TSTRING)
            return this.raise(
              api,
              L,
              'function_name argument given to redis.register_function must be a string',
            );
          name = api.toBytes(L, -1);
        } else if (key === 'description') {
          if (t !== LUA_TSTRING)
            return this.raise(
              api,
              L,
              'description argument given to redis.register_function must be a string',
            );
          description = api.toBytes(L, -1);
        } else if (key === 'callback') {
          if (t !== LUA_TFUNCTION)
            return this.raise(
              api,
              L,
              'callback argument given to redis.register_function must be a function',
            );
          haveCallback = true;
          api.pushvalue(L, -1);
          api.setfield(L, LUA_REGISTRYINDEX, '__redmesh_pending_callback');
        } else if (key === 'flags') {
          if (t !== LUA_TTABLE)
            return this.raise(
              api,
              L,
              'flags argument to redis.register_function must be a table representing function flags',
            );
          const read = this.readFlags(api, L);
          if (read === undefined) return this.raise(api, L, 'unknown flag given');
          flags = read;
        } else {
          return this.raise(api, L, 'unknown argument given to redis.register_function');
        }
        api.settop(L, -2);
      }
      if (name === undefined)
        return this.raise(api, L, 'redis.register_function must get a function name argument');
      if (!haveCallback) return this.raise(api, L, 'redis.register_function must get a callback argument');
      api.getfield(L, LUA_REGISTRYINDEX, '__redmesh_pending_callback');
    } else if (argc === 2) {
      if (api.type(L, 1) !== LUA_TSTRING)
        return this.raise(api, L, 'first argument to redis.register_function must be a string');
      if (api.type(L, 2) !== LUA_TFUNCTION)
        return this.raise(api, L, 'second argument to redis.register_function must be a function');
      name = api.toBytes(L, 1) ?? '';
      api.pushvalue(L, 2);
    } else {
      return this.raise(api, L, 'wrong number of arguments to redis.register_function');
    }
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      return this.raise(
        api,
        L,
        'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
      );
    }
    if (loading.functions.has(name)) return this.raise(api, L, 'Function already exists in the library');
    const ref = api.ref(L, LUA_REGISTRYINDEX);
    loading.functions.set(name, { name, ref, flags, description });
    return 0;
  }

  /** The flags table of register_function (value at the top); undefined on an unknown flag. */
  private readFlags(api: LuaApi, L: LuaState): string[] | undefined {
    const flags: string[] = [];
    for (let j = 1; ; j++) {
      api.rawgeti(L, -1, j);
      const t = api.type(L, -1);
      if (t === LUA_TNIL) {
        api.settop(L, -2);
        return flags;
      }
      const s = t === LUA_TSTRING ? api.toBytes(L, -1) : undefined;
      api.settop(L, -2);
      if (s === undefined || !SCRIPT_FLAGS.includes(s)) return undefined;
      flags.push(s);
    }
  }
}

function parseRespDouble(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}
