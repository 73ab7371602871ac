/**
 * Loading redis.conf the way redis-server does (config.c loadServerConfig / loadServerConfigFromString):
 * the file's text, then the command-line `--name value` options appended as more lines; each line
 * trimmed, '#' comments and blanks skipped, split with sdssplitargs, the directive name matched
 * case-insensitively (aliases included), `include` read recursively (glob patterns allowed, as in
 * Redis 7). A bad line stops loading with Redis's FATAL CONFIG FILE ERROR text plus the file name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RedisConfig } from './config.js';
import { DEPRECATED_DIRECTIVES } from './directives.js';
import { globMatch } from '../util/index.js';
import { quoteArg, splitArgs } from '../resp/index.js';

export const REDIS_COMPAT_VERSION = '7.0.15';

/** A config error: `format()` gives the text redis-server prints before exiting. */
export class ConfigError extends Error {
  constructor(
    readonly reason: string,
    /** Absent when the problem is not tied to a line (unreadable file). */
    readonly where?: ConfigLocation,
  ) {
    super(where === undefined ? reason : `${where.file}:${where.line}: ${reason}`);
    this.name = 'ConfigError';
  }

  format(): string {
    if (this.where === undefined) return `${this.reason}\n`;
    return (
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_COMPAT_VERSION}) ***\n` +
      `Reading the configuration file, at line ${this.where.line}\n` +
      `>>> '${this.where.text}'\n` +
      `${this.reason}\n` +
      `in ${this.where.file}:${this.where.line}\n`
    );
  }
}

/** Source name used for the command-line options in error messages. */
export const COMMAND_LINE = '(command line)';

/** Where a config line came from (error messages). */
export interface ConfigLocation {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** `rename-command from to`; `to` "" disables the command. The server applies them, in file order. */
export interface RenameCommand {
  readonly from: string;
  readonly to: string;
  readonly where: ConfigLocation;
}

/** A `user` line of redis.conf. */
export interface UserDirective {
  readonly args: readonly string[];
  readonly where: ConfigLocation;
}

/** Lines that are not settings: rename-command (applied by the server to its command table), include. */
export interface ExtraDirectives {
  readonly renameCommands: RenameCommand[];
  /** `user name rules…` lines (args without the word `user`); the server's ACL checks and loads them. */
  readonly users: UserDirective[];
  readonly includes: string[];
}

export interface LoadedConfig {
  readonly config: RedisConfig;
  readonly extras: ExtraDirectives;
}

/**
 * Turns redis-server style arguments (`--port 7000 --bind "127.0.0.1 ::1" --save`) into config text,
 * as redis-server's main() does: each `--name` starts a new line, each following value is appended
 * quoted (sdscatrepr); a bare `--save` means `save ""`.
 */
export function optionsToConfigText(argv: readonly string[]): string {
  let text = '';
  let haveValue = true;
  for (let j = 0; j < argv.length; j++) {
    const arg = argv[j] as string;
    if (haveValue && arg.startsWith('--')) {
      if (text.length > 0) text += '\n';
      text += arg.slice(2) + ' ';
      const parts = splitArgs(arg) ?? [];
      if (parts.length === 1) {
        haveValue = false;
        const next = argv[j + 1];
        if (arg.toLowerCase() === '--save' && (next === undefined || next.startsWith('--'))) {
          text += '""';
          haveValue = true;
        }
      } else {
        haveValue = true;
      }
    } else {
      text += quoteArg(arg) + ' ';
      haveValue = true;
    }
  }
  return text;
}

interface LoadState {
  readonly config: RedisConfig;
  readonly extras: ExtraDirectives;
  /** Directives already set by an earlier line of this load (a second `save` line adds). */
  readonly seen: Set<string>;
  depth: number;
}

const MAX_INCLUDE_DEPTH = 32;

/**
 * Loads a config file (or none) plus command-line options. Throws ConfigError on the first bad line.
 * Strings are latin1 throughout: a password with UTF-8 bytes matches the bytes a client sends.
 */
export function loadConfig(file: string | undefined, options: readonly string[] = []): LoadedConfig {
  const config = new RedisConfig();
  const state: LoadState = {
    config,
    extras: { renameCommands: [], users: [], includes: [] },
    seen: new Set(),
    depth: 0,
  };
  if (file !== undefined) {
    config.configFile = resolve(file);
    loadFile(state, file);
  }
  if (options.length > 0) loadText(state, optionsToConfigText(options), COMMAND_LINE);
  return { config, extras: state.extras };
}

/** Parses config text (tests, and `redmesh server -` style callers). */
export function loadConfigText(text: string, sourceName = '(text)'): LoadedConfig {
  const config = new RedisConfig();
  const state: LoadState = {
    config,
    extras: { renameCommands: [], users: [], includes: [] },
    seen: new Set(),
    depth: 0,
  };
  loadText(state, text, sourceName);
  return { config, extras: state.extras };
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why =
      code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : String(e);
    throw new ConfigError(`Fatal error, can't open config file '${path}': ${why}`);
  }
}

