/**
 * LOLWUT [VERSION version] [options] — Redis's computer art, with the version line (lolwut.c,
 * lolwut5.c, lolwut6.c of 7.0). Without VERSION (or with one that is neither 5 nor 6) a 7.0 server
 * answers only "Redis ver. 7.0.15". VERSION 5 draws Georg Nees's "Schotter" in Braille characters
 * (LOLWUT VERSION 5 [columns] [squares-per-row] [squares-per-col], default 66 8 12); VERSION 6 a city
 * skyline in terminal colours (LOLWUT VERSION 6 [columns] [rows], default 80 20).
 *
 * The drawings use C's float arithmetic (Math.fround) and rand(): the randomness makes every run
 * different, as in Redis, but with at most two rows of squares Schotter has none and is the same
 * picture byte for byte.
 */
import { REDIS_COMPAT_VERSION } from '../../config/index.js';
import { ERR_NOT_INTEGER, verbatim, type Reply } from '../../resp/index.js';
import { parseLong } from '../args.js';
import { tableCommand } from '../define.js';
import { fail } from '../typed.js';

const f32 = Math.fround;
/** glibc's RAND_MAX. */
const RAND_MAX = 2147483647;

function rand(): number {
  return Math.floor(Math.random() * (RAND_MAX + 1));
}

/** A canvas of pixels, each a colour (0/1 for Schotter, 0..3 for the skyline). */
class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  draw(x: number, y: number, color: number): void {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return;
    this.pixels[x + y * this.width] = color;
  }

  get(x: number, y: number): number {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return 0;
    return this.pixels[x + y * this.width] as number;
  }

  /** Bresenham, as lwDrawLine. */
  line(x1: number, y1: number, x2: number, y2: number, color: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.draw(x1, y1, color);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }

  /** lwDrawSquare: a square centred on x,y, rotated by `angle`, its corners on a circle. */
  square(x: number, y: number, size: number, angle: number, color: number): void {
    size = f32(size / 1.4142135623);
    size = f32(cRound(size));
    const px: number[] = [];
    const py: number[] = [];
    let k = f32(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(cRound(Math.sin(k) * size + x));
      py.push(cRound(Math.cos(k) * size + y));
      k = f32(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) {
      this.line(
        px[j] as number,
        py[j] as number,
        px[(j + 1) % 4] as number,
        py[(j + 1) % 4] as number,
        color,
      );
    }
  }
}

/** C round(): halves away from zero. */
function cRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** C's (int) conversion of a float. */
function toInt(x: number): number {
  return Math.trunc(x);
}

