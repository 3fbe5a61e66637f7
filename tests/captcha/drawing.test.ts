// The review's attack on the image code, rebuilt for a raster: learn each character's signature from
// 200 pictures whose text is known, then read 200 new ones by looking their shapes up. It read 40 of 40
// of svg-captcha's pictures, whose characters were fixed paths; it must read almost none of ours.
import { deepEqual, equal, notDeepEqual, ok } from "node:assert/strict";
import { decode } from "fast-png";
import {
  drawCodePicture,
  type DrawingOptions,
  PNG_HEIGHT,
  PNG_WIDTH,
  type Random,
} from "@/lib/captcha/drawing.ts";

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A repeatable stream of numbers in [0, 1) (mulberry32), so a failure can be drawn again. */
function seeded(seed: number): Random {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomText(random: Random): string {
  return Array.from(
    { length: 4 },
    () => ALPHABET[Math.floor(random() * ALPHABET.length)],
  ).join("");
}

interface Blob {
  x0: number;
  width: number;
  height: number;
  /** Its ink pixels within its box, row by row. */
  bitmap: Uint8Array;
}

/** The dark connected shapes of a picture, left to right: what an attacker takes for its characters. */
function inkBlobs(png: Uint8Array): Blob[] {
  const { data, width, height } = decode(png);
  const ink = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [data[i * 3], data[i * 3 + 1], data[i * 3 + 2]];
    ink[i] = 0.299 * r + 0.587 * g + 0.114 * b < 140 ? 1 : 0;
  }
  const seen = new Uint8Array(width * height);
  const blobs: Blob[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (!ink[start] || seen[start]) continue;
    const pixels: number[] = [];
    const queue = [start];
    seen[start] = 1;
    while (queue.length) {
      const at = queue.pop()!;
      pixels.push(at);
      const x = at % width, y = Math.floor(at / width);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const next = ny * width + nx;
          if (ink[next] && !seen[next]) {
            seen[next] = 1;
            queue.push(next);
          }
        }
      }
    }
    if (pixels.length < 40) continue; // a speck
    const xs = pixels.map((p) => p % width);
    const ys = pixels.map((p) => Math.floor(p / width));
    const x0 = Math.min(...xs), y0 = Math.min(...ys);
    const w = Math.max(...xs) - x0 + 1, h = Math.max(...ys) - y0 + 1;
    const bitmap = new Uint8Array(w * h);
    for (const p of pixels) {
      bitmap[(Math.floor(p / width) - y0) * w + (p % width) - x0] = 1;
    }
    blobs.push({ x0, width: w, height: h, bitmap });
  }
  return blobs.sort((a, b) => a.x0 - b.x0);
}

/**
 * The signatures an attacker keys a character by: its exact pixels, its column profile (ink per
 * column), and its shape scaled to a 12 × 12 grid (so a change of size alone does not hide it).
 */
function signatures({ width, height, bitmap }: Blob): string[] {
  const columns = Array.from({ length: width }, (_, x) => {
    let count = 0;
    for (let y = 0; y < height; y++) count += bitmap[y * width + x];
    return count;
  });
  let grid = "";
  for (let gy = 0; gy < 12; gy++) {
    for (let gx = 0; gx < 12; gx++) {
      const x = Math.floor(((gx + 0.5) * width) / 12);
      const y = Math.floor(((gy + 0.5) * height) / 12);
      grid += bitmap[y * width + x];
    }
  }
  return [
    `pixels:${width}x${height}:${bitmap.join("")}`,
    `columns:${columns.join(",")}`,
    `grid:${grid}`,
  ];
}

/** Learns from `training` pictures, then reads `reading` new ones; returns how many it read whole. */
async function lookupAttack(
  options: DrawingOptions,
  { seed, training, reading }: {
    seed: number;
    training: number;
    reading: number;
  },
): Promise<{ read: number; learned: number }> {
  const random = seeded(seed);
  const table = new Map<string, string>();
  for (let i = 0; i < training; i++) {
    const text = randomText(random);
    const blobs = inkBlobs(await drawCodePicture(text, { ...options, random }));
    if (blobs.length !== text.length) continue; // the attacker can't tell which shape is which
    blobs.forEach((blob, k) => {
      for (const signature of signatures(blob)) {
        const known = table.get(signature);
        // A signature seen for two characters tells nothing.
        table.set(signature, known && known !== text[k] ? "?" : text[k]);
      }
    });
  }
  let read = 0;
  for (let i = 0; i < reading; i++) {
    const text = randomText(random);
    const blobs = inkBlobs(await drawCodePicture(text, { ...options, random }));
    const guess = blobs.map((blob) =>
      signatures(blob).map((s) => table.get(s)).find((c) => c && c !== "?") ??
        "?"
    ).join("");
    if (guess === text) read++;
  }
  return { read, learned: table.size };
}

Deno.test("the lookup attack", async (t) => {
  await t.step(
    "reads characters drawn in fixed shapes, as svg-captcha drew them (the attack works)",
    async () => {
      const { read } = await lookupAttack(
        { shapes: "fixed", noise: false },
        { seed: 1, training: 200, reading: 200 },
      );
      ok(read >= 195, `read only ${read} of 200 fixed-shape pictures`);
    },
  );

  await t.step("reads under 5% of the pictures the app draws", async () => {
    const { read } = await lookupAttack({}, {
      seed: 2,
      training: 200,
      reading: 200,
    });
    ok(read < 10, `read ${read} of 200`);
  });

  await t.step(
    "reads under 5% even without the noise: the letters' own shapes change",
    async () => {
      const { read } = await lookupAttack({ noise: false }, {
        seed: 3,
        training: 200,
        reading: 200,
      });
      ok(read < 10, `read ${read} of 200`);
    },
  );
});

Deno.test("a picture is a PNG of 300 × 100, never the same twice for the same text", async () => {
  const first = await drawCodePicture("A7KM");
  const second = await drawCodePicture("A7KM");
  deepEqual([...first.slice(1, 4)], [..."PNG"].map((c) => c.charCodeAt(0)));
  const { width, height } = decode(first);
  equal(`${width}x${height}`, `${PNG_WIDTH}x${PNG_HEIGHT}`);
  notDeepEqual(first, second);
});
