/**
 * Scripting's server-wide state (Redis eval.c's script cache and functions.c's libraries) over one
 * Lua engine: what EVAL, SCRIPT, FUNCTION and FCALL act on. The server makes one (with its ScriptHost)
 * and offers it to commands as `ctx.server.scripting`.
 */
import { createHash } from 'node:crypto';
import {
  ERR_BUSY_FUNCTION,
  ERR_BUSY_SCRIPT,
  ERR_NOTBUSY,
  ERR_UNKILLABLE_MASTER,
  ERR_UNKILLABLE_WRITTEN,
  OK,
  ERR_COMPILE_SCRIPT,
  ERR_ENGINE_NOT_FOUND,
  ERR_FUNCTION_EXISTS,
  ERR_FUNCTION_NOT_FOUND,
  ERR_LIBRARY_EXISTS,
  ERR_LIBRARY_METADATA_INVALID,
  ERR_LIBRARY_METADATA_MISSING,
  ERR_LIBRARY_NAME_INVALID,
  ERR_LIBRARY_NAME_MISSING,
  ERR_LIBRARY_NAME_TWICE,
  ERR_LUA_MISSING_PREFIX,
  ERR_METADATA_VALUE,
  ERR_NOSCRIPT,
  ERR_SCRIPT_OOM,
  ERR_SCRIPT_WRITE_RO,
  ERR_SHEBANG_ENGINE,
  ERR_SHEBANG_ENGINE_INVALID,
  ERR_SHEBANG_FLAG,
  ERR_SHEBANG_INVALID,
  ERR_SHEBANG_OPTION,
  error,
  type Reply,
} from '../../resp/index.js';
import { performance } from 'node:perf_hooks';
import {
  LuaEngine,
  SCRIPT_FLAGS,
  type ScriptOutcome,
  type RegisteredFunction,
  type ScriptCaller,
  type ScriptHost,
  type ScriptRun,
} from './engine.js';

/** The shebang's flags, or compat mode (no shebang: Redis's pre-7.0 rules). */
export interface ScriptFlags {
  readonly compat: boolean;
  readonly flags: ReadonlySet<string>;
}

const COMPAT: ScriptFlags = { compat: true, flags: new Set() };

interface CachedScript {
  readonly body: string;
  readonly ref: number;
  readonly flags: ScriptFlags;
}

export interface Library {
  readonly name: string;
  readonly code: string;
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
}

/** Everything a run needs to know about its caller and the server at the start (scriptPrepareForRun). */
export interface RunStart {
  readonly caller: ScriptCaller;
  readonly now: number;
  /** A refusal of writes at the start (READONLY replica, MISCONF), as Redis's reply text. */
  readonly writeRefusal: string | undefined;
  /** server.script_oom with maxmemory set. */
  readonly oom: boolean;
  /** The caller can wait: the script may be suspended past busy-reply-threshold (ScriptRun.suspendable). */
  readonly suspendable: boolean;
  /** The caller's command as FUNCTION STATS shows it. */
  readonly argv: readonly string[];
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}

/** evalExtractShebangFlags: the flags, or the error reply text. */
export function shebangFlags(body: string): ScriptFlags | { readonly error: string } {
  if (!body.startsWith('#!')) return COMPAT;
  const end = body.indexOf('\n');
  if (end < 0) return { error: ERR_SHEBANG_INVALID };
  const parts = body
    .slice(0, end)
    .split(/[ \t\r]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return { error: ERR_SHEBANG_ENGINE_INVALID };
  if (parts[0] !== '#!lua') return { error: ERR_SHEBANG_ENGINE(parts[0] ?? '') };
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return { error: ERR_SHEBANG_OPTION(part) };
    for (const flag of part.slice(6).split(',')) {
      if (flag === '') continue;
      if (!SCRIPT_FLAGS.includes(flag)) return { error: ERR_SHEBANG_FLAG(flag) };
      flags.add(flag);
    }
  }
  return { compat: false, flags };
}

