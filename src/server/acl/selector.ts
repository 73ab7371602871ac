/**
 * An ACL selector (Redis 7.0 acl.c aclSelector): which commands (a bitmap over the catalog, plus
 * allowed first arguments), which keys (patterns with read/write permissions) and which pub/sub
 * channels. Every user has a root selector; `(…)` rules add more, and a command is allowed when any
 * selector allows it. `apply` is ACLSetSelector, with its errno as the error's name.
 */
import { splitArgs } from '../../resp/index.js';
import { ACL_CATEGORIES, aclCatalog, type AclCatalog, type CatalogCommand } from './catalog.js';

/** Why a rule was refused: the errno Redis sets, turned into text by aclRuleErrorText. */
export type AclRuleError =
  'EINVAL' | 'ENOENT' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'ECHILD' | 'EALREADY';

/** ACLSetUserStringError. */
export function aclRuleErrorText(e: AclRuleError): string {
  switch (e) {
    case 'ENOENT':
      return 'Unknown command or category name in ACL';
    case 'EINVAL':
      return 'Syntax error';
    case 'EEXIST':
      return (
        "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any " +
        "effect. Try 'resetkeys' to start with an empty list of patterns"
      );
    case 'EISDIR':
      return (
        "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have " +
        "any effect. Try 'resetchannels' to start with an empty list of channels"
      );
    case 'ENODEV':
      return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG':
      return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'EALREADY':
      return 'Duplicate user found. A user can only be defined once in config files';
    case 'ECHILD':
      return 'Allowing first-arg of a subcommand is not supported';
  }
}

export const KEY_READ = 1;
export const KEY_WRITE = 2;
const KEY_ALL = KEY_READ | KEY_WRITE;

export interface KeyPattern {
  readonly pattern: string;
  /** KEY_READ | KEY_WRITE bits. */
  flags: number;
}

