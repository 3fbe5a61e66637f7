// What of a person may be shown where it is not being typed: a mobile's first three and last four
// digits (138****5678), as JD and Taobao show it. Every page, log line and audit record masks here.

export function maskMobile(mobile: string): string;
export function maskMobile(mobile: string | undefined): string | undefined;
export function maskMobile(mobile: string | undefined): string | undefined {
  return mobile && mobile.length === 11
    ? `${mobile.slice(0, 3)}****${mobile.slice(7)}`
    : mobile;
}
