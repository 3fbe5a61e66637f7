// Reads QQ's answers, which come in three shapes depending on the endpoint and `fmt`:
// x-www-form-urlencoded, JSON, and JSONP `callback( {...} );`. Anything else is a QqError.
import { QqError, type QqErrorCode } from "./_errors.ts";

export type QqFields = Record<string, unknown>;

const jsonp = /^[\w$.]+\s*\(([\s\S]*)\)\s*;?$/;
// One `key=value` pair at least and no whitespace, so an HTML error page never passes for a form.
const urlencoded = /^[^\s=&]+=\S*$/;

/** The answer's fields, whichever of QQ's shapes `text` is in. */
export function parseQqAnswer(text: string): QqFields {
  const body = text.replace(/^\uFEFF/, "").trim();
  const wrapped = jsonp.exec(body);
  if (wrapped) return parseJsonObject(wrapped[1]);
  if (body.startsWith("{")) return parseJsonObject(body);
  if (urlencoded.test(body)) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  throw new QqError("bad_response");
}

/** QQ's error code when `fields` report one: `error` on the OAuth endpoints, a non-zero `ret` on the OpenAPI ones. */
export function qqFailure(fields: QqFields): QqErrorCode | undefined {
  if (fields.error != null) return errorCode(fields.error);
  if (fields.ret != null && String(fields.ret).trim() !== "0") {
    return errorCode(fields.ret);
  }
  return undefined;
}

function parseJsonObject(text: string): QqFields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new QqError("bad_response");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new QqError("bad_response");
  }
  return value as QqFields;
}

// QQ's codes are numbers, sent as numbers (JSON) or digits (urlencoded); anything else is garbage.
function errorCode(value: unknown): QqErrorCode {
  const digits = typeof value === "number" ? String(value) : value;
  if (typeof digits === "string" && /^\s*-?\d{1,9}\s*$/.test(digits)) {
    return Number(digits);
  }
  return "bad_response";
}
