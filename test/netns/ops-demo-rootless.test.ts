/**
 * `redmesh demo` without root: as uid 65534 (nobody) it re-runs itself in a user namespace of its own
 * and goes through every step (the capture by `redmesh capture`, since tcpdump cannot drop to its own
 * user there); where the machine does not allow it, it names exactly what is missing.
 *
 * Whether /dev/net/tun is open to everyone is the machine's choice (0666 on most distributions, 0600
 * here), so each test lays its own device node with the mode it needs over /dev/net/tun, in a private
 * mount namespace: the machine's own node is never changed.
 */
import assert from 'node:assert/strict';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sh } from '../../src/ops/index.js';
import { runProcess } from '../helpers/process.js';
import { CLI } from './vpn-helpers.js';

const NOBODY = '65534';

describe('redmesh demo without root', () => {
  let dir: string;
  let cli: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redmesh-rootless-'));
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'tmp'), { mode: 0o1777 });
    await chmod(join(dir, 'tmp'), 0o1777);
    for (const mode of ['600', '666'])
      await sh('mknod', ['-m', mode, join(dir, `tun${mode}`), 'c', '10', '200']);
    // The demo must be readable by nobody: a checkout under a private directory is not, so copy it.
    cli = resolve(CLI);
    const readable = await runProcess(
      'setpriv',
      ['--reuid', NOBODY, '--regid', NOBODY, '--clear-groups', 'test', '-r', cli],
      undefined,
      5000,
    );
    if (readable.code !== 0) {
      const root = resolve(dirname(cli), '../../..');
      const copy = join(dir, 'redmesh');
      for (const part of ['package.json', 'dist/src', 'node_modules'])
        await cp(join(root, part), join(copy, part), { recursive: true, dereference: true });
      await sh('chmod', ['-R', 'a+rX', copy]);
      cli = join(copy, relative(root, cli));
    }
  });

  /**
   * Processes of this test's demos still running: uid 65534's processes whose command line names the
   * demo's CLI or the test's directory (its TMPDIR: the demo's files, the VPN configs). Other
   * programs run as nobody too (every VPN that dropped privileges), so nothing else is looked at.
   */
  async function ours(): Promise<string[]> {
    const r = await runProcess('pgrep', ['-u', NOBODY, '-a'], undefined, 5000);
    return r.stdout.split('\n').filter((l) => l.includes(dir) || l.includes(`${cli} demo`));
  }

  after(async () => {
    for (const line of await ours()) {
      const pid = Number(line.split(' ')[0]);
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `redmesh demo …` as nobody, with a /dev/net/tun of the given mode. */
  function demoAsNobody(tunMode: '600' | '666', args: readonly string[]): ReturnType<typeof runProcess> {
    const script = `mount --bind "$1" /dev/net/tun && export TMPDIR="$2" && shift 2 && cd / && exec setpriv --reuid ${NOBODY} --regid ${NOBODY} --clear-groups -- "$@"`;
    return runProcess(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        script,
        'sh',
        join(dir, `tun${tunMode}`),
        join(dir, 'tmp'),
        process.execPath,
        cli,
        'demo',
        ...args,
      ],
      undefined,
      120_000,
    );
  }

  test('a /dev/net/tun that nobody may open: refused, naming the device, its mode and the fix', async () => {
    const r = await demoAsNobody('600', ['--server', 'redis-server']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /the demo needs: \/dev\/net\/tun is mode 0600 \(owner uid 0\), so uid 65534 cannot open it/,
    );
    assert.match(r.stderr, /chmod 0666 \/dev\/net\/tun/);
    assert.doesNotMatch(r.stdout, /==> three nodes/);
  });

  test('rootless through a user namespace: every step passes, the capture holds no plaintext, nothing is left running', async () => {
    const r = await demoAsNobody('666', ['--server', 'redis-server']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const line of [
      /not root: rootless mode, the demo re-runs as root of a user namespace of its own/,
      /rootless: the VPN keeps its uid \(enableprivdrop no\)/,
      /master_link_status:up/,
      /GET key:99 -> demo-secret-\d+:99/,
      /redmesh capture on a's underlay interface/,
      /\d+ bytes captured, "demo-secret-\d+" not among them/,
      /applications must now connect to 10\.8\.0\.[23]:6379/,
      /DBSIZE 100/,
      /==> clean up/,
    ])
      assert.match(r.stdout, line);
    assert.match(
      r.stdout,
      new RegExp(`init .* --out ${join(dir, 'tmp')}/redmesh-demo-`),
      'the demo works in our TMPDIR',
    );
    assert.deepEqual(await ours(), [], 'processes of the demo left behind');
  });
});
