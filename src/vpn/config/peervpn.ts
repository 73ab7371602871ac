/**
 * Reader for PeerVPN 0.044 config files (`peervpn.conf`), with PeerVPN's own parsing semantics
 * (specs/peervpn-0.044.md §3) so existing files load unchanged:
 *
 * - one `name value` per line; leading and trailing whitespace ignored, whitespace inside a value kept;
 * - `#` and `;` start a comment anywhere on a line, *including inside a value*;
 * - a repeated option silently replaces the earlier one (so `initpeers` must list every peer on one line);
 * - booleans are prefix-matched: `yes…`/`true…`/`1…` on, `no…`/`false…`/`0…` off, anything else an error;
 * - an unknown option is an error; `endconfig` stops reading; `echo text` prints text while reading.
 *
 * Where PeerVPN silently does something dangerous, this reader refuses with the reason instead:
 * a missing/empty PSK (PeerVPN uses the public word `default`), a PSK shorter than
 * {@link MIN_PSK_LENGTH}, and a PSK line that a `#`/`;` cut short.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { nodeIdentityFromText, parseAllowedNodes, type AllowedNode } from '../protocol/node-keys.js';
import type { EngineIdentity as NodeIdentity } from '../engine/types.js';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { createInterface } from 'node:readline';

/** Shortest PSK accepted. PeerVPN accepts anything (docs recommend ≥ 8); every handshake packet lets an
 * eavesdropper test PSK guesses offline, so a short key is a guessable key. `redmesh keygen` gives 512. */
export const MIN_PSK_LENGTH = 16;

/** PeerVPN's line limit (`config.ic`). */
const MAX_LINE_LENGTH = 4096;

/** Linux IFNAMSIZ is 16 including the NUL. */
const MAX_INTERFACE_NAME_LENGTH = 15;

/** A config error, located at `file:line` when it comes from a line. */
export class PeerVpnConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'PeerVpnConfigError';
  }
}

export interface InterfaceAddress {
  readonly address: string;
  readonly prefixLength: number;
}

/** One `initpeers` entry. `host` may be a name: it is resolved again on every dial, as PeerVPN does. */
export interface InitPeer {
  readonly host: string;
  readonly port: number;
}

/** A loaded, validated config. Field comments name the PeerVPN option. */
export interface PeerVpnConfig {
  /** `port`: UDP port for both sockets; 0 lets the kernel pick. */
  readonly port: number;
  /** `networkname` as written. */
  readonly networkNameRaw: string;
  /** `networkname` normalised as PeerVPN does (uppercase, non-alphanumeric → `_`). */
  readonly networkName: string;
  /** `psk`. */
  readonly psk: string;
  /** `enabletunneling`: open the TAP device; `no` = discovery/relay-only node. */
  readonly tunneling: boolean;
  /** `interface`: TAP name; '' lets the kernel pick (`tapN`). */
  readonly interfaceName: string;
  /** `ifconfig4`. */
  readonly ifconfig4: InterfaceAddress | undefined;
  /** `ifconfig6`. */
  readonly ifconfig6: InterfaceAddress | undefined;
  /** `initpeers`. */
  readonly initPeers: readonly InitPeer[];
  /** `local`: bind address for the UDP sockets. */
  readonly local: string | undefined;
  /** `enableipv4` / `enableipv6`. */
  readonly ipv4: boolean;
  readonly ipv6: boolean;
  /** `enablerelay`. */
  readonly relay: boolean;
  /** `enableprivdrop`: become nobody/nogroup after setup. */
  readonly privDrop: boolean;
  /** `user` / `group` / `chroot`: explicit privilege drop. */
  readonly user: string | undefined;
  readonly group: string | undefined;
  readonly chroot: string | undefined;
  /** `upcmd`: operator shell command run once the interface is up. */
  readonly upcmd: string | undefined;
  /** `sockmark`: SO_MARK for the UDP sockets; 0 = unset. */
  readonly sockmark: number;
  /** `enablendpcache`. */
  readonly ndpCache: boolean;
  /** Things accepted but ignored, to print as warnings. */
  readonly warnings: readonly string[];
  /** Texts of `echo` lines, in order, to print as PeerVPN does. */
  readonly echoes: readonly string[];
  /**
   * redmesh `nodekey <file>`: this node's private X25519 key (`redmesh keygen --node`), so its identity
   * outlives the process. Undefined: a fresh identity per process, as PeerVPN. The path is resolved
   * against the config file's directory; `loadPeerVpnConfig` reads the key.
   */
  readonly nodeKeyPath: string | undefined;
  readonly nodeKey: NodeIdentity | undefined;
  /**
   * redmesh `allowednodes <file>`: the public node keys this node admits (one per line). Undefined:
   * anyone holding the PSK. Re-read by the daemon while it runs, so removing a key revokes that node.
   */
  readonly allowedNodesPath: string | undefined;
  readonly allowedNodes: readonly AllowedNode[] | undefined;
}