/** Redis ACLStringHasSpaces: isspace or NUL. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  }
  return false;
}

export class Selector {
  allKeys = false;
  allChannels: boolean;
  /** SELECTOR_FLAG_ALLCOMMANDS: every bit set by +@all and none cleared since. */
  allCommands = false;
  /** One byte per catalog command, plus the future-commands byte at catalog.size. */
  allowed: Uint8Array;
  /** Allowed first arguments of otherwise denied commands ('+select|0'), by command id. */
  firstArgs: Map<number, string[]> | undefined;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(
    readonly root: boolean,
    /** acl-pubsub-default allchannels: new selectors start with every channel. */
    allChannelsByDefault: boolean,
    private readonly catalog: AclCatalog = aclCatalog(),
  ) {
    this.allChannels = allChannelsByDefault;
    this.allowed = new Uint8Array(catalog.size + 1);
  }

  copy(): Selector {
    const s = new Selector(this.root, this.allChannels, this.catalog);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.allowed = this.allowed.slice();
    s.firstArgs =
      this.firstArgs === undefined ? undefined : new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }

  /** ACLSetSelector: one rule; an error name when refused (the selector may be partly changed then). */
  apply(op: string): AclRuleError | undefined {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.patterns = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.patterns = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.allowed.fill(1);
      this.allCommands = true;
      this.firstArgs = undefined;
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.allowed.fill(0);
      this.allCommands = false;
      this.firstArgs = undefined;
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) return 'EISDIR';
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) return 'EINVAL';
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      return this.allowCommand(op.slice(1));
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = this.catalog.lookup(op.slice(1));
      if (cmd === undefined) return 'ENOENT';
      this.changePerm(cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const flag = this.catalog.categoryFlag(op.slice(2));
      if (flag === 0) return 'ENOENT';
      this.setCategory(flag, op[0] === '+');
    } else {
      return 'EINVAL';
    }
    return undefined;
  }

  private addKeyPattern(op: string): AclRuleError | undefined {
    if (this.allKeys) return 'EEXIST';
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const c = (op[offset] as string).toUpperCase();
        if (c === 'R' && (flags & KEY_READ) === 0) flags |= KEY_READ;
        else if (c === 'W' && (flags & KEY_WRITE) === 0) flags |= KEY_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return 'EINVAL';
      }
      // No permission letter ('%~a'): 7.0.15 refuses it ('%R' alone is an empty pattern).
      if (flags === 0) return 'EINVAL';
    } else {
      flags = KEY_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    const existing = this.patterns.find((p) => p.pattern === pattern);
    if (existing === undefined) this.patterns.push({ pattern, flags });
    else existing.flags |= flags;
    this.allKeys = false;
    return undefined;
  }

  /** `+cmd`, `+container|sub`, or `+cmd|firstarg` (a deprecated form 7.0 still accepts). */
  private allowCommand(name: string): AclRuleError | undefined {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const cmd = this.catalog.lookup(name);
      if (cmd === undefined) return 'ENOENT';
      this.changePerm(cmd, true);
      return undefined;
    }
    const cmd = this.catalog.lookup(name.slice(0, bar));
    if (cmd === undefined) return 'ENOENT';
    if (cmd.parent !== undefined) return 'ECHILD';
    const sub = name.slice(bar + 1);
    if (sub === '') return 'EINVAL';
    if (cmd.subcommands.length > 0) {
      const subcommand = this.catalog.lookup(name);
      if (subcommand === undefined) return 'ENOENT';
      this.changePerm(subcommand, true);
      return undefined;
    }
    this.firstArgs ??= new Map();
    const list = this.firstArgs.get(cmd.id) ?? [];
    if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
    this.firstArgs.set(cmd.id, list);
    return undefined;
  }

  /** ACLSetSelectorCommandBit: clearing any bit also clears allCommands. */
  private setBit(id: number, value: boolean): void {
    this.allowed[id] = value ? 1 : 0;
    if (!value) this.allCommands = false;
  }

  /** ACLChangeSelectorPerm: a command and, for a container, all its subcommands. */
  changePerm(cmd: CatalogCommand, allow: boolean): void {
    this.setBit(cmd.id, allow);
    this.firstArgs?.delete(cmd.id);
    for (const sub of cmd.subcommands) this.setBit(sub, allow);
  }

  /** ACLSetSelectorCommandBitsForCategoryLogic. */
  setCategory(flag: number, allow: boolean): void {
    const commands = this.catalog.commands;
    for (const id of this.catalog.topLevel) {
      const cmd = commands[id] as CatalogCommand;
      if ((cmd.categories & flag) !== 0) this.changePerm(cmd, allow);
      for (const sub of cmd.subcommands) {
        const s = commands[sub] as CatalogCommand;
        if ((s.categories & flag) !== 0) this.changePerm(s, allow);
      }
    }
  }

  /** ACLCountCategoryBitsForSelector. */
  countCategory(flag: number): { on: number; off: number } {
    let on = 0;
    let off = 0;
    for (const cmd of this.catalog.commands) {
      if ((cmd.categories & flag) === 0) continue;
      if (this.allowed[cmd.id] === 1) on++;
      else off++;
    }
    return { on, off };
  }

  /**
   * ACLDescribeSelectorCommandRules: rules that rebuild this bitmap, starting from +@all (when the
   * future-commands bit is set) or -@all, then the best-fitting categories, then single commands.
   */
  describeCommands(): string {
    const catalog = this.catalog;
    const fake = new Selector(false, false, catalog);
    const additive = this.allowed[catalog.futureBit] !== 1;
    let rules = additive ? '-@all ' : '+@all ';
    fake.apply(additive ? '-@all' : '+@all');
    const temp = new Selector(false, false, catalog);
    temp.allowed = this.allowed.slice();
    const categories = categoryFlagsOf(catalog);
    const applied = new Set<number>();
    for (;;) {
      let best = -1;
      let mindiff = Number.MAX_SAFE_INTEGER;
      let maxsame = 0;
      categories.forEach(([, flag], j) => {
        if (applied.has(j)) return;
        const { on, off } = temp.countCategory(flag);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = j;
          mindiff = diff;
          maxsame = same;
        }
      });
      if (best === -1) break;
      const [name, flag] = categories[best] as [string, number];
      fake.setCategory(flag, additive);
      temp.setCategory(flag, !additive);
      rules += `${additive ? '+' : '-'}@${name} `;
      applied.add(best);
    }
    rules = this.describeSingleCommands(fake, rules);
    return rules.slice(0, -1);
  }

  private describeSingleCommands(fake: Selector, rules: string): string {
    const commands = this.catalog.commands;
    const visit = (cmd: CatalogCommand): void => {
      const userBit = this.allowed[cmd.id] === 1;
      const fakeBit = fake.allowed[cmd.id] === 1;
      if (userBit !== fakeBit) {
        rules += `${userBit ? '+' : '-'}${cmd.fullName} `;
        fake.changePerm(cmd, userBit);
      }
      for (const sub of cmd.subcommands) visit(commands[sub] as CatalogCommand);
      const firstArgs = this.firstArgs?.get(cmd.id);
      if (!userBit && firstArgs !== undefined) {
        for (const a of firstArgs) rules += `+${cmd.fullName}|${a} `;
      }
    };
    for (const id of this.catalog.topLevel) visit(commands[id] as CatalogCommand);
    return rules;
  }

  /** The key patterns as ACL GETUSER shows them ('~*', or '%R~a ~b'). */
  describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.patterns.map(patternString).join(' ');
  }

  describeChannels(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => `&${c}`).join(' ');
  }

  /** ACLDescribeSelector: keys, channels, then command rules, as ACL LIST shows them. */
  describe(): string {
    let out = '';
    if (this.allKeys) out += '~* ';
    else for (const p of this.patterns) out += `${patternString(p)} `;
    if (this.allChannels) out += '&* ';
    else {
      out += 'resetchannels ';
      for (const c of this.channels) out += `&${c} `;
    }
    return out + this.describeCommands();
  }
}

function patternString(p: KeyPattern): string {
  const prefix = p.flags === KEY_ALL ? '~' : p.flags === KEY_READ ? '%R~' : '%W~';
  return prefix + p.pattern;
}

/** [name, flag] of every category, in ACLCommandCategories order. */
function categoryFlagsOf(catalog: AclCatalog): [string, number][] {
  return ACL_CATEGORIES.map((n) => [n, catalog.categoryFlag(n)]);
}

/** A `(…)` rule: a new selector from the rules inside the parentheses (aclCreateSelectorFromOpSet). */
export function selectorFromOpSet(opset: string, allChannelsByDefault: boolean): Selector | AclRuleError {
  const s = new Selector(false, allChannelsByDefault);
  for (const op of splitArgs(opset.slice(1, -1)) ?? []) {
    const e = s.apply(op);
    if (e !== undefined) return e;
  }
  return s;
}
