// Rewrites imports that reach into another room's files so they go through that room's index.ts, as
// the lint rules of eslint.config.js require ("other rooms only through their index.ts"). Imports of
// one room are merged into one statement; type-only names stay type-only. Run it on files or folders,
// then `npm run build` (a name the room's index does not export yet fails there) and `npm run lint`.
//
//   node scripts/route-imports.mjs src/commands [more files or folders]
//
// Useful after a merge: take the other side's import lines, run this, and the imports are routed again.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');
const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';\n/g;

function files(path) {
  if (!statSync(path).isDirectory()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path).flatMap((name) => files(join(path, name)));
}

/** The room a source file belongs to ("commands" for src/commands/keys/del.ts). */
const roomOf = (file) => relative(SRC, file).split('/')[0];

function route(file) {
  const room = roomOf(file);
  const text = readFileSync(file, 'utf8');
  /** target room → { prefix, values, types, matches } */
  const byRoom = new Map();
  for (const m of text.matchAll(IMPORT)) {
    const [, typeOnly, names, spec] = m;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    const targetRoom = roomOf(target);
    if (targetRoom === room || targetRoom.startsWith('..')) continue;
    const prefix = spec.slice(0, spec.length - relative(SRC, target).length);
    const entry = byRoom.get(targetRoom) ?? { prefix, values: [], types: [], matches: [] };
    byRoom.set(targetRoom, entry);
    entry.matches.push(m);
    for (const raw of names
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '')) {
      const isType = typeOnly !== undefined || raw.startsWith('type ');
      const name = raw.replace(/^type\s+/, '');
      const list = isType ? entry.types : entry.values;
      if (!list.includes(name)) list.push(name);
    }
  }
  let out = text;
  let changed = false;
  for (const [targetRoom, e] of byRoom) {
    const direct = e.matches.filter((m) => !m[3].endsWith(`${targetRoom}/index.js`));
    if (direct.length === 0 && e.matches.length === 1) continue;
    const types = e.types.filter((t) => !e.values.includes(t));
    const from = `${e.prefix}${targetRoom}/index.js`;
    const statement =
      e.values.length > 0
        ? `import { ${[...e.values, ...types.map((t) => `type ${t}`)].join(', ')} } from '${from}';\n`
        : `import type { ${types.join(', ')} } from '${from}';\n`;
    const [first, ...rest] = e.matches.map((m) => m[0]);
    out = out.replace(first, statement);
    for (const r of rest) out = out.replace(r, '');
    changed = true;
  }
  if (changed) writeFileSync(file, out);
  return changed;
}

const targets = process.argv.slice(2).flatMap((p) => files(resolve(p)));
const changed = targets.filter(route);
for (const f of changed) console.log(relative(process.cwd(), f));
console.log(`${changed.length} of ${targets.length} files rewritten; now run prettier, build and lint`);
