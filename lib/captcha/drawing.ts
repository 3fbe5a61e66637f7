// The picture of an image code: a PNG in which no character is ever drawn the same way twice, so a
// program cannot read it by looking shapes up in a table (as one read svg-captcha's fixed glyph paths).
//
// Each challenge picks, for every character, a font, a pen, a size, a slant, a rotation and a place, then
// bends the whole line with a random wave, and crosses it with lines in the letters' own colours.
//
// Why drawn here rather than by a captcha package: the kept ones either draw a fixed shape per character
// (svg-captcha; captchapng's digit bitmaps), choose their own text from an alphabet with 0/O and 1/l
// (trek-captcha, captcha.gif: one bitmap font, only bent row by row), or need a native canvas (canvas,
// @napi-rs/canvas, skia-canvas, captcha-canvas). pureimage is pure JavaScript but reads its fonts from a
// file path, which an npm package on Deno Deploy can't promise. So the letters are the Hershey vector
// fonts (hersheytext: plain JSON, no file to read, no native code), drawn by the small rasteriser below,
// and encoded by fast-png (pure JavaScript); all three work alike under Deno, on Deno Deploy and in tests.

/** Pixels of the PNG: twice the 150 × 50 the page shows, so it stays sharp on a phone's screen. */
export const PNG_WIDTH = 300;
export const PNG_HEIGHT = 100;

/** A number in [0, 1); the challenge's randomness, injectable so a test can draw known pictures. */
export type Random = () => number;

export interface DrawingOptions {
  random?: Random;
  /**
   * `fixed`: every character in one font, size and pen, upright, at whole pixels, in one colour: the
   * way svg-captcha drew them. Kept only as the baseline the lookup-attack test measures against.
   */
  shapes?: "varied" | "fixed";
  /** Lines and specks over and under the letters (default true). */
  noise?: boolean;
}

type Point = [number, number];
type Stroke = Point[];
type Rgb = [number, number, number];

interface HersheyFont {
  chars: { d: string; o: number }[];
}

// Sans (simplex, bold) and serif (plain, bold): all clear at this size, each giving a character other bones.
const FONTS = ["futural", "futuram", "timesr", "timesrb"] as const;
type FontName = typeof FONTS[number];
let fonts: Promise<Record<FontName, HersheyFont>> | undefined;

/** Loaded on first use: 330 KB of JSON that start-up need not wait for. */
function loadFonts(): Promise<Record<FontName, HersheyFont>> {
  return fonts ??= import("hersheytext/hersheytext.min.json", {
    with: { type: "json" },
  }).then((module) => module.default as Record<FontName, HersheyFont>);
}

let pngEncoder: Promise<typeof import("fast-png").encode> | undefined;

/** fast-png, loaded on first use too: its modules cost start-up tens of milliseconds. */
function loadPngEncoder(): Promise<typeof import("fast-png").encode> {
  return pngEncoder ??= import("fast-png").then((module) => module.encode);
}

