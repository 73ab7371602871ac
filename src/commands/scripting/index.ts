/**
 * The scripting family (Redis eval.c, functions.c): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT
 * LOAD/EXISTS/FLUSH/KILL, FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL, FCALL, FCALL_RO.
 */
import { performance } from 'node:perf_hooks';
import {
  ERR_BUSY_SCRIPT,
  ERR_DUMP_PAYLOAD,
  ERR_FCALL_NUMKEYS,
  ERR_FUNCTION_CODE_MISSING,
  ERR_FUNCTION_FLUSH_OPTION,
  ERR_LIBRARYNAME_MISSING,
  ERR_LIBRARY_NOT_FOUND,
  ERR_NO_PERSISTENCE,
  ERR_NO_SCRIPTING,
  ERR_RESTORE_POLICY,
  ERR_SCRIPT_FLUSH_OPTION,
  ERR_UNKNOWN_ARGUMENT,
  ERR_UNKNOWN_OPTION_GIVEN,
  ERR_LDB_UNSUPPORTED,
  ERR_SCRIPT_DEBUG_MODE,
  ERR_NUMKEYS_TOO_MANY,
  ERR_NUMKEYS_NEGATIVE,
  ERR_SYNTAX,
  OK,
  ZERO,
  ONE,
  array,
  bulk,
  error,
  integer,
  map,
  simple,
  NULL,
  type Reply,
} from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { parseInt64 } from '../args.js';
import { defineCommand } from '../define.js';
import { containerCommand, helpReply } from '../server/spec.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandResult, CommandSpec } from '../types.js';
import type { ScriptOutcome } from './engine.js';
import type { Scripting } from './scripting.js';

export { Scripting, sha1hex } from './scripting.js';
export type { Library } from './scripting.js';
export type { ScriptCaller, ScriptHost, ScriptOutcome, ScriptRun } from './engine.js';

const NO_SCRIPTING = error(ERR_NO_SCRIPTING);

function scriptingOf(ctx: CommandContext): Scripting | undefined {
  return ctx.server.scripting;
}

