/**
 * A command's latency histogram for INFO latencystats, with the buckets and percentile arithmetic of
 * HdrHistogram_c as Redis 7.0 configures it (server.h): values in nanoseconds from
 * LATENCY_HISTOGRAM_MIN_VALUE 1 to LATENCY_HISTOGRAM_MAX_VALUE 1e9, 2 significant figures. So a
 * percentile reads back as the same bucket edge Redis prints (a 25 µs call is "25.087").
 *
 * Layout (hdr_init with those numbers): unit magnitude 0, 256 sub-buckets per bucket of which the
 * upper 128 are used past the first bucket, 23 buckets, so 24 × 128 counters.
 */

export const LATENCY_HISTOGRAM_MIN_VALUE = 1;
export const LATENCY_HISTOGRAM_MAX_VALUE = 1_000_000_000;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
const SUB_BUCKET_COUNT = 2 * SUB_BUCKET_HALF_COUNT;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

/** get_bucket_index: which power-of-two bucket holds `value` (< 2^31 here, so clz32 serves). */
function bucketIndex(value: number): number {
  return 32 - Math.clz32(value | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function countsIndex(value: number): number {
  const bucket = bucketIndex(value);
  const sub = value >>> bucket;
  return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub - SUB_BUCKET_HALF_COUNT;
}

/** hdr_value_at_index: the lowest value counted at `index`. */
function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

function lowestEquivalentValue(value: number): number {
  const bucket = bucketIndex(value);
  return (value >>> bucket) * 2 ** bucket;
}

function highestEquivalentValue(value: number): number {
  const bucket = bucketIndex(value);
  const sub = value >>> bucket;
  const rangeSize = 2 ** (sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
  return lowestEquivalentValue(value) + rangeSize - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS_LEN);
  private total = 0;

  /** Redis updateCommandLatencyHistogram: one call of `nanoseconds`, clamped into the tracked range. */
  record(nanoseconds: number): void {
    const value = Math.min(LATENCY_HISTOGRAM_MAX_VALUE, Math.max(LATENCY_HISTOGRAM_MIN_VALUE, nanoseconds));
    const index = countsIndex(value);
    this.counts[index] = (this.counts[index] as number) + 1;
    this.total++;
  }

  /** hdr_value_at_percentile: the bucket edge (highest equivalent value; lowest for p0) in ns. */
  valueAtPercentile(percentile: number): number {
    const requested = Math.min(percentile, 100);
    const countAt = Math.max(1, Math.trunc((requested / 100) * this.total + 0.5));
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i] as number;
      if (seen >= countAt) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalentValue(value) : highestEquivalentValue(value);
  }
}
