/**
 * The ACL users of a server (Redis 7.0 acl.c): the user table with its `default` user, ACL SETUSER /
 * DELUSER / GETUSER / LIST / LOAD / SAVE, AUTH, the per-command check with its ACL LOG entries, and
 * the disconnections 7.0 makes when users change. requirepass is the default user's password
 * (ACLUpdateDefaultUserPassword).
 */
import { renameSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type {
  AclLogEntry,
  AclPort,
  AclSelectorView,
  AclUserView,
  ClientInfo,
  ClientView,
  CommandSpec,
} from '../../commands/index.js';
import { ConfigError, type ConfigLocation, type RedisConfig } from '../../config/index.js';
import { ACL_CATEGORIES, aclCatalog } from './catalog.js';
import { aclTraits, channelInList, checkCommand, type AclCommandTraits, type AclDenial } from './check.js';
import { aclRuleErrorText, hasSpaces, type Selector } from './selector.js';
import { AclUser } from './user.js';

/** What the ACL needs of a connection: its user, and ways to drop it. */
export interface AclClient {
  readonly id: number;
  readonly aclUser: AclUser | undefined;
  /** Back to the default user, not authenticated (a deleted user's connection, before it is dropped). */
  revertToDefaultUser(defaultUser: AclUser): void;
  readonly subscriptions: Readonly<Record<'channel' | 'pattern' | 'shard', ReadonlySet<string>>>;
  info(now: number): ClientInfo;
  /** Dropped now (Redis freeClientAsync). */
  kill(): void;
  /** Dropped once the current command's reply is written (CLIENT_CLOSE_AFTER_COMMAND). */
  closeAfterReply(): void;
}

/** A `user name rules…` line of redis.conf: args are the name and its rules. */
export interface UserLine {
  readonly args: readonly string[];
  readonly where: ConfigLocation;
}

/** Entries updated instead of added when the same denial repeats within this many ms. */
const LOG_GROUPING_MS = 60_000;

/** ACLMergeSelectorArguments: `(~a` `+get)` given as two arguments become one selector rule. */
export function mergeSelectorArguments(args: readonly string[]): string[] | { unmatched: number } {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  args.forEach((op, j) => {
    if (open === -1 && op.startsWith('(') && !op.endsWith(')')) {
      selector = op;
      open = j;
      return;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op.endsWith(')')) {
        open = -1;
        out.push(selector);
      }
      return;
    }
    out.push(op);
  });
  return open === -1 ? out : { unmatched: open };
}

function selectorView(s: Selector): AclSelectorView {
  return { commands: s.describeCommands(), keys: s.describeKeys(), channels: s.describeChannels() };
}

export class Acl implements AclPort {
  private users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  private readonly entries: AclLogEntry[] = [];
  readonly categories: readonly string[] = ACL_CATEGORIES;

  constructor(
    private readonly config: RedisConfig,
    private readonly clients: () => Iterable<AclClient>,
  ) {
    this.defaultUser = this.createDefaultUser();
    this.users.set('default', this.defaultUser);
    this.setDefaultPassword(config.getString('requirepass'));
  }

  private readonly allChannelsByDefault = (): boolean =>
    this.config.getString('acl-pubsub-default') === 'allchannels';

  private newUser(name: string): AclUser {
    return new AclUser(name, this.allChannelsByDefault);
  }

  /** ACLCreateDefaultUser: +@all ~* &* on nopass. */
  private createDefaultUser(): AclUser {
    const u = this.newUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(op);
    return u;
  }

  /** requirepass (config file or CONFIG SET): the default user's only password, or nopass when empty. */
  setDefaultPassword(password: string): void {
    this.defaultUser.apply('resetpass');
    this.defaultUser.apply(password === '' ? 'nopass' : `>${password}`);
  }

  /** Redis authRequired: a new connection must AUTH unless the default user is on and nopass. */
  authRequired(): boolean {
    return !this.defaultUser.nopass || !this.defaultUser.enabled;
  }

