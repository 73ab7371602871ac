/**
 * The shared fixtures folder (`../shared/fixtures` beside the repository). A worktree may sit one
 * level deeper than the main checkout, so the nearest ancestor holding shared/fixtures is used.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedFixture(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(candidate)) return join(candidate, name);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no shared/fixtures above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
