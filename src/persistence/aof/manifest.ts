/**
 * The AOF manifest of Redis 7.0 (aof.c aofLoadManifestFromFile / getAofManifestAsString): one line per
 * file, `file <name> seq <n> type <b|h|i>`, base first, then history, then the incr files in order.
 * Files are `<appendfilename>.<seq>.base.rdb` (or `.base.aof` without the RDB preamble) and
 * `<appendfilename>.<seq>.incr.aof`; the manifest is `<appendfilename>.manifest`.
 */

export interface AofFileInfo {
  readonly name: string;
  readonly seq: number;
  readonly type: 'b' | 'h' | 'i';
}

export interface AofManifest {
  base: AofFileInfo | undefined;
  incr: AofFileInfo[];
  history: AofFileInfo[];
}

/** Parses a manifest's text; throws with Redis's wording and the line number on a bad line. */
export function parseManifest(text: string, path: string): AofManifest {
  const manifest: AofManifest = { base: undefined, incr: [], history: [] };
  const lines = text.split('\n');
  let lastIncrSeq = 0;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    if (words.length % 2 !== 0) throw new Error(`Invalid AOF manifest file format in ${path} line ${i + 1}`);
    const fields = new Map<string, string>();
    for (let k = 0; k < words.length; k += 2) fields.set(words[k] as string, words[k + 1] as string);
    const name = fields.get('file');
    const seq = Number(fields.get('seq'));
    const type = fields.get('type');
    if (
      name === undefined ||
      !Number.isInteger(seq) ||
      seq < 0 ||
      (type !== 'b' && type !== 'h' && type !== 'i')
    ) {
      throw new Error(`Invalid AOF manifest file format in ${path} line ${i + 1}`);
    }
    if (name.includes('/')) throw new Error(`AOF file name ${name} in ${path} is a path, not a file name`);
    const info: AofFileInfo = { name, seq, type };
    if (type === 'b') {
      if (manifest.base !== undefined) throw new Error(`Found duplicate base file information in ${path}`);
      manifest.base = info;
    } else if (type === 'h') manifest.history.push(info);
    else {
      if (seq <= lastIncrSeq)
        throw new Error(`Found a non-monotonic sequence number in ${path} line ${i + 1}`);
      lastIncrSeq = seq;
      manifest.incr.push(info);
    }
  });
  if (manifest.base === undefined && manifest.incr.length === 0) {
    throw new Error(`Found an empty AOF manifest ${path}`);
  }
  return manifest;
}

/** The manifest's text as Redis writes it. */
export function formatManifest(m: AofManifest): string {
  const line = (f: AofFileInfo): string => `file ${f.name} seq ${f.seq} type ${f.type}\n`;
  return [...(m.base === undefined ? [] : [m.base]), ...m.history, ...m.incr].map(line).join('');
}
