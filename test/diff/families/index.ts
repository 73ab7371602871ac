import type { Family } from '../gen.js';
import { expiry } from './expiry.js';
import { geo } from './geo.js';
import { hashes } from './hashes.js';
import { hll } from './hll.js';
import { keys } from './keys.js';
import { lists } from './lists.js';
import { protocol } from './protocol.js';
import { pubsub } from './pubsub.js';
import { sets } from './sets.js';
import { streams } from './streams.js';
import { strings } from './strings.js';
import { transactions } from './transactions.js';
import { zsets } from './zsets.js';

/** Every family the generator knows, by name. */
export const allFamilies: readonly Family[] = [
  strings,
  keys,
  expiry,
  lists,
  hashes,
  sets,
  zsets,
  geo,
  hll,
  streams,
  pubsub,
  transactions,
  protocol,
];
