// What Deno's OpenTelemetry exports from the real app: routes on the request spans, the app's own spans
// and counters, and none of the secrets a QQ bind, an SMS code and a password login went through, once
// the collector rule of docs/operations.md has dropped the URLs of Deno's own request and fetch spans.
import { equal, ok } from "node:assert/strict";
import { freePort, startApp } from "@/tests/_app_server.ts";
import { newOpenid } from "@/tests/reliability/_client.ts";
import { routeName } from "@/lib/core/telemetry.ts";

const MOBILE = "13912345678";
const PASSWORD = "Secret123";

/** A loopback OTLP/HTTP receiver (JSON) that keeps every export. */
function otlpReceiver() {
  const port = freePort();
  const exports: { path: string; body: unknown }[] = [];
  // The SMS gateway of the story: a webhook, since development's console gateway prints codes on the log.
  const sms: { mobile: string; code: string }[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen() {} },
    async (req) => {
      if (new URL(req.url).pathname === "/sms") {
        sms.push(await req.json());
        return Response.json({});
      }
      exports.push({
        path: new URL(req.url).pathname,
        body: await req.json(),
      });
      return Response.json({});
    },
  );
  return { endpoint: `http://127.0.0.1:${port}`, exports, sms, server };
}

interface KeyValue {
  key: string;
  value: unknown;
}

/** The collector rule of docs/operations.md: the attributes Deno's own spans fill with URLs, dropped. */
const DROPPED = new Set([
  "url.full",
  "url.query",
  "url.path",
  "http.url",
  "http.target",
]);

function withoutUrls(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .filter((item) => !(DROPPED.has((item as KeyValue)?.key)))
      .map(withoutUrls);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, withoutUrls(field)]),
    );
  }
  return value;
}

/** Every span in the exports, with its attributes as a plain object. */
function spansOf(exports: { path: string; body: unknown }[]) {
  const spans: { name: string; attributes: Record<string, unknown> }[] = [];
  for (const { path, body } of exports) {
    if (path !== "/v1/traces") continue;
    // deno-lint-ignore no-explicit-any
    for (const resource of (body as any).resourceSpans ?? []) {
      for (const scope of resource.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          const attributes: Record<string, unknown> = {};
          for (const { key, value } of span.attributes ?? []) {
            attributes[key] = Object.values(value)[0];
          }
          spans.push({ name: span.name, attributes });
        }
      }
    }
  }
  return spans;
}

function metricNames(exports: { path: string; body: unknown }[]): Set<string> {
  const names = new Set<string>();
  for (const { path, body } of exports) {
    if (path !== "/v1/metrics") continue;
    // deno-lint-ignore no-explicit-any
    for (const resource of (body as any).resourceMetrics ?? []) {
      for (const scope of resource.scopeMetrics ?? []) {
        for (const metric of scope.metrics ?? []) names.add(metric.name);
      }
    }
  }
  return names;
}

const cookieOf = (response: Response, name: string) =>
  response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) =>
    c.startsWith(name)
  );

