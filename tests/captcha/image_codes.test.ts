import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  drawImageCode,
  IMAGE_CODE_TTL_S,
  IMAGE_CODES_PER_ADDRESS,
  IMAGE_CODES_PER_BROWSER,
  type ImageCode,
  imageCodeKey,
  mayDrawImageCode,
  verifyImageCode,
} from "@/lib/captcha/image_codes.ts";
import { testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";

const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
/** The browser that draws the images (its id, as lib/http/browser_id.ts makes them). */
const BROWSER = "Yx3vQm9kR2p7TbN1cW5dZa";

/** What a person reads off the image. */
async function readImage(kv: Deno.Kv, uuid: string): Promise<string> {
  const entry = await kv.get<ImageCode>(imageCodeKey(uuid));
  if (!entry.value) throw new Error(`no image code for ${uuid}`);
  return entry.value.text;
}

Deno.test("an image code is 4 characters in a PNG, answered once", async () => {
  using app = await closing();
  const png = await drawImageCode(app, UUID, BROWSER);
  deepEqual([...png!.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const text = await readImage(app.kv, UUID);
  match(text, /^[2-9A-HJKMNP-Z]{4}$/);
  deepEqual(await verifyImageCode(app, UUID, text, BROWSER), { ok: true });
  deepEqual(await verifyImageCode(app, UUID, text, BROWSER), {
    ok: false,
    reason: "expired",
  }, "a second answer finds it used");
});

Deno.test("its text is on the log in development only", async () => {
  using app = await closing();
  const production = { ...app, config: { ...app.config, production: true } };
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await drawImageCode(app, UUID, BROWSER);
    const text = await readImage(app.kv, UUID);
    deepEqual(lines, [
      JSON.stringify({ event: "image_code", uuid: UUID, text }),
    ]);
    await drawImageCode(production, UUID, BROWSER);
    equal(lines.length, 1, "production printed it too");
  } finally {
    console.log = log;
  }
});

Deno.test("the answer is compared without regard to case", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  const text = await readImage(app.kv, UUID);
  deepEqual(
    await verifyImageCode(app, UUID.toUpperCase(), text.toLowerCase(), BROWSER),
    {
      ok: true,
    },
  );
});

Deno.test("a wrong answer uses the code up", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  const text = await readImage(app.kv, UUID);
  deepEqual(await verifyImageCode(app, UUID, "????", BROWSER), {
    ok: false,
    reason: "wrong",
  });
  deepEqual(await verifyImageCode(app, UUID, text, BROWSER), {
    ok: false,
    reason: "expired",
  });
});

Deno.test("no answer is missing and leaves the code alone", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  for (const answer of [undefined, ""]) {
    deepEqual(await verifyImageCode(app, UUID, answer, BROWSER), {
      ok: false,
      reason: "missing",
    });
  }
  deepEqual(
    await verifyImageCode(app, UUID, await readImage(app.kv, UUID), BROWSER),
    { ok: true },
  );
});

Deno.test("a code lives 300 s", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  const text = await readImage(app.kv, UUID);
  app.clock.now += IMAGE_CODE_TTL_S * 1000;
  deepEqual(await verifyImageCode(app, UUID, text, BROWSER), {
    ok: false,
    reason: "expired",
  });
});

Deno.test("an unknown or malformed uuid is expired, never an error", async () => {
  using app = await closing();
  for (const uuid of [undefined, "", "nope", UUID, `${UUID}x`, "../../x"]) {
    deepEqual(await verifyImageCode(app, uuid, "ABCD", BROWSER), {
      ok: false,
      reason: "expired",
    }, String(uuid));
  }
  equal(await drawImageCode(app, "not-a-uuid", BROWSER), null);
});

Deno.test("a new image for the same uuid replaces the old code", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  const texts = new Set([await readImage(app.kv, UUID)]);
  for (let i = 0; i < 5 && texts.size < 2; i++) {
    await drawImageCode(app, UUID, BROWSER);
    texts.add(await readImage(app.kv, UUID));
  }
  equal(texts.size, 2, "five redraws all drew the same text");
  deepEqual(
    await verifyImageCode(app, UUID, await readImage(app.kv, UUID), BROWSER),
    { ok: true },
  );
});

Deno.test("of 50 simultaneous right answers exactly one passes", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  const text = await readImage(app.kv, UUID);
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => verifyImageCode(app, UUID, text, BROWSER)),
  );
  equal(answers.filter((answer) => answer.ok).length, 1);
});

