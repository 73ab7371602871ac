/**
 * An ACL user (Redis 7.0 acl.c `user`): on/off, passwords (SHA-256 hex), nopass, the payload
 * sanitizing flag, and its selectors (the root one first). `apply` is ACLSetUser.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Selector, selectorFromOpSet, type AclRuleError } from './selector.js';

/** The SHA-256 hex Redis stores for a password (ACLHashPassword); strings are latin1 bytes. */
export function hashPassword(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

/** ACLCheckPasswordHash: 64 lowercase hex characters. */
function isPasswordHash(hash: string): boolean {
  return /^[0-9a-f]{64}$/.test(hash);
}

export class AclUser {
  /** USER_FLAG_ENABLED / USER_FLAG_DISABLED: a new user has neither 'on' nor… it is 'off'. */
  enabled = false;
  nopass = false;
  /** skip-sanitize-payload / sanitize-payload, once either was set. */
  sanitize: 'skip' | 'sanitize' | undefined;
  passwords: string[] = [];
  selectors: Selector[];
  /**
   * Every command, key and channel is allowed by the root selector: the dispatcher skips the check
   * (no work per command for the default user). Recomputed after every change.
   */
  unrestricted = false;

  constructor(
    readonly name: string,
    private readonly allChannelsByDefault: () => boolean,
  ) {
    this.selectors = [new Selector(true, allChannelsByDefault())];
  }

  get root(): Selector {
    return this.selectors[0] as Selector;
  }

  /** ACLCopyUser: `other`'s rules, keeping this user's name. */
  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitize = other.sanitize;
    this.passwords = [...other.passwords];
    this.selectors = other.selectors.map((s) => s.copy());
    this.refresh();
  }

  /** An unlinked copy to stage changes on (ACL SETUSER applies all rules or none). */
  clone(): AclUser {
    const u = new AclUser(this.name, this.allChannelsByDefault);
    u.copyFrom(this);
    return u;
  }

  refresh(): void {
    const r = this.root;
    this.unrestricted = r.allCommands && r.allKeys && r.allChannels;
  }

  /** ACLSetUser: one rule. */
  apply(op: string): AclRuleError | undefined {
    const e = this.applyRule(op);
    this.refresh();
    return e;
  }

  private applyRule(op: string): AclRuleError | undefined {
    if (op.length === 0) return undefined;
    const lower = op.toLowerCase();
    switch (lower) {
      case 'on':
        this.enabled = true;
        return undefined;
      case 'off':
        this.enabled = false;
        return undefined;
      case 'skip-sanitize-payload':
        this.sanitize = 'skip';
        return undefined;
      case 'sanitize-payload':
        this.sanitize = 'sanitize';
        return undefined;
      case 'nopass':
        this.nopass = true;
        this.passwords = [];
        return undefined;
      case 'resetpass':
        this.nopass = false;
        this.passwords = [];
        return undefined;
      case 'clearselectors':
        this.selectors = [this.root];
        return undefined;
      case 'reset':
        this.applyRule('resetpass');
        this.root.apply('resetkeys');
        this.root.apply('resetchannels');
        if (this.allChannelsByDefault()) this.root.apply('allchannels');
        this.enabled = false;
        this.sanitize = 'sanitize';
        this.selectors = [this.root];
        this.root.apply('-@all');
        return undefined;
    }
    const first = op[0];
    if (first === '>' || first === '#') {
      let hash: string;
      if (first === '>') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isPasswordHash(hash)) return 'EBADMSG';
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
      return undefined;
    }
    if (first === '<' || first === '!') {
      let hash: string;
      if (first === '<') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isPasswordHash(hash)) return 'EBADMSG';
      }
      const at = this.passwords.indexOf(hash);
      if (at < 0) return 'ENODEV';
      this.passwords.splice(at, 1);
      return undefined;
    }
    if (first === '(' && op.endsWith(')')) {
      const s = selectorFromOpSet(op, this.allChannelsByDefault());
      if (typeof s === 'string') return s;
      this.selectors.push(s);
      return undefined;
    }
    return this.root.apply(op);
  }

  /** ACLCheckUserCredentials (the user exists): off refuses, nopass accepts anything. */
  checkPassword(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const hashed = Buffer.from(hashPassword(password), 'latin1');
    let ok = false;
    for (const p of this.passwords) {
      if (timingSafeEqual(hashed, Buffer.from(p, 'latin1'))) ok = true;
    }
    return ok;
  }

  /** The flags in ACLUserFlags order (ACL GETUSER flags). */
  flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitize === 'skip') out.push('skip-sanitize-payload');
    if (this.sanitize === 'sanitize') out.push('sanitize-payload');
    return out;
  }

  /** ACLDescribeUser: the rules after `user <name>` in ACL LIST and ACL SAVE. */
  describe(): string {
    let out = '';
    for (const f of this.flags()) out += `${f} `;
    for (const p of this.passwords) out += `#${p} `;
    for (const s of this.selectors) {
      out += s.root ? s.describe() : ` (${s.describe()})`;
    }
    return out;
  }
}
