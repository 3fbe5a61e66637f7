// Island data as JSON that is safe inside an HTML <script type="application/json"> element.
// A signal travels as its value tagged with an id, and the browser makes it again; one signal
// passed in several places comes back as one signal.
import { isValidElement } from "preact";

export const SIGNAL = "__frsh_signal";

export interface IslandData {
  buildId: string;
  islands: { chunk: string; exportName: string; props: unknown }[];
}

interface SignalLike {
  peek(): unknown;
}

// Pure: the browser reads island data and never looks for the brand, so its bundle leaves this out.
const SIGNAL_BRAND = /* @__PURE__ */ Symbol.for("preact-signals");

function isSignal(value: unknown): value is SignalLike {
  return typeof value === "object" && value !== null &&
    (value as { brand?: unknown }).brand === SIGNAL_BRAND;
}

/**
 * Whether island data (as islandDataJson wrote it) holds a signal. Its tag is a key, `"__frsh_signal":`,
 * which no string can hold unescaped.
 */
export function carriesSignals(json: string): boolean {
  return json.includes(`"${SIGNAL}":`);
}

export function islandDataJson(data: IslandData): string {
  const signalIds = new Map<SignalLike, number>();
  let island = "";
  // Props that are plain JSON (most are) skip the replacer, which costs a call per key.
  const json = isPlainJson(data)
    ? JSON.stringify(data)
    : JSON.stringify(data, function (key, value) {
      // `this[key]` is the value before toJSON, which would unwrap a signal.
      const raw: unknown = this[key];
      if (this === data.islands) island = `${value.chunk}#${value.exportName}`;
      if (isSignal(raw)) {
        if (!signalIds.has(raw)) signalIds.set(raw, signalIds.size);
        return { [SIGNAL]: signalIds.get(raw), value: raw.peek() };
      }
      if (
        /^(function|symbol|bigint)$/.test(typeof value) || isValidElement(value)
      ) {
        const what = isValidElement(value) ? "JSX element" : typeof value;
        throw new TypeError(
          `Cannot send a ${what} to the browser (island ${island}, prop "${key}"): island props must be JSON data or signals`,
        );
      }
      return value;
    });
  // No text in it can close the element or end a line early for old parsers.
  return json.replace(
    /[<>&\u2028\u2029]/g,
    (char) => "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

/** Whether `value` is strings, numbers, booleans, nulls, arrays and plain objects only. */
function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      return true;
    case "object": {
      if (value === null) return true;
      // Deep or odd (a signal, a vnode, anything with its own toJSON): the replacer judges it.
      if (depth > 64 || isSignal(value) || isValidElement(value)) return false;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        return false;
      }
      // A plain loop: this runs for every island of every page.
      const items = Object.values(value);
      for (let i = 0; i < items.length; i++) {
        if (!isPlainJson(items[i], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