/** Draws `text` (ASCII letters and digits) as a PNG. */
export async function drawCodePicture(
  text: string,
  { random = secureRandom(), shapes = "varied", noise = true }: DrawingOptions =
    {},
): Promise<Uint8Array<ArrayBuffer>> {
  const [loaded, encode] = await Promise.all([loadFonts(), loadPngEncoder()]);
  const fixed = shapes === "fixed";
  const between = (low: number, high: number) => low + (high - low) * random();
  const canvas = new Canvas(
    fixed ? [244, 246, 248] : hsl(between(0, 360), 0.35, between(0.92, 0.96)),
  );
  if (noise) {
    for (let i = 0; i < 2; i++) {
      canvas.stroke(
        [randomCurve(between)],
        between(2, 4),
        hsl(between(0, 360), 0.3, between(0.72, 0.82)),
      );
    }
    for (let i = 0; i < 90; i++) {
      const x = between(0, PNG_WIDTH);
      const y = between(0, PNG_HEIGHT);
      canvas.stroke(
        [[[x, y], [x + 0.1, y]]],
        between(1, 3),
        hsl(between(0, 360), 0.4, between(0.55, 0.8)),
      );
    }
  }

  const warp = fixed ? (point: Point) => point : randomWarp(between);
  const colours: Rgb[] = [];
  let x = fixed ? Math.round(between(14, 40)) : between(10, 34);
  for (const char of text) {
    const fontName = fixed ? "futural" : FONTS[Math.floor(random() * 4)];
    const font = loaded[fontName];
    const glyph = font.chars[char.charCodeAt(0) - 33];
    const strokes = parseHersheyPath(glyph.d);
    const [left, right] = xExtent(strokes);
    const scale = fixed ? 2.8 : between(2.5, 2.95);
    const scaleX = fixed ? scale : scale * between(0.85, 1.15);
    const halfWidth = ((right - left) / 2) * scaleX;
    const centreX = fixed ? Math.round(x + halfWidth) : x + halfWidth;
    const centreY = fixed ? Math.round(between(46, 54)) : between(46, 54);
    const turn = fixed ? 0 : between(-0.35, 0.35);
    const slant = fixed ? 0 : between(-0.25, 0.25);
    const jitter = fixed ? 0 : 0.25;
    const placed = strokes.map((stroke) =>
      subdivide(
        stroke.map(([gx, gy]): Point => {
          // Font units about the glyph's middle (cap height 1–22), then slanted, scaled, turned, placed.
          const ux = gx - (left + right) / 2 + (random() - 0.5) * jitter * 2;
          const uy = gy - 11.5 + (random() - 0.5) * jitter * 2;
          const sx = (ux + slant * uy) * scaleX;
          const sy = uy * scale;
          return [
            centreX + sx * Math.cos(turn) - sy * Math.sin(turn),
            centreY + sx * Math.sin(turn) + sy * Math.cos(turn),
          ];
        }),
        3,
      ).map(warp)
    );
    const colour: Rgb = fixed
      ? [51, 51, 51]
      : hsl(between(0, 360), between(0.55, 0.85), between(0.2, 0.36));
    colours.push(colour);
    // The bold fonts draw each stem twice, side by side: a finer pen keeps them from clotting.
    const pen = fixed
      ? 5.5
      : fontName.endsWith("m") || fontName.endsWith("b")
      ? between(3.4, 4.4)
      : between(4.4, 5.6);
    canvas.stroke(placed, pen, colour);
    x = centreX + halfWidth +
      (fixed ? Math.round(between(8, 14)) : between(-2, 8));
  }
  if (noise && !fixed) {
    // Over the letters, in their colours: it can't be told from them by colour, only by shape.
    for (let i = 0; i < 1; i++) {
      canvas.stroke(
        [subdivide(randomCurve(between), 3).map(warp)],
        between(1.6, 2.4),
        colours[Math.floor(random() * colours.length)],
      );
    }
  }
  return canvas.png(encode);
}

/** Randomness from the system's CSPRNG, drawn in batches. */
function secureRandom(): Random {
  const batch = new Uint32Array(256);
  let next = batch.length;
  return () => {
    if (next === batch.length) {
      crypto.getRandomValues(batch);
      next = 0;
    }
    return batch[next++] / 2 ** 32;
  };
}

/** "M4,1 L4,22 M4,1 L13,1 16,2" → [[[4,1],[4,22]], [[4,1],[13,1],[16,2]]]. */
export function parseHersheyPath(d: string): Stroke[] {
  const strokes: Stroke[] = [];
  for (const part of d.split("M").slice(1)) {
    const points = [...part.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((
      [, x, y],
    ): Point => [Number(x), Number(y)]);
    if (points.length) strokes.push(points);
  }
  return strokes;
}

function xExtent(strokes: Stroke[]): [number, number] {
  const xs = strokes.flat().map(([x]) => x);
  return [Math.min(...xs), Math.max(...xs)];
}

/** The stroke with points added so that no step is longer than `step`: a warp then bends it smoothly. */
function subdivide(stroke: Stroke, step: number): Stroke {
  const out: Stroke = [stroke[0]];
  for (let i = 1; i < stroke.length; i++) {
    const [x0, y0] = stroke[i - 1];
    const [x1, y1] = stroke[i];
    const parts = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = 1; k <= parts; k++) {
      out.push([x0 + (x1 - x0) * k / parts, y0 + (y1 - y0) * k / parts]);
    }
  }
  return out;
}

/** A wave through the whole picture, different each time: the letters ride it, so they bend differently. */
function randomWarp(between: (low: number, high: number) => number) {
  const ax = between(1.5, 3),
    lx = between(90, 160),
    px = between(0, 2 * Math.PI);
  const ay = between(3, 6),
    ly = between(110, 200),
    py = between(0, 2 * Math.PI);
  const ay2 = between(0.5, 1.5),
    ly2 = between(40, 70),
    py2 = between(0, 2 * Math.PI);
  return ([x, y]: Point): Point => [
    x + ax * Math.sin((2 * Math.PI * y) / lx + px),
    y + ay * Math.sin((2 * Math.PI * x) / ly + py) +
    ay2 * Math.sin((2 * Math.PI * x) / ly2 + py2),
  ];
}

