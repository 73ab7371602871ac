/**
 * The `cmsgpack` library Redis bundles (deps/lua/src/lua_cmsgpack.c): MessagePack with its choices —
 * a Lua number that is an integer is packed as the smallest int type, any other as a float32 when
 * that is exact, else a float64; a table whose keys are exactly 1..n is an array, any other a map;
 * tables nested deeper than 16 are packed as nil.
 * cmsgpack.pack(...), cmsgpack.unpack(s), cmsgpack.unpack_one(s [, offset]) and
 * cmsgpack.unpack_limit(s, limit [, offset]); the last two return the offset of the next object (-1
 * once the input is used up) before the objects, as mp_unpack_full does.
 */
import {
  LUA_TBOOLEAN,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  type LuaApi,
  type LuaState,
} from '../../platform/index.js';

type Raise = (L: LuaState, message: string) => number;
const MAX_NESTING = 16;

class Encoder {
  private parts: Buffer[] = [];
  byte(...b: number[]): void {
    this.parts.push(Buffer.from(b));
  }
  buf(b: Buffer): void {
    this.parts.push(b);
  }
  result(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function encodeInt(e: Encoder, n: number): void {
  const b = Buffer.alloc(9);
  if (n >= 0) {
    if (n <= 127) e.byte(n);
    else if (n <= 0xff) e.byte(0xcc, n);
    else if (n <= 0xffff) {
      b[0] = 0xcd;
      b.writeUInt16BE(n, 1);
      e.buf(b.subarray(0, 3));
    } else if (n <= 0xffffffff) {
      b[0] = 0xce;
      b.writeUInt32BE(n, 1);
      e.buf(b.subarray(0, 5));
    } else {
      b[0] = 0xcf;
      b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(n)), 1);
      e.buf(b);
    }
  } else if (n >= -32) e.byte(n & 0xff);
  else if (n >= -128) e.byte(0xd0, n & 0xff);
  else if (n >= -32768) {
    b[0] = 0xd1;
    b.writeInt16BE(n, 1);
    e.buf(b.subarray(0, 3));
  } else if (n >= -2147483648) {
    b[0] = 0xd2;
    b.writeInt32BE(n, 1);
    e.buf(b.subarray(0, 5));
  } else {
    b[0] = 0xd3;
    b.writeBigInt64BE(BigInt.asIntN(64, BigInt(n)), 1);
    e.buf(b);
  }
}

function encodeNumber(e: Encoder, n: number): void {
  if (Number.isFinite(n) && Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808) {
    encodeInt(e, n);
    return;
  }
  if (Math.fround(n) === n || Number.isNaN(n)) {
    const b = Buffer.alloc(5);
    b[0] = 0xca;
    b.writeFloatBE(n, 1);
    e.buf(b);
  } else {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(n, 1);
    e.buf(b);
  }
}

function encodeString(e: Encoder, s: string): void {
  const data = Buffer.from(s, 'latin1');
  const len = data.length;
  if (len < 32) e.byte(0xa0 | len);
  else if (len <= 0xff) e.byte(0xd9, len);
  else if (len <= 0xffff) e.byte(0xda, len >> 8, len & 0xff);
  else e.byte(0xdb, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff);
  e.buf(data);
}

function header(e: Encoder, len: number, fix: number, b16: number, b32: number): void {
  if (len <= 15) e.byte(fix | len);
  else if (len <= 0xffff) e.byte(b16, len >> 8, len & 0xff);
  else e.byte(b32, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff);
}