Deno.test("GET /image_codes/<uuid>", async (t) => {
  using app = await closing();
  const browser = await testBrowser(app);

  await t.step(
    "answers a PNG that is never cached, and gives the browser its id",
    async () => {
      const response = await browser.get(`/image_codes/${UUID}`);
      equal(response.status, 200);
      equal(response.headers.get("content-type"), "image/png");
      equal(response.headers.get("cache-control"), "no-store");
      match(
        response.headers.get("content-security-policy") ?? "",
        /default-src/,
      );
      const png = new Uint8Array(await response.arrayBuffer());
      deepEqual([...png.slice(1, 4)], [80, 78, 71]);
      ok(await readImage(app.kv, UUID));
      match(
        response.headers.getSetCookie().join("\n"),
        /^browser=[\w-]{22}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/m,
      );
    },
  );

  await t.step("a bad uuid is 404, not an error", async () => {
    for (const uuid of ["nope", "%00", "%E4%BD%A0", "x".repeat(5000)]) {
      const response = await browser.get(`/image_codes/${uuid}`);
      equal(response.status, 404, uuid.slice(0, 20));
      await response.body?.cancel();
    }
  });

  await t.step("POST is not allowed", async () => {
    const response = await browser.post(`/image_codes/${UUID}`);
    equal(response.status, 405);
    await response.body?.cancel();
  });
});

async function closing() {
  const app = await testApp();
  return Object.assign(app, { [Symbol.dispose]: () => app.close() });
}

Deno.test("one browser draws at most 60 images in 5 minutes, so it cannot fill the store", async (t) => {
  const app = await testApp({ TRUST_PROXY: "true" });
  const browser = await testBrowser(app);
  const draw = async (from = browser, client = "198.51.100.7") => {
    const response = await from.get(
      `/image_codes/${crypto.randomUUID()}`,
      { "x-forwarded-for": client },
    );
    await response.body?.cancel();
    return response.status;
  };

  await t.step(
    "the 61st image within 5 minutes is refused with 429",
    async () => {
      const answers = [];
      for (let i = 0; i < IMAGE_CODES_PER_BROWSER + 1; i++) {
        answers.push(await draw());
      }
      deepEqual(
        answers.slice(0, IMAGE_CODES_PER_BROWSER),
        Array(60).fill(200),
      );
      equal(answers[IMAGE_CODES_PER_BROWSER], 429);
      let rows = 0;
      for await (const _ of app.kv.list({ prefix: ["image_codes"] })) rows++;
      equal(rows, IMAGE_CODES_PER_BROWSER, "the refused image wrote no code");
    },
  );

  await t.step(
    "another browser behind the same address is not held back by it (a NAT)",
    async () => {
      equal(await draw(await testBrowser(app)), 200);
    },
  );

  await t.step("after 5 minutes the browser draws again", async () => {
    app.clock.now += IMAGE_CODE_TTL_S * 1000 + 1;
    equal(await draw(), 200);
  });
  app.close();
});

Deno.test("an address's strangers share a larger cap; a browser that logged in lately is not held by it", async () => {
  using app = await closing();
  const address = "203.0.113.9";
  // A client that throws its cookie away is a new browser each time: the address's cap still holds it.
  for (let i = 0; i < IMAGE_CODES_PER_ADDRESS; i++) {
    ok(
      await mayDrawImageCode(app, {
        address,
        browser: `stranger-${i}`,
        known: false,
      }),
    );
  }
  equal(
    await mayDrawImageCode(app, {
      address,
      browser: "stranger-x",
      known: false,
    }),
    false,
    "a stranger past the address's cap",
  );
  ok(
    await mayDrawImageCode(app, { address, browser: BROWSER, known: true }),
    "a known browser behind the same address",
  );
});

Deno.test("an image code answers only in the browser that drew it", async () => {
  using app = await closing();
  await drawImageCode(app, UUID, BROWSER);
  const text = await readImage(app.kv, UUID);
  for (const other of ["Other0browser0id000000", null]) {
    deepEqual(await verifyImageCode(app, UUID, text, other), {
      ok: false,
      reason: "expired",
    }, String(other));
  }
  deepEqual(
    await verifyImageCode(app, UUID, text, BROWSER),
    { ok: true },
    "another browser's answer left it to its owner",
  );
});
