/**
 * Redis's config-line tokenizer (sds.c sdssplitargs) and its quoting twin (sdscatrepr), byte for byte.
 * Strings are latin1 (one char per byte), as everywhere in redmesh.
 */

/** C isspace(): space, \t, \n, \v, \f, \r. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isHexDigit(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/**
 * Splits a line into arguments like sdssplitargs: blanks separate tokens; "double quotes" take
 * \xHH, \n, \r, \t, \b, \a and \<any> escapes; 'single quotes' take only \'; a closing quote must be
 * followed by a blank or the end of the line. Returns undefined for unbalanced quotes (Redis returns NULL).
 * A NUL byte ends the line, as it does for the C string.
 */
export function splitArgs(input: string): string[] | undefined {
  const nul = input.indexOf('\0');
  const line = nul === -1 ? input : input.slice(0, nul);
  const out: string[] = [];
  let p = 0;
  for (;;) {
    while (p < line.length && isSpace(line[p])) p++;
    if (p >= line.length) return out;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = line[p];
      if (inDouble) {
        if (c === '\\' && line[p + 1] === 'x' && isHexDigit(line[p + 2]) && isHexDigit(line[p + 3])) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < line.length) {
          p++;
          const e = line[p] as string;
          current += ESCAPES[e] ?? e;
        } else if (c === '"') {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return undefined;
          done = true;
        } else if (c === undefined) {
          return undefined;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === '\\' && line[p + 1] === "'") {
          p++;
          current += "'";
        } else if (c === "'") {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return undefined;
          done = true;
        } else if (c === undefined) {
          return undefined;
        } else {
          current += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (p < line.length) p++;
    }
    out.push(current);
  }
}

/** C isprint() in the "C" locale: 0x20..0x7e. */
function isPrint(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Quotes a byte string like sdscatrepr: always in double quotes, escaping what splitArgs reads back. */
export function quoteArg(value: string): string {
  let s = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = value.charCodeAt(i);
    if (ch === '\\' || ch === '"') s += '\\' + ch;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (ch === '\x07') s += '\\a';
    else if (ch === '\b') s += '\\b';
    else if (isPrint(code)) s += ch;
    else s += '\\x' + (code & 0xff).toString(16).padStart(2, '0');
  }
  return s + '"';
}
