/**
 * Reply values a command produces. The encoder (encoder.ts) turns them into RESP2 or RESP3
 * bytes depending on the client's protocol version, so commands never think about the wire.
 *
 * Byte strings throughout redmesh are latin1 JS strings: every char is one byte 0..255.
 * They are binary-safe, compact (one byte per char in V8), and usable as Map keys.
 */
export type Reply =
  | { readonly kind: 'simple'; readonly value: string } // +OK
  | { readonly kind: 'error'; readonly message: string } // -ERR ... (message without the leading '-')
  | { readonly kind: 'int'; readonly value: number | bigint } // :1
  | { readonly kind: 'bulk'; readonly value: string } // $3\r\nfoo (latin1 bytes)
  | { readonly kind: 'null' } // RESP2 $-1, RESP3 _
  | { readonly kind: 'nullArray' } // RESP2 *-1, RESP3 _
  | { readonly kind: 'array'; readonly items: readonly Reply[] } // *N
  | { readonly kind: 'map'; readonly entries: readonly (readonly [Reply, Reply])[] } // RESP3 %N, RESP2 flat *2N
  | { readonly kind: 'set'; readonly items: readonly Reply[] } // RESP3 ~N, RESP2 *N
  | { readonly kind: 'double'; readonly value: number } // RESP3 ,1.5 ; RESP2 bulk string
  | { readonly kind: 'bool'; readonly value: boolean } // RESP3 #t ; RESP2 :1/:0
  | { readonly kind: 'verbatim'; readonly format: string; readonly value: string } // RESP3 =N txt: ; RESP2 bulk
  | { readonly kind: 'bignum'; readonly value: string } // RESP3 (123 ; RESP2 bulk
  | { readonly kind: 'push'; readonly items: readonly Reply[] } // RESP3 >N ; RESP2 *N
  /** Already-encoded bytes, written as they are (e.g. a cached reply or a replication stream). */
  | { readonly kind: 'raw'; readonly bytes: string }
  /** Already-encoded bytes that read the same in RESP2 and RESP3 (bulk-string arrays: bulk-array.ts). */
  | { readonly kind: 'encoded'; readonly bytes: string };

export const OK: Reply = Object.freeze({ kind: 'simple', value: 'OK' });
export const PONG: Reply = Object.freeze({ kind: 'simple', value: 'PONG' });
export const QUEUED: Reply = Object.freeze({ kind: 'simple', value: 'QUEUED' });
export const NULL: Reply = Object.freeze({ kind: 'null' });
export const NULL_ARRAY: Reply = Object.freeze({ kind: 'nullArray' });
export const EMPTY_ARRAY: Reply = Object.freeze({ kind: 'array', items: Object.freeze([]) });
export const ZERO: Reply = Object.freeze({ kind: 'int', value: 0 });
export const ONE: Reply = Object.freeze({ kind: 'int', value: 1 });

const smallInts: Reply[] = [];
for (let i = -1; i <= 1024; i++) smallInts.push(Object.freeze({ kind: 'int', value: i }));

export function simple(value: string): Reply {
  return { kind: 'simple', value };
}
export function error(message: string): Reply {
  return { kind: 'error', message };
}
export function integer(value: number | bigint): Reply {
  if (typeof value === 'number' && value >= -1 && value <= 1024 && Number.isInteger(value)) {
    return smallInts[value + 1] as Reply;
  }
  return { kind: 'int', value };
}
export function bulk(value: string): Reply {
  return { kind: 'bulk', value };
}
/** A bulk string, or a null bulk when the value is absent. */
export function bulkOrNull(value: string | undefined): Reply {
  return value === undefined ? NULL : { kind: 'bulk', value };
}
export function array(items: readonly Reply[]): Reply {
  return { kind: 'array', items };
}
export function bulkArray(values: readonly string[]): Reply {
  return { kind: 'array', items: values.map((v) => ({ kind: 'bulk', value: v }) as const) };
}
export function map(entries: readonly (readonly [Reply, Reply])[]): Reply {
  return { kind: 'map', entries };
}
export function set(items: readonly Reply[]): Reply {
  return { kind: 'set', items };
}
export function double(value: number): Reply {
  return { kind: 'double', value };
}
export function bool(value: boolean): Reply {
  return { kind: 'bool', value };
}
export function verbatim(value: string, format = 'txt'): Reply {
  return { kind: 'verbatim', format, value };
}
export function push(items: readonly Reply[]): Reply {
  return { kind: 'push', items };
}
