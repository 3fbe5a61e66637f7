import { equal } from "node:assert/strict";
import { safeNext } from "@/lib/http/safe_next.ts";

Deno.test("next stays on this site", async (t) => {
  await t.step("same-origin paths are kept as they are", () => {
    for (
      const path of [
        "/",
        "/account",
        "/orders?page=2#top",
        "/search?q=a%20b",
        "/a/b/../c",
      ]
    ) {
      equal(safeNext(path), path);
    }
  });

  await t.step("anything that could leave the site becomes /", () => {
    const hostile = [
      "//evil.example",
      "https://evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/%2F%2Fevil.example",
      "/%5Cevil.example",
      "%2F%2Fevil.example",
      "http:/evil.example",
      "/\tevil",
      "/\r\nSet-Cookie:x=1",
      "/%0d%0aSet-Cookie:x=1",
      "evil.example",
      "",
      "/%E0%A4%A",
      "/" + "a".repeat(3000),
    ];
    for (const next of hostile) {
      equal(safeNext(next), "/", `${JSON.stringify(next)} must land on /`);
    }
  });

  await t.step("a missing next is /", () => {
    equal(safeNext(null), "/");
    equal(safeNext(undefined), "/");
  });
});
