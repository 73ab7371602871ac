/**
 * Redis 7.0's text for a double reply (addReplyDouble / d2string): printf's `%.17g`, with `inf`,
 * `-inf` and `nan` spelled out. RESP2 sends it as a bulk string, RESP3 after a `,`.
 * Used by the encoder for `double` replies and by commands that reply scores as bulk strings (ZSCAN,
 * WITHSCORES in RESP2). Note: INCRBYFLOAT is different (long double, `%.17Lg` then trimmed).
 *
 * Written by the zsets helper; the encoder (srvcore) should use this one rather than its own.
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return formatG17(value);
}

const PRECISION = 17;

/** printf("%.17g"): 17 significant digits, trailing zeros dropped, exponent form when exp < -4 or >= 17. */
function formatG17(value: number): string {
  const sci = roundedScientific(value); // "-d.dddddddddddddddde+X"
  const ePos = sci.indexOf('e');
  const exponent = Number(sci.slice(ePos + 1));
  const negative = sci.startsWith('-');
  const digits = sci.slice(negative ? 1 : 0, ePos).replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= PRECISION) {
    const mantissa = stripZeros(`${digits[0] ?? '0'}.${digits.slice(1)}`);
    const expAbs = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
  }
  if (exponent < 0) return `${sign}${stripZeros(`0.${'0'.repeat(-exponent - 1)}${digits}`)}`;
  return `${sign}${stripZeros(`${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`)}`;
}

/** Drops trailing zeros of the fraction, and the point itself when nothing is left after it. */
function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* '0' */) end--;
  if (s.charCodeAt(end - 1) === 46 /* '.' */) end--;
  return s.slice(0, end);
}

/**
 * `value.toExponential(16)` rounded the way glibc's printf rounds: on an exact tie, to even.
 * V8 does not promise that. A tie means the exact value has 18 significant digits ending in 5, so
 * toExponential(17) is exact and ends in 5; only then is BigInt arithmetic needed.
 */
function roundedScientific(value: number): string {
  const rounded = value.toExponential(PRECISION - 1);
  const longer = value.toExponential(PRECISION);
  const ePos = longer.indexOf('e');
  if (longer.charCodeAt(ePos - 1) !== 53 /* '5' */ || !isExactly(value, longer)) return rounded;
  const negative = longer.startsWith('-');
  const kept = longer.slice(negative ? 1 : 0, ePos - 1).replace('.', ''); // 17 digits before the 5
  let exponent = Number(longer.slice(ePos + 1));
  let digits = kept;
  if (Number(kept[kept.length - 1]) % 2 === 1) {
    digits = (BigInt(kept) + 1n).toString();
    if (digits.length > PRECISION) {
      digits = digits.slice(0, PRECISION);
      exponent++;
    }
  }
  return `${negative ? '-' : ''}${digits[0] ?? '0'}.${digits.slice(1)}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
}

/** True when the decimal `sci` (d.ddd…e±X) is exactly the binary value, checked with BigInt. */
function isExactly(value: number, sci: string): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const binExp = (biased === 0 ? 1 : biased) - 1075; // value = mantissa * 2^binExp
  const ePos = sci.indexOf('e');
  const decDigits = BigInt(sci.slice(sci.startsWith('-') ? 1 : 0, ePos).replace('.', ''));
  const decExp = Number(sci.slice(ePos + 1)) - PRECISION; // decimal = decDigits * 10^decExp
  // Compare mantissa * 2^binExp with decDigits * 10^decExp, both sides moved to integers.
  let left = mantissa;
  let right = decDigits;
  if (binExp >= 0) left <<= BigInt(binExp);
  else right <<= BigInt(-binExp);
  if (decExp >= 0) right *= 10n ** BigInt(decExp);
  else left *= 10n ** BigInt(-decExp);
  return left === right;
}
