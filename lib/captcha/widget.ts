// What the page needs of a captcha service's widget (CAPTCHA_PROVIDER=tencent or aliyun): the public
// ids it is started with, the script it comes from, and the hosts the page's policy must then allow.
// Runs on the server and, read back from the page, in the browser inside the islands.
import type { CaptchaConfig } from "@/lib/app/config.ts";

export type CaptchaWidget =
  | { provider: "tencent"; appId: string }
  | { provider: "aliyun"; sceneId: string; prefix: string };

/** The widget scripts, as each service publishes them. */
export const WIDGET_SCRIPTS = {
  tencent: "https://turing.captcha.qcloud.com/TCaptcha.js",
  aliyun:
    "https://o.alicdn.com/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js",
} as const;

// The hosts each widget loads from and talks to, and nothing wider: Tencent's frame and its static
// files; Aliyun's scripts and styles, its instance's endpoints (<prefix>.captcha-open.aliyuncs.com and
// <prefix>-verify…), and the device check its script runs.
const SOURCES = {
  tencent: {
    scriptSrc: [
      "https://turing.captcha.qcloud.com",
      "https://turing.captcha.gtimg.com",
    ],
    styleSrc: ["https://turing.captcha.gtimg.com"],
    frameSrc: ["https://turing.captcha.qcloud.com"],
    connectSrc: [
      "https://turing.captcha.qcloud.com",
      "https://turing.captcha.gtimg.com",
    ],
  },
  aliyun: {
    scriptSrc: ["https://o.alicdn.com", "https://g.alicdn.com"],
    styleSrc: ["https://o.alicdn.com", "https://g.alicdn.com"],
    frameSrc: [],
    connectSrc: [
      "https://*.captcha-open.aliyuncs.com",
      "https://cloudauth-device.aliyuncs.com",
      "https://cloudauth-device-dualstack.cn-shanghai.aliyuncs.com",
      "https://cn-shanghai.device.saf.aliyuncs.com",
    ],
  },
} as const;

/** The widget the pages show, or null for the app's own image code. */
export function captchaWidget(config: CaptchaConfig): CaptchaWidget | null {
  switch (config.provider) {
    case "image":
      return null;
    case "tencent":
      return { provider: "tencent", appId: config.tencent.appId };
    case "aliyun":
      return {
        provider: "aliyun",
        sceneId: config.aliyun.sceneId,
        prefix: config.aliyun.prefix,
      };
  }
}

/** What the page's policy adds for `widget`, by directive (Fresh's camelCase names). */
export function widgetSources(
  widget: CaptchaWidget | null,
): Partial<Record<keyof typeof SOURCES.tencent, readonly string[]>> {
  return widget ? SOURCES[widget.provider] : {};
}

/** The widget's settings as the page's <html> element carries them, for the browser to read back. */
export function widgetAttributes(
  widget: CaptchaWidget | null,
): Record<string, string> {
  if (!widget) return {};
  return widget.provider === "tencent"
    ? { "data-captcha": "tencent", "data-captcha-app-id": widget.appId }
    : {
      "data-captcha": "aliyun",
      "data-captcha-scene-id": widget.sceneId,
      "data-captcha-prefix": widget.prefix,
    };
}

let rendering: CaptchaWidget | null = null;

/** Set by the page's layout on the server before its body renders: the widget its forms show. */
export function renderingWithWidget(widget: CaptchaWidget | null): void {
  rendering = widget;
}

/** The widget this page's forms show: on the server the one being rendered; in the browser, the page's. */
export function pageWidget(): CaptchaWidget | null {
  if (typeof document === "undefined") return rendering;
  const data = document.documentElement.dataset;
  if (data.captcha === "tencent" && data.captchaAppId) {
    return { provider: "tencent", appId: data.captchaAppId };
  }
  if (data.captcha === "aliyun" && data.captchaSceneId && data.captchaPrefix) {
    return {
      provider: "aliyun",
      sceneId: data.captchaSceneId,
      prefix: data.captchaPrefix,
    };
  }
  return null;
}
