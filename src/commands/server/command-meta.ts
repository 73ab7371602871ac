/**
 * COMMAND INFO's key specs and tips for every command of Redis 7.0, generated from a real
 * redis-server by scripts/gen-command-meta.mjs (do not edit by hand). Commands redmesh does not
 * implement are listed too; only the table's lookups by name matter.
 */

/** One key spec as COMMAND INFO shows it (RESP3 map order: notes, flags, begin_search, find_keys). */
export interface KeySpecData {
  readonly notes?: string;
  readonly flags: readonly string[];
  readonly begin_search: { readonly type: string; readonly spec: Readonly<Record<string, number | string>> };
  readonly find_keys: { readonly type: string; readonly spec: Readonly<Record<string, number | string>> };
}

export interface CommandMeta {
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpecData[];
}

export const COMMAND_META: Readonly<Record<string, CommandMeta>> = {
  acl: { tips: [], keySpecs: [] },
  'acl|cat': { tips: [], keySpecs: [] },
  'acl|deluser': { tips: [], keySpecs: [] },
  'acl|dryrun': { tips: [], keySpecs: [] },
  'acl|genpass': { tips: [], keySpecs: [] },
  'acl|getuser': { tips: [], keySpecs: [] },
  'acl|help': { tips: [], keySpecs: [] },
  'acl|list': { tips: [], keySpecs: [] },
  'acl|load': { tips: [], keySpecs: [] },
  'acl|log': { tips: [], keySpecs: [] },
  'acl|save': { tips: [], keySpecs: [] },
  'acl|setuser': { tips: [], keySpecs: [] },
  'acl|users': { tips: [], keySpecs: [] },
  'acl|whoami': { tips: [], keySpecs: [] },
  append: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  asking: { tips: [], keySpecs: [] },
  auth: { tips: [], keySpecs: [] },
  bgrewriteaof: { tips: [], keySpecs: [] },
  bgsave: { tips: [], keySpecs: [] },
  bitcount: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  bitfield: {
    tips: [],
    keySpecs: [
      {
        notes: 'This command allows both access and modification of the key',
        flags: ['RW', 'access', 'update', 'variable_flags'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  bitfield_ro: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  bitop: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 3 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  bitpos: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  blmove: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  blmpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  blpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -2, keystep: 1, limit: 0 } },
      },
    ],
  },
  brpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -2, keystep: 1, limit: 0 } },
      },
    ],
  },
  brpoplpush: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  bzmpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  bzpopmax: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -2, keystep: 1, limit: 0 } },
      },
    ],
  },
  bzpopmin: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -2, keystep: 1, limit: 0 } },
      },
    ],
  },
  client: { tips: [], keySpecs: [] },
  'client|caching': { tips: [], keySpecs: [] },
  'client|getname': { tips: [], keySpecs: [] },
  'client|getredir': { tips: [], keySpecs: [] },
  'client|help': { tips: [], keySpecs: [] },
  'client|id': { tips: [], keySpecs: [] },
  'client|info': { tips: ['nondeterministic_output'], keySpecs: [] },
  'client|kill': { tips: [], keySpecs: [] },
  'client|list': { tips: ['nondeterministic_output'], keySpecs: [] },
  'client|no-evict': { tips: [], keySpecs: [] },
  'client|pause': { tips: [], keySpecs: [] },
  'client|reply': { tips: [], keySpecs: [] },
  'client|setname': { tips: [], keySpecs: [] },
  'client|tracking': { tips: [], keySpecs: [] },
  'client|trackinginfo': { tips: [], keySpecs: [] },
  'client|unblock': { tips: [], keySpecs: [] },
  'client|unpause': { tips: [], keySpecs: [] },
  cluster: { tips: [], keySpecs: [] },
  'cluster|addslots': { tips: [], keySpecs: [] },
  'cluster|addslotsrange': { tips: [], keySpecs: [] },
  'cluster|bumpepoch': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|count-failure-reports': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|countkeysinslot': { tips: [], keySpecs: [] },
  'cluster|delslots': { tips: [], keySpecs: [] },
  'cluster|delslotsrange': { tips: [], keySpecs: [] },
  'cluster|failover': { tips: [], keySpecs: [] },
  'cluster|flushslots': { tips: [], keySpecs: [] },
  'cluster|forget': { tips: [], keySpecs: [] },
  'cluster|getkeysinslot': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|help': { tips: [], keySpecs: [] },
  'cluster|info': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|keyslot': { tips: [], keySpecs: [] },
  'cluster|links': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|meet': { tips: [], keySpecs: [] },
  'cluster|myid': { tips: [], keySpecs: [] },
  'cluster|nodes': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|replicas': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|replicate': { tips: [], keySpecs: [] },
  'cluster|reset': { tips: [], keySpecs: [] },
  'cluster|saveconfig': { tips: [], keySpecs: [] },
  'cluster|set-config-epoch': { tips: [], keySpecs: [] },
  'cluster|setslot': { tips: [], keySpecs: [] },
  'cluster|shards': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|slaves': { tips: ['nondeterministic_output'], keySpecs: [] },
  'cluster|slots': { tips: ['nondeterministic_output'], keySpecs: [] },
  command: { tips: ['nondeterministic_output_order'], keySpecs: [] },
  'command|count': { tips: [], keySpecs: [] },
  'command|docs': { tips: ['nondeterministic_output_order'], keySpecs: [] },
  'command|getkeys': { tips: [], keySpecs: [] },
  'command|getkeysandflags': { tips: [], keySpecs: [] },
  'command|help': { tips: [], keySpecs: [] },
  'command|info': { tips: ['nondeterministic_output_order'], keySpecs: [] },
  'command|list': { tips: ['nondeterministic_output_order'], keySpecs: [] },
  config: { tips: [], keySpecs: [] },
  'config|get': { tips: [], keySpecs: [] },
  'config|help': { tips: [], keySpecs: [] },
  'config|resetstat': { tips: [], keySpecs: [] },
  'config|rewrite': { tips: [], keySpecs: [] },
  'config|set': { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [] },
  copy: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  dbsize: { tips: ['request_policy:all_shards', 'response_policy:agg_sum'], keySpecs: [] },
  debug: { tips: [], keySpecs: [] },
  decr: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  decrby: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  del: {
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RM', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  discard: { tips: [], keySpecs: [] },
  dump: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  echo: { tips: [], keySpecs: [] },
  eval: {
    tips: [],
    keySpecs: [
      {
        notes: 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE',
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  eval_ro: {
    tips: [],
    keySpecs: [
      {
        notes: 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS',
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  evalsha: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  evalsha_ro: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  exec: { tips: [], keySpecs: [] },
  exists: {
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  expire: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  expireat: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  expiretime: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  failover: { tips: [], keySpecs: [] },
  fcall: {
    tips: [],
    keySpecs: [
      {
        notes: 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE',
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  fcall_ro: {
    tips: [],
    keySpecs: [
      {
        notes: 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS',
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  flushall: { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  flushdb: { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  function: { tips: [], keySpecs: [] },
  'function|delete': { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  'function|dump': { tips: [], keySpecs: [] },
  'function|flush': { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  'function|help': { tips: [], keySpecs: [] },
  'function|kill': { tips: ['request_policy:all_shards', 'response_policy:one_succeeded'], keySpecs: [] },
  'function|list': { tips: ['nondeterministic_output_order'], keySpecs: [] },
  'function|load': { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  'function|restore': { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  'function|stats': {
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    keySpecs: [],
  },
  geoadd: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  geodist: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  geohash: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  geopos: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  georadius: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'keyword', spec: { keyword: 'STORE', startfrom: 6 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'keyword', spec: { keyword: 'STOREDIST', startfrom: 6 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  georadius_ro: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  georadiusbymember: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'keyword', spec: { keyword: 'STORE', startfrom: 5 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'keyword', spec: { keyword: 'STOREDIST', startfrom: 5 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  georadiusbymember_ro: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  geosearch: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  geosearchstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  get: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  getbit: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  getdel: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  getex: {
    tips: [],
    keySpecs: [
      {
        notes: 'RW and UPDATE because it changes the TTL',
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  getrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  getset: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hdel: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hello: { tips: [], keySpecs: [] },
  hexists: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hget: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hgetall: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hincrby: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hincrbyfloat: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hkeys: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hlen: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hmget: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hmset: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hrandfield: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hscan: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hset: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hsetnx: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hstrlen: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  hvals: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  incr: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  incrby: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  incrbyfloat: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  info: {
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    keySpecs: [],
  },
  keys: { tips: ['request_policy:all_shards', 'nondeterministic_output_order'], keySpecs: [] },
  lastsave: { tips: ['nondeterministic_output'], keySpecs: [] },
  latency: { tips: [], keySpecs: [] },
  'latency|doctor': {
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    keySpecs: [],
  },
  'latency|graph': {
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    keySpecs: [],
  },
  'latency|help': { tips: [], keySpecs: [] },
  'latency|histogram': {
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    keySpecs: [],
  },
  'latency|history': {
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    keySpecs: [],
  },
  'latency|latest': {
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    keySpecs: [],
  },
  'latency|reset': { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [] },
  lcs: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 1, keystep: 1, limit: 0 } },
      },
    ],
  },
  lindex: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  linsert: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  llen: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lmove: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lmpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  lolwut: { tips: [], keySpecs: [] },
  lpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lpos: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lpush: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lpushx: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lrem: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  lset: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  ltrim: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  memory: { tips: [], keySpecs: [] },
  'memory|doctor': {
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    keySpecs: [],
  },
  'memory|help': { tips: [], keySpecs: [] },
  'memory|malloc-stats': {
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    keySpecs: [],
  },
  'memory|purge': { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  'memory|stats': {
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    keySpecs: [],
  },
  'memory|usage': {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  mget: {
    tips: ['request_policy:multi_shard'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  migrate: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 3 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'access', 'delete', 'incomplete'],
        begin_search: { type: 'keyword', spec: { keyword: 'KEYS', startfrom: -2 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  module: { tips: [], keySpecs: [] },
  'module|help': { tips: [], keySpecs: [] },
  'module|list': { tips: ['nondeterministic_output_order'], keySpecs: [] },
  'module|load': { tips: [], keySpecs: [] },
  'module|loadex': { tips: [], keySpecs: [] },
  'module|unload': { tips: [], keySpecs: [] },
  monitor: { tips: [], keySpecs: [] },
  move: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  mset: {
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 2, limit: 0 } },
      },
    ],
  },
  msetnx: {
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    keySpecs: [
      {
        flags: ['OW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 2, limit: 0 } },
      },
    ],
  },
  multi: { tips: [], keySpecs: [] },
  object: { tips: [], keySpecs: [] },
  'object|encoding': {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'object|freq': {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'object|help': { tips: [], keySpecs: [] },
  'object|idletime': {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'object|refcount': {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  persist: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  pexpire: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  pexpireat: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  pexpiretime: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  pfadd: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  pfcount: {
    tips: [],
    keySpecs: [
      {
        notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
        flags: ['RW', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  pfdebug: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  pfmerge: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  pfselftest: { tips: [], keySpecs: [] },
  ping: { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], keySpecs: [] },
  psetex: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  psubscribe: { tips: [], keySpecs: [] },
  psync: { tips: [], keySpecs: [] },
  pttl: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  publish: { tips: [], keySpecs: [] },
  pubsub: { tips: [], keySpecs: [] },
  'pubsub|channels': { tips: [], keySpecs: [] },
  'pubsub|help': { tips: [], keySpecs: [] },
  'pubsub|numpat': { tips: [], keySpecs: [] },
  'pubsub|numsub': { tips: [], keySpecs: [] },
  'pubsub|shardchannels': { tips: [], keySpecs: [] },
  'pubsub|shardnumsub': { tips: [], keySpecs: [] },
  punsubscribe: { tips: [], keySpecs: [] },
  quit: { tips: [], keySpecs: [] },
  randomkey: { tips: ['request_policy:all_shards', 'nondeterministic_output'], keySpecs: [] },
  readonly: { tips: [], keySpecs: [] },
  readwrite: { tips: [], keySpecs: [] },
  rename: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  renamenx: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  replconf: { tips: [], keySpecs: [] },
  replicaof: { tips: [], keySpecs: [] },
  reset: { tips: [], keySpecs: [] },
  restore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'restore-asking': {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  role: { tips: [], keySpecs: [] },
  rpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  rpoplpush: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  rpush: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  rpushx: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  sadd: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  save: { tips: [], keySpecs: [] },
  scan: { tips: ['nondeterministic_output', 'request_policy:special'], keySpecs: [] },
  scard: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  script: { tips: [], keySpecs: [] },
  'script|debug': { tips: [], keySpecs: [] },
  'script|exists': { tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'], keySpecs: [] },
  'script|flush': { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [] },
  'script|help': { tips: [], keySpecs: [] },
  'script|kill': { tips: ['request_policy:all_shards', 'response_policy:one_succeeded'], keySpecs: [] },
  'script|load': { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [] },
  sdiff: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  sdiffstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  select: { tips: [], keySpecs: [] },
  set: {
    tips: [],
    keySpecs: [
      {
        notes: 'RW and ACCESS due to the optional `GET` argument',
        flags: ['RW', 'access', 'update', 'variable_flags'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  setbit: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  setex: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  setnx: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'insert'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  setrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  shutdown: { tips: [], keySpecs: [] },
  sinter: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  sintercard: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  sinterstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  sismember: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  slaveof: { tips: [], keySpecs: [] },
  slowlog: { tips: [], keySpecs: [] },
  'slowlog|get': { tips: ['request_policy:all_nodes', 'nondeterministic_output'], keySpecs: [] },
  'slowlog|help': { tips: [], keySpecs: [] },
  'slowlog|len': {
    tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
    keySpecs: [],
  },
  'slowlog|reset': { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [] },
  smembers: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  smismember: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  smove: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  sort: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        notes:
          "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
        flags: ['RO', 'access'],
        begin_search: { type: 'unknown', spec: {} },
        find_keys: { type: 'unknown', spec: {} },
      },
      {
        notes:
          "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
        flags: ['OW', 'update'],
        begin_search: { type: 'unknown', spec: {} },
        find_keys: { type: 'unknown', spec: {} },
      },
    ],
  },
  sort_ro: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        notes:
          "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
        flags: ['RO', 'access'],
        begin_search: { type: 'unknown', spec: {} },
        find_keys: { type: 'unknown', spec: {} },
      },
    ],
  },
  spop: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  spublish: {
    tips: [],
    keySpecs: [
      {
        flags: ['not_key'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  srandmember: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  srem: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  sscan: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  ssubscribe: {
    tips: [],
    keySpecs: [
      {
        flags: ['not_key'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  strlen: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  subscribe: { tips: [], keySpecs: [] },
  substr: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  sunion: {
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  sunionstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  sunsubscribe: {
    tips: [],
    keySpecs: [
      {
        flags: ['not_key'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  swapdb: { tips: [], keySpecs: [] },
  sync: { tips: [], keySpecs: [] },
  time: { tips: ['nondeterministic_output'], keySpecs: [] },
  touch: {
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  ttl: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  type: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  unlink: {
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RM', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  unsubscribe: { tips: [], keySpecs: [] },
  unwatch: { tips: [], keySpecs: [] },
  wait: { tips: ['request_policy:all_shards', 'response_policy:agg_min'], keySpecs: [] },
  watch: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
  },
  xack: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xadd: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        notes: 'UPDATE instead of INSERT because of the optional trimming feature',
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xautoclaim: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xclaim: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xdel: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xgroup: { tips: [], keySpecs: [] },
  'xgroup|create': {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'xgroup|createconsumer': {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'xgroup|delconsumer': {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'xgroup|destroy': {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'xgroup|help': { tips: [], keySpecs: [] },
  'xgroup|setid': {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xinfo: { tips: [], keySpecs: [] },
  'xinfo|consumers': {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'xinfo|groups': {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  'xinfo|help': { tips: [], keySpecs: [] },
  'xinfo|stream': {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xlen: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xpending: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xread: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'keyword', spec: { keyword: 'STREAMS', startfrom: 1 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 2 } },
      },
    ],
  },
  xreadgroup: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'keyword', spec: { keyword: 'STREAMS', startfrom: 4 } },
        find_keys: { type: 'range', spec: { lastkey: -1, keystep: 1, limit: 2 } },
      },
    ],
  },
  xrevrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xsetid: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  xtrim: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zadd: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zcard: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zcount: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zdiff: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zdiffstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zincrby: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zinter: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zintercard: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zinterstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zlexcount: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zmpop: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zmscore: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zpopmax: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zpopmin: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrandmember: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrangebylex: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrangebyscore: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrangestore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrank: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrem: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zremrangebylex: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zremrangebyrank: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zremrangebyscore: {
    tips: [],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrevrange: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrevrangebylex: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrevrangebyscore: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zrevrank: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zscan: {
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zscore: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
  },
  zunion: {
    tips: [],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
  zunionstore: {
    tips: [],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 2 } },
        find_keys: { type: 'keynum', spec: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
  },
};
