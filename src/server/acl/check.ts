/**
 * The permission check run before a command (Redis 7.0 ACLCheckAllUserCommandPerm): a command is
 * allowed when one selector allows the command (or its first argument), every key it names with the
 * access the key spec says (read for `access`, write for `insert`/`update`/`delete`), and every
 * channel it publishes or subscribes to. When none does, the most relevant denial is reported: a
 * key or channel over the command, the last position over earlier ones.
 */
import { keyAccess, type CommandSpec, type KeyAccess } from '../../commands/index.js';
import { globMatch } from '../../util/index.js';
import { aclCatalog } from './catalog.js';
import { KEY_READ, KEY_WRITE, type Selector } from './selector.js';
import type { AclUser } from './user.js';

/** What the check needs of a command, computed once per command table entry. */
export interface AclCommandTraits {
  readonly spec: CommandSpec;
  /** Catalog id (-1: not a Redis 7.0 command, never allowed by a bit). */
  readonly id: number;
  readonly fullName: string;
  /** Flagged no_auth (AUTH, HELLO…): runs whatever the command rules say. */
  readonly noAuth: boolean;
  readonly hasKeys: boolean;
  /** Which arguments are channels: PUBLISH's first, (S)SUBSCRIBE's all, PSUBSCRIBE's all as patterns. */
  readonly channels: 'first' | 'all' | 'patterns' | undefined;
  /** argv index of the first argument after the command (and subcommand) name. */
  readonly argStart: number;
}

export function aclTraits(spec: CommandSpec, fullName: string): AclCommandTraits {
  const name = fullName.toLowerCase();
  const channels =
    name === 'publish' || name === 'spublish'
      ? 'first'
      : name === 'subscribe' || name === 'ssubscribe'
        ? 'all'
        : name === 'psubscribe'
          ? 'patterns'
          : undefined;
  return {
    spec,
    id: aclCatalog().idOf(name),
    fullName: name,
    noAuth: spec.flags.includes('no_auth'),
    hasKeys: spec.keys !== undefined || (spec.keySpecs?.length ?? 0) > 0 || spec.firstKey > 0,
    channels,
    argStart: name.includes('|') ? 2 : 1,
  };
}

export type AclDenialReason = 'command' | 'key' | 'channel';

export interface AclDenial {
  readonly reason: AclDenialReason;
  /** The key or channel refused (the command's name for 'command'). */
  readonly object: string;
}

const RANK: Record<AclDenialReason, number> = { command: 0, key: 1, channel: 2 };

/** The key's required permissions from its key-spec flags (ACLSelectorCheckKey). */
function requiredAccess(flags: readonly string[]): number {
  let need = 0;
  for (const f of flags) {
    if (f === 'access') need |= KEY_READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') need |= KEY_WRITE;
  }
  return need;
}

function keyAllowed(s: Selector, key: string, need: number): boolean {
  if (s.allKeys) return true;
  for (const p of s.patterns) {
    if ((p.flags & need) !== need) continue;
    if (globMatch(p.pattern, key)) return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: literal compares patterns as strings (a PSUBSCRIBE pattern). */
export function channelInList(channels: readonly string[], channel: string, literal: boolean): boolean {
  for (const p of channels) {
    if (literal ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

function channelAllowed(s: Selector, channel: string, literal: boolean): boolean {
  return s.allChannels || channelInList(s.channels, channel, literal);
}

interface Denied {
  readonly reason: AclDenialReason;
  readonly pos: number;
  readonly object: string;
}

function checkSelector(
  s: Selector,
  t: AclCommandTraits,
  argv: readonly string[],
  keys: () => readonly KeyAccess[],
): Denied | undefined {
  if (!s.allCommands && !t.noAuth && (t.id < 0 || s.allowed[t.id] !== 1)) {
    const allowedArgs = t.id < 0 ? undefined : s.firstArgs?.get(t.id);
    const arg = argv[t.argStart];
    if (
      allowedArgs === undefined ||
      arg === undefined ||
      !allowedArgs.some((a) => a.toLowerCase() === arg.toLowerCase())
    ) {
      return { reason: 'command', pos: 0, object: t.fullName };
    }
  }
  if (!s.allKeys && t.hasKeys) {
    for (const k of keys()) {
      if (!keyAllowed(s, k.key, requiredAccess(k.flags))) return { reason: 'key', pos: k.pos, object: k.key };
    }
  }
  if (!s.allChannels && t.channels !== undefined) {
    const end = t.channels === 'first' ? Math.min(argv.length, t.argStart + 1) : argv.length;
    for (let j = t.argStart; j < end; j++) {
      const ch = argv[j] as string;
      if (!channelAllowed(s, ch, t.channels === 'patterns')) return { reason: 'channel', pos: j, object: ch };
    }
  }
  return undefined;
}

/** Undefined when the user may run the command line; else why not. */
export function checkCommand(
  user: AclUser,
  t: AclCommandTraits,
  argv: readonly string[],
): AclDenial | undefined {
  let cached: readonly KeyAccess[] | undefined;
  const keys = (): readonly KeyAccess[] => (cached ??= keyAccess(t.spec, argv));
  let relevant: Denied | undefined;
  for (const s of user.selectors) {
    const d = checkSelector(s, t, argv, keys);
    if (d === undefined) return undefined;
    if (
      relevant === undefined ||
      RANK[d.reason] > RANK[relevant.reason] ||
      (d.reason === relevant.reason && d.pos > relevant.pos)
    ) {
      relevant = d;
    }
  }
  return relevant === undefined ? undefined : { reason: relevant.reason, object: relevant.object };
}
