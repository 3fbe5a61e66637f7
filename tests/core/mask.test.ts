import { equal } from "node:assert/strict";
import { addressNetwork, maskIfMobile, maskMobile } from "@/lib/core/mask.ts";

Deno.test("a mobile shows its first three and last four digits", () => {
  equal(maskMobile("13800138000"), "138****8000");
});

Deno.test("an address is kept as its network: the /24, the /48, or unknown", () => {
  const cases: [string, string][] = [
    ["203.0.113.77", "203.0.113.0/24"],
    ["::ffff:198.51.100.9", "198.51.100.0/24"],
    ["2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::/48"],
    ["2001:db8:85a3:1:2:3:4:5", "2001:db8:85a3::/48"],
    ["[2001:db8:1::3]", "2001:db8:1::/48"],
    ["fe80::1%eth0", "fe80:0:0::/48"],
    ["unknown", "unknown"],
    ["", "unknown"],
    ["1.2.3.4, 5.6.7.8", "unknown"],
    ["1::2::3", "unknown"],
  ];
  for (const [address, network] of cases) {
    equal(addressNetwork(address), network, address);
  }
});

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
