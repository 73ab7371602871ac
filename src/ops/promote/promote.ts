/**
 * `redmesh promote`: the tutorial's step 5 (`SLAVEOF NO ONE` on the replica) made safe.
 *
 * With the old master reachable (a planned switch-over):
 *   1. pause writes on the master (CLIENT PAUSE … WRITE), so its offset stops moving;
 *   2. wait until the chosen replica has applied exactly the master's offset (or give up and unpause);
 *   3. promote it (REPLICAOF NO ONE: it keeps the replication id, so the others continue partially);
 *   4. make the old master and the other replicas replicas of it, then unpause the old master (whose
 *      clients now get READONLY instead of writing to a node nobody reads);
 *   5. CONFIG REWRITE on every changed node, so a restart keeps the new roles.
 * With the master unreachable (dead, or partitioned: a stopped process answers no command in time):
 *   the replicas' applied offsets are compared; promoting one known to be behind another would lose
 *   acknowledged writes, so it is refused unless forced, and `mostAdvanced` picks the best one.
 *   The old master cannot be told: it is named in a warning, since it comes back as a second master.
 */
import type { RedisAddress } from '../redis/index.js';
import { RedisConnection, RedisReplyError, describe, parseInfo } from '../redis/index.js';
import type { RedisNodeStatus } from '../status/index.js';
import { collectStatus } from '../status/index.js';

export class PromoteError extends Error {}

export interface PromoteOptions {
  /** The replica to promote; undefined with `mostAdvanced`. */
  readonly target: RedisAddress | undefined;
  /** Other nodes to consider (with the master dead, the replicas are known only from these). */
  readonly nodes: readonly RedisAddress[];
  readonly password: string | undefined;
  /** Promote even a replica known to be behind another. */
  readonly force: boolean;
  /** Pick the replica with the highest applied offset. */
  readonly mostAdvanced: boolean;
  /** Bound for the replica to catch up with the paused master, and for each command. */
  readonly catchUpTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Told each step as it happens. */
  readonly log: (line: string) => void;
}

export interface PromoteResult {
  readonly newMaster: string;
  readonly oldMaster: string | undefined;
  /** What changed, node by node. */
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
}

function toAddress(s: string): RedisAddress {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
}

export async function promote(o: PromoteOptions): Promise<PromoteResult> {
  const seeds = [...(o.target === undefined ? [] : [o.target]), ...o.nodes];
  if (seeds.length === 0)
    throw new PromoteError(
      'name the replica to promote, or give --most-advanced with --node for each replica',
    );
  const status = await collectStatus({ seeds, password: o.password, timeoutMs: o.commandTimeoutMs });
  const reachable = status.nodes.filter((n) => n.error === undefined);
  const replicas = reachable.filter((n) => n.role === 'replica');
  const masters = reachable.filter((n) => n.role === 'master');
  const target = chooseTarget(o, status.nodes, replicas);
  const masterLink = target.master;
  if (masterLink === undefined) throw new PromoteError(`${target.address} is already a master`);
  const masterAddress = describe({ host: masterLink.host, port: masterLink.port });
  const liveMaster = masters.find(
    (m) => m.address === masterAddress || (m.replicas ?? []).some((r) => sameNode(r, target)),
  );
  o.log(`target ${target.address} (replica of ${masterAddress}, applied offset ${masterLink.offset})`);
  return liveMaster === undefined
    ? promoteWithoutMaster(o, target, masterAddress, replicas)
    : promoteWithMaster(o, target, liveMaster, replicas);
}

function sameNode(link: { host: string; port: number }, node: RedisNodeStatus): boolean {
  return describe({ host: link.host, port: link.port }) === node.address;
}

function chooseTarget(
  o: PromoteOptions,
  all: readonly RedisNodeStatus[],
  replicas: readonly RedisNodeStatus[],
): RedisNodeStatus {
  if (o.mostAdvanced) {
    const best = [...replicas].sort((a, b) => (b.master?.offset ?? 0) - (a.master?.offset ?? 0))[0];
    if (best === undefined) throw new PromoteError('no reachable replica to promote');
    return best;
  }
  const wanted = describe(o.target as RedisAddress);
  const node = all.find((n) => n.address === wanted);
  if (node?.error !== undefined) throw new PromoteError(`${wanted} is unreachable: ${node.error}`);
  if (node === undefined) throw new PromoteError(`${wanted} was not found`);
  return node;
}

async function open(o: PromoteOptions, address: string): Promise<RedisConnection> {
  return RedisConnection.open({ ...toAddress(address), password: o.password }, o.commandTimeoutMs);
}

async function timed<T>(o: PromoteOptions, what: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const result = await fn();
  o.log(`${what} (${Date.now() - start} ms)`);
  return result;
}

/** REPLICAOF host port on `node`, then CONFIG REWRITE; what could not be persisted becomes a warning. */
async function repoint(
  o: PromoteOptions,
  node: string,
  to: string,
  changes: string[],
  warnings: string[],
): Promise<void> {
  const c = await open(o, node);
  try {
    const { host, port } = toAddress(to);
    await timed(o, `${node}: REPLICAOF ${host} ${port}`, () => c.call('REPLICAOF', host, port));
    changes.push(`${node}: now a replica of ${to}`);
    await rewrite(o, c, node, warnings);
  } finally {
    c.close();
  }
}

