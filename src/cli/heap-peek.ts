/**
 * The maxmemory a `redmesh server` command line will run with, read before the server's modules load:
 * the heap's young generation is sized from it (platform/heap.ts semiSpaceMb) when the process
 * re-executes, which happens before the config is loaded. A look, not a load: the last `maxmemory`
 * line of the config file, overridden by a `--maxmemory` option, as redis-server orders them; files
 * named by `include` are not read, and anything unreadable counts as no maxmemory (the real load that
 * follows reports it). CONFIG SET maxmemory later does not resize the young generation.
 */
import { readFileSync } from 'node:fs';

/** memtoull's units, as config/units.ts parseMemory (test/cli/heap-peek.test.ts holds them equal). */
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1024,
  m: 1e6,
  mb: 2 ** 20,
  g: 1e9,
  gb: 2 ** 30,
};

/** Bytes of a memory value such as "512mb", or 0 when it is not one. */
export function peekMemoryValue(text: string): number {
  const m = /^([0-9]+)([a-z]*)$/i.exec(text.replace(/^(["'])(.*)\1$/, '$2'));
  const unit = m === null ? undefined : UNITS[(m[2] as string).toLowerCase()];
  return m === null || unit === undefined ? 0 : Number(m[1]) * unit;
}

/** maxmemory in bytes (0: none) for `redmesh server <args>`: [config file] then --directive value pairs. */
export function peekMaxmemory(args: readonly string[]): number {
  let value: string | undefined;
  const file = args[0] !== undefined && !args[0].startsWith('--') ? args[0] : undefined;
  if (file !== undefined && file !== '-') {
    let text = '';
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      // the config load reports it
    }
    for (const line of text.split('\n')) {
      const words = line.trim().split(/\s+/);
      if (words.length >= 2 && (words[0] as string).toLowerCase() === 'maxmemory') value = words[1];
    }
  }
  for (let i = file === undefined ? 0 : 1; i < args.length - 1; i++) {
    if ((args[i] as string).toLowerCase() === '--maxmemory') value = args[i + 1];
  }
  return value === undefined ? 0 : peekMemoryValue(value);
}
