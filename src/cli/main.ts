#!/usr/bin/env node
/**
 * The `redmesh` executable. `redmesh server` re-executes itself with a V8 heap sized to the machine
 * (platform/heap.ts) before anything else loads: deciding that here, first, means the CLI's modules
 * (every subcommand, the server, koffi's users) load once, in the process that runs, instead of
 * once before the execv and again after it (~150 ms of CPU at every server start). The server's
 * own call of ensureServerHeap then finds the heap sized and returns the sentence it logs. The young
 * generation is sized from the maxmemory the command line sets (heap-peek.ts).
 */
import { ensureServerHeap } from '../platform/index.js';
import { peekMaxmemory } from './heap-peek.js';

if (process.argv[2] === 'server') ensureServerHeap(peekMaxmemory(process.argv.slice(3)));
const { runCli } = await import('./program.js');
await runCli(process.argv);
