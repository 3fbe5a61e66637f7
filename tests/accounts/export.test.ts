import { equal, match } from "node:assert/strict";
import { exportDisposition } from "@/lib/accounts/export.ts";

Deno.test("the export's file is named after the username, safely for the header", async (t) => {
  await t.step("a mobile or a plain username as it is", () => {
    equal(
      exportDisposition("13800138000"),
      'attachment; filename="meiduo-account-13800138000.json"',
    );
    equal(
      exportDisposition("zhang_san.2024"),
      'attachment; filename="meiduo-account-zhang_san.2024.json"',
    );
  });

  await t.step(
    "any other: an ASCII stand-in, and the name itself in UTF-8 beside it",
    () => {
      const header = exportDisposition('张三"; x=1\r\n');
      equal(
        header,
        "attachment; filename=\"meiduo-account-_____x_1__.json\"; filename*=UTF-8''meiduo-account-%E5%BC%A0%E4%B8%89%22%3B%20x%3D1%0D%0A.json",
      );
      // A header that Headers accepts: nothing a client could read as another parameter or line.
      new Headers({ "content-disposition": header });
      match(header, /^[\x20-\x7e]+$/);
    },
  );
});
