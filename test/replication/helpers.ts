/** Helpers of the replication tests: INFO fields, bounded waits, dataset comparison. */
import assert from 'node:assert/strict';
import { RawConnection } from '../helpers/raw-resp.js';
import type { RunningServer } from '../helpers/servers.js';
import { snapshotServer, withoutEncodings, type Snapshot } from '../persistence/dataset.js';

/** A connection to the server, authenticated when it has a password. */
export async function connectTo(server: RunningServer, password?: string): Promise<RawConnection> {
  const c = await RawConnection.open(server.port, 3000);
  if (password !== undefined) await text(c, ['AUTH', password]);
  return c;
}

/** One command's reply as text (bulk bodies, status lines and errors alike). */
export async function text(c: RawConnection, argv: readonly string[]): Promise<string> {
  const reply = await c.call(
    argv.map((a) => Buffer.from(a, 'latin1')),
    10_000,
  );
  const s = reply.toString('latin1');
  if (s.startsWith('$-1')) return '$-1';
  if (s.startsWith('$')) return s.slice(s.indexOf('\r\n') + 2, -2);
  return s.replace(/\r\n$/, '');
}

/** INFO <section> as ordered [name, value] pairs. */
export async function infoFields(c: RawConnection, section: string): Promise<[string, string][]> {
  const body = await text(c, ['INFO', section]);
  return body
    .split('\r\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1)];
    });
}

export async function info(c: RawConnection, field: string): Promise<string | undefined> {
  for (const section of ['replication', 'stats']) {
    const hit = (await infoFields(c, section)).find(([k]) => k === field);
    if (hit !== undefined) return hit[1];
  }
  return undefined;
}

/** Polls `check` every 50 ms until it is true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the replica has applied everything the master produced (equal master_repl_offset). */
export async function waitInSync(
  master: RawConnection,
  replica: RawConnection,
  detail = (): string => '',
): Promise<void> {
  await waitFor(
    'the replica to reach the master offset',
    async () => {
      if ((await info(replica, 'master_link_status')) !== 'up') return false;
      const m = await info(master, 'master_repl_offset');
      const r = await info(replica, 'master_repl_offset');
      return m !== undefined && m === r;
    },
    30_000,
    detail,
  );
}

/**
 * Every key of every database, compared value by value (type, content, absolute expiry), and the
 * encodings too when both sides loaded the same payload (`encodings`): a master's in-place APPEND
 * keeps a `raw` string that any replica loads back as `embstr`, real Redis's included.
 */
export async function assertSameDataset(
  a: RawConnection,
  b: RawConnection,
  label: string,
  encodings = false,
): Promise<Snapshot> {
  const strip = (s: Snapshot): Snapshot => (encodings ? s : withoutEncodings(s));
  const left = strip(await snapshotServer(a));
  const right = strip(await snapshotServer(b));
  assert.ok(Object.keys(left).length > 0, `${label}: the dataset is not empty`);
  assert.deepEqual(right, left, label);
  return left;
}