/** lwDrawSchotter (lolwut5.c), in C's float arithmetic. */
function schotter(cols: number, perRow: number, perCol: number): Canvas {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f32(f32(width - padding * 2) / perRow);
  const height = toInt(f32(f32(side * perCol) + padding * 2));
  const canvas = new Canvas(width, height, 0);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let sx = toInt(f32(f32(f32(x * side) + f32(side / 2)) + padding));
      let sy = toInt(f32(f32(f32(y * side) + f32(side / 2)) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = f32(f32(f32(f32(rand()) / f32(RAND_MAX)) / perCol) * y);
        let r2 = f32(f32(f32(f32(rand()) / f32(RAND_MAX)) / perCol) * y);
        let r3 = f32(f32(f32(f32(rand()) / f32(RAND_MAX)) / perCol) * y);
        if (rand() % 2) r1 = -r1;
        if (rand() % 2) r2 = -r2;
        if (rand() % 2) r3 = -r3;
        angle = r1;
        sx = toInt(f32(sx + f32(f32(r2 * side) / 3)));
        sy = toInt(f32(sy + f32(f32(r3 * side) / 3)));
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

/** Braille rendering (lolwut5.c renderCanvas): 2×4 pixels per character, UTF-8 bytes as latin1. */
function renderBraille(canvas: Canvas): string {
  let text = '';
  for (let y = 0; y < canvas.height; y += 4) {
    for (let x = 0; x < canvas.width; x += 2) {
      let byte = 0;
      if (canvas.get(x, y)) byte |= 1 << 0;
      if (canvas.get(x, y + 1)) byte |= 1 << 1;
      if (canvas.get(x, y + 2)) byte |= 1 << 2;
      if (canvas.get(x + 1, y)) byte |= 1 << 3;
      if (canvas.get(x + 1, y + 1)) byte |= 1 << 4;
      if (canvas.get(x + 1, y + 2)) byte |= 1 << 5;
      if (canvas.get(x, y + 3)) byte |= 1 << 6;
      if (canvas.get(x + 1, y + 3)) byte |= 1 << 7;
      const code = 0x2800 + byte;
      text += String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
    if (y !== canvas.height - 1) text += '\n';
  }
  return text;
}

/** The optional integer arguments (Redis getLongFromObjectOrReply), defaults where absent. */
function longArgs(argv: readonly string[], defaults: readonly number[]): number[] {
  return defaults.map((d, i) => {
    const a = argv[i];
    if (a === undefined) return d;
    return parseLong(a) ?? fail(ERR_NOT_INTEGER);
  });
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function lolwut5(argv: readonly string[]): Reply {
  const [cols, perRow, perCol] = longArgs(argv, [66, 8, 12]) as [number, number, number];
  const canvas = schotter(clamp(cols, 1, 1000), clamp(perRow, 1, 200), clamp(perCol, 1, 200));
  return verbatim(
    renderBraille(canvas) +
      `\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${REDIS_COMPAT_VERSION}\n`,
  );
}

interface Skyscraper {
  xoff: number;
  width: number;
  height: number;
  windows: boolean;
  color: number;
}

/** generateSkyscraper (lolwut6.c). */
function skyscraper(canvas: Canvas, si: Skyscraper): void {
  const starty = canvas.height - 1;
  const endy = starty - si.height + 1;
  for (let y = starty; y >= endy; y--) {
    for (let x = si.xoff; x < si.xoff + si.width; x++) {
      if (y === endy && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2)) continue;
      let color = si.color;
      if (si.windows && x > si.xoff + 1 && x < si.xoff + si.width - 2 && y > endy + 1 && y < starty - 1) {
        const relx = x - (si.xoff + 1);
        const rely = y - (endy + 1);
        if (Math.trunc(relx / 2) % 2 && rely % 2) {
          do {
            color = 1 + (rand() % 2);
          } while (color === si.color);
          if (relx % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.draw(x, y, color);
    }
  }
}

/** C's `rand()%n/d`: the remainder first, then integer division. */
function randMod(n: number, d: number): number {
  return Math.trunc((rand() % n) / d);
}

/** generateSkyline (lolwut6.c): two grey layers of towers, then black ones with windows. */
function skyline(canvas: Canvas): void {
  const si: Skyscraper = { xoff: 0, width: 0, height: 0, windows: false, color: 0 };
  for (let color = 2; color >= 1; color--) {
    si.color = color;
    for (let offset = -10; offset < canvas.width;) {
      offset += rand() % 8;
      si.xoff = offset;
      si.width = 10 + (rand() % 9);
      si.height =
        color === 2
          ? Math.trunc(canvas.height / 2) + randMod(canvas.height, 2)
          : Math.trunc(canvas.height / 2) + randMod(canvas.height, 3);
      si.windows = false;
      skyscraper(canvas, si);
      offset += color === 2 ? Math.trunc(si.width / 2) : si.width + 1;
    }
  }
  si.color = 0;
  for (let offset = -10; offset < canvas.width;) {
    offset += rand() % 8;
    si.xoff = offset;
    si.width = 5 + (rand() % 14);
    if (si.width % 4) si.width += si.width % 3;
    si.height = Math.trunc(canvas.height / 3) + randMod(canvas.height, 2);
    si.windows = true;
    skyscraper(canvas, si);
    offset += si.width + 5;
  }
}

const COLOR_ESCAPES = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

function lolwut6(argv: readonly string[]): Reply {
  const [cols, rows] = longArgs(argv, [80, 20]) as [number, number];
  const canvas = new Canvas(clamp(cols, 1, 1000), clamp(rows, 1, 1000), 3);
  skyline(canvas);
  let text = '';
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      text += `\x1b[${COLOR_ESCAPES[canvas.get(x, y)] ?? COLOR_ESCAPES[0]} \x1b[0m`;
    }
    if (y !== canvas.height - 1) text += '\n';
  }
  return verbatim(
    text +
      '\nDedicated to the 8 bit game developers of past and present.\n' +
      `Original 8 bit image from Plaguemon by hikikomori. Redis ver. ${REDIS_COMPAT_VERSION}\n`,
  );
}

/** Redis lolwutCommand: VERSION picks the drawing by the version string's first characters. */
export const lolwutCommand = tableCommand('lolwut', (_ctx, argv) => {
  let version = REDIS_COMPAT_VERSION;
  let args = argv.slice(1);
  if (argv.length >= 3 && (argv[1] as string).toLowerCase() === 'version') {
    const v = parseLong(argv[2] as string) ?? fail(ERR_NOT_INTEGER);
    // snprintf("%u.0.0", (unsigned int)ver)
    version = `${Number(BigInt.asUintN(32, BigInt(v)))}.0.0`;
    args = argv.slice(3);
  }
  const [a, b, c] = [version[0], version[1], version[2]];
  if ((a === '5' && b === '.' && c !== '9') || (a === '4' && b === '.' && c === '9')) return lolwut5(args);
  if ((a === '6' && b === '.' && c !== '9') || (a === '5' && b === '.' && c === '9')) return lolwut6(args);
  return verbatim(`Redis ver. ${REDIS_COMPAT_VERSION}\n`);
});