/** The body without its shebang line (the newline stays, so line numbers match the script's). */
function withoutShebang(body: string): string {
  if (!body.startsWith('#!')) return body;
  const end = body.indexOf('\n');
  return end < 0 ? '' : body.slice(end);
}

export class Scripting {
  readonly engine: LuaEngine;
  private readonly scripts = new Map<string, CachedScript>();
  readonly libraries = new Map<string, Library>();
  /** Function name → its library. */
  private readonly functionIndex = new Map<string, Library>();

  constructor(private readonly host: ScriptHost) {
    this.engine = new LuaEngine(host);
  }

  /** The caller and the server's state as a script starts. */
  start(caller: ScriptCaller, now: number, suspendable: boolean, argv: readonly string[]): RunStart {
    return { caller, now, suspendable, argv, ...this.host.startConditions(caller) };
  }

  get running(): ScriptRun | undefined {
    return this.engine.current;
  }

  /**
   * The script that made the server busy (past busy-reply-threshold): other clients get BUSY
   * (busyError) except for the commands flagged allow-busy.
   */
  get busy(): ScriptRun | undefined {
    const run = this.engine.current;
    return run?.timedOut === true ? run : undefined;
  }

  /** shared.slowevalerr or shared.slowscripterr, for the busy script. */
  busyError(): string {
    return this.engine.current?.evalMode === false ? ERR_BUSY_FUNCTION : ERR_BUSY_SCRIPT;
  }

  /** Runs the suspended script for another slice (or ends it when it was killed). */
  resume(): ScriptOutcome {
    if (this.engine.current?.killed === true) return this.engine.kill();
    return this.engine.resume();
  }

  /** Drops the suspended script (the server is closing): the reply its caller would get. */
  abandon(): Reply {
    return this.engine.kill();
  }

  /** Runs the suspended script to its end (for a caller that cannot wait). */
  finish(): Reply {
    for (;;) {
      const out = this.resume();
      if (out.kind !== 'suspended') return out;
    }
  }

  /** script.c scriptKill: SCRIPT KILL (isEval) or FUNCTION KILL. */
  kill(isEval: boolean): Reply {
    const run = this.engine.current;
    if (run === undefined) return error(ERR_NOTBUSY);
    if (run.caller.obeysPrimary === true) return error(ERR_UNKILLABLE_MASTER);
    if (run.writeDirty) return error(ERR_UNKILLABLE_WRITTEN);
    if (isEval && !run.evalMode) return error(ERR_BUSY_FUNCTION);
    if (!isEval && run.evalMode) return error(ERR_BUSY_SCRIPT);
    run.killed = true;
    return OK;
  }

  /** luaCreateFunction: the cached script of a body (compiled once), or the error reply. */
  private scriptOf(body: string): { sha: string; script: CachedScript } | Reply {
    const sha = sha1hex(body);
    const hit = this.scripts.get(sha);
    if (hit !== undefined) return { sha, script: hit };
    const flags = shebangFlags(body);
    if ('error' in flags) return error(flags.error);
    const ref = this.engine.compile(withoutShebang(body), '@user_script', 'eval');
    if (typeof ref !== 'number') {
      if (ref.error.startsWith(ERR_LUA_MISSING_PREFIX)) return error(ref.error);
      return error(ERR_COMPILE_SCRIPT(ref.error));
    }
    const script = { body, ref, flags };
    this.scripts.set(sha, script);
    return { sha, script };
  }

  /** SCRIPT LOAD: the sha, or the compile error. */
  load(body: string): Reply {
    const found = this.scriptOf(body);
    return 'sha' in found ? { kind: 'bulk', value: found.sha } : found;
  }

  scriptCount(): number {
    return this.scripts.size;
  }

  /** The cached scripts' bodies, in bytes (INFO used_memory_scripts_eval). */
  scriptBytes(): number {
    let n = 0;
    for (const s of this.scripts.values()) n += s.body.length;
    return n;
  }

