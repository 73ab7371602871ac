/**
 * MODULE LIST            — the loaded modules: always none
 * MODULE HELP
 * MODULE LOAD path [arg …] / MODULE LOADEX path [CONFIG name value …] [ARGS …] / MODULE UNLOAD name
 *
 * redmesh loads no Redis modules (they are C shared objects built against Redis's own API). The
 * protected subcommands are refused as Redis refuses them (enable-module-command no, or "local" from
 * a remote client); when allowed, LOAD and LOADEX fail as a module that cannot be loaded does in
 * Redis, with the reason in the server log, and UNLOAD finds no module of that name.
 */
import {
  ERR_MODULE_LOAD,
  ERR_MODULE_NOT_ALLOWED,
  ERR_MODULE_UNLOAD,
  EMPTY_ARRAY,
  error,
  type Reply,
} from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply } from './spec.js';

const HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

/**
 * Redis's protected-command rule (enable-debug-command / enable-module-command): "yes" allows,
 * "local" allows clients on the loopback or the Unix socket, "no" refuses.
 */
export function protectedCommandAllowed(ctx: CommandContext, setting: string): boolean {
  const mode = ctx.server.config.getString(setting);
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  const addr = ctx.server.clients.list().find((c) => c.id === ctx.client.id)?.addr ?? '';
  return (
    addr.startsWith('127.') ||
    addr.startsWith('::1:') ||
    addr.startsWith('/') ||
    addr.startsWith('::ffff:127.')
  );
}

function loadOrUnload(name: 'load' | 'loadex' | 'unload'): CommandSpec {
  return defineCommand({
    name: `module|${name}`,
    parse: (args, ctx) => ({
      allowed: protectedCommandAllowed(ctx, 'enable-module-command'),
      path: args.string(),
    }),
    apply: (_ctx, { allowed, path }): Reply => {
      if (!allowed) return error(ERR_MODULE_NOT_ALLOWED);
      if (name === 'unload') return error(ERR_MODULE_UNLOAD);
      process.stdout.write(`Module ${path} failed to load: redmesh does not load Redis modules\n`);
      return error(ERR_MODULE_LOAD);
    },
  });
}

export const moduleCommand: CommandSpec = containerCommand('module', [
  defineCommand({ name: 'module|list', parse: () => undefined, apply: () => EMPTY_ARRAY }),
  defineCommand({
    name: 'module|help',
    parse: () => undefined,
    apply: () => helpReply('MODULE', HELP, 'Prints this help.'),
  }),
  loadOrUnload('load'),
  loadOrUnload('loadex'),
  loadOrUnload('unload'),
]);