Deno.test("the exported telemetry names routes and the app's work, and holds none of the secrets", async () => {
  const receiver = otlpReceiver();
  await using server = await startApp({
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_METRIC_EXPORT_INTERVAL: "200",
    OTEL_SERVICE_NAME: "meiduo-test",
    SMS_CAPTCHA: "off",
    SMS_PROVIDER: "webhook",
    SMS_WEBHOOK_URL: `${receiver.endpoint}/sms`,
  });
  const secrets: string[] = [MOBILE, PASSWORD];
  try {
    // A QQ login up to the bind page, keeping every secret it hands around.
    const start = await fetch(`${server.origin}/oauth/qq/login?next=/`, {
      redirect: "manual",
    });
    await start.body?.cancel();
    const stateCookie = cookieOf(start, "oauth_state")!;
    const authorize = new URL(start.headers.get("location")!);
    secrets.push(
      authorize.searchParams.get("state")!,
      stateCookie.split("=")[1],
    );
    const openid = newOpenid();
    secrets.push(openid);
    const granted = await fetch(authorize, {
      method: "POST",
      body: new URLSearchParams({ openid, nickname: "遥测" }),
      redirect: "manual",
    });
    await granted.body?.cancel();
    const callback = new URL(granted.headers.get("location")!);
    secrets.push(callback.searchParams.get("code")!);
    const back = await fetch(callback, {
      headers: { cookie: stateCookie },
      redirect: "manual",
    });
    await back.body?.cancel();
    const pending = cookieOf(back, "bind_qq")!;
    secrets.push(pending.split("=")[1]);
    const form = await fetch(new URL(back.headers.get("location")!, callback), {
      headers: { cookie: pending },
    });
    const token =
      (await form.text()).match(/name="access_token" value="([^"]+)"/)![1];
    secrets.push(token);

    // An image code drawn, as a form past its limit shows one.
    const image = await fetch(
      `${server.origin}/image_codes/${crypto.randomUUID()}`,
    );
    equal(image.status, 200);
    await image.body?.cancel();

    const sent = await fetch(`${server.origin}/sms_codes`, {
      method: "POST",
      body: new URLSearchParams({ mobile: MOBILE }),
    });
    equal(sent.status, 200);
    await sent.body?.cancel();
    const code = receiver.sms.find((sms) => sms.mobile === MOBILE)!.code;
    secrets.push(code);

    const bound = await fetch(`${server.origin}/oauth_callback`, {
      method: "POST",
      body: new URLSearchParams({
        mobile: MOBILE,
        password: PASSWORD,
        sms_code: code,
        allow: "on",
        access_token: token,
      }),
      headers: { cookie: pending, origin: server.origin },
      redirect: "manual",
    });
    equal(bound.status, 303);
    await bound.body?.cancel();
    const session = bound.headers.getSetCookie().map((c) => c.split(";")[0])
      .find((c) => /session/.test(c))!;
    secrets.push(session.split("=")[1]);

    const login = await fetch(`${server.origin}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: MOBILE, password: PASSWORD }),
      headers: { origin: server.origin },
      redirect: "manual",
    });
    equal(login.status, 303);
    await login.body?.cancel();
    const second = login.headers.getSetCookie().map((c) => c.split(";")[0])
      .find((c) => /session/.test(c))!;
    secrets.push(second.split("=")[1]);

    // Exports come in batches: wait for the ones this story made, as a dashboard would.
    const wanted = ["bind", "sms.send", "password.verify", "password.hash"];
    for (let tries = 0; tries < 300; tries++) {
      const names = new Set(spansOf(receiver.exports).map((span) => span.name));
      if (
        wanted.every((name) => names.has(name)) &&
        metricNames(receiver.exports).has("meiduo.logins") &&
        metricNames(receiver.exports).has("meiduo.image_codes")
      ) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.stop();

    const spans = spansOf(receiver.exports);
    const names = new Set(spans.map((span) => span.name));
    for (const name of wanted) {
      ok(names.has(name), `no ${name} span in ${[...names].join(", ")}`);
    }
    ok(
      [...names].some((name) => name.startsWith("outbound ")),
      "no provider call span",
    );
    const routes = new Set(
      spans.map((span) => span.attributes["http.route"]).filter(Boolean),
    );
    for (
      const route of [
        "/oauth/[provider]/login",
        "/oauth_callback",
        "/sms_codes",
        "/login",
      ]
    ) {
      ok(
        routes.has(route),
        `no request span for ${route}: ${[...routes].join(", ")}`,
      );
    }
    ok(
      names.has("POST /oauth_callback"),
      "the request span is named after its route",
    );
    const metrics = metricNames(receiver.exports);
    for (
      const metric of [
        "meiduo.binds",
        "meiduo.logins",
        "meiduo.sms_sends",
        "meiduo.image_codes",
      ]
    ) {
      ok(metrics.has(metric), `no ${metric} in ${[...metrics].join(", ")}`);
    }

    const exported = JSON.stringify(
      receiver.exports.map(({ body }) => withoutUrls(body)),
    );
    for (const secret of secrets) {
      ok(secret && secret.length >= 6, "every secret of the story was found");
      const at = exported.indexOf(secret);
      equal(
        at,
        -1,
        `a secret was exported: …${exported.slice(at - 300, at + 40)}…`,
      );
      equal(exported.includes(encodeURIComponent(secret)), false);
    }
  } finally {
    await receiver.server.shutdown();
  }
});

Deno.test("a route's span name is its routes-folder name, whatever pattern Fresh matched it by", () => {
  equal(routeName("/oauth/:provider/callback"), "/oauth/[provider]/callback");
  equal(routeName("/dev/:provider/:path*"), "/dev/[provider]/[...path]");
  equal(routeName("/sms_codes/:mobile"), "/sms_codes/[mobile]");
  equal(routeName("/login"), "/login");
});
