import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  drawImageCode,
  IMAGE_CODE_TTL_S,
  IMAGE_CODES_PER_CLIENT,
  type ImageCode,
  imageCodeKey,
  verifyImageCode,
} from "@/lib/captcha/image_codes.ts";
import { testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";

const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";

/** What a person reads off the image. */
async function readImage(kv: Deno.Kv, uuid: string): Promise<string> {
  const entry = await kv.get<ImageCode>(imageCodeKey(uuid));
  if (!entry.value) throw new Error(`no image code for ${uuid}`);
  return entry.value.text;
}

Deno.test("an image code is 4 characters in an SVG, answered once", async () => {
  using app = await closing();
  const svg = await drawImageCode(app, UUID);
  match(svg ?? "", /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const text = await readImage(app.kv, UUID);
  match(text, /^[2-9A-HJKMNP-Z]{4}$/);
  deepEqual(await verifyImageCode(app, UUID, text), { ok: true });
  deepEqual(await verifyImageCode(app, UUID, text), {
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
    await drawImageCode(app, UUID);
    const text = await readImage(app.kv, UUID);
    deepEqual(lines, [
      JSON.stringify({ event: "image_code", uuid: UUID, text }),
    ]);
    await drawImageCode(production, UUID);
    equal(lines.length, 1, "production printed it too");
  } finally {
    console.log = log;
  }
});

Deno.test("the answer is compared without regard to case", async () => {
  using app = await closing();
  await drawImageCode(app, UUID);
  const text = await readImage(app.kv, UUID);
  deepEqual(
    await verifyImageCode(app, UUID.toUpperCase(), text.toLowerCase()),
    {
      ok: true,
    },
  );
});

Deno.test("a wrong answer uses the code up", async () => {
  using app = await closing();
  await drawImageCode(app, UUID);
  const text = await readImage(app.kv, UUID);
  deepEqual(await verifyImageCode(app, UUID, "????"), {
    ok: false,
    reason: "wrong",
  });
  deepEqual(await verifyImageCode(app, UUID, text), {
    ok: false,
    reason: "expired",
  });
});

Deno.test("no answer is missing and leaves the code alone", async () => {
  using app = await closing();
  await drawImageCode(app, UUID);
  for (const answer of [undefined, ""]) {
    deepEqual(await verifyImageCode(app, UUID, answer), {
      ok: false,
      reason: "missing",
    });
  }
  deepEqual(
    await verifyImageCode(app, UUID, await readImage(app.kv, UUID)),
    { ok: true },
  );
});

Deno.test("a code lives 300 s", async () => {
  using app = await closing();
  await drawImageCode(app, UUID);
  const text = await readImage(app.kv, UUID);
  app.clock.now += IMAGE_CODE_TTL_S * 1000;
  deepEqual(await verifyImageCode(app, UUID, text), {
    ok: false,
    reason: "expired",
  });
});

Deno.test("an unknown or malformed uuid is expired, never an error", async () => {
  using app = await closing();
  for (const uuid of [undefined, "", "nope", UUID, `${UUID}x`, "../../x"]) {
    deepEqual(await verifyImageCode(app, uuid, "ABCD"), {
      ok: false,
      reason: "expired",
    }, String(uuid));
  }
  equal(await drawImageCode(app, "not-a-uuid"), null);
});

Deno.test("a new image for the same uuid replaces the old code", async () => {
  using app = await closing();
  await drawImageCode(app, UUID);
  const texts = new Set([await readImage(app.kv, UUID)]);
  for (let i = 0; i < 5 && texts.size < 2; i++) {
    await drawImageCode(app, UUID);
    texts.add(await readImage(app.kv, UUID));
  }
  equal(texts.size, 2, "five redraws all drew the same text");
  deepEqual(
    await verifyImageCode(app, UUID, await readImage(app.kv, UUID)),
    { ok: true },
  );
});

Deno.test("of 50 simultaneous right answers exactly one passes", async () => {
  using app = await closing();
  await drawImageCode(app, UUID);
  const text = await readImage(app.kv, UUID);
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => verifyImageCode(app, UUID, text)),
  );
  equal(answers.filter((answer) => answer.ok).length, 1);
});

Deno.test("GET /image_codes/<uuid>", async (t) => {
  using app = await closing();
  const browser = await testBrowser(app);

  await t.step("answers an SVG that is never cached", async () => {
    const response = await browser.get(`/image_codes/${UUID}`);
    equal(response.status, 200);
    equal(response.headers.get("content-type"), "image/svg+xml; charset=utf-8");
    equal(response.headers.get("cache-control"), "no-store");
    match(response.headers.get("content-security-policy") ?? "", /default-src/);
    match(await response.text(), /^<svg[^>]*>.*<\/svg>$/s);
    ok(await readImage(app.kv, UUID));
  });

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

Deno.test("one client draws at most 60 images in 5 minutes, so it cannot fill the store", async (t) => {
  const app = await testApp({ TRUST_PROXY: "true" });
  const browser = await testBrowser(app);
  const draw = async (client: string) => {
    const response = await browser.get(
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
      for (let i = 0; i < IMAGE_CODES_PER_CLIENT + 1; i++) {
        answers.push(await draw("198.51.100.7"));
      }
      deepEqual(answers.slice(0, IMAGE_CODES_PER_CLIENT), Array(60).fill(200));
      equal(answers[IMAGE_CODES_PER_CLIENT], 429);
      let rows = 0;
      for await (const _ of app.kv.list({ prefix: ["image_codes"] })) rows++;
      equal(rows, IMAGE_CODES_PER_CLIENT, "the refused image wrote no code");
    },
  );

  await t.step("another client is not held back by it", async () => {
    equal(await draw("198.51.100.8"), 200);
  });

  await t.step("after 5 minutes the client draws again", async () => {
    app.clock.now += IMAGE_CODE_TTL_S * 1000 + 1;
    equal(await draw("198.51.100.7"), 200);
  });
  app.close();
});
