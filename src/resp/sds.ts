/**
 * Redis's argument-line grammar, sds.c's sdssplitargs, and its quoting twin sdscatrepr, byte for byte.
 * One implementation for both places Redis uses it: inline requests (networking.c processInlineBuffer)
 * and redis.conf lines (config.c loadServerConfigFromString). Strings are latin1 (one char per byte).
 *
 * The grammar: blanks (C isspace) separate words; an unquoted word ends only at ' ', \t, \r, \n (not at
 * \v or \f: real Redis answers `ECHO a\vb` with "a\vb"); "double quotes" take \xHH, \n, \r, \t, \b, \a
 * and \<any> escapes; 'single quotes' take only \'; a closing quote must be followed by a blank or the
 * end of the line. The line is a C string there, so a NUL byte ends it.
 */
import { isCHexDigit, isCPrint, isCSpace } from './ctype.js';

const NUL = 0;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** What ends an unquoted word in sdssplitargs: ' ', \t, \n, \r and the C string's NUL. */
function endsUnquotedWord(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === NUL;
}

/**
 * Splits a line into arguments like sdssplitargs. Returns undefined where Redis returns NULL:
 * unbalanced quotes, or a closing quote followed by something other than a blank.
 */
export function splitArgs(line: string): string[] | undefined {
  // Most inline requests (`PING`, `GET k`) have no quotes: their words are sliced whole, and the
  // char-by-char loop runs only for the quoted form. This is on the inline-command hot path.
  if (!line.includes('"') && !line.includes("'")) return splitUnquoted(line);
  return splitQuoted(line);
}

/** splitArgs for a line without quotes: words between blanks, each one slice. */
function splitUnquoted(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isCSpace(line.charCodeAt(i))) i++;
    if (i >= n || line.charCodeAt(i) === NUL) return out;
    let j = i + 1;
    while (j < n && !endsUnquotedWord(line.charCodeAt(j))) j++;
    out.push(line.slice(i, j));
    i = j;
  }
}

/** splitArgs for a line with quotes, following sdssplitargs's loop. */
function splitQuoted(input: string): string[] | undefined {
  const nul = input.indexOf('\0');
  const line = nul === -1 ? input : input.slice(0, nul);
  const n = line.length;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < n && isCSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let inDouble = false;
    let inSingle = false;
    let word = '';
    for (;;) {
      const c = line.charCodeAt(i); // NaN past the end, like the C string's NUL
      if (inDouble) {
        if (i >= n) return undefined; // unterminated quotes
        if (c === BACKSLASH && line[i + 1] === 'x' && isHexPair(line, i + 2)) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === BACKSLASH && i + 1 < n) {
          i++;
          const e = line[i] as string;
          word += ESCAPES[e] ?? e;
        } else if (c === DOUBLE_QUOTE) {
          if (i + 1 < n && !isCSpace(line.charCodeAt(i + 1))) return undefined;
          i++;
          break;
        } else {
          word += line[i];
        }
      } else if (inSingle) {
        if (i >= n) return undefined; // unterminated quotes
        if (c === BACKSLASH && line.charCodeAt(i + 1) === SINGLE_QUOTE) {
          i++;
          word += "'";
        } else if (c === SINGLE_QUOTE) {
          if (i + 1 < n && !isCSpace(line.charCodeAt(i + 1))) return undefined;
          i++;
          break;
        } else {
          word += line[i];
        }
      } else {
        if (i >= n || endsUnquotedWord(c)) break;
        if (c === DOUBLE_QUOTE) inDouble = true;
        else if (c === SINGLE_QUOTE) inSingle = true;
        else word += line[i];
      }
      i++;
    }
    out.push(word);
  }
}

function isHexPair(line: string, at: number): boolean {
  return at + 1 < line.length && isCHexDigit(line.charCodeAt(at)) && isCHexDigit(line.charCodeAt(at + 1));
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
    else if (isCPrint(code)) s += ch;
    else s += '\\x' + (code & 0xff).toString(16).padStart(2, '0');
  }
  return s + '"';
}
