// What of a person may be shown where it is not being typed: a mobile's first three and last four
// digits (138****5678), as JD and Taobao show it. Every page, log line and audit record masks here.

/**
 * `mobile` as a page, a log line or an audit record may hold it. Whatever was typed into a mobile field
 * is masked, not only a well-formed number: "+86 138 0013 8000" or "13800138000x" is someone's mobile too.
 */
export function maskMobile(mobile: string): string;
export function maskMobile(mobile: string | undefined): string | undefined;
export function maskMobile(mobile: string | undefined): string | undefined {
  if (!mobile) return mobile;
  return mobile.length >= 8
    ? `${mobile.slice(0, 3)}****${mobile.slice(-4)}`
    : "****";
}

/** A name shown on a page: masked when it is a mobile, as most usernames are (registration makes them so). */
export function maskIfMobile(name: string): string {
  return /^1\d{10}$/.test(name) ? maskMobile(name) : name;
}
