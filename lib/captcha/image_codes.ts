// Image codes (图形验证码): 4 characters drawn by svg-captcha for a uuid the page makes, live 300 s,
// used up by the first answer whatever it is.
//
// | key                                           | value      | expires |
// | --------------------------------------------- | ---------- | ------- |
// | ["image_codes", uuid]                         | ImageCode  | 300 s   |
// | ["image_codes_by_client", address*, time, id] | drawn at   | 300 s   |
//
// address*: the client's address as its pseudonym (lib/kv/pseudonyms.ts).
import type { App } from "@/lib/app/app.ts";
import { useWindows } from "@/lib/kv/windows.ts";
import { pseudonym } from "@/lib/kv/pseudonyms.ts";
import { messages } from "@/lib/messages.ts";

export const IMAGE_CODE_TTL_S = 300;
export const IMAGE_CODE_LENGTH = 4;
/** No 0/O, 1/I/L: characters one can't tell apart in a distorted image. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ImageCode {
  text: string;
  expiresAt: number;
}

export type ImageCodeCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "expired" | "wrong" };

/** The key of the image code for `uuid`, for the readers that need it (tests reading it as a person would). */
export const imageCodeKey = (
  uuid: string,
) => ["image_codes", uuid.toLowerCase()];

/** How many images one client may have drawn in 300 s: each is a row in KV, so they are bounded. */
export const IMAGE_CODES_PER_CLIENT = 60;

/** Counts an image for `clientAddress`; false, and not counted, when it has drawn its share lately. */
export async function mayDrawImageCode(
  app: App,
  clientAddress: string,
): Promise<boolean> {
  const windows = [{
    prefix: [
      "image_codes_by_client",
      pseudonym(app.kv, "address", clientAddress),
    ],
    limit: IMAGE_CODES_PER_CLIENT,
  }];
  const use = await useWindows(
    app.kv,
    windows,
    IMAGE_CODE_TTL_S * 1000,
    app.now(),
  );
  return use !== null;
}

/** Whether `uuid` has the form of a page-made id (any version of RFC 9562's). */
export const isImageCodeUuid = (uuid: string) => UUID.test(uuid);

/** A uuid for a form the server renders without JavaScript. */
export const newImageCodeUuid = () => crypto.randomUUID();

/**
 * Makes a new code for `uuid` (replacing any it had, as "看不清，换一张" does) and draws it as SVG;
 * null for a malformed uuid. In development the text goes to the log, as the SMS codes do.
 */
export async function drawImageCode(
  app: App,
  uuid: string,
): Promise<string | null> {
  if (!isImageCodeUuid(uuid)) return null;
  const text = randomText();
  const now = app.now();
  await app.kv.set(
    imageCodeKey(uuid),
    { text, expiresAt: now + IMAGE_CODE_TTL_S * 1000 } satisfies ImageCode,
    { expireIn: IMAGE_CODE_TTL_S * 1000 },
  );
  if (!app.config.production) {
    console.log(
      JSON.stringify({ event: "image_code", uuid: uuid.toLowerCase(), text }),
    );
  }
  return await drawText(text);
}

/**
 * Checks the answer `text` for `uuid`, without regard to case. The code is deleted before it is compared,
 * so of simultaneous answers only one is ever compared, and no code is answered twice.
 */
export async function verifyImageCode(
  app: App,
  uuid: string | undefined,
  text: string | undefined,
): Promise<ImageCodeCheck> {
  if (!text) return { ok: false, reason: "missing" };
  if (!uuid || !isImageCodeUuid(uuid)) return { ok: false, reason: "expired" };
  const entry = await app.kv.get<ImageCode>(imageCodeKey(uuid));
  if (!entry.value || entry.value.expiresAt <= app.now()) {
    return { ok: false, reason: "expired" };
  }
  const used = await app.kv.atomic().check(entry).delete(entry.key).commit();
  if (!used.ok) return { ok: false, reason: "expired" };
  return entry.value.text.toUpperCase() === text.trim().toUpperCase()
    ? { ok: true }
    : { ok: false, reason: "wrong" };
}

/** What the form says for a failed check. */
export function imageCodeMessage(
  reason: Extract<ImageCodeCheck, { ok: false }>["reason"],
): string {
  return {
    missing: messages.imageCodeMissing,
    expired: messages.imageCodeExpired,
    wrong: messages.imageCodeWrong,
  }[reason];
}

function randomText(): string {
  // 31 letters: rejection sampling below 248 (8 × 31) keeps each one equally likely.
  let text = "";
  while (text.length < IMAGE_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(8))) {
      if (byte < 248 && text.length < IMAGE_CODE_LENGTH) {
        text += ALPHABET[byte % ALPHABET.length];
      }
    }
  }
  return text;
}

/** svg-captcha's module export: a function drawing the given text (its typings declare only `create`). */
type DrawText = (
  text: string,
  options: { noise: number; color: boolean; background: string },
) => string;
let drawer: Promise<DrawText> | undefined;

async function drawText(text: string): Promise<string> {
  // Loaded on first use: the library parses its font when imported, which start-up need not wait for.
  // Its own `create` picks the text with Math.random, which the picture's noise would help predict.
  const draw =
    await (drawer ??= import("svg-captcha").then((module) =>
      module.default as unknown as DrawText
    ));
  return draw(text, { noise: 3, color: true, background: "#f4f6f8" });
}