type OptionKind = 'string' | 'bool' | 'ignored';

/** Every option PeerVPN 0.044 reads. `ignored` ones are accepted with a warning. */
const OPTIONS: Readonly<Record<string, OptionKind>> = {
  port: 'string',
  networkname: 'string',
  psk: 'string',
  enabletunneling: 'bool',
  interface: 'string',
  ifconfig4: 'string',
  ifconfig6: 'string',
  upcmd: 'string',
  initpeers: 'string',
  local: 'string',
  sockmark: 'string',
  enableipv4: 'bool',
  enableipv6: 'bool',
  enablenat64clat: 'bool',
  enablendpcache: 'bool',
  enablerelay: 'bool',
  enableprivdrop: 'bool',
  user: 'string',
  group: 'string',
  chroot: 'string',
  engine: 'ignored',
  enableconsole: 'bool',
  enableseccomp: 'bool',
  forceseccomp: 'bool',
  enablevirtserv: 'bool',
  // redmesh's own (a PeerVPN config never has them, so it keeps working unchanged):
  nodekey: 'string',
  allowednodes: 'string',
};

/** Boolean options whose `yes` redmesh does not implement: accepted, warned about. */
const UNSUPPORTED_WHEN_ON: Readonly<Record<string, string>> = {
  enablenat64clat: 'NAT64 CLAT sending is not implemented',
  enableconsole: 'the stdin console is not implemented; use `redmesh vpn status`',
  enableseccomp: 'seccomp filtering is not implemented',
  forceseccomp: 'seccomp filtering is not implemented',
  enablevirtserv: 'the virtual IPv6 echo host is not implemented',
};

/** One option occurrence: its value after comment-stripping, and where it came from. */
interface Occurrence {
  readonly value: string;
  readonly line: number;
  /** The line as written, before comment-stripping (for the PSK truncation check). */
  readonly raw: string;
}

/**
 * PeerVPN's `utilStringFilter` on the network name: a–z uppercased, every other non-alphanumeric
 * character becomes `_`. An empty name becomes `default` first (`p2psecSetNetname`).
 */
export function normaliseNetworkName(name: string): string {
  const source = name === '' ? 'default' : name;
  let out = '';
  for (const ch of source) {
    if (/^[a-z]$/.test(ch)) out += ch.toUpperCase();
    else if (/^[A-Z0-9]$/.test(ch)) out += ch;
    else out += '_';
  }
  return out;
}

/** PeerVPN's prefix-matched boolean, or undefined when the value is neither. */
export function parsePeerVpnBool(value: string): boolean | undefined {
  if (value.startsWith('yes') || value.startsWith('true') || value.startsWith('1')) return true;
  if (value.startsWith('no') || value.startsWith('false') || value.startsWith('0')) return false;
  return undefined;
}

