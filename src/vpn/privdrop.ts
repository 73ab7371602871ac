/**
 * Privilege drop after setup, as PeerVPN does (`pwd.ic`): with explicit `user`/`group`/`chroot` those;
 * otherwise, with `enableprivdrop` (default yes), `nobody` / `nogroup` (or 65534 / 65533). Unlike
 * PeerVPN, `chroot` or `group` without `user` also drops to `nobody` (a root process escapes a chroot).
 * Unlike PeerVPN, `chroot` is followed by `chdir("/")` so the old working directory is not reachable.
 * Everything that needs root (TAP, SO_MARK, addresses, upcmd, control socket) is done before.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { libc, libcError } from '../platform/index.js';

const run = promisify(execFile);

export interface PrivDropPlan {
  readonly user: string | undefined;
  readonly group: string | undefined;
  readonly chroot: string | undefined;
  readonly auto: boolean;
}

export interface PrivDropResult {
  readonly uid: number;
  readonly gid: number;
  readonly chroot: string | undefined;
}

/** The numeric fields of a passwd/group entry for `name`, from the file or else from NSS (getent). */
async function lookupEntry(db: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  const fromLine = (line: string): string[] | undefined => {
    const fields = line.split(':');
    return fields[0] === name ? fields : undefined;
  };
  try {
    const text = await readFile(`/etc/${db}`, 'utf8');
    for (const line of text.split('\n')) {
      const found = fromLine(line);
      if (found !== undefined) return found;
    }
  } catch {
    // no file: ask NSS below
  }
  try {
    const { stdout } = await run('getent', [db, name], { timeout: 5000 });
    return fromLine(stdout.trim());
  } catch {
    return undefined;
  }
}

/** Numeric id of a user or group name (resolved before any chroot). */
async function lookupId(kind: 'user' | 'group', name: string): Promise<number | undefined> {
  if (/^\d+$/.test(name)) return Number(name);
  return numericField(await lookupEntry(kind === 'user' ? 'passwd' : 'group', name), 2);
}

async function primaryGroupOf(user: string): Promise<number | undefined> {
  return numericField(await lookupEntry('passwd', user), 3);
}

function numericField(entry: readonly string[] | undefined, index: number): number | undefined {
  const field = entry?.[index] ?? '';
  return /^\d+$/.test(field) ? Number(field) : undefined;
}

async function nobodyUid(): Promise<number> {
  return (await lookupId('user', 'nobody')) ?? 65534;
}

async function nogroupGid(): Promise<number> {
  return (await lookupId('group', 'nogroup')) ?? (await lookupId('group', 'nobody')) ?? 65533;
}

/** Whether `dropPrivileges(plan)` will change this process's user (so root-only clean-up must be arranged first). */
export function willDropPrivileges(plan: PrivDropPlan): boolean {
  const explicit = plan.user !== undefined || plan.group !== undefined || plan.chroot !== undefined;
  return (explicit || plan.auto) && process.getuid?.() === 0;
}

/**
 * Drops privileges per `plan`. Returns undefined when there was nothing to do (no drop configured, or
 * not running as root). Throws with the reason when a configured drop cannot be done: running on as
 * root when the operator asked otherwise would be worse than not starting.
 */
export async function dropPrivileges(plan: PrivDropPlan): Promise<PrivDropResult | undefined> {
  if (!willDropPrivileges(plan)) return undefined;
  const explicit = plan.user !== undefined || plan.group !== undefined || plan.chroot !== undefined;

  let uid: number | undefined;
  let gid: number | undefined;
  if (explicit) {
    if (plan.user !== undefined) {
      uid = await lookupId('user', plan.user);
      if (uid === undefined) throw new Error(`privilege drop: no such user '${plan.user}'`);
    }
    if (plan.group !== undefined) {
      gid = await lookupId('group', plan.group);
      if (gid === undefined) throw new Error(`privilege drop: no such group '${plan.group}'`);
    } else if (plan.user !== undefined) {
      gid = await primaryGroupOf(plan.user);
    }
    // `chroot` or `group` without `user` still leaves root (PeerVPN stays root then; root escapes a
    // chroot at will): drop to nobody, as with no option at all.
    uid ??= await nobodyUid();
    gid ??= await nogroupGid();
  } else {
    uid = await nobodyUid();
    gid = await nogroupGid();
  }

  if (plan.chroot !== undefined) {
    const c = libc();
    if (c.chroot(plan.chroot) !== 0) throw libcError(`chroot(${plan.chroot})`, c.errno());
    process.chdir('/');
  }
  const { setgroups, setgid, setuid } = process;
  if (setgroups === undefined || setgid === undefined || setuid === undefined) {
    throw new Error('privilege drop: not supported on this platform');
  }
  setgroups([gid]);
  setgid(gid);
  setuid(uid);
  if (uid !== 0 && (process.getuid?.() === 0 || process.geteuid?.() === 0)) {
    throw new Error(`privilege drop: still root after setuid(${uid})`);
  }
  return { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, chroot: plan.chroot };
}
