import assert from "node:assert/strict";
import { QqError } from "@/lib/social/providers/qq/client.ts";
import { parseQqAnswer, qqFailure } from "@/lib/social/providers/qq/_parse.ts";

Deno.test("QQ's three answer shapes read the same", async (t) => {
  await t.step("urlencoded, JSON and JSONP with any spacing", () => {
    const expected = { client_id: "101474184", openid: "ABC" };
    for (
      const body of [
        "client_id=101474184&openid=ABC",
        '{"client_id":"101474184","openid":"ABC"}',
        'callback( {"client_id":"101474184","openid":"ABC"} );',
        '\uFEFF callback\n(\n\t{"client_id":"101474184","openid":"ABC"}\n)\n;\n',
        'callback({"client_id":"101474184","openid":"ABC"})',
      ]
    ) {
      assert.deepEqual(parseQqAnswer(body), expected, body);
    }
  });

  await t.step(
    "errors are `error` on OAuth and a non-zero `ret` on OpenAPI",
    () => {
      assert.equal(qqFailure({ error: 100019 }), 100019);
      assert.equal(qqFailure({ error: " 100020 " }), 100020);
      assert.equal(qqFailure({ ret: 1002, msg: "请先登录" }), 1002);
      assert.equal(qqFailure({ ret: "-1" }), -1);
      assert.equal(qqFailure({ ret: 0, nickname: "x" }), undefined);
      assert.equal(qqFailure({ ret: "0" }), undefined);
      assert.equal(qqFailure({ access_token: "T" }), undefined);
      assert.equal(qqFailure({ error: "x".repeat(20) }), "bad_response");
      assert.equal(qqFailure({ ret: "1e3" }), "bad_response");
    },
  );
});

Deno.test("junk never breaks the parser with anything but a QqError", () => {
  const alphabet = [
    "c",
    "a",
    "l",
    "b",
    "k",
    "(",
    ")",
    ";",
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    "=",
    "&",
    "%",
    " ",
    "\n",
    "0",
    "1",
    "e",
    "r",
    "o",
    "\\",
    "<",
    "\u0000",
    "\uFEFF",
    "callback(",
    "error",
    "ret",
    '"error":',
  ];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let parsed = 0;
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(random() * 24);
    const body = Array.from(
      { length },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join("");
    try {
      qqFailure(parseQqAnswer(body));
      parsed++;
    } catch (error) {
      assert.ok(error instanceof QqError, `${JSON.stringify(body)}: ${error}`);
      assert.equal(error.code, "bad_response");
    }
  }
  assert.ok(parsed > 0, "some junk is still a well-formed answer");
});
