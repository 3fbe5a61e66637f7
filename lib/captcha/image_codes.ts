// Image codes (图形验证码): 4 characters for a uuid the page makes, drawn as a PNG in which no character
// keeps its shape from one picture to the next (lib/captcha/drawing.ts), live 300 s, used up by the first
// answer whatever it is, and answered only by the browser that drew it.
//
// | key                                             | value      | expires |
// | ----------------------------------------------- | ---------- | ------- |
// | ["image_codes", uuid]                           | ImageCode  | 300 s   |
// | ["image_codes_by_browser", browser, time, id]   | drawn at   | 300 s   |
// | ["image_codes_by_client", address*, time, id]   | drawn at   | 300 s   |
//
// address*: the client's address as its pseudonym (lib/kv/pseudonyms.ts). Each picture is a row, so
// drawing is bounded: 60 per browser in 300 s, and 600 per address for the browsers the app doesn't
// know (lib/http/browser_id.ts): one browser's refreshes can't hold back the others behind its
// address, while a client that throws its cookie away still meets the address's cap.
import { counters } from "@/lib/core/telemetry.ts";
import type { App } from "@/lib/app/app.ts";
import { countInWindows, type Window } from "@/lib/kv/windows.ts";
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
  /** The browser it was drawn for (lib/http/browser_id.ts): no other may answer it. */
  browser: string;
}

export type ImageCodeCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "expired" | "wrong" };

/** The key of the image code for `uuid`, for the readers that need it (tests reading it as a person would). */
export const imageCodeKey = (
  uuid: string,
) => ["image_codes", uuid.toLowerCase()];

/** How many images one browser may have drawn in 300 s. */
export const IMAGE_CODES_PER_BROWSER = 60;
/** How many images the browsers the app doesn't know may have drawn from one address in 300 s. */
export const IMAGE_CODES_PER_ADDRESS = 600;

/**
 * Counts an image for `browser` (and, unless it is `known`, for its address); false, and not counted,
 * when either has drawn its share lately.
 */
export async function mayDrawImageCode(
  app: App,
  { address, browser, known }: {
    address: string;
    browser: string;
    known: boolean;
  },
): Promise<boolean> {
  const windows: Window[] = [{
    prefix: ["image_codes_by_browser", browser],
    limit: IMAGE_CODES_PER_BROWSER,
  }];
  if (!known) {
    windows.push({
      prefix: ["image_codes_by_client", pseudonym(app.kv, "address", address)],
      limit: IMAGE_CODES_PER_ADDRESS,
    });
  }
  const use = await countInWindows(
    app.kv,
    windows,
    IMAGE_CODE_TTL_S * 1000,
    app.now(),
  );
  if (use === null) counters.imageCodes.add(1, { outcome: "rate_limited" });
  return use !== null;
}

/** Whether `uuid` has the form of a page-made id (any version of RFC 9562's). */
export const isImageCodeUuid = (uuid: string) => UUID.test(uuid);

/** A uuid for a form the server renders without JavaScript. */
export const newImageCodeUuid = () => crypto.randomUUID();

/**
 * Makes a new code for `uuid` and `browser` (replacing any it had, as "看不清，换一张" does) and draws it
 * as a PNG; null for a malformed uuid. In development the text goes to the log, as the SMS codes do.
 */
export async function drawImageCode(
  app: App,
  uuid: string,
  browser: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!isImageCodeUuid(uuid)) return null;
  const text = randomText();
  const now = app.now();
  await app.kv.set(
    imageCodeKey(uuid),
    {
      text,
      expiresAt: now + IMAGE_CODE_TTL_S * 1000,
      browser,
    } satisfies ImageCode,
    { expireIn: IMAGE_CODE_TTL_S * 1000 },
  );
  if (!app.config.production) {
    console.log(
      JSON.stringify({ event: "image_code", uuid: uuid.toLowerCase(), text }),
    );
  }
  counters.imageCodes.add(1, { outcome: "drawn" });
  // Loaded on first use: the fonts and the PNG encoder are not needed before the first image.
  const { drawCodePicture } = await import("./drawing.ts");
  return await drawCodePicture(text);
}

/**
 * Checks the answer `text` for `uuid` from `browser`, without regard to case. The code is deleted before
 * it is compared, so of simultaneous answers only one is ever compared, and no code is answered twice.
 * Another browser's answer finds no code (and leaves it to its owner): a solved picture can't be handed on.
 */
export async function verifyImageCode(
  app: App,
  uuid: string | undefined,
  text: string | undefined,
  browser: string | null,
): Promise<ImageCodeCheck> {
  const check = await checkImageCode(app, uuid, text, browser);
  counters.imageCodes.add(1, {
    outcome: check.ok ? "solved" : check.reason,
  });
  return check;
}

async function checkImageCode(
  app: App,
  uuid: string | undefined,
  text: string | undefined,
  browser: string | null,
): Promise<ImageCodeCheck> {
  if (!text) return { ok: false, reason: "missing" };
  if (!uuid || !isImageCodeUuid(uuid)) return { ok: false, reason: "expired" };
  const entry = await app.kv.get<ImageCode>(imageCodeKey(uuid));
  if (
    !entry.value || entry.value.expiresAt <= app.now() ||
    entry.value.browser !== browser
  ) {
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
