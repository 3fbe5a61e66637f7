// Island props as JSON that is safe inside an HTML <script type="application/json"> element.
// Signals travel as their value plus a note of where they were, so the browser can make them again;
// one signal passed in several places comes back as one signal.
import { isValidElement } from "preact";

export interface SignalRef {
  /** Which island's props, and the path inside them. */
  island: number;
  path: (string | number)[];
  /** Equal ids were the same signal on the server. */
  id: number;
}

export interface IslandData {
  buildId: string;
  islands: { chunk: string; exportName: string; props: unknown }[];
  signals: SignalRef[];
}

interface SignalLike {
  peek(): unknown;
}

function isSignal(value: unknown): value is SignalLike {
  return typeof value === "object" && value !== null &&
    (value as { brand?: unknown }).brand === Symbol.for("preact-signals");
}

export function encodeIslandData(
  buildId: string,
  islands: {
    chunk: string;
    exportName: string;
    props: unknown;
    name: string;
  }[],
): IslandData {
  const signals: SignalRef[] = [];
  const signalIds = new Map<SignalLike, number>();
  const encoded = islands.map(({ chunk, exportName, props, name }, island) => {
    const seen = new Set<unknown>();
    const encode = (value: unknown, path: (string | number)[]): unknown => {
      if (isSignal(value)) {
        if (!signalIds.has(value)) signalIds.set(value, signalIds.size);
        signals.push({ island, path, id: signalIds.get(value)! });
        return encode(value.peek(), path);
      }
      if (value === null || value === undefined) return value;
      const type = typeof value;
      if (type === "string" || type === "number" || type === "boolean") {
        return value;
      }
      const where = `island ${name}, prop "${path.join(".")}"`;
      if (type !== "object" || isValidElement(value)) {
        throw new TypeError(
          `Cannot send a ${
            isValidElement(value) ? "JSX element" : type
          } to the browser (${where}): island props must be JSON data or signals`,
        );
      }
      if (seen.has(value)) throw new TypeError(`Circular prop (${where})`);
      seen.add(value);
      const object = value as Record<string, unknown> & { toJSON?(): unknown };
      let out: unknown;
      if (Array.isArray(object)) {
        out = object.map((item, i) => encode(item, [...path, i]));
      } else if (typeof object.toJSON === "function") {
        out = object.toJSON();
      } else {
        out = Object.fromEntries(
          Object.entries(object).map(([k, v]) => [k, encode(v, [...path, k])]),
        );
      }
      seen.delete(value);
      return out;
    };
    return { chunk, exportName, props: encode(props, []) };
  });
  return { buildId, islands: encoded, signals };
}

/** JSON with `<`, `>`, `&`, U+2028 and U+2029 escaped, so no text in it can close or break the element. */
export function htmlSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}
