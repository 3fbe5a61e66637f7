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

/**
 * The network an address is in, for a record that outlives its account: the /24 of an IPv4 address
 * ("203.0.113.0/24"), the /48 of an IPv6 one ("2001:db8:85a3::/48"); anything else (a proxy's
 * made-up value) as "unknown". Enough to see where attempts came from, not who made them.
 */
export function addressNetwork(address: string): string {
  const v4 = address.replace(/^::ffff:/i, "").match(
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/,
  );
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const groups = ipv6Groups(address.replace(/^\[|\]$/g, ""));
  if (groups) {
    return `${
      groups.slice(0, 3).map((group) => group.toString(16)).join(":")
    }::/48`;
  }
  return "unknown";
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a zone dropped); null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const halves = address.replace(/%.*$/, "").split("::");
  if (halves.length > 2) return null;
  const parse = (half: string) => half === "" ? [] : half.split(":");
  const [head, tail = []] = halves.map(parse);
  const parts = halves.length === 2
    ? [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail]
    : head;
  if (
    parts.length !== 8 || !parts.every((part) => /^[0-9a-f]{1,4}$/i.test(part))
  ) {
    return null;
  }
  return parts.map((part) => parseInt(part, 16));
}
