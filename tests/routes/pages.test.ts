import { deepEqual, doesNotMatch, equal, match, ok } from "node:assert/strict";
import type { RouteConfig } from "$fresh/server.ts";
import manifest from "@/fresh.gen.ts";
import { messages } from "@/lib/messages.ts";
import { PRODUCTION_ENV, readImageCode, testApp } from "@/tests/_app.ts";
import { testBrowser } from "./_browser.ts";

const PASSWORD = "secret123";

/** Scripts only from this origin or by nonce: nothing inline, no eval, and no fallback that allows them. */
function assertStrictPolicy(csp: string, where: string) {
  const scriptSrc = csp.match(/(?:^|; )script-src ([^;]*)/)?.[1];
  ok(scriptSrc, `${where}: no script-src in ${csp}`);
  doesNotMatch(
    scriptSrc,
    /'unsafe-inline'|'unsafe-eval'|\*|data:|https?:/,
    where,
  );
  match(csp, /(?:^|; )object-src 'none'/, where);
  match(csp, /(?:^|; )base-uri 'none'/, where);
}

Deno.test("security on every answer", async (t) => {
  // Codes go to several mobiles from one client here to test CSRF, not the image code SMS_CAPTCHA asks for.
  const app = await testApp({ SMS_CAPTCHA: "off" });
  const browser = await testBrowser(app);

  await t.step(
    "pages, 404s, static files and JSON carry the security headers",
    async () => {
      for (
        const [method, path] of [["GET", "/"], ["GET", "/nope"], [
          "GET",
          "/styles.css",
        ], ["POST", "/sms_codes/1"]]
      ) {
        const response = await browser.request(path, { method });
        await response.body?.cancel();
        const csp = response.headers.get("content-security-policy") ?? "";
        assertStrictPolicy(csp, path);
        match(csp, /frame-ancestors 'none'/, path);
        equal(response.headers.get("referrer-policy"), "same-origin", path);
        equal(response.headers.get("x-content-type-options"), "nosniff", path);
      }
    },
  );

  await t.step(
    "a page's policy allows its own scripts by a nonce made for that response, and nothing inline",
    async () => {
      const nonces = new Set<string>();
      for (const path of ["/", "/", "/login", "/nope"]) {
        const response = await browser.get(path);
        const html = await response.text();
        const csp = response.headers.get("content-security-policy") ?? "";
        const nonce = csp.match(/script-src 'self' 'nonce-([\w+/=-]+)'(;|$)/)
          ?.[1];
        ok(nonce, `${path}: ${csp}`);
        nonces.add(nonce);
        for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
          if (/type="application\/json"/.test(tag)) continue;
          ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag}`);
        }
      }
      equal(nonces.size, 4);
    },
  );

  await t.step(
    "answers that are not pages get the same policy without a nonce",
    async () => {
      for (
        const [method, path] of [["GET", "/styles.css"], [
          "POST",
          "/sms_codes/1",
        ]]
      ) {
        const response = await browser.request(path, { method });
        await response.body?.cancel();
        match(
          response.headers.get("content-security-policy") ?? "",
          /script-src 'self'(;|$)/,
          path,
        );
      }
    },
  );

  await t.step("every page route asks for its policy (config.csp)", () => {
    const pages = Object.entries(manifest.routes).filter(([file, module]) =>
      "default" in module && !/\/_(app|layout)\.tsx$/.test(file)
    );
    ok(pages.length >= 8, String(pages.length));
    for (const [file, module] of pages) {
      const { config } = module as { config?: RouteConfig };
      equal(config?.csp, true, file);
    }
  });

  await t.step("redirects carry them too", async () => {
    const response = await browser.get("/account");
    equal(response.status, 303);
    equal(response.headers.get("referrer-policy"), "same-origin");
  });

  await t.step("a POST from another site is refused with 403", async () => {
    const fromOrigin = await browser.post("/sms_codes/13800138000", {}, {
      origin: "https://evil.example",
    });
    equal(fromOrigin.status, 403);
    await fromOrigin.body?.cancel();
    const fromSite = await browser.post("/login", {
      username: "a",
      password: "b",
    }, { "sec-fetch-site": "cross-site" });
    equal(fromSite.status, 403);
    await fromSite.body?.cancel();
    equal(app.outbox.size, 0, "no code was sent");
  });

  await t.step(
    "a POST from this site, or from no browser at all, goes through",
    async () => {
      const sameOrigin = await browser.post("/sms_codes/13800138000", {}, {
        origin: "http://localhost:8000",
      });
      equal(sameOrigin.status, 200);
      await sameOrigin.body?.cancel();
      const sameSite = await browser.post("/sms_codes/13800138001", {}, {
        "sec-fetch-site": "same-origin",
      });
      equal(sameSite.status, 200);
      await sameSite.body?.cancel();
    },
  );

  await t.step(
    "a body over 64 KiB gets 413, declared or streamed",
    async () => {
      const big = "x".repeat(65 * 1024);
      const declared = await browser.post("/login", {
        username: big,
        password: "b",
      });
      equal(declared.status, 413);
      await declared.body?.cancel();
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 80; i++) {
            controller.enqueue(
              new TextEncoder().encode("a=".padEnd(1024, "x")),
            );
          }
          controller.close();
        },
      });
      const streamed = await browser.request("/oauth_callback", {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      equal(streamed.status, 413);
      await streamed.body?.cancel();
    },
  );

  app.close();
});

Deno.test("SMS codes over HTTP", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);

  await t.step(
    "a good mobile gets {ok:true} and a 6-digit code is sent",
    async () => {
      const response = await browser.post("/sms_codes/13800138000");
      equal(response.status, 200);
      deepEqual(await response.json(), { ok: true });
      match(app.outbox.get("13800138000")!, /^\d{6}$/);
    },
  );

  await t.step("again within 60 s gets 429", async () => {
    const response = await browser.post("/sms_codes/13800138000");
    equal(response.status, 429);
    deepEqual(await response.json(), {
      ok: false,
      error: messages.smsTooFrequent,
    });
  });

  await t.step("a bad mobile gets 400", async () => {
    for (
      const mobile of [
        "12345",
        "23800138000",
        "1380013800x",
        "%E4%BD%A0",
        "138001380001",
      ]
    ) {
      const response = await browser.post(`/sms_codes/${mobile}`);
      equal(response.status, 400, mobile);
      deepEqual(await response.json(), {
        ok: false,
        error: messages.invalidMobile,
      });
    }
  });

  await t.step("GET is not allowed", async () => {
    const response = await browser.get("/sms_codes/13800138000");
    equal(response.status, 405);
    await response.body?.cancel();
  });

  await t.step(
    "without JavaScript the form's SMS button sends the code and keeps the mobile",
    async () => {
      // This client was sent a code a moment ago: the form asks for an image code first.
      const asked = await browser.post("/register", {
        mobile: "13900139000",
        action: "send_sms",
      });
      equal(asked.status, 400);
      const form = await asked.text();
      // Said under the image code, the field to fix, not under the SMS code.
      match(
        form,
        new RegExp(
          `data-field="image_code" role="alert">${messages.imageCodeMissing}<`,
        ),
      );
      ok(!form.includes('data-field="sms_code"'));
      match(form, /name="mobile"[^>]*value="13900139000"/);
      const uuid = form.match(/name="uuid" value="([^"]+)"/)?.[1] ?? "";
      match(form, new RegExp(`<img src="/image_codes/${uuid}"`));
      ok(!app.outbox.has("13900139000"));

      const image = await browser.get(`/image_codes/${uuid}`);
      equal(image.status, 200);
      await image.body?.cancel();
      const response = await browser.post("/register", {
        mobile: "13900139000",
        action: "send_sms",
        image_code: await readImageCode(app, uuid),
        uuid,
      });
      equal(response.status, 200);
      const html = await response.text();
      match(html, /短信验证码已发送/);
      match(html, /name="mobile"[^>]*value="13900139000"/);
      ok(app.outbox.has("13900139000"));
      ok(
        !html.includes('name="image_code"'),
        "once the code is sent the image code goes; the next ask is told if it needs one",
      );
    },
  );

  await t.step(
    "without JavaScript a wrong image code shows a new image",
    async () => {
      app.clock.now += 61_000;
      const uuid = crypto.randomUUID();
      await (await browser.get(`/image_codes/${uuid}`)).body?.cancel();
      const response = await browser.post("/register", {
        mobile: "13900139000",
        action: "send_sms",
        image_code: "????",
        uuid,
      });
      equal(response.status, 400);
      const html = await response.text();
      match(html, new RegExp(messages.imageCodeWrong));
      const next = html.match(/name="uuid" value="([^"]+)"/)?.[1];
      ok(next && next !== uuid);
    },
  );

  app.close();
});

Deno.test("register, log out, log in, account", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const mobile = "13800138000";

  await t.step("registering logs in and goes to next", async () => {
    const sms_code = await browser.smsCode(app, mobile);
    const response = await browser.post("/register?next=/orders", {
      mobile,
      password: PASSWORD,
      sms_code,
      allow: "on",
    });
    equal(response.status, 303);
    equal(response.headers.get("location"), "/orders");
    ok(browser.cookies.has("session"));
    equal(browser.cookies.get("username"), mobile);
  });

  await t.step("the home page names the user from the session", async () => {
    match(await (await browser.get("/")).text(), /当前登录：138\*\*\*\*8000/);
  });

  await t.step(
    "the account page shows username, mobile and no binding",
    async () => {
      const html = await (await browser.get("/account")).text();
      match(html, /data-field="mobile">138\*\*\*\*8000</);
      match(html, /未绑定/);
    },
  );

  await t.step(
    "logging out ends the session and clears the username cookie",
    async () => {
      const session = browser.cookies.get("session")!;
      const response = await browser.post("/logout");
      equal(response.status, 303);
      equal(response.headers.get("location"), "/");
      ok(
        response.headers.getSetCookie().some((c) =>
          /^username=;.*Max-Age=0/.test(c)
        ),
      );
      ok(!browser.cookies.has("session"));
      const replayed = await browser.get("/account", {
        cookie: `session=${session}`,
      });
      equal(replayed.status, 303, "the old session id is dead");
      await replayed.body?.cancel();
    },
  );

  await t.step("a forged username cookie logs no one in", async () => {
    const html =
      await (await browser.get("/", { cookie: "username=13800138000" })).text();
    match(html, /您尚未登录/);
  });

  await t.step("logged out, the account page sends you to log in", async () => {
    const response = await browser.get("/account");
    equal(response.status, 303);
    equal(response.headers.get("location"), "/login?next=/account");
  });

  await t.step(
    "a wrong password or unknown user gets 400 with one message",
    async () => {
      const forms: Record<string, string>[] = [
        { username: mobile, password: "wrongpass1" },
        { username: "nobody", password: PASSWORD },
        {},
      ];
      for (const form of forms) {
        const response = await browser.post("/login", form);
        equal(response.status, 400);
        match(await response.text(), new RegExp(messages.wrongCredentials));
      }
    },
  );

  await t.step("logging in by mobile issues a new session id", async () => {
    const before = browser.cookies.get("session");
    const response = await browser.post("/login?next=/account", {
      username: mobile,
      password: PASSWORD,
    });
    equal(response.status, 303);
    equal(response.headers.get("location"), "/account");
    const first = browser.cookies.get("session");
    ok(first && first !== before);
    await browser.post("/login", { username: mobile, password: PASSWORD });
    ok(
      browser.cookies.get("session") !== first,
      "a second login gets yet another id",
    );
    const old = await browser.get("/account", { cookie: `session=${first}` });
    equal(old.status, 303, "the replaced session is dropped");
    await old.body?.cancel();
  });

  await t.step("a multipart form is read like an urlencoded one", async () => {
    const body = new FormData();
    body.set("username", mobile);
    body.set("password", PASSWORD);
    const response = await browser.request("/login", { method: "POST", body });
    equal(response.status, 303);
  });

  app.close();
});

Deno.test("production cookies are Secure", async () => {
  const app = await testApp(PRODUCTION_ENV);
  const browser = await testBrowser(app);
  const dev = await browser.get("/dev/qq/oauth2.0/authorize");
  equal(dev.status, 404, "no simulator in production");
  await dev.body?.cancel();
  const sms_code = await browser.smsCode(app, "13800138000");
  const response = await browser.post("/register", {
    mobile: "13800138000",
    password: PASSWORD,
    sms_code,
    allow: "on",
  });
  equal(response.status, 303);
  for (const cookie of response.headers.getSetCookie()) {
    match(cookie, /; Secure/);
  }
  app.close();
});

Deno.test("a multipart form with a mixed-case boundary is read", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const boundary = "----FormBoundaryAbCdEf";
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="username"',
    "",
    "nobody",
    `--${boundary}`,
    'Content-Disposition: form-data; name="password"',
    "",
    "secret123",
    `--${boundary}--`,
    "",
  ].join("\r\n");
  const response = await browser.request("/login", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  });
  equal(
    response.status,
    400,
    "read and refused as wrong credentials, not as an unreadable body",
  );
  match(await response.text(), new RegExp(messages.wrongCredentials));
  app.close();
});
