/**
 * The commands ACL rules name, with ids for the per-selector permission bitmaps (Redis acl.c
 * ACLGetCommandID, ACLCommandCategories). Built from Redis 7.0's whole command table, commands redmesh
 * does not implement included, so ACL CAT and category rules cover what 7.0's cover; renaming a
 * command does not change its ACL name (Redis works on server.orig_commands).
 */
import { REDIS_COMMAND_TABLE } from '../../commands/index.js';

/** Redis 7.0's categories, in ACLCommandCategories order (ACL CAT, and the order describe tries them). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

export interface CatalogCommand {
  readonly id: number;
  /** Lowercase, 'get' or 'config|get'. */
  readonly fullName: string;
  /** One bit per ACL_CATEGORIES index. */
  readonly categories: number;
  /** The container's id, for a subcommand. */
  readonly parent: number | undefined;
  readonly subcommands: readonly number[];
}

export class AclCatalog {
  readonly commands: CatalogCommand[] = [];
  /** Top-level commands, in table order (the order rules are described and categories listed in). */
  readonly topLevel: number[] = [];
  private readonly byName = new Map<string, number>();

  constructor(table: Readonly<Record<string, { readonly categories: readonly string[] }>>) {
    const subs = new Map<string, number[]>();
    for (const [name, meta] of Object.entries(table)) {
      const id = this.commands.length;
      const bar = name.indexOf('|');
      const parentName = bar < 0 ? undefined : name.slice(0, bar);
      let categories = 0;
      for (const c of meta.categories) {
        const bit = ACL_CATEGORIES.indexOf(c as (typeof ACL_CATEGORIES)[number]);
        if (bit >= 0) categories |= 1 << bit;
      }
      const children: number[] = [];
      subs.set(name, children);
      const parent = parentName === undefined ? undefined : this.byName.get(parentName);
      this.commands.push({ id, fullName: name, categories, parent, subcommands: children });
      this.byName.set(name, id);
      if (parent === undefined) this.topLevel.push(id);
      else subs.get(parentName as string)?.push(id);
    }
  }

  /** Ids 0..size-1 are commands; id `size` is the "future commands" bit that only +@all sets. */
  get size(): number {
    return this.commands.length;
  }

  get futureBit(): number {
    return this.commands.length;
  }

  /** 'GET', 'config|get' (any case); undefined when 7.0 has no such command. */
  lookup(name: string): CatalogCommand | undefined {
    const id = this.byName.get(name.toLowerCase());
    return id === undefined ? undefined : this.commands[id];
  }

  idOf(fullName: string): number {
    return this.byName.get(fullName) ?? -1;
  }

  /** The category's bit mask, or 0 when there is no such category (any case). */
  categoryFlag(name: string): number {
    const i = ACL_CATEGORIES.indexOf(name.toLowerCase() as (typeof ACL_CATEGORIES)[number]);
    return i < 0 ? 0 : 1 << i;
  }

  /** Every command of a category, containers before their subcommands (ACL CAT category). */
  inCategory(flag: number): string[] {
    const out: string[] = [];
    for (const id of this.topLevel) {
      const cmd = this.commands[id] as CatalogCommand;
      if ((cmd.categories & flag) !== 0) out.push(cmd.fullName);
      for (const sub of cmd.subcommands) {
        const s = this.commands[sub] as CatalogCommand;
        if ((s.categories & flag) !== 0) out.push(s.fullName);
      }
    }
    return out;
  }
}

let shared: AclCatalog | undefined;

/** The one catalog of Redis 7.0's commands (built on first use). */
export function aclCatalog(): AclCatalog {
  shared ??= new AclCatalog(REDIS_COMMAND_TABLE);
  return shared;
}
