/**
 * Lua 5.1 — the interpreter Redis embeds — through koffi: Debian's liblua5.1-0 for the VM, lua-cjson
 * and lua-bitop for the `cjson` and `bit` libraries scripts expect. Loaded on first use, so a server
 * without them still starts; scripting then fails with `LUA_MISSING`, which names the packages.
 *
 * Only the C API calls that never raise a Lua error are bound for use inside callbacks (raw table
 * access, pushes, conversions): a Lua error is a longjmp, and one crossing koffi's and V8's frames
 * would corrupt the process. Errors that a callback must raise are raised by Lua code instead
 * (commands/scripting/engine.ts).
 *
 * Measured on the dev machine: a call from Lua into a JS callback costs ~0.8 µs, reading a string
 * argument ~0.4 µs (ASCII fast path) or ~0.8 µs (binary, through memcpy), pushing one ~0.1 µs.
 */
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';

/** Opaque lua_State pointer. */
export type LuaState = unknown;
/** A registered lua_CFunction (koffi.register's handle). */
export type LuaCFunction = unknown;

export const LUA_REGISTRYINDEX = -10000;
export const LUA_GLOBALSINDEX = -10002;
export const LUA_MULTRET = -1;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;

/** lua_gc options. */
export const LUA_GCCOLLECT = 2;
export const LUA_GCCOUNT = 3;
export const LUA_GCSTEP = 5;

/** The Debian packages scripting needs, for error messages and the README. */
export const LUA_PACKAGES = 'liblua5.1-0 lua-cjson lua-bitop';
/** Why scripting is off, after "scripting needs Lua 5.1" (resp's ERR_LUA_MISSING adds that). */
export const LUA_MISSING = `: install Debian's ${LUA_PACKAGES} (apt-get install -y ${LUA_PACKAGES})`;

export interface LuaApi {
  newState(): LuaState;
  close(L: LuaState): void;
  /** The standard libraries Redis loads (base, table, string, math, debug), then cjson and bit. */
  openLibraries(L: LuaState): void;
  loadBuffer(L: LuaState, code: Buffer, chunkName: string): number;
  pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
  /** Unprotected call: only for Lua functions that cannot raise. */
  call(L: LuaState, nargs: number, nresults: number): void;
  gettop(L: LuaState): number;
  settop(L: LuaState, idx: number): void;
  type(L: LuaState, idx: number): number;
  checkstack(L: LuaState, n: number): number;
  pushvalue(L: LuaState, idx: number): void;
  pushnil(L: LuaState): void;
  pushnumber(L: LuaState, n: number): void;
  pushboolean(L: LuaState, b: number): void;
  pushlstring(L: LuaState, s: Buffer, len: number): void;
  pushcclosure(L: LuaState, fn: LuaCFunction, n: number): void;
  createtable(L: LuaState, narr: number, nrec: number): void;
  rawget(L: LuaState, idx: number): void;
  rawset(L: LuaState, idx: number): void;
  rawgeti(L: LuaState, idx: number, n: number): void;
  rawseti(L: LuaState, idx: number, n: number): void;
  next(L: LuaState, idx: number): number;
  objlen(L: LuaState, idx: number): number;
  tonumber(L: LuaState, idx: number): number;
  /** lua_isnumber: a number, or a string convertible to one. */
  isnumber(L: LuaState, idx: number): number;
  /** lua_insert: moves the top element into position `idx`, shifting up the elements above it. */
  insert(L: LuaState, idx: number): void;
  toboolean(L: LuaState, idx: number): number;
  setfield(L: LuaState, idx: number, k: string): void;
  getfield(L: LuaState, idx: number, k: string): void;
  ref(L: LuaState, t: number): number;
  gc(L: LuaState, what: number, data: number): number;
  /** The string (or number, converted in place) at idx as a latin1 byte string; undefined otherwise. */
  toBytes(L: LuaState, idx: number): string | undefined;
  /** Pushes a latin1 byte string. */
  pushBytes(L: LuaState, s: string): void;
  /** Registers a JS function as a lua_CFunction (kept for the life of the process). */
  register(fn: (L: LuaState) => number): LuaCFunction;
}

let api: LuaApi | undefined;
let failure: string | undefined;

/** The Lua API, or a message saying which package is missing. */
export function luaApi(): LuaApi | string {
  if (api !== undefined) return api;
  if (failure !== undefined) return failure;
  try {
    api = bind();
    return api;
  } catch (e) {
    failure = `${LUA_MISSING} (${e instanceof Error ? e.message : String(e)})`;
    return failure;
  }
}

