import { equal } from "node:assert/strict";
import { shownAvatar } from "@/lib/social/login.ts";

const ORIGIN = "http://localhost:8000";

Deno.test("an avatar is kept in a form the bind page's policy lets it show", async (t) => {
  await t.step("QQ's http:// avatar goes over https", () => {
    equal(
      shownAvatar("http://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=100", ORIGIN),
      "https://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=100",
    );
  });
  await t.step("an https avatar is kept as it is", () => {
    equal(
      shownAvatar("https://tvax1.sinaimg.cn/a.jpg", ORIGIN),
      "https://tvax1.sinaimg.cn/a.jpg",
    );
  });
  await t.step("the site's own (a simulator's) stays on its origin", () => {
    equal(
      shownAvatar(`${ORIGIN}/dev/qq/avatar/k1`, ORIGIN),
      `${ORIGIN}/dev/qq/avatar/k1`,
    );
    equal(
      shownAvatar("http://localhost:8000.evil.example/a.png", ORIGIN),
      "https://localhost:8000.evil.example/a.png",
    );
  });
  await t.step("none, or one too long to keep, is none", () => {
    equal(shownAvatar(null, ORIGIN), null);
    equal(shownAvatar(`https://a.example/${"x".repeat(600)}`, ORIGIN), null);
  });
});
