/**
 * Glob-style matching with Redis's stringmatchlen semantics (KEYS, SCAN MATCH, PSUBSCRIBE,
 * PUBSUB CHANNELS, CONFIG GET): `*` any run, `?` any one byte, `[abc]` `[^a]` `[a-z]` sets (a reversed
 * range like `[z-a]` works too, an unterminated `[` takes the rest of the pattern as the set), `\x`
 * escapes x. Works on latin1 byte strings; `nocase` folds ASCII letters.
 *
 * An empty subject matches only the empty pattern, not even `*`: Redis 7.0's stringmatchlen loops
 * `while (patternLen && stringLen)`, so with an empty string it never reaches the `*` case. That is
 * what PSUBSCRIBE `*`, PUBSUB CHANNELS `*` and KEYS `**` do with the empty name; KEYS and the SCAN
 * family short-cut a lone `*` before matching (as Redis does), so they still return it.
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  if (subject.length === 0) return pattern.length === 0;
  let p = 0;
  let s = 0;
  // Position after the last '*' seen and the subject position it was tried at, for backtracking.
  // Every other token matches exactly one byte, so one backtrack point is enough.
  let starP = -1;
  let starS = 0;
  while (s < subject.length || p < pattern.length) {
    if (p < pattern.length && pattern.charCodeAt(p) === 0x2a) {
      while (p < pattern.length && pattern.charCodeAt(p) === 0x2a) p++;
      if (p === pattern.length) return true;
      starP = p;
      starS = s;
      continue;
    }
    if (p < pattern.length && s < subject.length) {
      const next = matchOne(pattern, p, subject.charCodeAt(s), nocase);
      if (next >= 0) {
        p = next;
        s++;
        continue;
      }
    }
    if (starP < 0 || starS >= subject.length) return false;
    starS++;
    s = starS;
    p = starP;
  }
  return true;
}

function fold(c: number, nocase: boolean): number {
  return nocase && c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/** Matches the single-byte token at pattern[p] against c; returns the index after the token, or -1. */
function matchOne(pattern: string, p: number, c: number, nocase: boolean): number {
  const t = pattern.charCodeAt(p);
  if (t === 0x3f) return p + 1; // ?
  if (t === 0x5b) return matchSet(pattern, p + 1, c, nocase); // [
  if (t === 0x5c && p + 1 < pattern.length) {
    return fold(pattern.charCodeAt(p + 1), nocase) === fold(c, nocase) ? p + 2 : -1;
  }
  return fold(t, nocase) === fold(c, nocase) ? p + 1 : -1;
}

function matchSet(pattern: string, start: number, c: number, nocase: boolean): number {
  const n = pattern.length;
  let p = start;
  const negate = p < n && pattern.charCodeAt(p) === 0x5e;
  if (negate) p++;
  const fc = fold(c, nocase);
  let matched = false;
  for (;;) {
    if (p >= n) {
      p = n; // unterminated: the set ran to the end of the pattern
      break;
    }
    const t = pattern.charCodeAt(p);
    if (t === 0x5c && n - p >= 2) {
      if (fold(pattern.charCodeAt(p + 1), nocase) === fc) matched = true;
      p += 2;
    } else if (t === 0x5d) {
      p++;
      break;
    } else if (n - p >= 3 && pattern.charCodeAt(p + 1) === 0x2d) {
      let lo = fold(t, nocase);
      let hi = fold(pattern.charCodeAt(p + 2), nocase);
      if (lo > hi) [lo, hi] = [hi, lo];
      if (fc >= lo && fc <= hi) matched = true;
      p += 3;
    } else {
      if (fold(t, nocase) === fc) matched = true;
      p++;
    }
  }
  return matched !== negate ? p : -1;
}
