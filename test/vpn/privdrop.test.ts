import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('chroot without user drops to nobody, not just into the chroot as root', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root (chroot and setuid)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'rmv-chroot-'));
  try {
    const module = resolve('dist/src/vpn/privdrop.js');
    const script =
      `const { dropPrivileges } = await import(${JSON.stringify(module)});` +
      `const r = await dropPrivileges({ user: undefined, group: undefined, chroot: ${JSON.stringify(dir)}, auto: false });` +
      `console.log(JSON.stringify({ r, uid: process.getuid(), euid: process.geteuid(), cwd: process.cwd() }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 10_000,
    });
    const out = JSON.parse(stdout) as {
      r: { uid: number; chroot: string };
      uid: number;
      euid: number;
      cwd: string;
    };
    assert.notEqual(out.uid, 0, 'no longer root');
    assert.notEqual(out.euid, 0);
    assert.equal(out.r.uid, out.uid, 'the reported drop is the real one');
    assert.equal(out.r.chroot, dir);
    assert.equal(out.cwd, '/');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
