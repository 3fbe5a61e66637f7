// Reads a form post (urlencoded or multipart) with the body capped at 64 KiB and given 10 s to arrive.
import { messages } from "@/lib/messages.ts";
import { HttpError } from "../http/errors.ts";

export const MAX_BODY_BYTES = 64 * 1024;
/** How long a whole body may take: one that trickles in would hold its request open for ever. */
export const BODY_TIMEOUT_MS = 10_000;

/** Bodies already read by `checkBody`, for the route's `readForm` of the same request. */
const bodies = new WeakMap<Request, Uint8Array<ArrayBuffer>>();

/** The form's text fields, first value of each; throws HttpError 413 past the cap, 408 when too slow, 400 when unreadable. */
export async function readForm(req: Request): Promise<Record<string, string>> {
  const body = bodies.get(req) ?? await readBody(req);
  // Only the media type is case-insensitive: the multipart boundary must be passed on as sent.
  const type = req.headers.get("content-type") ?? "";
  let entries: Iterable<[string, FormDataEntryValue]>;
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    try {
      entries = await new Request(req.url, {
        method: "POST",
        headers: { "content-type": type },
        body,
      }).formData();
    } catch {
      throw new HttpError(400, messages.badRequest);
    }
  } else {
    // Anything else is read as urlencoded, as browsers send; a stray byte decodes to U+FFFD, never a throw.
    entries = new URLSearchParams(new TextDecoder().decode(body));
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value === "string" && !(name in fields)) fields[name] = value;
  }
  return fields;
}

/**
 * Holds any request to the body limits before a route runs, whether or not the route reads the body
 * (a chunked body has no Content-Length to refuse it by). The body is read here, so routes read
 * their forms with `readForm`, never `req.formData()`.
 */
export async function checkBody(
  req: Request,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<void> {
  if (declaredTooLarge(req)) throw new HttpError(413, messages.bodyTooLarge);
  if (req.body && !req.bodyUsed && !bodies.has(req)) {
    bodies.set(req, await readBody(req, timeoutMs));
  }
}

function declaredTooLarge(req: Request): boolean {
  return Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES;
}

async function readBody(
  req: Request,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredTooLarge(req)) throw new HttpError(413, messages.bodyTooLarge);
  const reader = req.body?.getReader();
  if (!reader) return new Uint8Array();
  const late = Promise.withResolvers<never>();
  const timer = setTimeout(
    () => late.reject(new HttpError(408, messages.requestTimeout)),
    timeoutMs,
  );
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { done, value } = await Promise.race([reader.read(), late.promise]);
      if (done) break;
      size += value.length;
      if (size > MAX_BODY_BYTES) {
        throw new HttpError(413, messages.bodyTooLarge);
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, messages.badRequest);
  } finally {
    clearTimeout(timer);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