  exists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** SCRIPT FLUSH: the cache and the VM go (functions are loaded again into the new VM). */
  flushScripts(): void {
    this.scripts.clear();
    this.engine.reset();
    const libs = [...this.libraries.values()];
    this.libraries.clear();
    this.functionIndex.clear();
    for (const lib of libs) this.loadLibrary(lib.code, false);
  }

  /** EVAL / EVALSHA [_RO]: `script` is the body, or the sha when `bySha`. */
  eval(
    start: RunStart,
    script: string,
    bySha: boolean,
    keys: readonly string[],
    args: readonly string[],
    ro: boolean,
  ): ScriptOutcome {
    let sha: string;
    let cached: CachedScript | undefined;
    if (bySha) {
      sha = script.toLowerCase();
      cached = sha.length === 40 ? this.scripts.get(sha) : undefined;
      if (cached === undefined) return error(ERR_NOSCRIPT);
    } else {
      const found = this.scriptOf(script);
      if (!('sha' in found)) return found;
      sha = found.sha;
      cached = found.script;
    }
    const run = this.prepare(start, sha, true, cached.flags, ro);
    if (!('evalMode' in run)) return run;
    return this.engine.runEval(run, cached.ref, keys, args);
  }

  /** FCALL / FCALL_RO. */
  fcall(
    start: RunStart,
    name: string,
    keys: readonly string[],
    args: readonly string[],
    ro: boolean,
  ): ScriptOutcome {
    const lib = this.functionIndex.get(name);
    const fn = lib?.functions.get(name);
    if (fn === undefined) return error(ERR_FUNCTION_NOT_FOUND);
    const run = this.prepare(start, name, false, { compat: false, flags: new Set(fn.flags) }, ro);
    if (!('evalMode' in run)) return run;
    return this.engine.runFunction(run, fn.ref, keys, args);
  }

  /** scriptPrepareForRun: the run context, or the reply refusing it. */
  private prepare(
    start: RunStart,
    name: string,
    evalMode: boolean,
    f: ScriptFlags,
    ro: boolean,
  ): ScriptRun | Reply {
    if (this.engine.current !== undefined) return error(ERR_BUSY_SCRIPT);
    if (!f.compat) {
      // no-writes implies allow-oom.
      if (!f.flags.has('allow-oom') && !f.flags.has('no-writes') && start.oom) {
        return error(ERR_SCRIPT_OOM);
      }
      if (!f.flags.has('no-writes')) {
        if (start.writeRefusal !== undefined) return error(start.writeRefusal);
        if (ro) return error(ERR_SCRIPT_WRITE_RO);
      }
    }
    return {
      caller: start.caller,
      name,
      evalMode,
      readOnly: ro || (!f.compat && f.flags.has('no-writes')),
      allowOom: !f.compat && f.flags.has('allow-oom'),
      writeDirty: false,
      resp: 2,
      repl: 3,
      startMs: start.now,
      oomAtStart: start.oom,
      suspendable: start.suspendable,
      startedAt: performance.now(),
      timedOut: false,
      killed: false,
      argv: start.argv,
    };
  }

