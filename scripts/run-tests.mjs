// Runs every compiled test file under dist/test with node's test runner.
// Unit and interop tests run concurrently; netns tests (they create namespaces and devices) run one at a time after.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const all = find('dist/test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)));
const netns = all.filter((f) => f.includes('/netns/'));
const rest = all.filter((f) => !f.includes('/netns/'));
let failed = false;
for (const [files, concurrency] of [
  [rest, 2],
  [netns, 1],
]) {
  if (files.length === 0) continue;
  const r = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...files],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