/** A cubic curve from the left edge to the right, through the band the letters are in. */
function randomCurve(between: (low: number, high: number) => number): Stroke {
  const p = [
    [between(-10, 20), between(20, 80)],
    [between(60, 140), between(0, 100)],
    [between(160, 240), between(0, 100)],
    [between(280, 310), between(20, 80)],
  ];
  const curve: Stroke = [];
  for (let i = 0; i <= 40; i++) {
    const t = i / 40, u = 1 - t;
    const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
    curve.push([
      w.reduce((sum, wi, k) => sum + wi * p[k][0], 0),
      w.reduce((sum, wi, k) => sum + wi * p[k][1], 0),
    ]);
  }
  return curve;
}

function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const h = hue / 60;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] = h < 1
    ? [chroma, x, 0]
    : h < 2
    ? [x, chroma, 0]
    : h < 3
    ? [0, chroma, x]
    : h < 4
    ? [0, x, chroma]
    : h < 5
    ? [x, 0, chroma]
    : [chroma, 0, x];
  const m = lightness - chroma / 2;
  return [r, g, b].map((v) => Math.round((v + m) * 255)) as Rgb;
}

/** An RGB picture that round-capped, anti-aliased strokes are painted on. */
class Canvas {
  readonly pixels = new Uint8Array(PNG_WIDTH * PNG_HEIGHT * 3);
  readonly #cover = new Float32Array(PNG_WIDTH * PNG_HEIGHT);

  constructor(background: Rgb) {
    for (let i = 0; i < this.pixels.length; i += 3) {
      this.pixels.set(background, i);
    }
  }

  /** Paints `strokes` with a pen `width` wide, as one shape: where strokes overlap, the colour isn't doubled. */
  stroke(strokes: Stroke[], width: number, colour: Rgb): void {
    const cover = this.#cover;
    const radius = width / 2;
    const box = { x0: PNG_WIDTH, x1: -1, y0: PNG_HEIGHT, y1: -1 };
    for (const stroke of strokes) {
      for (let i = 0; i < stroke.length - 1 || i === 0; i++) {
        const a = stroke[i];
        const b = stroke[Math.min(i + 1, stroke.length - 1)];
        coverSegment(cover, a, b, radius, box);
      }
    }
    // Only the box the strokes touched is blended, and cleared for the next shape.
    for (let y = box.y0; y <= box.y1; y++) {
      for (let x = box.x0; x <= box.x1; x++) {
        const i = y * PNG_WIDTH + x;
        const c = cover[i];
        if (c === 0) continue;
        cover[i] = 0;
        for (let k = 0; k < 3; k++) {
          const at = i * 3 + k;
          this.pixels[at] = Math.round(
            this.pixels[at] * (1 - c) + colour[k] * c,
          );
        }
      }
    }
  }

  png(encode: typeof import("fast-png").encode): Uint8Array<ArrayBuffer> {
    // fast-png writes into an ArrayBuffer of its own; its typings say only ArrayBufferLike.
    return encode({
      width: PNG_WIDTH,
      height: PNG_HEIGHT,
      data: this.pixels,
      channels: 3,
      depth: 8,
    }) as Uint8Array<ArrayBuffer>;
  }
}

/** Marks how much of each pixel the capsule around a–b covers (a pixel's own square, estimated by distance). */
function coverSegment(
  cover: Float32Array,
  [ax, ay]: Point,
  [bx, by]: Point,
  radius: number,
  box: { x0: number; x1: number; y0: number; y1: number },
): void {
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius - 1));
  const x1 = Math.min(PNG_WIDTH - 1, Math.ceil(Math.max(ax, bx) + radius + 1));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius - 1));
  const y1 = Math.min(PNG_HEIGHT - 1, Math.ceil(Math.max(ay, by) + radius + 1));
  if (x0 > x1 || y0 > y1) return;
  box.x0 = Math.min(box.x0, x0);
  box.x1 = Math.max(box.x1, x1);
  box.y0 = Math.min(box.y0, y0);
  box.y1 = Math.max(box.y1, y1);
  const dx = bx - ax, dy = by - ay;
  const length2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - ax, py = y + 0.5 - ay;
      const t = length2 === 0
        ? 0
        : Math.max(0, Math.min(1, (px * dx + py * dy) / length2));
      const ex = px - t * dx, ey = py - t * dy;
      const distance = Math.sqrt(ex * ex + ey * ey);
      const c = Math.max(0, Math.min(1, radius + 0.5 - distance));
      const at = y * PNG_WIDTH + x;
      if (c > cover[at]) cover[at] = c;
    }
  }
}