function loadFile(state: LoadState, path: string): void {
  loadText(state, readConfigFile(path), path);
}

/** `include` with wildcards: files matching the pattern (none is fine), in name order. */
function expandInclude(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const dir = dirname(pattern);
  const filePattern = basename(pattern);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.') && globMatch(filePattern, n))
    .sort()
    .map((n) => join(dir, n));
}

function loadText(state: LoadState, text: string, source: string): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const where: ConfigLocation = { file: source, line: i + 1, text: line };
    const fail = (reason: string): never => {
      throw new ConfigError(reason, where);
    };
    const argv = splitArgs(line);
    if (argv === undefined) fail('Unbalanced quotes in configuration line');
    if (argv === undefined || argv.length === 0) continue;
    const name = (argv[0] as string).toLowerCase();
    const args = argv.slice(1);
    const problem = applyLine(state, name, args, where);
    if (problem !== undefined) fail(problem);
  }
}

/** One directive line; returns Redis's error text for a bad line. */
function applyLine(
  state: LoadState,
  name: string,
  args: readonly string[],
  where: ConfigLocation,
): string | undefined {
  const d = state.config.lookup(name);
  if (d !== undefined) {
    if (!d.multiArg && args.length !== 1) return 'wrong number of arguments';
    // A multi-argument directive given as one quoted argument ("--bind '127.0.0.1 ::1'") is split again.
    const effective =
      d.multiArg && args.length === 1 && args[0] !== '' ? (splitArgs(args[0] as string) ?? args) : args;
    const problem = state.config.setFromFile(d, effective, state.seen.has(d.name));
    state.seen.add(d.name);
    return problem;
  }
  const deprecated = DEPRECATED_DIRECTIVES.find(
    ([n, min, max]) => n === name && args.length + 1 >= min && args.length + 1 <= max,
  );
  if (deprecated !== undefined) return undefined;
  if (name === 'include' && args.length === 1) return include(state, args[0] as string);
  if (name === 'rename-command' && args.length === 2) {
    state.extras.renameCommands.push({ from: args[0] as string, to: args[1] as string, where });
    return undefined;
  }
  if (name === 'user' && args.length >= 1) {
    state.extras.users.push({ args, where });
    return undefined;
  }
  if (name === 'loadmodule' || name === 'sentinel') {
    return `'${name}' is not supported by redmesh (no modules or sentinel); remove this line`;
  }
  return 'Bad directive or wrong number of arguments';
}

function include(state: LoadState, pattern: string): string | undefined {
  if (state.depth >= MAX_INCLUDE_DEPTH) return `include nested deeper than ${MAX_INCLUDE_DEPTH} levels`;
  state.extras.includes.push(pattern);
  state.depth++;
  try {
    for (const file of expandInclude(pattern)) loadFile(state, file);
  } finally {
    state.depth--;
  }
  return undefined;
}

/**
 * Settings redmesh accepts in a file but cannot honour; the server refuses to start with these messages
 * rather than silently run differently from what the operator asked for.
 */
export function unsupportedSettings(config: RedisConfig): string[] {
  const out: string[] = [];
  if (config.getBool('cluster-enabled'))
    out.push("'cluster-enabled yes' is not supported: redmesh has no cluster mode");
  if (config.getNumber('tls-port') !== 0)
    out.push("'tls-port' is not supported: redmesh has no TLS listener (use the VPN)");
  return out;
}