  /** Whether a connection as the default user starts authenticated (createClient). */
  startsAuthenticated(): boolean {
    return this.defaultUser.nopass && this.defaultUser.enabled;
  }

  // --- startup: user lines and the aclfile ---

  /**
   * Checks `user` lines as the config is read (ACLAppendUserForLoading): an unknown command is
   * tolerated here (Redis waits for modules), any other bad rule or a second line for one user
   * is a config error at the line.
   */
  static validateUserLines(lines: readonly UserLine[]): void {
    const seen = new Set<string>();
    for (const { args, where } of lines) {
      const full = ['user', ...args];
      if (args.length < 1) throw new ConfigError('Bad directive or wrong number of arguments', where);
      const name = args[0] as string;
      if (seen.has(name)) {
        throw new ConfigError(`Error in user declaration '${name}': ${aclRuleErrorText('EALREADY')}`, where);
      }
      seen.add(name);
      const merged = mergeSelectorArguments(args.slice(1));
      if ('unmatched' in merged) {
        throw new ConfigError(
          `Error in user declaration '${full[merged.unmatched] ?? ''}': Syntax error`,
          where,
        );
      }
      const fake = new AclUser(name, () => false);
      merged.forEach((op, j) => {
        const e = fake.apply(op);
        // Redis names argv[j] of the whole line here (an off-by-two it has), so the same word shows.
        if (e !== undefined && e !== 'ENOENT') {
          throw new ConfigError(
            `Error in user declaration '${full[j] ?? ''}': ${aclRuleErrorText(e)}`,
            where,
          );
        }
      });
    }
  }

