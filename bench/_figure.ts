// One benchmark's outcome: the line `deno task bench` prints and what results.json keeps.

export interface Figure {
  name: string;
  /** measured / baseline (or measured / budget), when there is a target. */
  ratio?: number;
  target?: { op: "≥" | "≤"; value: number };
  pass?: boolean;
  /** Every number behind the ratio, for results.json. */
  details: Record<string, unknown>;
  line: string;
}

/** `name: <what> = 1.71× (target ≥ 1.7) PASS`, with `after` appended. */
export function ratioFigure(
  name: string,
  what: string,
  ratio: number,
  target: { op: "≥" | "≤"; value: number },
  details: Record<string, unknown>,
  after = "",
): Figure {
  const pass = target.op === "≥"
    ? ratio >= target.value
    : ratio <= target.value;
  const line = `${name}: ${what} = ${
    ratio.toFixed(2)
  }× (target ${target.op} ${target.value}) ${pass ? "PASS" : "FAIL"}${after}`;
  return { name, ratio: round(ratio, 3), target, pass, details, line };
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** `figure` failed as well when a condition besides its ratio is not met. */
export function alsoRequired(figure: Figure, met: boolean): Figure {
  if (met || !figure.pass) return figure;
  return {
    ...figure,
    pass: false,
    line: figure.line.replace(/\) PASS/, ") FAIL"),
  };
}
