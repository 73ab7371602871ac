/**
 * The shape of one redis.conf directive: how its arguments parse, how CONFIG GET shows it, how
 * CONFIG REWRITE writes it. Builders for Redis's standard kinds (bool, numeric, memory, enum, string)
 * live here; the special ones (bind, save, client-output-buffer-limit, …) in special.ts.
 */
import {
  INT32_MAX,
  INT32_MIN,
  UINT32_MAX,
  INT64_MAX,
  INT64_MIN,
  INT64_MAX_AS_DOUBLE,
  INT64_MIN_AS_DOUBLE,
  UINT64_MAX_AS_DOUBLE,
  quoteArg,
} from '../resp/index.js';
import { formatMemoryForRewrite, parseConfigInteger, parseMemory } from './units.js';

/** A parse failure, with Redis's message ("argument must be 'yes' or 'no'"). */
export interface ConfigParseError {
  readonly error: string;
}

export function isParseError(v: unknown): v is ConfigParseError {
  return typeof v === 'object' && v !== null && 'error' in v && typeof v.error === 'string';
}

export interface DirectiveOptions {
  readonly aliases?: readonly string[];
  /** CONFIG SET refuses it ("can't set immutable config"). */
  readonly immutable?: boolean;
  /** CONFIG SET needs enable-protected-configs ("can't set protected config"). */
  readonly protected?: boolean;
}

export interface Directive<T = unknown> extends DirectiveOptions {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Takes any number of arguments (bind, save, client-output-buffer-limit…); others take exactly one. */
  readonly multiArg: boolean;
  readonly defaultValue: T;
  /**
   * Parses the arguments. `previous` is the current value (a `client-output-buffer-limit` line updates
   * only its classes). `continuing` is true when the same directive already appeared earlier in the
   * file being loaded: a second `save` line adds to the first instead of replacing it.
   */
  parse(args: readonly string[], previous: T, continuing: boolean): T | ConfigParseError;
  /** CONFIG GET's text. */
  format(value: T): string;
  /** CONFIG REWRITE's lines (without the name) — one entry per line. */
  rewrite(value: T): readonly string[];
  equals(a: T, b: T): boolean;
  /** REWRITE writes it even when it has its default value (Redis does so for `dir`). */
  readonly alwaysRewrite?: boolean;
}

/** Erases the value type so directives of all kinds fit one table (methods are bivariant). */
export type AnyDirective = Directive<unknown>;

function build<T>(
  name: string,
  defaultValue: T,
  opts: DirectiveOptions,
  body: Pick<Directive<T>, 'parse' | 'format'> &
    Partial<Pick<Directive<T>, 'rewrite' | 'equals' | 'multiArg'>>,
): AnyDirective {
  const directive: Directive<T> = {
    name,
    aliases: opts.aliases ?? [],
    immutable: opts.immutable ?? false,
    protected: opts.protected ?? false,
    multiArg: body.multiArg ?? false,
    defaultValue,
    parse: body.parse,
    format: body.format,
    rewrite: body.rewrite ?? ((v: T) => [body.format(v)]),
    equals: body.equals ?? ((a: T, b: T) => a === b),
  };
  return directive;
}

function single(args: readonly string[]): string {
  return args[0] ?? '';
}

export function boolDirective(name: string, def: boolean, opts: DirectiveOptions = {}): AnyDirective {
  return build<typeof def>(name, def, opts, {
    parse: (args) => {
      const v = single(args).toLowerCase();
      if (v === 'yes') return true;
      if (v === 'no') return false;
      return { error: "argument must be 'yes' or 'no'" };
    },
    format: (v) => (v ? 'yes' : 'no'),
  });
}