  /**
   * ACLLoadUsersAtStartup: users from redis.conf, or from the aclfile, never both. Throws ConfigError
   * with Redis's log text when the server must not start.
   */
  loadAtStartup(lines: readonly UserLine[]): void {
    const file = this.config.getString('aclfile');
    if (file !== '' && lines.length > 0) {
      throw new ConfigError(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is ' +
          'invalid. This setup is very likely to lead to configuration errors and security holes, please ' +
          'define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    for (const { args } of lines) {
      const name = args[0] as string;
      if (hasSpaces(name)) throw new ConfigError('Spaces not allowed in ACL usernames');
      let u = this.users.get(name);
      if (u === undefined) {
        u = this.newUser(name);
        this.users.set(name, u);
      } else {
        u.apply('reset');
      }
      const merged = mergeSelectorArguments(args.slice(1));
      for (const op of 'unmatched' in merged ? [] : merged) {
        const e = u.apply(op);
        if (e !== undefined) {
          throw new ConfigError(
            `Error loading ACL rule '${op}' for the user named '${name}': ${aclRuleErrorText(e)}\n` +
              'Critical error while loading ACLs. Exiting.',
          );
        }
      }
    }
    if (file !== '') {
      const errors = this.loadFile(file);
      if (errors !== undefined)
        throw new ConfigError(`Aborting Redis startup because of ACL errors: ${errors}`);
    }
  }

  /**
   * ACLLoadFromFile: every line is `user name rules…` (split on single spaces, no quoting). Any error
   * leaves the users as they were; else the new set replaces them, the default user keeping its
   * identity, and clients of every other old user are disconnected.
   */
  private loadFile(file: string, callerId?: number): string | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : String(e);
      return `Error loading ACLs, opening file '${file}': ${why}`;
    }
    const fresh = new Map<string, AclUser>();
    let errors = '';
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      const lineno = i + 1;
      if (line === '') return;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${file}:${lineno} should start with user keyword followed by the username. `;
        return;
      }
      const name = argv[1] as string;
      if (hasSpaces(name)) {
        errors += `'${file}:${lineno}: username '${name}' contains invalid characters. `;
        return;
      }
      if (fresh.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${lineno}. `;
        return;
      }
      const u = this.newUser(name);
      fresh.set(name, u);
      const merged = mergeSelectorArguments(argv.slice(2));
      if ('unmatched' in merged) {
        errors += `${file}:${lineno}: Unmatched parenthesis in selector definition.`;
        return;
      }
      for (const op of merged) {
        const e = u.apply(op.replace(/^[\t\r\n]+|[\t\r\n]+$/g, ''));
        if (e !== undefined) errors += `${file}:${lineno}: ${aclRuleErrorText(e)}. `;
      }
    });
    if (errors !== '') {
      return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
    }
    const newDefault = fresh.get('default') ?? this.createDefaultUser();
    this.defaultUser.copyFrom(newDefault);
    fresh.set('default', this.defaultUser);
    const old = this.users;
    this.users = fresh;
    for (const [name, u] of old) if (name !== 'default') this.disconnectUser(u, callerId);
    return undefined;
  }

  // --- AUTH ---

  /** ACLCheckUserCredentials: the user when the pair is valid and the user is on. */
  credentials(username: string, password: string): AclUser | undefined {
    const u = this.users.get(username);
    return u !== undefined && u.checkPassword(password) ? u : undefined;
  }

  // --- the per-command check ---

  traits(spec: CommandSpec, fullName: string): AclCommandTraits {
    return aclTraits(spec, fullName);
  }

  /** ACLCheckAllPerm for a connection: undefined when allowed. */
  check(user: AclUser, traits: AclCommandTraits, argv: readonly string[]): AclDenial | undefined {
    return checkCommand(user, traits, argv);
  }

  /** addACLLogEntry: a repeat of a recent entry (same reason, context, object, user) bumps its count. */
  logDenial(
    client: AclClient,
    reason: AclLogEntry['reason'],
    context: AclLogEntry['context'],
    object: string,
    username?: string,
  ): void {
    const now = Date.now();
    const entry: AclLogEntry = {
      count: 1,
      reason,
      context,
      object,
      username: username ?? client.aclUser?.name ?? 'default',
      lastMs: now,
      client: client.info(now),
    };
    const scan = Math.min(10, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const e = this.entries[i] as AclLogEntry;
      if (
        e.reason === entry.reason &&
        e.context === entry.context &&
        Math.abs(e.lastMs - now) <= LOG_GROUPING_MS &&
        e.object === entry.object &&
        e.username === entry.username
      ) {
        this.entries.splice(i, 1);
        this.entries.unshift({ ...entry, count: e.count + 1 });
        return;
      }
    }
    this.entries.unshift(entry);
    const max = this.config.getNumber('acllog-max-len');
    if (this.entries.length > max) this.entries.length = Math.max(0, max);
  }

  log(count: number): readonly AclLogEntry[] {
    return this.entries.slice(0, Math.max(0, count));
  }

  resetLog(): void {
    this.entries.length = 0;
  }

  // --- ACL subcommands ---

  setUser(caller: ClientView, name: string, rules: readonly string[]): string | undefined {
    void caller;
    if (hasSpaces(name)) return "Usernames can't contain spaces or null characters";
    const merged = mergeSelectorArguments(rules);
    if ('unmatched' in merged) {
      return `Unmatched parenthesis in acl selector starting at '${rules[merged.unmatched] ?? ''}'.`;
    }
    const existing = this.users.get(name);
    const staged = existing?.clone() ?? this.newUser(name);
    for (const op of merged) {
      const e = staged.apply(op);
      if (e !== undefined) return `Error in ACL SETUSER modifier '${op}': ${aclRuleErrorText(e)}`;
    }
    if (existing !== undefined) {
      this.killRevokedSubscribers(staged, existing);
      existing.copyFrom(staged);
    } else {
      this.users.set(name, staged);
    }
    return undefined;
  }

  deleteUsers(caller: ClientView, names: readonly string[]): number {
    let deleted = 0;
    for (const name of names) {
      const u = this.users.get(name);
      if (u === undefined || name === 'default') continue;
      this.users.delete(name);
      this.disconnectUser(u, caller.id);
      deleted++;
    }
    return deleted;
  }

  getUser(name: string): AclUserView | undefined {
    const u = this.users.get(name);
    if (u === undefined) return undefined;
    return {
      flags: u.flags(),
      passwords: [...u.passwords],
      root: selectorView(u.root),
      selectors: u.selectors.slice(1).map(selectorView),
    };
  }

  private sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  list(): string[] {
    return this.sortedUsers().map((u) => `user ${u.name} ${u.describe()}`);
  }

  usernames(): string[] {
    return this.sortedUsers().map((u) => u.name);
  }

  exists(name: string): boolean {
    return this.users.has(name);
  }

  whoami(client: ClientView): string {
    for (const c of this.clients()) if (c.id === client.id) return c.aclUser?.name ?? 'default';
    return 'default';
  }

  defaultUserNopass(): boolean {
    return this.defaultUser.nopass;
  }

  commandsInCategory(category: string): string[] | undefined {
    const flag = aclCatalog().categoryFlag(category);
    return flag === 0 ? undefined : aclCatalog().inCategory(flag);
  }

  dryRun(username: string, spec: CommandSpec, fullName: string, argv: readonly string[]): string | undefined {
    const u = this.users.get(username);
    if (u === undefined) return undefined;
    const denial = checkCommand(u, aclTraits(spec, fullName), argv);
    if (denial === undefined) return undefined;
    if (denial.reason === 'command') return `This user has no permissions to run the '${fullName}' command`;
    return `This user has no permissions to access the '${denial.object}' ${denial.reason}`;
  }

  hasFile(): boolean {
    return this.config.getString('aclfile') !== '';
  }

  load(caller: ClientView): string | undefined {
    return this.loadFile(this.config.getString('aclfile'), caller.id);
  }

  save(): string | undefined {
    const file = this.config.getString('aclfile');
    const text = this.list().join('\n') + (this.users.size > 0 ? '\n' : '');
    const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
    try {
      writeFileSync(tmp, text, { encoding: 'latin1', mode: 0o644 });
      renameSync(tmp, file);
      return undefined;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // never written
      }
      return 'There was an error trying to save the ACLs. Please check the server logs for more information';
    }
  }

  /** The `user` lines CONFIG REWRITE writes (none when an aclfile holds the users). */
  rewriteLines(): string[] {
    return this.hasFile() ? [] : this.list().map((l) => l.slice('user '.length));
  }

  // --- disconnections ---

  /**
   * ACLFreeUserAndKillClients: every connection of a deleted (or replaced) user goes back to the
   * default user, unauthenticated, and is dropped; the caller only after its reply.
   */
  private disconnectUser(u: AclUser, callerId: number | undefined): void {
    for (const c of [...this.clients()]) {
      if (c.aclUser !== u) continue;
      c.revertToDefaultUser(this.defaultUser);
      if (c.id === callerId) c.closeAfterReply();
      else c.kill();
    }
  }

  /**
   * ACLKillPubsubClientsIfNeeded: when a user's channel rules shrink, its subscribers whose channels
   * or patterns are no longer allowed are disconnected.
   */
  private killRevokedSubscribers(updated: AclUser, original: AclUser): void {
    if (updated.selectors.some((s) => s.allChannels)) return;
    const upcoming = updated.selectors.flatMap((s) => s.channels);
    const kept = original.selectors.every((s) => s.channels.every((ch) => upcoming.includes(ch)));
    if (kept) return;
    for (const c of [...this.clients()]) {
      if (c.aclUser !== original) continue;
      const subs = c.subscriptions;
      const violates =
        [...subs.pattern].some((p) => !channelInList(upcoming, p, true)) ||
        [...subs.channel].some((ch) => !channelInList(upcoming, ch, false)) ||
        [...subs.shard].some((ch) => !channelInList(upcoming, ch, false));
      if (violates) c.kill();
    }
  }
}