  /**
   * evalGetCommandFlags / fcallGetCommandFlags: a script with a shebang, or a function, that may
   * write makes its EVAL / FCALL a write command for the server's checks (READONLY on a replica).
   * Undefined for compat-mode scripts and unknown ones (the command's own flags apply).
   */
  commandFlagsOf(
    argv: readonly string[],
  ): { readonly write: boolean; readonly denyoom: boolean; readonly stale: boolean } | undefined {
    const name = (argv[0] ?? '').toLowerCase();
    let flags: ScriptFlags | undefined;
    if (name === 'eval' || name === 'eval_ro') {
      const body = argv[1] ?? '';
      const found = this.scripts.get(sha1hex(body))?.flags ?? shebangFlags(body);
      flags = 'error' in found ? undefined : found;
    } else if (name === 'evalsha' || name === 'evalsha_ro') {
      flags = this.scripts.get((argv[1] ?? '').toLowerCase())?.flags;
    } else if (name === 'fcall' || name === 'fcall_ro') {
      const fn = this.functionIndex.get(argv[1] ?? '')?.functions.get(argv[1] ?? '');
      if (fn !== undefined) flags = { compat: false, flags: new Set(fn.flags) };
    }
    if (flags === undefined || flags.compat) return undefined;
    // scriptFlagsToCmdFlags: no-writes implies allow-oom.
    const f = flags.flags;
    return {
      write: !f.has('no-writes'),
      denyoom: !f.has('no-writes') && !f.has('allow-oom'),
      stale: f.has('allow-stale'),
    };
  }

  // --- functions ---

  /**
   * FUNCTION LOAD [REPLACE] code: the library's name, or an error text. functionsCreateWithLibraryCtx.
   */
  loadLibrary(code: string, replace: boolean): string | { readonly error: string } {
    const meta = libraryMetadata(code);
    if ('error' in meta) return meta;
    const old = this.libraries.get(meta.name);
    if (old !== undefined && !replace) return { error: ERR_LIBRARY_EXISTS(meta.name) };
    const loaded = this.engine.loadLibrary(withoutShebang(code));
    if ('error' in loaded) return loaded;
    for (const name of loaded.keys()) {
      const owner = this.functionIndex.get(name);
      if (owner !== undefined && owner !== old) return { error: ERR_FUNCTION_EXISTS(name) };
    }
    if (old !== undefined) this.deleteLibrary(old.name);
    const lib: Library = { name: meta.name, code, functions: loaded };
    this.libraries.set(lib.name, lib);
    for (const name of loaded.keys()) this.functionIndex.set(name, lib);
    return lib.name;
  }

  deleteLibrary(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    this.libraries.delete(name);
    for (const fn of lib.functions.keys()) this.functionIndex.delete(fn);
    return true;
  }

  /** Every library's code (what RDB saves and FUNCTION DUMP carries). */
  libraryCodes(): string[] {
    return [...this.libraries.values()].map((l) => l.code);
  }

  /** An RDB load's libraries replace the server's; one that does not load is logged and skipped. */
  replaceLibraries(codes: readonly string[], log: (line: string) => void): void {
    this.flushFunctions();
    for (const code of codes) {
      const out = this.loadLibrary(code, true);
      if (typeof out !== 'string') log(`Failed loading library from the RDB: ${out.error}`);
    }
  }

  flushFunctions(): void {
    this.libraries.clear();
    this.functionIndex.clear();
  }

  functionCount(): number {
    return this.functionIndex.size;
  }
}

/** functionExtractLibMetaData: `#!lua name=<lib>` on the first line. */
export function libraryMetadata(code: string): { readonly name: string } | { readonly error: string } {
  if (!code.startsWith('#!')) return { error: ERR_LIBRARY_METADATA_MISSING };
  const end = code.indexOf('\n');
  if (end < 0) return { error: ERR_LIBRARY_METADATA_INVALID };
  const parts = code
    .slice(0, end)
    .split(/[ \t\r]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return { error: ERR_LIBRARY_METADATA_INVALID };
  const engine = (parts[0] as string).slice(2);
  if (engine.toLowerCase() !== 'lua') return { error: ERR_ENGINE_NOT_FOUND(engine) };
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.startsWith('name=')) {
      if (name !== undefined) return { error: ERR_LIBRARY_NAME_TWICE };
      name = part.slice(5);
      continue;
    }
    return { error: ERR_METADATA_VALUE(part) };
  }
  if (name === undefined) return { error: ERR_LIBRARY_NAME_MISSING };
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    return {
      error: ERR_LIBRARY_NAME_INVALID,
    };
  }
  return { name };
}