function bind(): LuaApi {
  // Global: lua-cjson and lua-bitop resolve the lua_* symbols from the process, not from a NEEDED entry.
  const lib: LibraryHandle = koffi.load(process.env.REDMESH_LUA_LIBRARY ?? 'liblua5.1.so.0', {
    global: true,
  });
  const cjson = koffi.load('liblua5.1-cjson.so.0');
  const bitop = koffi.load('liblua5.1-bitop.so.0');
  const libc = koffi.load('libc.so.6');
  const CFunction = koffi.proto('int lua_CFunction_redmesh(void *L)');
  const f = (sig: string): ((...a: unknown[]) => unknown) => lib.func(sig) as (...a: unknown[]) => unknown;
  const openers = ['luaopen_base', 'luaopen_table', 'luaopen_string', 'luaopen_math', 'luaopen_debug'].map(
    (n) => lib.func(`int ${n}(void *L)`) as (L: LuaState) => number,
  );
  const openCjson = cjson.func('int luaopen_cjson(void *L)') as (L: LuaState) => number;
  const openBit = bitop.func('int luaopen_bit(void *L)') as (L: LuaState) => number;
  const tolstringText = f('const char *lua_tolstring(void *L, int idx, size_t *len)');
  const tolstringPtr = f('void *lua_tolstring(void *L, int idx, size_t *len)');
  const memcpy = libc.func('void *memcpy(uint8_t *dst, void *src, size_t n)') as (
    d: Buffer,
    s: unknown,
    n: number,
  ) => unknown;
  const settop = f('void lua_settop(void *L, int idx)') as (L: LuaState, i: number) => void;
  const setfield = f('void lua_setfield(void *L, int idx, const char *k)') as LuaApi['setfield'];
  const typeOf = f('int lua_type(void *L, int idx)') as LuaApi['type'];
  const pushlstring = f('void lua_pushlstring(void *L, const char *s, size_t len)') as LuaApi['pushlstring'];
  const lenBuf = Buffer.alloc(8);
  let scratch = Buffer.alloc(64 * 1024);
  const NON_ASCII = /[^\x01-\x7f]/;
  const toBytes = (L: LuaState, idx: number): string | undefined => {
    const t = typeOf(L, idx);
    if (t !== LUA_TSTRING && t !== LUA_TNUMBER) return undefined;
    const text = tolstringText(L, idx, lenBuf) as string | null;
    const len = lenBuf.readUInt32LE(0) + lenBuf.readUInt32LE(4) * 2 ** 32;
    if (text !== null && text.length === len && !NON_ASCII.test(text)) return text;
    const ptr = tolstringPtr(L, idx, lenBuf);
    if (len > scratch.length) scratch = Buffer.alloc(Math.max(len, scratch.length * 2));
    if (len > 0) memcpy(scratch, ptr, len);
    return scratch.toString('latin1', 0, len);
  };
  const pushBytes = (L: LuaState, s: string): void => {
    const b = Buffer.from(s, 'latin1');
    pushlstring(L, b, b.length);
  };
  return {
    newState: f('void *luaL_newstate()'),
    close: f('void lua_close(void *L)'),
    openLibraries(L) {
      for (const open of openers) {
        open(L);
        settop(L, 0);
      }
      openCjson(L);
      setfield(L, LUA_GLOBALSINDEX, 'cjson');
      openBit(L);
      settop(L, 0);
    },
    loadBuffer: (L: LuaState, code: Buffer, name: string) =>
      (
        f('int luaL_loadbuffer(void *L, const char *buf, size_t sz, const char *name)') as (
          ...a: unknown[]
        ) => number
      )(L, code, code.length, name),
    pcall: f('int lua_pcall(void *L, int nargs, int nresults, int errfunc)') as LuaApi['pcall'],
    call: f('void lua_call(void *L, int nargs, int nresults)'),
    gettop: f('int lua_gettop(void *L)') as LuaApi['gettop'],
    settop,
    type: typeOf,
    checkstack: f('int lua_checkstack(void *L, int n)') as LuaApi['checkstack'],
    pushvalue: f('void lua_pushvalue(void *L, int idx)'),
    pushnil: f('void lua_pushnil(void *L)'),
    pushnumber: f('void lua_pushnumber(void *L, double n)'),
    pushboolean: f('void lua_pushboolean(void *L, int b)'),
    pushlstring,
    pushcclosure: lib.func(
      'void lua_pushcclosure(void *L, lua_CFunction_redmesh *fn, int n)',
    ) as LuaApi['pushcclosure'],
    createtable: f('void lua_createtable(void *L, int narr, int nrec)'),
    rawget: f('void lua_rawget(void *L, int idx)'),
    rawset: f('void lua_rawset(void *L, int idx)'),
    rawgeti: f('void lua_rawgeti(void *L, int idx, int n)'),
    rawseti: f('void lua_rawseti(void *L, int idx, int n)'),
    next: f('int lua_next(void *L, int idx)') as LuaApi['next'],
    objlen: f('size_t lua_objlen(void *L, int idx)') as LuaApi['objlen'],
    tonumber: f('double lua_tonumber(void *L, int idx)') as LuaApi['tonumber'],
    isnumber: f('int lua_isnumber(void *L, int idx)') as LuaApi['isnumber'],
    insert: f('void lua_insert(void *L, int idx)'),
    toboolean: f('int lua_toboolean(void *L, int idx)') as LuaApi['toboolean'],
    setfield,
    getfield: f('void lua_getfield(void *L, int idx, const char *k)'),
    ref: f('int luaL_ref(void *L, int t)') as LuaApi['ref'],
    gc: f('int lua_gc(void *L, int what, int data)') as LuaApi['gc'],
    toBytes,
    pushBytes,
    register: (fn) => koffi.register(fn, koffi.pointer(CFunction)),
  };
}