interface ScriptCall {
  /** The command as the client sent it (FUNCTION STATS shows it). */
  readonly argv: readonly string[];
  readonly script: string;
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/** `script numkeys key... arg...`, with eval.c's numkeys errors. */
function parseScriptCall(args: ArgCursor): ScriptCall {
  const argv = args.argv;
  const script = args.string();
  return { argv, script, ...parseKeysAndArgs(args) };
}

function parseKeysAndArgs(args: ArgCursor): { keys: readonly string[]; args: readonly string[] } {
  const numkeys = args.int64();
  if (numkeys > args.remaining) return fail(ERR_NUMKEYS_TOO_MANY);
  if (numkeys < 0) return fail(ERR_NUMKEYS_NEGATIVE);
  const rest = args.rest();
  return { keys: rest.slice(0, Number(numkeys)), args: rest.slice(Number(numkeys)) };
}

/** The keys of `EVAL script numkeys key...` (evalGetKeys). */
function scriptKeys(argv: readonly string[]): readonly string[] | undefined {
  const n = Number(argv[2]);
  if (!Number.isInteger(n) || n < 0 || n > argv.length - 3) return undefined;
  return argv.slice(3, 3 + n);
}

/**
 * A script may be suspended past busy-reply-threshold when its caller can wait for the reply: a
 * client's own command, not one of EXEC's queue, nor the master's stream or the AOF's.
 */
function callerCanWait(ctx: CommandContext): boolean {
  return !ctx.client.inMulti && ctx.client.obeysPrimary !== true;
}

/** A suspended script becomes a block the server resumes (BlockRequest.script). */
function outcome(s: Scripting, out: ScriptOutcome): CommandResult {
  if (out.kind !== 'suspended') return out;
  return {
    kind: 'block',
    keys: [],
    deadlineMs: 0,
    script: true,
    retry: () => undefined,
    onTimeout: () => s.finish(),
  };
}

function evalCommand(name: string, bySha: boolean, ro: boolean): CommandSpec {
  return defineCommand({
    name,
    parse: parseScriptCall,
    apply(ctx, call) {
      const s = scriptingOf(ctx);
      if (s === undefined) return NO_SCRIPTING;
      const start = s.start(ctx.client, ctx.now, callerCanWait(ctx), call.argv);
      return outcome(s, s.eval(start, call.script, bySha, call.keys, call.args, ro));
    },
    keys: scriptKeys,
  });
}

/** EVAL script numkeys [key ...] [arg ...] — runs a Lua script. */
const evalCmd = evalCommand('eval', false, false);
/** EVALSHA sha1 numkeys [key ...] [arg ...] — runs a cached script. */
const evalsha = evalCommand('evalsha', true, false);
/** EVAL_RO script numkeys [key ...] [arg ...] — a script that may not write. */
const evalRo = evalCommand('eval_ro', false, true);
/** EVALSHA_RO sha1 numkeys [key ...] [arg ...]. */
const evalshaRo = evalCommand('evalsha_ro', true, true);

function fcallCommand(name: string, ro: boolean): CommandSpec {
  return defineCommand({
    name,
    parse(args) {
      const argv = args.argv;
      const fn = args.string();
      const text = args.peek() ?? '';
      if (parseInt64(text) === undefined) return fail(ERR_FCALL_NUMKEYS);
      return { argv, fn, ...parseKeysAndArgs(args) };
    },
    apply(ctx, call) {
      const s = scriptingOf(ctx);
      if (s === undefined) return NO_SCRIPTING;
      const start = s.start(ctx.client, ctx.now, callerCanWait(ctx), call.argv);
      return outcome(s, s.fcall(start, call.fn, call.keys, call.args, ro));
    },
    keys: scriptKeys,
  });
}

/** FCALL function numkeys [key ...] [arg ...]. */
const fcall = fcallCommand('fcall', false);
/** FCALL_RO function numkeys [key ...] [arg ...]. */
const fcallRo = fcallCommand('fcall_ro', true);

function withScripting<A>(
  name: string,
  parse: (args: ArgCursor) => A,
  apply: (s: Scripting, args: A, ctx: CommandContext) => Reply,
): CommandSpec {
  return defineCommand({
    name,
    parse,
    apply(ctx, a) {
      const s = scriptingOf(ctx);
      return s === undefined ? NO_SCRIPTING : apply(s, a, ctx);
    },
  });
}

/** ASYNC | SYNC, or nothing (FLUSH's mode; both run at once here). */
function flushMode(error: string): (args: ArgCursor) => void {
  return (args) => {
    if (args.done) return;
    const mode = args.string().toLowerCase();
    if ((mode !== 'async' && mode !== 'sync') || !args.done) fail(error);
  };
}

const SCRIPT_HELP = [
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

/** SCRIPT LOAD | EXISTS | FLUSH | KILL | HELP. */
const scriptCommand = containerCommand('script', [
  /** SCRIPT LOAD script — compiles and caches a script; its sha1. */
  withScripting(
    'script|load',
    (a) => a.string(),
    (s, body) => s.load(body),
  ),
  /** SCRIPT EXISTS sha1 [sha1 ...]. */
  withScripting(
    'script|exists',
    (a) => a.rest(),
    (s, shas) => array(shas.map((sha) => (s.exists(sha) ? ONE : ZERO))),
  ),
  /** SCRIPT FLUSH [ASYNC|SYNC]. */
  withScripting('script|flush', flushMode(ERR_SCRIPT_FLUSH_OPTION), (s) => {
    s.flushScripts();
    return OK;
  }),
  /** SCRIPT KILL — stops the script past busy-reply-threshold, unless it already wrote. */
  withScripting(
    'script|kill',
    () => undefined,
    (s) => s.kill(true),
  ),
  /** SCRIPT DEBUG YES|SYNC|NO — the Lua debugger (ldb) is not built: only NO is accepted. */
  defineCommand({
    name: 'script|debug',
    parse: (a) => a.string().toLowerCase(),
    apply: (_ctx, mode) => {
      if (mode === 'no') return OK;
      if (mode === 'yes' || mode === 'sync') return error(ERR_LDB_UNSUPPORTED);
      return error(ERR_SCRIPT_DEBUG_MODE);
    },
  }),
  defineCommand({
    name: 'script|help',
    parse: () => undefined,
    apply: () => helpReply('SCRIPT', SCRIPT_HELP),
  }),
]);

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]. */
const functionList = withScripting(
  'function|list',
  (args) => {
    let pattern: string | undefined;
    let withCode = false;
    while (!args.done) {
      const opt = args.string().toLowerCase();
      if (opt === 'withcode' && !withCode) withCode = true;
      else if (opt === 'libraryname' && pattern === undefined) {
        if (args.done) return fail(ERR_LIBRARYNAME_MISSING);
        pattern = args.string();
      } else return fail(ERR_UNKNOWN_ARGUMENT(args.argv[args.argv.length - 1] ?? ''));
    }
    return { pattern, withCode };
  },
  (s, { pattern, withCode }) => {
    const libs = [...s.libraries.values()].filter(
      (l) => pattern === undefined || globMatchSimple(pattern, l.name),
    );
    return array(
      libs.map((lib) => {
        const entries: [Reply, Reply][] = [
          [bulk('library_name'), bulk(lib.name)],
          [bulk('engine'), bulk('LUA')],
          [
            bulk('functions'),
            array(
              [...lib.functions.values()].map((f) =>
                map([
                  [bulk('name'), bulk(f.name)],
                  [bulk('description'), f.description === undefined ? NULL : bulk(f.description)],
                  [bulk('flags'), { kind: 'set', items: f.flags.map((x) => simple(x)) }],
                ]),
              ),
            ),
          ],
        ];
        if (withCode) entries.push([bulk('library_code'), bulk(lib.code)]);
        return map(entries);
      }),
    );
  },
);

/** Redis stringmatchlen for FUNCTION LIST LIBRARYNAME (the pattern is a glob). */
function globMatchSimple(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    's',
  );
  return re.test(name);
}

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

