/**
 * In-memory command runner for unit tests of command families: no sockets, a settable clock.
 * It resolves the command from the real table and checks arity the way dispatch does, so a family's
 * tests exercise the same CommandSpec the server runs. End-to-end behaviour is tested with real clients
 * in test/interop/.
 */
import { allCommands } from '../../src/commands/index.js';
import type { CommandContext, CommandResult, CommandSpec } from '../../src/commands/index.js';
import { wrongArity } from '../../src/resp/errors.js';
import { error, type Reply } from '../../src/resp/reply.js';
import { parseReply, type ReplyNode } from '../../src/resp/reply-parser.js';
import { ServerState, commandTable, defaultConfig } from '../../src/server/state.js';
import { Keyspace, type KeyspaceObserver } from '../../src/store/index.js';

export interface TestRunner {
  readonly keyspace: Keyspace;
  /** Unix ms used as `ctx.now`; tests move it to exercise expiry. */
  now: number;
  dbIndex: number;
  /** RESP version the fake client speaks (HELLO); changes reply shapes like WITHSCORES pairs. */
  protocol: 2 | 3;
  readonly propagated: string[][];
  run(...argv: string[]): CommandResult;
}

/** `observer` sees the keyspace's writes (e.g. a test playing a snapshot's copy-on-write). */
export function makeRunner(databases = 16, observer: KeyspaceObserver = {}): TestRunner {
  const table: ReadonlyMap<string, CommandSpec> = commandTable(allCommands);
  const server = new ServerState(defaultConfig(), table);
  const keyspace = new Keyspace(databases, observer);
  const runner: TestRunner = {
    keyspace,
    now: Date.now(),
    dbIndex: 0,
    protocol: 2,
    propagated: [],
    run(...argv: string[]): CommandResult {
      const name = (argv[0] ?? '').toLowerCase();
      const container = table.get(name);
      if (container === undefined) return error(`ERR unknown command '${argv[0] ?? ''}'`);
      if ((container.arity > 0 && argv.length !== container.arity) || argv.length < -container.arity) {
        return error(wrongArity(name));
      }
      // Container commands (CONFIG, OBJECT…) dispatch on their second word, as the server does.
      const word = (argv[1] ?? '').toLowerCase();
      const full = `${name}|${word}`;
      const sub =
        argv.length >= 2
          ? container.subcommands?.find((s) => [word, full].includes(s.name.toLowerCase()))
          : undefined;
      const spec = sub ?? container;
      if (sub !== undefined && ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity)) {
        return error(wrongArity(full));
      }
      let propagateAs: (readonly string[])[] | undefined;
      let dirty = 0;
      const client = { id: 1, protocol: runner.protocol, dbIndex: runner.dbIndex, inMulti: false };
      const ctx: CommandContext = {
        keyspace,
        db: keyspace.db(runner.dbIndex),
        client,
        now: runner.now,
        keyModified: () => {
          dirty++;
        },
        databasesFlushed: (dbs) => {
          for (const db of dbs) dirty += db.size;
        },
        databasesSwapped: (a, b) => {
          dirty += 2 * (a.size + b.size);
        },
        propagateAs: (argvs) => {
          propagateAs = argvs.map((a) => [...a]);
        },
        notify: (type, event, key, db) =>
          server.keyspaceEvents.notify(type, event, key, (db ?? ctx.db).index),
        server,
      };
      const result = spec.run(ctx, argv);
      runner.dbIndex = client.dbIndex;
      if (propagateAs !== undefined) for (const a of propagateAs) runner.propagated.push([...a]);
      else if (dirty > 0 && spec.flags.includes('write')) runner.propagated.push([...argv]);
      return result.kind === 'block' ? result : decoded(result);
    },
  };
  return runner;
}

/**
 * A reply with its `encoded` parts (bytes built straight from stored data, like LRANGE's) read back
 * into the reply objects a client would see, so tests compare replies whatever way they were built.
 */
export function decoded(reply: Reply): Reply {
  if (reply.kind === 'array') return { kind: 'array', items: reply.items.map(decoded) };
  if (reply.kind !== 'encoded') return reply;
  const bytes = Buffer.from(reply.bytes, 'latin1');
  const parsed = parseReply(bytes);
  if (parsed === undefined || parsed.end !== bytes.length) throw new Error('bad encoded reply');
  return fromNode(parsed.node);
}

function fromNode(node: ReplyNode): Reply {
  if ('items' in node && node.type === '*' && node.items !== null) {
    return { kind: 'array', items: node.items.map(fromNode) };
  }
  if ('bulk' in node && node.type === '$' && node.bulk !== null) {
    return { kind: 'bulk', value: node.bulk.toString('latin1') };
  }
  throw new Error(`unexpected node in an encoded reply: ${node.type}`);
}
