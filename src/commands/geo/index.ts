import type { CommandSpec } from '../types.js';
import { geoadd } from './geoadd.js';
import { geodistCommand, geohashCommand, geoposCommand } from './read.js';
import {
  georadius,
  georadiusRo,
  georadiusbymember,
  georadiusbymemberRo,
  geosearch,
  geosearchstore,
} from './search.js';

/** The GEO family (Redis geo.c): positions are sorted-set members scored by their 52-bit geohash. */
export const geoCommands: readonly CommandSpec[] = [
  geoadd,
  geoposCommand,
  geohashCommand,
  geodistCommand,
  georadius,
  georadiusRo,
  georadiusbymember,
  georadiusbymemberRo,
  geosearch,
  geosearchstore,
];