export function makeCmsgpack(api: LuaApi, raise: Raise): [string, (L: LuaState) => number][] {
  /** Encodes the value at the top of the stack (left there). */
  const encodeValue = (L: LuaState, e: Encoder, level: number): void => {
    const t = api.type(L, -1);
    if (t === LUA_TSTRING) encodeString(e, api.toBytes(L, -1) ?? '');
    else if (t === LUA_TBOOLEAN) e.byte(api.toboolean(L, -1) !== 0 ? 0xc3 : 0xc2);
    else if (t === LUA_TNUMBER) encodeNumber(e, api.tonumber(L, -1));
    else if (t === LUA_TTABLE && level < MAX_NESTING) encodeTable(L, e, level + 1);
    else e.byte(0xc0);
  };
  const encodeTable = (L: LuaState, e: Encoder, level: number): void => {
    api.checkstack(L, 3);
    // table_is_an_array: every key a positive integer, and as many keys as the largest.
    let count = 0;
    let max = 0;
    let isArray = true;
    api.pushnil(L);
    while (api.next(L, -2) !== 0) {
      api.settop(L, -2);
      const n = api.type(L, -1) === LUA_TNUMBER ? api.tonumber(L, -1) : NaN;
      if (n > 0 && Number.isInteger(n)) {
        max = Math.max(max, n);
        count++;
      } else isArray = false;
    }
    if (isArray && max === count) {
      header(e, count, 0x90, 0xdc, 0xdd);
      for (let j = 1; j <= count; j++) {
        api.rawgeti(L, -1, j);
        encodeValue(L, e, level);
        api.settop(L, -2);
      }
      return;
    }
    let pairs = 0;
    api.pushnil(L);
    while (api.next(L, -2) !== 0) {
      api.settop(L, -2);
      pairs++;
    }
    header(e, pairs, 0x80, 0xde, 0xdf);
    api.pushnil(L);
    while (api.next(L, -2) !== 0) {
      api.pushvalue(L, -2);
      encodeValue(L, e, level);
      api.settop(L, -2);
      encodeValue(L, e, level);
      api.settop(L, -2);
    }
  };

  const pack = (L: LuaState): number => {
    const argc = api.gettop(L);
    if (argc === 0) return raise(L, 'MessagePack pack needs input.');
    const e = new Encoder();
    for (let i = 1; i <= argc; i++) {
      api.pushvalue(L, i);
      encodeValue(L, e, 0);
      api.settop(L, -2);
    }
    api.settop(L, 0);
    api.pushBytes(L, e.result().toString('latin1'));
    return 1;
  };

  class Truncated extends Error {}
  class BadFormat extends Error {}

  /** Decodes one object at `pos` and pushes it; the offset after it. */
  const decode = (L: LuaState, d: Buffer, pos: number): number => {
    api.checkstack(L, 3);
    const need = (n: number): void => {
      if (pos + n > d.length) throw new Truncated();
    };
    need(1);
    const c = d[pos] as number;
    pos++;
    const str = (len: number): number => {
      need(len);
      api.pushBytes(L, d.subarray(pos, pos + len).toString('latin1'));
      return pos + len;
    };
    const arr = (len: number): number => {
      api.createtable(L, len, 0);
      for (let j = 1; j <= len; j++) {
        pos = decode(L, d, pos);
        api.rawseti(L, -2, j);
      }
      return pos;
    };
    const mp = (len: number): number => {
      api.createtable(L, 0, len);
      for (let j = 0; j < len; j++) {
        pos = decode(L, d, pos);
        pos = decode(L, d, pos);
        if (api.type(L, -2) === 0) api.settop(L, -3);
        else api.rawset(L, -3);
      }
      return pos;
    };
    const num = (n: number | bigint, len: number): number => {
      api.pushnumber(L, Number(n));
      return pos + len;
    };
    if (c <= 0x7f) return num(c, 0);
    if (c >= 0xe0) return num(c - 256, 0);
    if ((c & 0xe0) === 0xa0) return str(c & 0x1f);
    if ((c & 0xf0) === 0x90) return arr(c & 0x0f);
    if ((c & 0xf0) === 0x80) return mp(c & 0x0f);
    switch (c) {
      case 0xc0:
        api.pushnil(L);
        return pos;
      case 0xc2:
        api.pushboolean(L, 0);
        return pos;
      case 0xc3:
        api.pushboolean(L, 1);
        return pos;
      case 0xcc:
        need(1);
        return num(d.readUInt8(pos), 1);
      case 0xcd:
        need(2);
        return num(d.readUInt16BE(pos), 2);
      case 0xce:
        need(4);
        return num(d.readUInt32BE(pos), 4);
      case 0xcf:
        need(8);
        return num(d.readBigUInt64BE(pos), 8);
      case 0xd0:
        need(1);
        return num(d.readInt8(pos), 1);
      case 0xd1:
        need(2);
        return num(d.readInt16BE(pos), 2);
      case 0xd2:
        need(4);
        return num(d.readInt32BE(pos), 4);
      case 0xd3:
        need(8);
        return num(d.readBigInt64BE(pos), 8);
      case 0xca:
        need(4);
        return num(d.readFloatBE(pos), 4);
      case 0xcb:
        need(8);
        return num(d.readDoubleBE(pos), 8);
      case 0xc4:
      case 0xd9:
        need(1);
        pos += 1;
        return str(d.readUInt8(pos - 1));
      case 0xc5:
      case 0xda:
        need(2);
        pos += 2;
        return str(d.readUInt16BE(pos - 2));
      case 0xc6:
      case 0xdb:
        need(4);
        pos += 4;
        return str(d.readUInt32BE(pos - 4));
      case 0xdc:
        need(2);
        pos += 2;
        return arr(d.readUInt16BE(pos - 2));
      case 0xdd:
        need(4);
        pos += 4;
        return arr(d.readUInt32BE(pos - 4));
      case 0xde:
        need(2);
        pos += 2;
        return mp(d.readUInt16BE(pos - 2));
      case 0xdf:
        need(4);
        pos += 4;
        return mp(d.readUInt32BE(pos - 4));
      default:
        throw new BadFormat();
    }
  };

  const typeNames = [
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
  const typeName = (L: LuaState, idx: number): string => typeNames[api.type(L, idx)] ?? 'no value';
  const argError = (L: LuaState, n: number, fname: string, msg: string): number =>
    raise(L, `bad argument #${n} to '${fname}' (${msg})`);

  /**
   * luaL_checkinteger / luaL_optinteger as redis-server 7.0 (x86-64) reads them for mp_unpack_one and
   * mp_unpack_limit: lua_tointeger truncates toward zero, and a number out of the 64-bit range or NaN
   * becomes INT64_MIN (cvttsd2si). The checks and the loop see that 64-bit value; only the error
   * messages print it as a C int (its low 32 bits). Undefined: a type error was raised.
   */
  const intArg = (L: LuaState, n: number, fname: string, fallback?: bigint): bigint | undefined => {
    if (fallback !== undefined && api.type(L, n) <= 0) return fallback;
    if (api.isnumber(L, n) === 0) {
      argError(L, n, fname, `number expected, got ${typeName(L, n)}`);
      return undefined;
    }
    const d = api.tonumber(L, n);
    if (Number.isNaN(d) || d >= 2 ** 63 || d < -(2 ** 63)) return -(2n ** 63n);
    return BigInt(Math.trunc(d));
  };
  const cInt = (v: bigint): number => Number(BigInt.asIntN(32, v));

  /**
   * mp_unpack_full: up to `limit` objects from `offset` (limit 0 and offset 0: every object, and no
   * offset returned). Otherwise the next offset (-1 at the end) comes first.
   */
  const unpackFull = (L: LuaState, fname: string, limit: bigint, offset: bigint): number => {
    const s = api.toBytes(L, 1);
    if (s === undefined) return argError(L, 1, fname, `string expected, got ${typeName(L, 1)}`);
    const d = Buffer.from(s, 'latin1');
    const decodeAll = limit === 0n && offset === 0n;
    // Redis prints the input length where it means the limit.
    if (offset < 0n || limit < 0n) {
      return raise(L, `Invalid request to unpack with offset of ${cInt(offset)} and limit of ${d.length}.`);
    }
    if (offset > BigInt(d.length)) {
      return raise(L, `Start offset ${cInt(offset)} greater than input length ${d.length}.`);
    }
    const max = decodeAll || limit > BigInt(d.length) ? Infinity : Number(limit);
    api.settop(L, 0);
    let pos = Number(offset);
    let count = 0;
    try {
      for (; pos < d.length && count < max; count++) {
        api.checkstack(L, 2);
        pos = decode(L, d, pos);
      }
    } catch (e) {
      api.settop(L, 0);
      if (e instanceof Truncated) return raise(L, 'Missing bytes in input.');
      if (e instanceof BadFormat) return raise(L, 'Bad data format in input.');
      throw e;
    }
    if (decodeAll) return count;
    api.checkstack(L, 1);
    api.pushnumber(L, pos >= d.length ? -1 : pos);
    api.insert(L, 1);
    return count + 1;
  };

  /** lua_pop(L, lua_gettop(L) - 1): only the input stays (an empty stack stays empty). */
  const keepInput = (L: LuaState): void => api.settop(L, -(api.gettop(L) - 1) - 1);
  const unpack = (L: LuaState): number => unpackFull(L, 'unpack', 0n, 0n);
  const unpackOne = (L: LuaState): number => {
    const offset = intArg(L, 2, 'unpack_one', 0n);
    if (offset === undefined) return 1;
    keepInput(L);
    return unpackFull(L, 'unpack_one', 1n, offset);
  };
  const unpackLimit = (L: LuaState): number => {
    const limit = intArg(L, 2, 'unpack_limit');
    if (limit === undefined) return 1;
    const offset = intArg(L, 3, 'unpack_limit', 0n);
    if (offset === undefined) return 1;
    keepInput(L);
    return unpackFull(L, 'unpack_limit', limit, offset);
  };
  return [
    ['pack', pack],
    ['unpack', unpack],
    ['unpack_one', unpackOne],
    ['unpack_limit', unpackLimit],
  ];
}
