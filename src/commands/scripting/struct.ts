/**
 * The `struct` library Redis bundles (deps/lua/src/lua_struct.c, Roberto Ierusalimschy's): C struct
 * packing. struct.pack(fmt, ...), struct.unpack(fmt, data [, pos]), struct.size(fmt).
 * Formats: > < = endianness, ![n] alignment, x pad byte, b/B h/H l/L T i/I[n] integers, f d floats,
 * s zero-terminated string, c[n] fixed string (c0: the whole string / the previous value's length).
 */
import { LUA_TNUMBER, LUA_TSTRING, type LuaApi, type LuaState } from '../../platform/index.js';

type Raise = (L: LuaState, message: string) => number;
const MAXINTSIZE = 32;
const NATIVE_ALIGN = 8;

interface Header {
  little: boolean;
  align: number;
}

/** One option of the format and its size; `c` and `i` take an optional count. */
interface Option {
  readonly opt: string;
  readonly size: number;
}

class FormatError extends Error {}

function readNumber(fmt: string, pos: { i: number }, dflt: number): number {
  const m = /^\d+/.exec(fmt.slice(pos.i));
  if (m === null) return dflt;
  pos.i += m[0].length;
  return Number(m[0]);
}

function nextOption(fmt: string, pos: { i: number }, h: Header): Option | undefined {
  const opt = fmt[pos.i++] as string;
  switch (opt) {
    case 'b':
    case 'B':
      return { opt, size: 1 };
    case 'h':
    case 'H':
      return { opt, size: 2 };
    case 'l':
    case 'L':
    case 'T':
      return { opt, size: 8 };
    case 'f':
      return { opt, size: 4 };
    case 'd':
      return { opt, size: 8 };
    case 'x':
      return { opt, size: 1 };
    case 'c':
      return { opt, size: readNumber(fmt, pos, 1) };
    case 'i':
    case 'I': {
      const size = readNumber(fmt, pos, 4);
      if (size > MAXINTSIZE)
        throw new FormatError(`integral size ${size} is larger than limit of ${MAXINTSIZE}`);
      return { opt, size };
    }
    case 's':
      return { opt, size: 0 };
    case ' ':
      return undefined;
    case '>':
      h.little = false;
      return undefined;
    case '<':
    case '=':
      h.little = true;
      return undefined;
    case '!': {
      const a = readNumber(fmt, pos, NATIVE_ALIGN);
      if ((a & (a - 1)) !== 0) throw new FormatError(`alignment ${a} is not a power of 2`);
      h.align = a;
      return undefined;
    }
    default:
      throw new FormatError(`invalid format option '${opt}'`);
  }
}

function toAlign(len: number, h: Header, o: Option): number {
  let size = o.size;
  if (size === 0 || o.opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function intBytes(n: number, size: number, little: boolean): Buffer {
  let v = BigInt.asUintN(
    64,
    BigInt(Math.trunc(n < 0 ? Math.max(n, -9223372036854775808) : Math.min(n, 18446744073709551615))),
  );
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    const byte = i < 8 ? Number(v & 0xffn) : n < 0 ? 0xff : 0;
    out[little ? i : size - 1 - i] = byte;
    v >>= 8n;
  }
  return out;
}

function readInt(data: Buffer, pos: number, size: number, little: boolean, signed: boolean): number {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const byte = data[little ? pos + size - 1 - i : pos + i] as number;
    v = (v << 8n) | BigInt(byte);
  }
  if (size <= 8) {
    v = BigInt.asUintN(64, v);
    if (signed && size < 8) {
      const bits = BigInt(size * 8);
      if (v & (1n << (bits - 1n))) v -= 1n << bits;
    } else if (signed) v = BigInt.asIntN(64, v);
  }
  return Number(v);
}

