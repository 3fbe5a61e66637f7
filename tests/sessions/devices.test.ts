import { equal } from "node:assert/strict";
import { describeDevice, maskAddress } from "@/lib/sessions/devices.ts";

Deno.test("a session's device is named in words", () => {
  const cases: [string, string][] = [
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Chrome · Windows",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Edge · Windows",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
      "Safari · macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44",
      "微信 · iPhone",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      "Chrome · Android",
    ],
    [
      "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Firefox · Linux",
    ],
    ["curl/8.5.0", "未知设备"],
    ["", "未知设备"],
  ];
  for (const [userAgent, words] of cases) {
    equal(describeDevice(userAgent), words, userAgent);
  }
});

Deno.test("a session's address is shown with its end hidden", () => {
  equal(maskAddress("203.0.113.42"), "203.0.113.*");
  equal(maskAddress("2001:db8:85a3::8a2e:370:7334"), "2001:db8:*");
  equal(maskAddress("::1"), "*");
  equal(maskAddress("unknown"), "*");
  equal(maskAddress(""), "未知");
});
