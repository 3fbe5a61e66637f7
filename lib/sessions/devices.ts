// What the sessions page says about a session: the device in words ("Chrome · Windows") from its
// User-Agent, and the address it logged in from with its end hidden.

/** Browsers in the order they must be tried: each of these also names the ones after it in its UA. */
const BROWSERS: [RegExp, string][] = [
  [/MicroMessenger\//, "微信"],
  [/\bQQ\/|MQQBrowser|QQBrowser/, "QQ浏览器"],
  [/UCBrowser|UCWEB/, "UC浏览器"],
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/SamsungBrowser\//, "Samsung Internet"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPod/, "iPhone"],
  [/iPad/, "iPad"],
  [/Android/, "Android"],
  [/HarmonyOS|OpenHarmony/, "HarmonyOS"],
  [/Windows/, "Windows"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Chrome · Windows", "微信 · iPhone"; what is not recognised is left out, and nothing at all is "未知设备". */
export function describeDevice(userAgent: string): string {
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  return [browser, system].filter(Boolean).join(" · ") || "未知设备";
}

/** "203.0.113.*", "2001:db8:*": enough to recognise one's own network, not to find the line. */
export function maskAddress(address: string): string {
  const v4 = address.match(/^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/);
  if (v4) return `${v4[1]}.*`;
  if (address.includes(":")) {
    const groups = address.split(":").filter(Boolean);
    return groups.length > 1 ? `${groups.slice(0, 2).join(":")}:*` : "*";
  }
  return address ? "*" : "未知";
}
