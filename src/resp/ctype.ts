/**
 * C <ctype.h> classes in the "C" locale, over byte values (latin1 char codes), for code that copies
 * Redis's C parsing (strtod's leading blanks, sdssplitargs's blanks). One home per class, so a parser
 * never grows its own almost-equal set.
 */

/** C isspace(): ' ', \t, \n, \v, \f, \r. */
export function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** C isxdigit(): 0-9, a-f, A-F. */
export function isCHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
}

/** C isprint(): 0x20..0x7e. */
export function isCPrint(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}
