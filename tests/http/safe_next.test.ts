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

  await t.step(
    "what a Location header cannot carry is percent-encoded, as the browser sent it",
    () => {
      const cases: [string, string][] = [
        ["/你", "/%E4%BD%A0"],
        ["/\u00e9t\u00e9", "/%C3%A9t%C3%A9"],
        ["/a b", "/a%20b"],
        ["/search?q=你#好", "/search?q=%E4%BD%A0#%E5%A5%BD"],
        // A bad UTF-8 escape (/%C0%AF) reaches us decoded to U+FFFD.
        ["/\ufffd\ufffd", "/%EF%BF%BD%EF%BF%BD"],
        ["/\u2028", "/%E2%80%A8"],
      ];
      for (const [next, expected] of cases) {
        const path = safeNext(next);
        equal(path, expected, JSON.stringify(next));
        equal(new Headers({ location: path }).get("location"), expected);
      }
    },
  );

  await t.step("a bad escape still in the text lands on /", () => {
    equal(safeNext("/%C0%AF"), "/");
    equal(safeNext("/你%"), "/");
  });

  await t.step("a missing next is /", () => {
    equal(safeNext(null), "/");
    equal(safeNext(undefined), "/");
  });
});