function rangeError(min: number, max: number): ConfigParseError {
  const fmt = (n: number): string => (Math.abs(n) >= 2 ** 53 ? BigInt(n).toString() : String(n));
  const text = (n: number): string =>
    n === INT64_MAX_AS_DOUBLE ? String(INT64_MAX) : n === INT64_MIN_AS_DOUBLE ? String(INT64_MIN) : fmt(n);
  return { error: `argument must be between ${text(min)} and ${text(max)} inclusive` };
}

/** The C limits config ranges are written with (as doubles, like Redis's config.c compares them). */
export const INT_MAX = INT32_MAX;
export const INT_MIN = INT32_MIN;
export const UINT_MAX = UINT32_MAX;
export const LLONG_MAX = INT64_MAX_AS_DOUBLE;
export const LLONG_MIN = INT64_MIN_AS_DOUBLE;
export const ULLONG_MAX = UINT64_MAX_AS_DOUBLE;

export function intDirective(
  name: string,
  def: number,
  min: number,
  max: number,
  opts: DirectiveOptions = {},
): AnyDirective {
  return build<typeof def>(name, def, opts, {
    parse: (args) => {
      const n = parseConfigInteger(single(args));
      if (n === undefined) return { error: "argument couldn't be parsed into an integer" };
      if (n < min || n > max) return rangeError(min, max);
      return n;
    },
    format: (v) => String(v),
  });
}

/** A byte count that takes units (1gb, 100mb, 64k). CONFIG GET shows bytes, REWRITE the unit form. */
export function memoryDirective(
  name: string,
  def: number,
  min: number,
  max: number,
  opts: DirectiveOptions = {},
): AnyDirective {
  return build<typeof def>(name, def, opts, {
    parse: (args) => {
      const n = parseMemory(single(args));
      if (n === undefined) return { error: 'argument must be a memory value' };
      if (n < min || n > max) return rangeError(min, max);
      return n;
    },
    format: (v) => String(v),
    rewrite: (v) => [formatMemoryForRewrite(v)],
  });
}

export function enumDirective(
  name: string,
  def: string,
  values: readonly string[],
  opts: DirectiveOptions = {},
): AnyDirective {
  return build<typeof def>(name, def, opts, {
    parse: (args) => {
      const v = single(args).toLowerCase();
      return values.includes(v)
        ? v
        : { error: `argument(s) must be one of the following: ${values.join(', ')}` };
    },
    format: (v) => v,
  });
}

/** A set of enum flags on one line (shutdown-on-sigint "nosave now"). */
export function flagsDirective(
  name: string,
  def: string,
  values: readonly string[],
  opts: DirectiveOptions = {},
): AnyDirective {
  return build<typeof def>(name, def, opts, {
    multiArg: true,
    parse: (args) => {
      const lower = args.map((a) => a.toLowerCase());
      if (lower.length === 0 || lower.some((v) => !values.includes(v))) {
        return { error: `argument(s) must be one of the following: ${values.join(', ')}` };
      }
      return values.filter((v) => lower.includes(v)).join(' ');
    },
    format: (v) => v,
  });
}

export function stringDirective(
  name: string,
  def: string,
  opts: DirectiveOptions & { readonly validate?: (v: string) => string | undefined } = {},
): AnyDirective {
  return build<typeof def>(name, def, opts, {
    parse: (args) => {
      const v = single(args);
      const problem = opts.validate?.(v);
      return problem === undefined ? v : { error: problem };
    },
    format: (v) => v,
    rewrite: (v) => [quoteArg(v)],
  });
}

/** Builds a directive of a special kind with full control (see special.ts). */
export function customDirective<T>(
  name: string,
  def: T,
  opts: DirectiveOptions & { readonly alwaysRewrite?: boolean },
  body: Pick<Directive<T>, 'parse' | 'format'> &
    Partial<Pick<Directive<T>, 'rewrite' | 'equals' | 'multiArg'>>,
): AnyDirective {
  const d = build(name, def, opts, body);
  return opts.alwaysRewrite === true ? { ...d, alwaysRewrite: true } : d;
}
