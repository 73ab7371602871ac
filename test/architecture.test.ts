/**
 * The shape of src/ (docs/architecture.md): no import cycles, type-only imports included. The graph is
 * built from the import / export-from statements of the .ts sources (TypeScript's own pre-processor
 * finds them, so comments and strings do not confuse it). Room boundaries are eslint rules
 * (eslint.config.js, run by `npm run lint`); the last test checks those rules refuse what they should.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';

/** dist/test/architecture.test.js → the repository's src/. */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

type Graph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** file → the files of ours it imports (relative specifiers; `x.js` is the source `x.ts`). */
function importGraph(root: string): Graph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    graph.set(relative(root, file), [...new Set(deps.map((d) => relative(root, d)))]);
  }
  return graph;
}

/**
 * Every cycle's strongly connected component (Tarjan), each reported as one concrete cycle path
 * ("a.ts → b.ts → a.ts") so the message says which imports to cut.
 */
export function findCycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (graph.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) components.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => cyclePath(graph, new Set(c)));
}

/** A shortest path from the component's first file back to itself, inside the component. */
function cyclePath(graph: Graph, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = previous.get(at) as string) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

test('the cycle finder reports each cycle as a path, and nothing for a DAG', () => {
  const dag: Graph = new Map([
    ['a.ts', ['b.ts', 'c.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', []],
  ]);
  assert.deepEqual(findCycles(dag), []);
  const cyclic: Graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts', 'd.ts']],
    ['d.ts', ['d.ts']],
    ['e.ts', ['a.ts']],
  ]);
  assert.deepEqual(
    findCycles(cyclic).sort((x, y) => x.length - y.length),
    [
      ['d.ts', 'd.ts'],
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
    ],
  );
});

test('the import graph finds the files a module imports, type-only and re-exports included', () => {
  const graph = importGraph(SRC);
  assert.ok(graph.size > 100, `only ${graph.size} source files found under ${SRC}`);
  // server/index.ts re-exports; commands/types.ts has only `import type` lines.
  assert.ok(graph.get(join('server', 'index.ts'))?.includes(join('server', 'server.ts')));
  assert.ok(graph.get(join('commands', 'types.ts'))?.includes(join('store', 'index.ts')));
});

test('src/ has no import cycles (type-only imports included)', () => {
  const cycles = findCycles(importGraph(SRC));
  assert.deepEqual(
    cycles.map((c) => c.join(' → ')),
    [],
    `import cycles in src/:\n${cycles.map((c) => '  ' + c.join(' → ')).join('\n')}`,
  );
});

/** The room boundaries of eslint.config.js, applied to an import written in a file of src/. */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const config = (await import(pathToFileURL(join(root, 'eslint.config.js')).href)) as {
    boundaryConfigs(): Linter.Config[];
  };
  const linter = new Linter({ cwd: root });
  const messages = linter.verify(
    source,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...config.boundaryConfigs()],
    { filename: join(root, file) },
  );
  return messages.map((m) => m.message);
}

test('lint refuses imports against the allowed directions and past a room index.ts', async () => {
  const refused: [string, string, RegExp][] = [
    ['src/vpn/x.ts', "import type { Keyspace } from '../store/index.js';", /vpn\/ may not import store\//],
    ['src/server/x.ts', "import type { A } from '../vpn/index.js';", /server\/ may not import vpn\//],
    ['src/store/x.ts', "import type { A } from '../commands/index.js';", /store\/ may not import commands\//],
    [
      'src/commands/keys/x.ts',
      "import type { A } from '../../server/index.js';",
      /commands\/ may not import server\//,
    ],
    [
      'src/persistence/x.ts',
      "import type { A } from '../config/index.js';",
      /persistence\/ may not import config\//,
    ],
    ['src/util/x.ts', "import type { A } from '../resp/index.js';", /util\/ may not import resp\//],
    ['src/commands/x.ts', "import type { Reply } from '../resp/reply.js';", /only through their index\.ts/],
    ['src/server/x.ts', "export { Database } from '../store/database.js';", /only through their index\.ts/],
  ];
  for (const [file, source, message] of refused) {
    const errors = await boundaryErrors(file, source);
    assert.ok(
      errors.length === 1 && message.test(errors[0] as string),
      `${file}: ${source} → ${errors.join('; ')}`,
    );
  }
  const allowed: [string, string][] = [
    ['src/commands/keys/x.ts', "import { keysOf } from '../server/index.js';"], // commands/server/, same room
    ['src/commands/keys/x.ts', "import type { Reply } from '../../resp/index.js';"],
    ['src/server/x.ts', "import type { A } from '../persistence/index.js';"],
    ['src/replication/x.ts', "import type { A } from '../persistence/index.js';"],
    ['src/cli/x.ts', "import type { A } from '../ops/index.js';"],
    ['src/vpn/engine/x.ts', "import type { A } from '../protocol/constants.js';"], // vpn/protocol/, same room
  ];
  for (const [file, source] of allowed) {
    assert.deepEqual(await boundaryErrors(file, source), [], `${file}: ${source}`);
  }
});
