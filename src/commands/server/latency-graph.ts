/**
 * LATENCY GRAPH's picture (Redis latencyCommandGenSparkeline and sparkline.c): a header line, a rule
 * of 80 dashes, then the samples as a sparkline of `_o#|` four rows high, 80 columns per block, with
 * each sample's age ("12s", "3m", "2h", "1d") written downwards under it.
 */
import type { LatencySample } from '../types.js';

/** LATENCY GRAPH (Redis latencyCommandGenSparkeline): a header, a rule and the sparkline. */
export function latencyGraph(
  event: string,
  samples: readonly LatencySample[],
  allTimeMax: number,
  nowSec: number,
): string {
  let min = 0;
  let max = 0;
  const points: { value: number; label: string }[] = [];
  for (const s of samples) {
    if (points.length === 0) min = max = s.latencyMs;
    else {
      max = Math.max(max, s.latencyMs);
      min = Math.min(min, s.latencyMs);
    }
    const elapsed = nowSec - s.time;
    const label =
      elapsed < 60
        ? `${elapsed}s`
        : elapsed < 3600
          ? `${Math.trunc(elapsed / 60)}m`
          : elapsed < 86400
            ? `${Math.trunc(elapsed / 3600)}h`
            : `${Math.trunc(elapsed / 86400)}d`;
    points.push({ value: s.latencyMs, label });
  }
  let graph = `${event} - high ${max} ms, low ${min} ms (all time high ${allTimeMax} ms)\n`;
  graph += '-'.repeat(GRAPH_COLS) + '\n';
  return graph + sparkline(points, GRAPH_COLS, 4);
}

const GRAPH_COLS = 80;
const CHARSET_FILL = '_o#';
const LABEL_MARGIN_TOP = 1;

/** Redis sparklineRender with SPARKLINE_FILL: rows of `_o#|` per 80 columns, labels written downwards. */
function sparkline(
  points: readonly { value: number; label: string }[],
  columns: number,
  rows: number,
): string {
  let out = '';
  let min = 0;
  let max = 0;
  points.forEach((p, i) => {
    if (i === 0) min = max = p.value;
    else if (p.value < min) min = p.value;
    else if (p.value > max) max = p.value;
  });
  const labels = points.filter((p) => p.label !== '').length;
  for (let j = 0; j < points.length; j += columns) {
    if (j !== 0) out += '\n';
    out += renderRange(points.slice(j, j + columns), min, max, labels, rows);
  }
  return out;
}

function renderRange(
  points: readonly { value: number; label: string }[],
  min: number,
  max: number,
  labels: number,
  rows: number,
): string {
  const charsetLen = CHARSET_FILL.length;
  const relmax = max - min === 0 ? 1 : max - min;
  const steps = charsetLen * rows;
  let out = '';
  for (let row = 0; ; row++) {
    let loop = false;
    const chars = new Array<string>(points.length).fill(' ');
    for (let j = 0; j < points.length; j++) {
      const p = points[j] as { value: number; label: string };
      let step = Math.trunc(Math.trunc((p.value - min) * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        const charidx = step - (rows - row - 1) * charsetLen;
        loop = true;
        if (charidx >= 0 && charidx < charsetLen) chars[j] = CHARSET_FILL[charidx] as string;
        else if (charidx >= charsetLen) chars[j] = '|';
      } else {
        if (labels > 0 && row - rows < LABEL_MARGIN_TOP) {
          loop = true;
          break;
        }
        const labelChar = row - rows - LABEL_MARGIN_TOP;
        if (p.label.length > labelChar) {
          loop = true;
          chars[j] = p.label[labelChar] as string;
        }
      }
    }
    if (!loop) break;
    out += chars.join('') + '\n';
  }
  return out;
}
