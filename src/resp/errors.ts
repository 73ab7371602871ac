/**
 * Redis's error strings, defined once so the wire text never drifts (clients match on them).
 * Each is the message without the leading '-'.
 */
export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const ERR_NOAUTH = 'NOAUTH Authentication required.';
export const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const ERR_READONLY = "READONLY You can't write against a read only replica.";
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_INVALID_EXPIRE = (cmd: string): string => `ERR invalid expire time in '${cmd}' command`;
export const ERR_TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
export const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';

export function wrongArity(commandName: string): string {
  return `ERR wrong number of arguments for '${commandName.toLowerCase()}' command`;
}

export function unknownCommand(name: string, args: readonly string[]): string {
  const shown = args
    .slice(0, 40)
    .map((a) => `'${a.length > 128 ? a.slice(0, 128) : a}'`)
    .join(' ');
  return `ERR unknown command '${name.length > 128 ? name.slice(0, 128) : name}', with args beginning with: ${shown}${shown ? ' ' : ''}`;
}
export const ERR_MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
export const ERR_OUT_OF_RANGE = 'ERR value is out of range';
export const ERR_LONG_RANGE =
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
export const ERR_NUMKEYS_POSITIVE = 'ERR numkeys should be greater than 0';
export const ERR_NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
export const ERR_COUNT_POSITIVE = 'ERR count should be greater than 0';
export const ERR_LPOS_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const ERR_LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const ERR_LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
export const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
export const ERR_NAN_OR_INFINITY = 'ERR value is NaN or Infinity';
export const ERR_INCR_NAN_OR_INFINITY = 'ERR increment would produce NaN or Infinity';
export const ERR_INVALID_CURSOR = 'ERR invalid cursor';
