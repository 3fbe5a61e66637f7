// A mobile is shown masked (138****8000) on every page but in a field it is being typed into, and the
// log and the audit never hold one in full, however it was typed.
import { equal, match, ok } from "node:assert/strict";
import { listKv, testApp } from "@/tests/_app.ts";
import { bindTokenIn, testBrowser } from "./_browser.ts";

const PASSWORD = "secret123";
const MOBILE = "13800138000";
const MASKED = "138****8000";

Deno.test("every page shows the logged-in user's mobile masked", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await browser.register(app, MOBILE, PASSWORD);

  // /account/delete is left out: its read-only field is where the account's mobile is given.
  const pages = [
    "/",
    "/account",
    "/account/sessions",
    "/account/password",
    "/account/mobile",
    "/account/export",
    "/logout",
    "/login",
    "/register",
    "/password/reset",
    "/agreement",
    "/privacy",
  ];
  for (const path of pages) {
    await t.step(path, async () => {
      const response = await browser.get(path);
      equal(response.status, 200);
      const html = await response.text();
      ok(!html.includes(MOBILE), `${path} shows ${MOBILE}`);
      const header = html.match(/<header[\s\S]*?<\/header>/)?.[0] ?? "";
      ok(header.includes(MASKED), `${path}: the header names ${MASKED}`);
    });
  }

  await t.step("where the page names the user, it is masked", async () => {
    match(await (await browser.get("/")).text(), /欢迎您，138\*\*\*\*8000/);
    const account = await (await browser.get("/account")).text();
    match(account, /data-field="username">138\*\*\*\*8000</);
    match(account, /data-field="mobile">138\*\*\*\*8000</);
    match(
      await (await browser.get("/account/mobile")).text(),
      /当前手机号 <span data-field="mobile">138\*\*\*\*8000<\/span>/,
    );
  });

  await t.step("the username cookie stays the username", () => {
    equal(browser.cookies.get("username"), MOBILE);
  });
  app.close();
});

Deno.test("the bind page's outcome names the account masked; the field keeps what was typed", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const access_token = bindTokenIn(await (await browser.qqLogin()).text());
  const sms_code = await browser.smsCode(app, MOBILE);
  const refused = await browser.post("/oauth_callback", {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code: "000000",
    allow: "on",
    access_token,
  });
  match(
    await refused.text(),
    new RegExp(`name="mobile"[^>]*value="${MOBILE}"`),
    "the field being typed into keeps the number",
  );
  await browser.post("/oauth_callback", {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code,
    allow: "on",
    access_token,
  });
  const bound = await (await browser.get("/oauth_callback")).text();
  match(bound, /已绑定美多商城账号 138\*\*\*\*8000/);
  ok(!bound.includes(MOBILE));
  app.close();
});

Deno.test("the log and the audit never hold a full mobile, even one typed with a stray character", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const lines: string[] = [];
  const { log, error, warn } = console;
  console.log = console.error = console.warn = (...args: unknown[]) =>
    lines.push(args.map(String).join(" "));
  try {
    const sms_code = await browser.smsCode(app, MOBILE);
    for (const typed of [`${MOBILE} `, ` ${MOBILE}`, `+86${MOBILE}`]) {
      for (const path of ["/register", "/password/reset"]) {
        const response = await browser.post(path, {
          mobile: typed,
          password: PASSWORD,
          sms_code,
          allow: "on",
        });
        await response.body?.cancel();
      }
    }
    await (await browser.post("/register", {
      mobile: MOBILE,
      password: PASSWORD,
      sms_code,
      allow: "on",
    })).body?.cancel();
    await (await browser.post("/logout")).body?.cancel();
    for (const username of [MOBILE, `${MOBILE} `]) {
      await (await browser.post("/login", { username, password: "wrongpass1" }))
        .body?.cancel();
    }
  } finally {
    Object.assign(console, { log, error, warn });
  }
  ok(lines.length > 5, "the flow was logged");
  for (const line of lines) ok(!line.includes(MOBILE), line);
  const audit = JSON.stringify(await listKv(app.kv, ["audit"]));
  ok(audit.includes(MASKED));
  ok(!audit.includes(MOBILE), audit);
  ok(!JSON.stringify(await listKv(app.kv, ["audit_by_user"])).includes(MOBILE));
  app.close();
});
