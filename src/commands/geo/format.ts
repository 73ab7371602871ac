/**
 * The exact decimal text glibc's printf gives a double in fixed notation ("%.<digits>f"): the exact
 * binary value rounded once, ties to even. GEO replies use it: distances as "%.4f", coordinates as
 * Redis's human long double ("%.17Lf" with trailing zeros dropped), invalid pairs as "%f".
 */
const view = new DataView(new ArrayBuffer(8));

/** printf("%.<digits>f", value). */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return value < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  const negative = value < 0 || Object.is(value, -0);
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075; // value = mantissa * 2^exponent
  const scaled = mantissa * 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) q = scaled << BigInt(exponent);
  else {
    const den = 1n << BigInt(-exponent);
    q = scaled / den;
    const twice = (scaled % den) * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q++;
  }
  const text = q.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const frac = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/** ld2string(…, LD_STR_HUMAN) of a double: "%.17Lf" without trailing zeros (and "-0" as "0"). */
export function formatHumanLongDouble(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  let text = formatFixed(value, 17);
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  text = text.slice(0, end);
  return text === '-0' ? '0' : text;
}