async function rewrite(
  o: PromoteOptions,
  c: RedisConnection,
  node: string,
  warnings: string[],
): Promise<void> {
  try {
    await timed(o, `${node}: CONFIG REWRITE`, () => c.call('CONFIG', 'REWRITE'));
  } catch (err) {
    if (!(err instanceof RedisReplyError)) throw err;
    warnings.push(
      `${node}: the change is not in its config file (${err.message}): a restart brings back its old role`,
    );
  }
}

async function promoteWithMaster(
  o: PromoteOptions,
  target: RedisNodeStatus,
  master: RedisNodeStatus,
  replicas: readonly RedisNodeStatus[],
): Promise<PromoteResult> {
  const changes: string[] = [];
  const warnings: string[] = [];
  const m = await open(o, master.address);
  const t = await open(o, target.address);
  let unpaused = false;
  const unpause = async (): Promise<void> => {
    if (unpaused) return;
    unpaused = true;
    await timed(o, `${master.address}: CLIENT UNPAUSE`, () => m.call('CLIENT', 'UNPAUSE'));
  };
  try {
    // The pause outlives the catch-up bound, so it cannot lift before we decide; we lift it ourselves.
    const pauseMs = o.catchUpTimeoutMs + 5 * o.commandTimeoutMs;
    await timed(o, `${master.address}: CLIENT PAUSE ${pauseMs} WRITE`, () =>
      m.call('CLIENT', 'PAUSE', pauseMs, 'WRITE'),
    );
    const masterOffset = Number(parseInfo(await m.text('INFO', 'replication')).get('master_repl_offset'));
    await timed(
      o,
      `${target.address}: caught up with ${master.address} at offset ${masterOffset}`,
      async () => {
        const deadline = Date.now() + o.catchUpTimeoutMs;
        for (;;) {
          const applied = Number(parseInfo(await t.text('INFO', 'replication')).get('slave_repl_offset'));
          if (applied >= masterOffset) return;
          if (Date.now() > deadline) {
            await unpause();
            throw new PromoteError(
              `${target.address} reached offset ${applied} of ${masterOffset} within ${o.catchUpTimeoutMs} ms: nothing changed, writes resumed on ${master.address}`,
            );
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    );
    await timed(o, `${target.address}: REPLICAOF NO ONE`, () => t.call('REPLICAOF', 'NO', 'ONE'));
    changes.push(`${target.address}: now the master`);
    await rewrite(o, t, target.address, warnings);
    await repoint(o, master.address, target.address, changes, warnings);
    await unpause();
    for (const r of replicas) {
      if (r.address === target.address) continue;
      await repoint(o, r.address, target.address, changes, warnings);
    }
  } finally {
    if (!unpaused) await m.call('CLIENT', 'UNPAUSE').catch(() => undefined);
    m.close();
    t.close();
  }
  return { newMaster: target.address, oldMaster: master.address, changes, warnings };
}

async function promoteWithoutMaster(
  o: PromoteOptions,
  target: RedisNodeStatus,
  masterAddress: string,
  replicas: readonly RedisNodeStatus[],
): Promise<PromoteResult> {
  const changes: string[] = [];
  const warnings: string[] = [];
  o.log(`master ${masterAddress} is unreachable: comparing the replicas' applied offsets`);
  const sameHistory = replicas.filter((r) => r.replId === target.replId);
  for (const r of sameHistory) o.log(`  ${r.address}: applied offset ${r.master?.offset ?? 0}`);
  const ahead = sameHistory.filter((r) => (r.master?.offset ?? 0) > (target.master?.offset ?? 0));
  if (ahead.length > 0) {
    const names = ahead.map((r) => `${r.address} (offset ${r.master?.offset ?? 0})`).join(', ');
    if (!o.force)
      throw new PromoteError(
        `${target.address} (offset ${target.master?.offset ?? 0}) is behind ${names}: promoting it loses those writes; promote the most advanced (--most-advanced) or use --force`,
      );
    warnings.push(`promoted although behind ${names}: the writes between are lost`);
  }
  const t = await open(o, target.address);
  try {
    await timed(o, `${target.address}: REPLICAOF NO ONE`, () => t.call('REPLICAOF', 'NO', 'ONE'));
    changes.push(`${target.address}: now the master`);
    await rewrite(o, t, target.address, warnings);
  } finally {
    t.close();
  }
  for (const r of replicas) {
    if (r.address === target.address) continue;
    await repoint(o, r.address, target.address, changes, warnings);
  }
  warnings.push(
    `the old master ${masterAddress} was not reached: when it comes back it is a second master; run REPLICAOF ${toAddress(target.address).host} ${toAddress(target.address).port} on it before letting clients in (and CONFIG REWRITE)`,
  );
  return { newMaster: target.address, oldMaster: masterAddress, changes, warnings };
}