/** FUNCTION LOAD | LIST | DELETE | FLUSH | DUMP | RESTORE | STATS | KILL | HELP. */
const functionCommand = containerCommand('function', [
  /** FUNCTION LOAD [REPLACE] code. */
  withScripting(
    'function|load',
    (args) => {
      let replace = false;
      if (args.remaining > 1) {
        if (args.string().toLowerCase() !== 'replace')
          return fail(ERR_UNKNOWN_OPTION_GIVEN(args.argv[2] ?? ''));
        replace = true;
      }
      if (args.remaining !== 1) return fail(ERR_FUNCTION_CODE_MISSING);
      return { replace, code: args.string() };
    },
    (s, { replace, code }, ctx) => {
      const out = s.loadLibrary(code, replace);
      if (typeof out !== 'string') return error(out.error);
      ctx.keyModified('\0functions');
      return bulk(out);
    },
  ),
  functionList,
  /** FUNCTION DELETE library-name. */
  withScripting(
    'function|delete',
    (a) => a.string(),
    (s, name, ctx) => {
      if (!s.deleteLibrary(name)) return error(ERR_LIBRARY_NOT_FOUND);
      ctx.keyModified('\0functions');
      return OK;
    },
  ),
  /** FUNCTION FLUSH [ASYNC|SYNC]. */
  withScripting('function|flush', flushMode(ERR_FUNCTION_FLUSH_OPTION), (s, _a, ctx) => {
    s.flushFunctions();
    ctx.keyModified('\0functions');
    return OK;
  }),
  /** FUNCTION STATS — the function past busy-reply-threshold (a busy EVAL gets BUSY), the engines. */
  withScripting(
    'function|stats',
    () => undefined,
    (s) => {
      const run = s.running;
      if (run?.evalMode === true) return error(ERR_BUSY_SCRIPT);
      const running =
        run === undefined
          ? NULL
          : map([
              [bulk('name'), bulk(run.name)],
              [bulk('command'), array(run.argv.map((a) => bulk(a)))],
              [bulk('duration_ms'), integer(Math.floor(performance.now() - run.startedAt))],
            ]);
      return map([
        [bulk('running_script'), running],
        [
          bulk('engines'),
          map([
            [
              bulk('LUA'),
              map([
                [bulk('libraries_count'), integer(s.libraries.size)],
                [bulk('functions_count'), integer(s.functionCount())],
              ]),
            ],
          ]),
        ],
      ]);
    },
  ),
  /** FUNCTION KILL — stops the function past busy-reply-threshold, unless it already wrote. */
  withScripting(
    'function|kill',
    () => undefined,
    (s) => s.kill(false),
  ),
  /** FUNCTION DUMP — the libraries as a DUMP-style payload (RDB_OPCODE_FUNCTION2 entries). */
  withScripting(
    'function|dump',
    () => undefined,
    (s, _a, ctx) => {
      const p = ctx.server.persistence;
      if (p === undefined) return error(ERR_NO_PERSISTENCE);
      return bulk(p.dumpFunctions([...s.libraries.values()].map((l) => l.code)).toString('latin1'));
    },
  ),
  /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
  withScripting(
    'function|restore',
    (args) => {
      const payload = args.string();
      let policy: 'flush' | 'append' | 'replace' = 'append';
      if (!args.done) {
        const p = args.string().toLowerCase();
        if (p !== 'flush' && p !== 'append' && p !== 'replace') return fail(ERR_RESTORE_POLICY);
        policy = p;
      }
      if (!args.done) return fail(ERR_SYNTAX);
      return { payload, policy };
    },
    (s, { payload, policy }, ctx) => {
      const p = ctx.server.persistence;
      if (p === undefined) return error(ERR_NO_PERSISTENCE);
      const codes = p.restoreFunctions(Buffer.from(payload, 'latin1'));
      if (codes === undefined) return error(ERR_DUMP_PAYLOAD);
      const reply = restoreLibraries(s, codes, policy);
      if (reply.kind !== 'error') ctx.keyModified('\0functions');
      return reply;
    },
  ),
  defineCommand({
    name: 'function|help',
    parse: () => undefined,
    apply: () => helpReply('FUNCTION', FUNCTION_HELP),
  }),
]);

/** functionRestoreCommand: all libraries load or none does. */
function restoreLibraries(
  s: Scripting,
  codes: readonly string[],
  policy: 'flush' | 'append' | 'replace',
): Reply {
  const saved = [...s.libraries.values()].map((l) => l.code);
  if (policy === 'flush') s.flushFunctions();
  for (const code of codes) {
    const out = s.loadLibrary(code, policy === 'replace');
    if (typeof out !== 'string') {
      s.flushFunctions();
      for (const old of saved) s.loadLibrary(old, true);
      return error(out.error);
    }
  }
  return OK;
}

export const scriptingCommands: readonly CommandSpec[] = [
  evalCmd,
  evalsha,
  evalRo,
  evalshaRo,
  fcall,
  fcallRo,
  scriptCommand,
  functionCommand,
];
