/**
 * The live configuration of one server: every directive's current value, CONFIG GET/SET semantics
 * (patterns, aliases, atomic multi-set with rollback) and apply hooks through which the server reacts
 * to changes (a new port, a new requirepass, …).
 */
import { isParseError, type AnyDirective } from './directive.js';
import { buildDirectives } from './directives.js';
import { globMatch } from '../util/index.js';
import type { OutputBufferLimits, ReplicaOf, SaveParam } from './special.js';
import type { ConfigView, ServerSettings } from './view.js';

/**
 * Runs after a directive changed (CONFIG SET or config load). Returns an error message to make
 * CONFIG SET fail and roll back (Redis's apply functions, e.g. "Unable to listen on this port").
 */
export type ApplyHook = (config: RedisConfig) => string | undefined;

/** Where a CONFIG SET went wrong: `argument` is the directive name as the client wrote it. */
export interface ConfigSetFailure {
  readonly kind: 'unknown' | 'failed';
  readonly argument: string;
  readonly message: string;
}

export class RedisConfig implements ConfigView {
  private readonly byName = new Map<string, AnyDirective>();
  private readonly values = new Map<string, unknown>();
  private readonly hooks = new Map<string, ApplyHook[]>();
  /** Bumped on every value change, so values derived from the config can be cached (see `cached`). */
  private generationCount = 0;
  private readonly derived = new Map<string, { generation: number; value: unknown }>();
  /** Every name CONFIG GET patterns are matched against: canonical names and aliases. */
  private readonly visibleNames: readonly string[];
  /** Absolute path of the file loaded at startup; CONFIG REWRITE writes it. */
  configFile: string | undefined;
  /** The typed settings of the current generation (see `settings`). */
  private settingsCache: { generation: number; settings: ServerSettings } | undefined;

  constructor(readonly directives: readonly AnyDirective[] = buildDirectives()) {
    const names: string[] = [];
    for (const d of directives) {
      this.byName.set(d.name, d);
      this.values.set(d.name, d.defaultValue);
      names.push(d.name);
      for (const a of d.aliases) {
        this.byName.set(a, d);
        names.push(a);
      }
    }
    this.visibleNames = names;
  }

  /** The directive for a name or alias, case-insensitively. */
  lookup(name: string): AnyDirective | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Current value, typed by the caller's knowledge of the directive. Throws on an unknown name (a bug). */
  private raw(name: string): unknown {
    const d = this.lookup(name);
    if (d === undefined) throw new Error(`unknown config directive '${name}'`);
    return this.values.get(d.name);
  }

  getBool(name: string): boolean {
    const v = this.raw(name);
    if (typeof v !== 'boolean') throw new TypeError(`config '${name}' is not a bool`);
    return v;
  }
  /**
   * A value computed from the config, recomputed only after a change: the per-command hot path reads
   * its settings through this instead of looking directives up by name on every call. `key` names
   * the computation; one key must always be given the same `compute`.
   */
  /**
   * Changes with every value change: a hot path that keeps a derived value in a field compares this
   * number instead of looking the value up (see `cached` for the keyed form).
   */
  get generation(): number {
    return this.generationCount;
  }

  cached<T>(key: string, compute: (config: RedisConfig) => T): T {
    const hit = this.derived.get(key);
    if (hit !== undefined && hit.generation === this.generationCount) return hit.value as T;
    const value = compute(this);
    this.derived.set(key, { generation: this.generationCount, value });
    return value;
  }

  /**
   * The directives the server acts on, as one typed object of the current generation: derived from
   * the values (recomputed on the first read after a change), never kept in sync by copying.
   */
  get settings(): ServerSettings {
    const hit = this.settingsCache;
    if (hit !== undefined && hit.generation === this.generationCount) return hit.settings;
    const settings: ServerSettings = Object.freeze({
      port: this.getNumber('port'),
      bind: this.bindAddresses(),
      requirepass: this.getString('requirepass'),
      timeout: this.getNumber('timeout'),
      tcpKeepalive: this.getNumber('tcp-keepalive'),
      maxclients: this.getNumber('maxclients'),
      protectedMode: this.getBool('protected-mode'),
      protoMaxBulkLen: this.getNumber('proto-max-bulk-len'),
      hz: this.effectiveHz(),
      databases: this.getNumber('databases'),
      unixsocket: this.getString('unixsocket'),
      unixsocketperm: this.getNumber('unixsocketperm'),
      clientOutputBufferLimit: this.outputBufferLimits(),
    });
    this.settingsCache = { generation: this.generationCount, settings };
    return settings;
  }
  get port(): number {
    return this.settings.port;
  }
  get bind(): readonly string[] {
    return this.settings.bind;
  }
  get requirepass(): string {
    return this.settings.requirepass;
  }
  get timeout(): number {
    return this.settings.timeout;
  }
  get tcpKeepalive(): number {
    return this.settings.tcpKeepalive;
  }
  get maxclients(): number {
    return this.settings.maxclients;
  }
  get protectedMode(): boolean {
    return this.settings.protectedMode;
  }
  get protoMaxBulkLen(): number {
    return this.settings.protoMaxBulkLen;
  }
  get hz(): number {
    return this.settings.hz;
  }
  get databases(): number {
    return this.settings.databases;
  }
  get unixsocket(): string {
    return this.settings.unixsocket;
  }
  get unixsocketperm(): number {
    return this.settings.unixsocketperm;
  }
  get clientOutputBufferLimit(): OutputBufferLimits {
    return this.settings.clientOutputBufferLimit;
  }

