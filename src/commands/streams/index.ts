/**
 * The stream family (Redis t_stream.c): XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID, XREAD,
 * the consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM) and XINFO. The value
 * type lives in store/stream.ts.
 */
import { error, unknownSubcommand, wrongArity } from '../../resp/index.js';
import { tableCommand } from '../define.js';
import type { CommandResult, CommandSpec } from '../types.js';
import {
  xack,
  xautoclaim,
  xclaim,
  xgroupCreate,
  xgroupCreateconsumer,
  xgroupDelconsumer,
  xgroupDestroy,
  xgroupSetid,
  xpending,
} from './group.js';
import { xgroupHelp, xinfoConsumers, xinfoGroups, xinfoHelp, xinfoStream } from './info.js';
import { xrange, xread, xreadgroup, xrevrange } from './read.js';
import { xadd, xdel, xlen, xsetid, xtrim } from './write.js';

/** A container (XGROUP, XINFO) dispatching to its subcommands, for runners that only know the container. */
function container(name: string, subcommands: readonly CommandSpec[]): CommandSpec {
  return tableCommand(
    name,
    (ctx, argv): CommandResult => {
      const word = (argv[1] as string).toLowerCase();
      const sub = subcommands.find((s) => s.name === `${name}|${word}`);
      if (sub === undefined) return error(unknownSubcommand(argv[1] as string, name));
      if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) {
        return error(wrongArity(sub.name));
      }
      return sub.run(ctx, argv);
    },
    { subcommands },
  );
}

const xgroup = container('xgroup', [
  xgroupCreate,
  xgroupCreateconsumer,
  xgroupDelconsumer,
  xgroupDestroy,
  xgroupHelp,
  xgroupSetid,
]);
const xinfo = container('xinfo', [xinfoConsumers, xinfoGroups, xinfoHelp, xinfoStream]);

export const streamsCommands: readonly CommandSpec[] = [
  xadd,
  xrange,
  xrevrange,
  xlen,
  xdel,
  xtrim,
  xsetid,
  xread,
  xreadgroup,
  xgroup,
  xack,
  xpending,
  xclaim,
  xautoclaim,
  xinfo,
];
