/**
 * LATENCY DOCTOR | LATEST | HISTORY event | GRAPH event | RESET [event ...] | HISTOGRAM [command ...] |
 * HELP — the latency monitor's events (latency-monitor-threshold) and the per-command latency
 * histograms (latency-tracking), as Redis 7.0 reports them. The data lives in server/latency.ts.
 */
import {
  ERR_LATENCY_NO_SAMPLES,
  array,
  bulk,
  error,
  integer,
  map,
  verbatim,
  type Reply,
} from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply } from './spec.js';
import { latencyGraph } from './latency-graph.js';

function bare(name: string, apply: (ctx: CommandContext) => Reply): CommandSpec {
  return defineCommand({ name: `latency|${name}`, parse: () => undefined, apply });
}

/** LATENCY LATEST — [event, time of the latest sample, its latency, all-time maximum] per event. */
const latest = bare('latest', (ctx) => {
  const latency = ctx.server.latency;
  return array(
    latency.events().map((event) => {
      const series = latency.series(event);
      const last = series?.samples[series.samples.length - 1];
      return array([
        bulk(event),
        integer(last?.time ?? 0),
        integer(last?.latencyMs ?? 0),
        integer(series?.max ?? 0),
      ]);
    }),
  );
});

/** LATENCY HISTORY event — [time, latency] of each sample kept, oldest first. */
const history = defineCommand({
  name: 'latency|history',
  parse: (args) => args.string(),
  apply(ctx, event) {
    const series = ctx.server.latency.series(event);
    if (series === undefined) return array([]);
    return array(series.samples.map((s) => array([integer(s.time), integer(s.latencyMs)])));
  },
});

/** LATENCY GRAPH event — an ASCII sparkline of the event's samples. */
const graph = defineCommand({
  name: 'latency|graph',
  parse: (args) => args.string(),
  apply(ctx, event) {
    const series = ctx.server.latency.series(event);
    if (series === undefined) return error(ERR_LATENCY_NO_SAMPLES(event));
    return verbatim(latencyGraph(event, series.samples, series.max, Math.floor(Date.now() / 1000)));
  },
});

/** LATENCY RESET [event ...] — how many events were forgotten (every event without arguments). */
const reset = defineCommand({
  name: 'latency|reset',
  parse: (args) => args.rest(),
  apply(ctx, events) {
    const latency = ctx.server.latency;
    if (events.length === 0) return integer(latency.reset());
    let resets = 0;
    for (const e of events) resets += latency.reset(e);
    return integer(resets);
  },
});

/** One command's entry: {calls, histogram_usec: {usec: cumulative count}} (Redis fillCommandCDF). */
function commandCdf(ctx: CommandContext, fullName: string): readonly [Reply, Reply] | undefined {
  const h = ctx.server.latency.histogram(fullName);
  if (h === undefined) return undefined;
  return [
    bulk(fullName),
    map([
      [bulk('calls'), integer(h.calls)],
      [bulk('histogram_usec'), map(h.steps.map(([usec, n]) => [integer(usec), integer(n)] as const))],
    ]),
  ];
}

/** A command and its subcommands, with data, as HISTOGRAM lists them. */
function cdfsOf(ctx: CommandContext, spec: CommandSpec, out: (readonly [Reply, Reply])[]): void {
  const own = commandCdf(ctx, spec.name.toLowerCase());
  if (own !== undefined) out.push(own);
  for (const sub of spec.subcommands ?? []) {
    const entry = commandCdf(ctx, sub.name.toLowerCase());
    if (entry !== undefined) out.push(entry);
  }
}

/**
 * LATENCY HISTOGRAM [command ...] — per command (and subcommand) with data: its calls and the
 * cumulative distribution of its latency. Unknown names are skipped; `container|sub` names one
 * subcommand. Without names, every command with data (Redis walks its command dict, in hash order).
 */
const histogram = defineCommand({
  name: 'latency|histogram',
  parse: (args) => args.rest(),
  apply(ctx, names) {
    const out: (readonly [Reply, Reply])[] = [];
    const commands = ctx.server.commands;
    if (names.length === 0) {
      for (const spec of new Set(commands.values())) cdfsOf(ctx, spec, out);
      return map(out);
    }
    for (const name of names) {
      const [base, sub] = name.toLowerCase().split('|', 2) as [string, string | undefined];
      const container = commands.get(base);
      if (container === undefined) continue;
      if (sub === undefined) {
        cdfsOf(ctx, container, out);
        continue;
      }
      const spec = container.subcommands?.find(
        (s) => s.name.toLowerCase() === `${container.name.toLowerCase()}|${sub}`,
      );
      if (spec !== undefined) cdfsOf(ctx, spec, out);
    }
    return map(out);
  },
});

const HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

export const latencyCommand: CommandSpec = containerCommand('latency', [
  bare('doctor', (ctx) => verbatim(ctx.server.latency.doctorReport())),
  latest,
  history,
  graph,
  reset,
  histogram,
  bare('help', () => helpReply('LATENCY', HELP, 'Prints this help.')),
]);