export function makeStruct(api: LuaApi, raise: Raise): [string, (L: LuaState) => number][] {
  const argError = (L: LuaState, n: number, fname: string, msg: string): number =>
    raise(L, `bad argument #${n} to '${fname}' (${msg})`);
  const checkString = (L: LuaState, n: number): string | undefined => {
    const t = api.type(L, n);
    return t === LUA_TSTRING || t === LUA_TNUMBER ? api.toBytes(L, n) : undefined;
  };
  const typeName = (L: LuaState, n: number): string => {
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
    const t = api.type(L, n);
    return t < 0 ? 'no value' : (names[t] ?? '?');
  };

  const pack = (L: LuaState): number => {
    const FNAME = 'pack';
    const fmt = checkString(L, 1);
    if (fmt === undefined) return argError(L, 1, 'pack', `string expected, got ${typeName(L, 1)}`);
    const h: Header = { little: true, align: 1 };
    const parts: Buffer[] = [];
    let total = 0;
    let arg = 2;
    const pos = { i: 0 };
    try {
      while (pos.i < fmt.length) {
        const o = nextOption(fmt, pos, h);
        if (o === undefined) continue;
        const pad = toAlign(total, h, o);
        if (pad > 0) parts.push(Buffer.alloc(pad));
        total += pad;
        let chunk: Buffer;
        switch (o.opt) {
          case 'b':
          case 'B':
          case 'h':
          case 'H':
          case 'l':
          case 'L':
          case 'T':
          case 'i':
          case 'I': {
            if (api.type(L, arg) !== LUA_TNUMBER && Number.isNaN(Number(checkString(L, arg) ?? 'x'))) {
              return argError(L, arg, 'pack', `number expected, got ${typeName(L, arg)}`);
            }
            chunk = intBytes(api.tonumber(L, arg++), o.size, h.little);
            break;
          }
          case 'x':
            chunk = Buffer.alloc(1);
            break;
          case 'f':
          case 'd': {
            if (api.type(L, arg) !== LUA_TNUMBER && Number.isNaN(Number(checkString(L, arg) ?? 'x'))) {
              return argError(L, arg, 'pack', `number expected, got ${typeName(L, arg)}`);
            }
            const v = api.tonumber(L, arg++);
            chunk = Buffer.alloc(o.size);
            if (o.opt === 'f') {
              if (h.little) chunk.writeFloatLE(v);
              else chunk.writeFloatBE(v);
            } else if (h.little) chunk.writeDoubleLE(v);
            else chunk.writeDoubleBE(v);
            break;
          }
          case 'c':
          case 's': {
            const s = checkString(L, arg);
            if (s === undefined) return argError(L, arg, 'pack', `string expected, got ${typeName(L, arg)}`);
            let size = o.size;
            if (o.opt === 's' || size === 0) size = s.length;
            if (s.length < size) return argError(L, arg, 'pack', 'string too short');
            arg++;
            chunk = Buffer.from(s.slice(0, size), 'latin1');
            if (o.opt === 's') {
              chunk = Buffer.concat([chunk, Buffer.alloc(1)]);
            }
            break;
          }
          default:
            chunk = Buffer.alloc(0);
        }
        parts.push(chunk);
        total += chunk.length;
      }
    } catch (e) {
      if (e instanceof FormatError) return argError(L, 1, FNAME, e.message);
      throw e;
    }
    api.settop(L, 0);
    api.pushBytes(L, Buffer.concat(parts).toString('latin1'));
    return 1;
  };

  const unpack = (L: LuaState): number => {
    const FNAME = 'unpack';
    const fmt = checkString(L, 1);
    if (fmt === undefined) return argError(L, 1, 'unpack', `string expected, got ${typeName(L, 1)}`);
    const text = checkString(L, 2);
    if (text === undefined) return argError(L, 2, 'unpack', `string expected, got ${typeName(L, 2)}`);
    const data = Buffer.from(text, 'latin1');
    let p = api.type(L, 3) === LUA_TNUMBER ? Math.trunc(api.tonumber(L, 3)) - 1 : 0;
    if (p < 0 || p > data.length) return argError(L, 3, 'unpack', 'offset must be 1 or greater');
    api.settop(L, 2);
    const h: Header = { little: true, align: 1 };
    const pos = { i: 0 };
    let pushed = 0;
    let last: number | undefined;
    try {
      while (pos.i < fmt.length) {
        const o = nextOption(fmt, pos, h);
        if (o === undefined) continue;
        p += toAlign(p, h, o);
        if (p + o.size > data.length) return argError(L, 2, 'unpack', 'data string too short');
        api.checkstack(L, 2);
        switch (o.opt) {
          case 'b':
          case 'B':
          case 'h':
          case 'H':
          case 'l':
          case 'L':
          case 'T':
          case 'i':
          case 'I': {
            const signed = o.opt === o.opt.toLowerCase() && o.opt !== 'T';
            last = readInt(data, p, o.size, h.little, signed);
            api.pushnumber(L, last);
            pushed++;
            p += o.size;
            break;
          }
          case 'x':
            p += 1;
            break;
          case 'f':
          case 'd':
            last =
              o.opt === 'f'
                ? h.little
                  ? data.readFloatLE(p)
                  : data.readFloatBE(p)
                : h.little
                  ? data.readDoubleLE(p)
                  : data.readDoubleBE(p);
            api.pushnumber(L, last);
            pushed++;
            p += o.size;
            break;
          case 'c': {
            let size = o.size;
            if (size === 0) {
              if (last === undefined || pushed === 0) return raise(L, "format `c0' needs a previous size");
              size = last;
              api.settop(L, -2);
              pushed--;
              if (p + size > data.length) return argError(L, 2, 'unpack', 'data string too short');
            }
            api.pushBytes(L, data.subarray(p, p + size).toString('latin1'));
            pushed++;
            last = undefined;
            p += size;
            break;
          }
          case 's': {
            const end = data.indexOf(0, p);
            if (end < 0) return raise(L, 'unfinished string in data');
            api.pushBytes(L, data.subarray(p, end).toString('latin1'));
            pushed++;
            last = undefined;
            p = end + 1;
            break;
          }
        }
      }
    } catch (e) {
      if (e instanceof FormatError) return argError(L, 1, FNAME, e.message);
      throw e;
    }
    api.pushnumber(L, p + 1);
    return pushed + 1;
  };

  const size = (L: LuaState): number => {
    const FNAME = 'size';
    const fmt = checkString(L, 1);
    if (fmt === undefined) return argError(L, 1, 'size', `string expected, got ${typeName(L, 1)}`);
    const h: Header = { little: true, align: 1 };
    const pos = { i: 0 };
    let total = 0;
    try {
      while (pos.i < fmt.length) {
        const o = nextOption(fmt, pos, h);
        if (o === undefined) continue;
        if (o.size === 0) return argError(L, 1, 'size', "options 'c0' - 's' have undefined sizes");
        total += toAlign(total, h, o) + o.size;
      }
    } catch (e) {
      if (e instanceof FormatError) return argError(L, 1, FNAME, e.message);
      throw e;
    }
    api.pushnumber(L, total);
    return 1;
  };
  return [
    ['pack', pack],
    ['unpack', unpack],
    ['size', size],
  ];
}
