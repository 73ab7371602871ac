/**
 * The C integer limits Redis's arguments and replies are bound by, defined once (x86-64 Linux, LP64:
 * `long` and `long long` are both 64 bits, so LONG_MAX = LLONG_MAX = INT64_MAX). RESP integers are
 * signed 64-bit; string2ll, getLongLongFromObject, strtoul and friends check against these.
 */

/** LLONG_MIN / LONG_MIN. */
export const INT64_MIN = -(2n ** 63n);
/** LLONG_MAX / LONG_MAX. */
export const INT64_MAX = 2n ** 63n - 1n;
/** ULLONG_MAX / ULONG_MAX (SCAN cursors). */
export const UINT64_MAX = 2n ** 64n - 1n;

/**
 * LLONG_MAX / LLONG_MIN as doubles (±2^63): what C compares a double or long double against, since
 * the conversion rounds 2^63-1 up to 2^63.
 */
export const INT64_MAX_AS_DOUBLE = 2 ** 63;
export const INT64_MIN_AS_DOUBLE = -(2 ** 63);
/** ULLONG_MAX as a double (2^64). */
export const UINT64_MAX_AS_DOUBLE = 2 ** 64;

/** INT_MIN / INT_MAX / UINT_MAX. */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;
export const UINT32_MAX = 2 ** 32 - 1;