  getNumber(name: string): number {
    const v = this.raw(name);
    if (typeof v !== 'number') throw new TypeError(`config '${name}' is not a number`);
    return v;
  }
  getString(name: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string') throw new TypeError(`config '${name}' is not a string`);
    return v;
  }
  bindAddresses(): readonly string[] {
    return this.raw('bind') as readonly string[];
  }
  saveParams(): readonly SaveParam[] {
    return this.raw('save') as readonly SaveParam[];
  }
  outputBufferLimits(): OutputBufferLimits {
    return this.raw('client-output-buffer-limit') as OutputBufferLimits;
  }
  replicaOf(): ReplicaOf | undefined {
    return this.raw('replicaof') as ReplicaOf | undefined;
  }
  /** hz as the server uses it: Redis clamps to 1..500. */
  effectiveHz(): number {
    return Math.min(500, Math.max(1, this.getNumber('hz')));
  }

  /** CONFIG GET's text of a directive. */
  format(name: string): string {
    const d = this.lookup(name);
    if (d === undefined) throw new Error(`unknown config directive '${name}'`);
    if (d.name === 'hz') return String(this.effectiveHz());
    return d.format(this.values.get(d.name));
  }

  /** True when the directive still has its built-in default (CONFIG REWRITE skips those). */
  isDefault(d: AnyDirective): boolean {
    return d.equals(this.values.get(d.name), d.defaultValue);
  }

  valueOf(d: AnyDirective): unknown {
    return this.values.get(d.name);
  }

  /**
   * CONFIG GET: name/value pairs for every pattern. A pattern without glob characters is looked up
   * directly and answered under the name as written; a glob matches canonical names and aliases,
   * case-insensitively. Each directive appears once.
   */
  getMatching(patterns: readonly string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const d = this.lookup(pattern);
        if (d !== undefined && !out.has(pattern)) out.set(pattern, this.format(d.name));
        continue;
      }
      for (const name of this.visibleNames) {
        if (out.has(name) || !globMatch(pattern, name, true)) continue;
        out.set(name, this.format(name));
      }
    }
    return [...out];
  }

  /** Registers a hook run after the directive changes. */
  onApply(name: string, hook: ApplyHook): void {
    const d = this.lookup(name);
    if (d === undefined) throw new Error(`unknown config directive '${name}'`);
    const list = this.hooks.get(d.name) ?? [];
    list.push(hook);
    this.hooks.set(d.name, list);
  }

  /**
   * Sets one directive from its arguments (config loading). Returns Redis's error text or undefined.
   * Hooks are not run: the server reads the values when it starts.
   */
  setFromFile(d: AnyDirective, args: readonly string[], continuing: boolean): string | undefined {
    const parsed = d.parse(args, this.values.get(d.name), continuing);
    if (isParseError(parsed)) return parsed.error;
    this.values.set(d.name, parsed);
    this.generationCount++;
    return undefined;
  }

  /**
   * CONFIG SET name value [name value ...], all or nothing: every value is parsed first, then set, then
   * the apply hooks run; if one fails, the old values come back and their hooks run again.
   */
  configSet(pairs: readonly (readonly [string, string])[]): ConfigSetFailure | undefined {
    const planned: [AnyDirective, unknown, string][] = [];
    for (const [name] of pairs) {
      const d = this.lookup(name);
      if (d === undefined) return { kind: 'unknown', argument: name, message: '' };
      if (d.immutable === true)
        return { kind: 'failed', argument: name, message: "can't set immutable config" };
      if (d.protected === true && this.getString('enable-protected-configs') === 'no') {
        return { kind: 'failed', argument: name, message: "can't set protected config" };
      }
      if (planned.some(([p]) => p === d))
        return { kind: 'failed', argument: name, message: 'duplicate parameter' };
      planned.push([d, undefined, name]);
    }
    for (let i = 0; i < pairs.length; i++) {
      const [name, text] = pairs[i] as readonly [string, string];
      const entry = planned[i] as [AnyDirective, unknown, string];
      const d = entry[0];
      const parsed = d.parse(this.argsForSet(d, text), this.values.get(d.name), false);
      if (isParseError(parsed)) return { kind: 'failed', argument: name, message: parsed.error };
      entry[1] = parsed;
    }
    const old = planned.map(([d]) => this.values.get(d.name));
    for (const [d, v] of planned) this.values.set(d.name, v);
    this.generationCount++;
    for (const [d, , name] of planned) {
      const problem = this.runHooks(d);
      if (problem !== undefined) {
        planned.forEach(([pd], i) => this.values.set(pd.name, old[i]));
        this.generationCount++;
        for (const [pd] of planned) this.runHooks(pd);
        return { kind: 'failed', argument: name, message: problem };
      }
    }
    return undefined;
  }

  /** A multi-argument directive's CONFIG SET value is split like a config line ("900 1 300 10"). */
  private argsForSet(d: AnyDirective, text: string): string[] {
    if (!d.multiArg) return [text];
    if (text === '') return [''];
    return text.split(' ').filter((t) => t !== '');
  }

  private runHooks(d: AnyDirective): string | undefined {
    for (const hook of this.hooks.get(d.name) ?? []) {
      const problem = hook(this);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
}
