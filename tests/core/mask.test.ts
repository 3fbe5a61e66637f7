import { equal } from "node:assert/strict";
import { maskIfMobile, maskMobile } from "@/lib/core/mask.ts";

Deno.test("a mobile is shown as its first three and last four digits", () => {
  equal(maskMobile("13800138000"), "138****8000");
  equal(maskMobile(undefined), undefined);
  equal(maskMobile(""), "");
});

Deno.test("whatever was typed into a mobile field is masked as much: a mistyped number is a number too", () => {
  equal(maskMobile("13800138000 "), "138****000 ");
  equal(maskMobile("+8613800138000"), "+86****8000");
  equal(maskMobile("138 0013 8000"), "138****8000");
  equal(maskMobile("1380013"), "****");
});

Deno.test("a username is masked on a page only when it is a mobile", () => {
  equal(maskIfMobile("13800138000"), "138****8000");
  equal(maskIfMobile("zhangsan"), "zhangsan");
  equal(maskIfMobile("xiaoming2024"), "xiaoming2024");
});
