/**
 * Redis's glob matcher (util.c stringmatchlen), used by CONFIG GET, KEYS, SCAN MATCH, PSUBSCRIBE and
 * COMMAND LIST FILTERBY PATTERN: `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes. Works on latin1 byte strings.
 */
export function globMatch(pattern: string, subject: string, noCase = false): boolean {
  return matchFrom(pattern, 0, subject, 0, noCase, 0);
}

function fold(c: string, noCase: boolean): string {
  return noCase ? c.toLowerCase() : c;
}

/** Nesting guard like Redis (it gives up after 1000 levels of `*` recursion). */
const MAX_NESTING = 1000;

function matchFrom(p: string, pi: number, s: string, si: number, noCase: boolean, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  while (pi < p.length && si < s.length) {
    const pc = p[pi] as string;
    if (pc === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k < s.length; k++) {
        if (matchFrom(p, pi + 1, s, k, noCase, nesting + 1)) return true;
      }
      return false;
    }
    if (pc === '?') {
      si++;
      pi++;
      continue;
    }
    if (pc === '[') {
      const r = matchClass(p, pi, s[si] as string, noCase);
      if (!r.match) return false;
      pi = r.next;
      si++;
      continue;
    }
    let lit = pc;
    if (pc === '\\' && pi + 1 < p.length) {
      pi++;
      lit = p[pi] as string;
    }
    if (fold(lit, noCase) !== fold(s[si] as string, noCase)) return false;
    pi++;
    si++;
  }
  // Subject consumed: only trailing stars may remain.
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length && si === s.length;
}

/** Matches one char against `[...]` starting at p[pi] === '['; returns where the pattern continues. */
function matchClass(p: string, pi: number, c: string, noCase: boolean): { match: boolean; next: number } {
  pi++;
  const not = p[pi] === '^';
  if (not) pi++;
  let match = false;
  for (;;) {
    if (pi >= p.length) {
      pi--; // Redis: a missing ']' ends the class at the pattern's end
      break;
    }
    const pc = p[pi] as string;
    if (pc === '\\' && pi + 2 < p.length) {
      pi++;
      if (p[pi] === c) match = true;
    } else if (pc === ']') {
      break;
    } else if (p[pi + 1] === '-' && pi + 2 < p.length) {
      let start = fold(pc, noCase).charCodeAt(0);
      let end = fold(p[pi + 2] as string, noCase).charCodeAt(0);
      const cc = fold(c, noCase).charCodeAt(0);
      if (start > end) [start, end] = [end, start];
      pi += 2;
      if (cc >= start && cc <= end) match = true;
    } else if (fold(pc, noCase) === fold(c, noCase)) {
      match = true;
    }
    pi++;
  }
  return { match: not ? !match : match, next: pi + 1 };
}
