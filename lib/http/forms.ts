// Reads a form post (urlencoded or multipart) with the body capped at 64 KiB.
import { messages } from "@/lib/messages.ts";
import { HttpError } from "./errors.ts";

export const MAX_BODY_BYTES = 64 * 1024;

/** The form's text fields, first value of each; throws HttpError 413 past the cap, 400 when unreadable. */
export async function readForm(req: Request): Promise<Record<string, string>> {
  const body = await readBody(req);
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

async function readBody(req: Request): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    throw new HttpError(413, messages.bodyTooLarge);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of req.body ?? []) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        throw new HttpError(413, messages.bodyTooLarge);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, messages.badRequest);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