/** Strips a line to PeerVPN's view of it: comment cut at the first `#`/`;`, whitespace trimmed. */
function stripLine(raw: string): string {
  const cut = raw.search(/[#;]/);
  return (cut === -1 ? raw : raw.slice(0, cut)).trim();
}

/**
 * Parses config text. `file` names the source in error messages (`-` for stdin).
 * Throws {@link PeerVpnConfigError} on the first problem.
 */
export function parsePeerVpnConfig(text: string, file: string): PeerVpnConfig {
  const seen = new Map<string, Occurrence>();
  const echoes: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? '';
    if (raw.length > MAX_LINE_LENGTH) {
      throw new PeerVpnConfigError(file, lineNo, `line longer than ${MAX_LINE_LENGTH} characters`);
    }
    const line = stripLine(raw);
    if (line === '') continue;
    const split = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
    const name = split?.[1] ?? line;
    const value = split?.[2] ?? '';
    if (name === 'endconfig') break;
    if (name === 'echo') {
      echoes.push(value);
      continue;
    }
    const kind = OPTIONS[name];
    if (kind === undefined) throw new PeerVpnConfigError(file, lineNo, `unknown option '${name}'`);
    if (kind === 'bool' && parsePeerVpnBool(value) === undefined) {
      throw new PeerVpnConfigError(
        file,
        lineNo,
        `'${name}' needs a boolean (yes/true/1 or no/false/0), got '${value}'`,
      );
    }
    seen.set(name, { value, line: lineNo, raw });
  }
  return buildConfig(seen, echoes, file);
}

/** Turns the last occurrence of each option into typed, validated fields. */
function buildConfig(
  seen: ReadonlyMap<string, Occurrence>,
  echoes: readonly string[],
  file: string,
): PeerVpnConfig {
  const warnings: string[] = [];
  const fail = (name: string, reason: string): never => {
    throw new PeerVpnConfigError(file, seen.get(name)?.line, reason);
  };
  const str = (name: string): string | undefined => seen.get(name)?.value;
  const bool = (name: string, fallback: boolean): boolean => {
    const v = seen.get(name);
    return v === undefined ? fallback : (parsePeerVpnBool(v.value) ?? fallback);
  };

  for (const [name, reason] of Object.entries(UNSUPPORTED_WHEN_ON)) {
    if (bool(name, false)) warnings.push(`${locate(file, seen, name)}: '${name}' ignored: ${reason}`);
  }
  if (seen.has('engine')) {
    warnings.push(`${locate(file, seen, 'engine')}: 'engine' ignored: redmesh does not load OpenSSL engines`);
  }

  const upcmd = seen.get('upcmd');
  if (upcmd !== undefined && /[#;]/.test(upcmd.raw)) {
    warnings.push(
      `${file}:${upcmd.line}: upcmd is cut at the first '#' or ';' (PeerVPN's comment rule): ` +
        `it runs as '${upcmd.value}'; chain commands with && instead`,
    );
  }
  const networkNameRaw = str('networkname');
  const interfaceName = str('interface') ?? '';
  if (interfaceName.length > MAX_INTERFACE_NAME_LENGTH) {
    fail('interface', `interface name '${interfaceName}' is longer than 15 characters`);
  }
  if (/[\s/]/.test(interfaceName)) {
    fail('interface', `interface name '${interfaceName}' may not contain whitespace or '/'`);
  }
  const local = str('local');
  if (local !== undefined && isIP(local) === 0) {
    fail('local', `'local' needs an IPv4 or IPv6 address, got '${local}'`);
  }
  const ipv4 = bool('enableipv4', true);
  const ipv6 = bool('enableipv6', true);
  if (!ipv4 && !ipv6) fail('enableipv4', 'both enableipv4 and enableipv6 are off: no socket to use');

  return {
    port: parsePort(str('port'), 0, (r) => fail('port', r)),
    networkNameRaw: networkNameRaw ?? 'PEERVPN',
    networkName: networkNameRaw === undefined ? 'PEERVPN' : normaliseNetworkName(networkNameRaw),
    psk: checkPsk(seen.get('psk'), file),
    tunneling: bool('enabletunneling', true),
    interfaceName,
    ifconfig4: parseCidr(str('ifconfig4'), 4, (r) => fail('ifconfig4', r)),
    ifconfig6: parseCidr(str('ifconfig6'), 6, (r) => fail('ifconfig6', r)),
    initPeers: parseInitPeers(str('initpeers') ?? '', (r) => fail('initpeers', r)),
    local,
    ipv4,
    ipv6,
    relay: bool('enablerelay', false),
    privDrop: bool('enableprivdrop', true),
    user: nonEmpty(str('user')),
    group: nonEmpty(str('group')),
    chroot: nonEmpty(str('chroot')),
    upcmd: nonEmpty(str('upcmd')),
    sockmark: parseSockmark(str('sockmark'), (r) => fail('sockmark', r)),
    ndpCache: bool('enablendpcache', false),
    warnings,
    echoes,
    nodeKeyPath: nonEmpty(str('nodekey')),
    nodeKey: undefined,
    allowedNodesPath: nonEmpty(str('allowednodes')),
    allowedNodes: undefined,
  };
}

function locate(file: string, seen: ReadonlyMap<string, Occurrence>, name: string): string {
  return `${file}:${seen.get(name)?.line ?? 0}`;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/**
 * The PSK rules PeerVPN lacks. PeerVPN silently uses the public word `default` when the PSK is absent
 * or empty, and cuts a PSK at `#`/`;` (so `psk abc#def` is `abc`); both leave a network anyone can join.
 */
function checkPsk(psk: Occurrence | undefined, file: string): string {
  const advice = 'generate one with `redmesh keygen` and put it on a `psk` line';
  if (psk === undefined) {
    throw new PeerVpnConfigError(
      file,
      undefined,
      `no 'psk' option: PeerVPN would silently use the public key 'default', which lets anyone join; ${advice}`,
    );
  }
  const fail = (reason: string): never => {
    throw new PeerVpnConfigError(file, psk.line, reason);
  };
  const afterName = psk.raw.trimStart().slice('psk'.length);
  const cut = afterName.search(/[#;]/);
  if (cut !== -1 && afterName.slice(0, cut).trim() !== '') {
    fail(
      `the psk contains '${afterName[cut] ?? '#'}', which PeerVPN reads as the start of a comment: the key ` +
        `would silently be cut to its first ${psk.value.length} characters. Use a key without '#' or ';' ` +
        `(${advice}: base64 has neither) and put comments on their own line`,
    );
  }
  if (psk.value === '' || psk.value === 'default') {
    fail(`psk '${psk.value}' is PeerVPN's public default, which lets anyone join; ${advice}`);
  }
  if (psk.value.length < MIN_PSK_LENGTH) {
    fail(
      `psk is ${psk.value.length} characters; at least ${MIN_PSK_LENGTH} are required, because anyone who ` +
        `captures one handshake packet can test guesses offline; ${advice}`,
    );
  }
  return psk.value;
}

function parseInteger(value: string): number | undefined {
  return /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

function parsePort(value: string | undefined, fallback: number, fail: (r: string) => never): number {
  if (value === undefined) return fallback;
  const n = parseInteger(value);
  if (n === undefined || n > 65535) return fail(`'port' needs a UDP port 0-65535, got '${value}'`);
  return n;
}

function parseSockmark(value: string | undefined, fail: (r: string) => never): number {
  if (value === undefined) return 0;
  const n = parseInteger(value);
  if (n === undefined || n > 0xffffffff) {
    return fail(`'sockmark' needs an integer 0-4294967295, got '${value}'`);
  }
  return n;
}

function parseCidr(
  value: string | undefined,
  family: 4 | 6,
  fail: (r: string) => never,
): InterfaceAddress | undefined {
  if (value === undefined) return undefined;
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(value);
  const address = m?.[1] ?? '';
  const prefixLength = Number(m?.[2] ?? -1);
  const valid = family === 4 ? isIPv4(address) : isIPv6(address);
  const maxLength = family === 4 ? 32 : 128;
  if (m === null || !valid || prefixLength > maxLength) {
    const example = family === 4 ? '10.8.0.1/24' : 'fd00::1/64';
    return fail(`'ifconfig${family}' needs an IPv${family} address/length like ${example}, got '${value}'`);
  }
  return { address, prefixLength };
}

/** `host port [host port]…` on one line. */
function parseInitPeers(value: string, fail: (r: string) => never): InitPeer[] {
  const tokens = value.split(/\s+/).filter((t) => t !== '');
  if (tokens.length % 2 !== 0) {
    return fail(`'initpeers' needs host/port pairs ('host port host port …'), got '${value}'`);
  }
  const peers: InitPeer[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const host = tokens[i] ?? '';
    const port = parseInteger(tokens[i + 1] ?? '');
    if (host.length > 254) return fail(`'initpeers' host '${host.slice(0, 32)}…' is too long`);
    if (port === undefined || port < 1 || port > 65535) {
      return fail(`'initpeers' port for '${host}' must be 1-65535, got '${tokens[i + 1] ?? ''}'`);
    }
    peers.push({ host, port });
  }
  return peers;
}

/**
 * Reads config text from stdin the way `peervpn -` does: up to an `endconfig` line or end of input,
 * whichever comes first (so a supervisor may keep stdin open after the config).
 */
export async function readConfigFromStream(stream: NodeJS.ReadableStream): Promise<string> {
  const lines: string[] = [];
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of rl) {
    lines.push(line);
    if (stripLine(line) === 'endconfig') break;
  }
  rl.close();
  return lines.join('\n');
}

/** Loads a config from a file path, or from stdin when `path` is `-`. */
export async function loadPeerVpnConfig(path: string): Promise<PeerVpnConfig> {
  if (path === '-') return parsePeerVpnConfig(await readConfigFromStream(process.stdin), '-');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PeerVpnConfigError(path, undefined, `cannot read config: ${(err as Error).message}`);
  }
  const parsed = parsePeerVpnConfig(text, path);
  const permissionWarning = checkPermissions(path, (await stat(path)).mode, parsed);
  const config = await loadNodeKeys(parsed, dirname(path));
  return permissionWarning === undefined
    ? config
    : { ...config, warnings: [...config.warnings, permissionWarning] };
}

/**
 * Reads the files `nodekey` and `allowednodes` name (relative paths against `baseDir`, the config
 * file's directory). A node key is a secret: refused when others may write it, warned about when they
 * may read it. Any problem is an error naming the file: a node must not start with an identity or a
 * list other than the one configured.
 */
async function loadNodeKeys(config: PeerVpnConfig, baseDir: string): Promise<PeerVpnConfig> {
  const warnings = [...config.warnings];
  let nodeKeyPath = config.nodeKeyPath;
  let nodeKey: NodeIdentity | undefined;
  if (nodeKeyPath !== undefined) {
    nodeKeyPath = resolve(baseDir, nodeKeyPath);
    const text = await readKeyFile(nodeKeyPath, 'nodekey');
    const mode = (await stat(nodeKeyPath)).mode;
    if ((mode & 0o002) !== 0) {
      throw new PeerVpnConfigError(
        nodeKeyPath,
        undefined,
        `refusing a node key writable by every user: run 'chmod 600 ${nodeKeyPath}'`,
      );
    }
    if ((mode & 0o066) !== 0) {
      warnings.push(
        `${nodeKeyPath}: SECURITY: the node key is readable or writable by others (mode ${(mode & 0o777).toString(8)}): run 'chmod 600 ${nodeKeyPath}'`,
      );
    }
    try {
      nodeKey = nodeIdentityFromText(text);
    } catch (err) {
      throw new PeerVpnConfigError(nodeKeyPath, undefined, (err as Error).message);
    }
  }
  let allowedNodesPath = config.allowedNodesPath;
  let allowedNodes: readonly AllowedNode[] | undefined;
  if (allowedNodesPath !== undefined) {
    allowedNodesPath = resolve(baseDir, allowedNodesPath);
    allowedNodes = parseAllowedNodesFile(
      allowedNodesPath,
      await readKeyFile(allowedNodesPath, 'allowednodes'),
    );
  }
  return { ...config, warnings, nodeKeyPath, nodeKey, allowedNodesPath, allowedNodes };
}

async function readKeyFile(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new PeerVpnConfigError(
      path,
      undefined,
      `cannot read the '${option}' file: ${(err as Error).message}`,
    );
  }
}

/** An allowednodes file's keys; a bad line is an error at `file:line`. */
export function parseAllowedNodesFile(path: string, text: string): AllowedNode[] {
  try {
    return parseAllowedNodes(text);
  } catch (err) {
    const m = /^line (\d+): (.*)$/.exec((err as Error).message);
    throw new PeerVpnConfigError(
      path,
      m === null ? undefined : Number(m[1]),
      m?.[2] ?? (err as Error).message,
    );
  }
}

/**
 * A config holding the PSK (every one does) or an `upcmd` (run as root) is a secret and a command:
 * writable by others it is refused (anyone on the host could change the network key or run code as
 * root); readable by others it gets a loud warning (anyone on the host could join the network).
 * Returns that warning, if any.
 */
export function checkPermissions(path: string, mode: number, config: PeerVpnConfig): string | undefined {
  const holds = config.upcmd !== undefined ? 'the PSK and an upcmd' : 'the PSK';
  if ((mode & 0o002) !== 0) {
    throw new PeerVpnConfigError(
      path,
      undefined,
      `refusing a config writable by every user: it holds ${holds}; run 'chmod o-w ${path}' (or better 600)`,
    );
  }
  const others = [
    (mode & 0o020) !== 0 ? 'writable by its group' : '',
    (mode & 0o044) !== 0 ? 'readable by others' : '',
  ]
    .filter((s) => s !== '')
    .join(' and ');
  if (others === '') return undefined;
  return `${path}: SECURITY: the config is ${others} (mode ${(mode & 0o777).toString(8)}) and holds ${holds}: run 'chmod 600 ${path}'`;
}
