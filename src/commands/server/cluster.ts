/**
 * CLUSTER <subcommand> [args], READONLY, READWRITE, ASKING — redmesh runs no cluster, so each answers
 * as a redis-server 7.0 started without cluster-enabled does: "This instance has cluster support
 * disabled" (arity and unknown subcommands are checked first, by the dispatcher, as in Redis).
 */
import { ERR_CLUSTER_DISABLED, error } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandSpec } from '../types.js';
import { containerCommand } from './spec.js';

const CLUSTER_SUBCOMMANDS = [
  'addslots',
  'addslotsrange',
  'bumpepoch',
  'count-failure-reports',
  'countkeysinslot',
  'delslots',
  'delslotsrange',
  'failover',
  'flushslots',
  'forget',
  'getkeysinslot',
  'help',
  'info',
  'keyslot',
  'links',
  'meet',
  'myid',
  'nodes',
  'replicas',
  'replicate',
  'reset',
  'saveconfig',
  'set-config-epoch',
  'setslot',
  'shards',
  'slaves',
  'slots',
];

/** A command whose only reply, without cluster mode, is Redis's error. */
function clusterDisabled(name: string): CommandSpec {
  return defineCommand({ name, parse: () => undefined, apply: () => error(ERR_CLUSTER_DISABLED) });
}

export const clusterCommands: readonly CommandSpec[] = [
  containerCommand(
    'cluster',
    CLUSTER_SUBCOMMANDS.map((sub) => clusterDisabled(`cluster|${sub}`)),
  ),
  clusterDisabled('readonly'),
  clusterDisabled('readwrite'),
  clusterDisabled('asking'),
];
