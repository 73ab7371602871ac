/**
 * Redis's number formats in config values: memtoull memory units, string2ll integers, and the
 * "1gb"/"64mb" form CONFIG REWRITE writes back.
 */
import { INT64_MAX, INT64_MIN, UINT64_MAX_AS_DOUBLE } from '../resp/index.js';

const MEMORY_RE = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i;
const UNIT: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Parses "100mb", "1gb", "512k", "1024" (memtoull). Undefined when not a memory value. */
export function parseMemory(s: string): number | undefined {
  const m = MEMORY_RE.exec(s);
  if (m === null) return undefined;
  const n = Number(m[1]) * (UNIT[(m[2] ?? '').toLowerCase()] ?? 1);
  return Number.isFinite(n) && n <= UINT64_MAX_AS_DOUBLE ? n : undefined;
}

/** Like Redis string2ll: optional '-', no '+', no leading zeros, no spaces. */
export function parseConfigInteger(s: string): number | undefined {
  if (!/^-?(?:0|[1-9][0-9]*)$/.test(s) || s === '-0' || s.length > 20) return undefined;
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) return undefined;
  return Number(n);
}

/** CONFIG REWRITE's byte form (rewriteConfigBytesOption): the largest of gb/mb/kb that divides exactly. */
export function formatMemoryForRewrite(n: number): string {
  const gb = 1024 * 1024 * 1024;
  const mb = 1024 * 1024;
  if (n !== 0 && n % gb === 0) return `${n / gb}gb`;
  if (n !== 0 && n % mb === 0) return `${n / mb}mb`;
  if (n !== 0 && n % 1024 === 0) return `${n / 1024}kb`;
  return String(n);
}

/** Redis's bytesToHuman (INFO's *_human fields): "919.12K", "1.00M", "0B". */
export function bytesToHuman(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i] ?? ''}`;
}
