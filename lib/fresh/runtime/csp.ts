// Content-Security-Policy as Fresh 1.x shapes it: a route with `config.csp` gets a policy object that
// its components change through `useCSP()` while it renders, the page's own scripts carry a nonce
// made for this response, and the header is written from the object once rendering is done.
// Bundled into the browser too (through runtime.ts), where there is no policy and useCSP does nothing.

export const SELF = "'self'";
export const NONE = "'none'";
export const UNSAFE_INLINE = "'unsafe-inline'";
export const UNSAFE_EVAL = "'unsafe-eval'";
export const UNSAFE_HASHES = "'unsafe-hashes'";
export const STRICT_DYNAMIC = "'strict-dynamic'";

/** The source expression allowing elements that carry `nonce="<value>"`. */
export function nonce(value: string): string {
  return `'nonce-${value}'`;
}

export interface ContentSecurityPolicy {
  directives: ContentSecurityPolicyDirectives;
  /** Sends the policy as Content-Security-Policy-Report-Only: violations are reported, not blocked. */
  reportOnly: boolean;
}

/** One field per directive, camelCased (`scriptSrc` is `script-src`), each a list of sources. */
export interface ContentSecurityPolicyDirectives {
  childSrc?: string[];
  connectSrc?: string[];
  defaultSrc?: string[];
  fontSrc?: string[];
  frameSrc?: string[];
  imgSrc?: string[];
  manifestSrc?: string[];
  mediaSrc?: string[];
  objectSrc?: string[];
  prefetchSrc?: string[];
  scriptSrc?: string[];
  scriptSrcElem?: string[];
  scriptSrcAttr?: string[];
  styleSrc?: string[];
  styleSrcElem?: string[];
  styleSrcAttr?: string[];
  workerSrc?: string[];
  baseUri?: string[];
  sandbox?: string[];
  formAction?: string[];
  frameAncestors?: string[];
  navigateTo?: string[];
  reportUri?: string;
}

/** What a `csp: true` route starts from before its components add to it (Fresh 1.x's starting point). */
export function startingPolicy(): ContentSecurityPolicy {
  return {
    directives: { defaultSrc: [NONE], styleSrc: [UNSAFE_INLINE] },
    reportOnly: false,
  };
}

/** The header for a rendered page: the policy with the page's nonce added to script-src. */
export function policyHeader(
  policy: ContentSecurityPolicy,
  pageNonce: string,
): [name: string, value: string] {
  // Pages of one app share a few policies: each is written out once, with a slot for the nonce.
  const key = JSON.stringify(policy);
  let template = headerTemplates.get(key);
  if (template === undefined) {
    template = headerTemplate(policy);
    if (headerTemplates.size < 100) headerTemplates.set(key, template);
  }
  return [template.name, template.before + nonce(pageNonce) + template.after];
}

const headerTemplates = new Map<
  string,
  { name: string; before: string; after: string }
>();
const NONCE_SLOT = /* @__PURE__ */ nonce("\0");

function headerTemplate(policy: ContentSecurityPolicy) {
  const directives: ContentSecurityPolicyDirectives = {
    ...policy.directives,
    scriptSrc: [...policy.directives.scriptSrc ?? [], NONCE_SLOT],
  };
  const value = Object.entries(directives)
    .filter(([, sources]) => sources !== undefined)
    .map(([name, sources]) =>
      [directiveName(name), ...[sources].flat()].join(" ")
    )
    .join("; ");
  const slot = value.lastIndexOf(NONCE_SLOT);
  return {
    name: policy.reportOnly
      ? "content-security-policy-report-only"
      : "content-security-policy",
    before: value.slice(0, slot),
    after: value.slice(slot + NONCE_SLOT.length),
  };
}

const directiveNames = new Map<string, string>();

/** `scriptSrc` → `script-src`, worked out once per name rather than on every page. */
function directiveName(field: string): string {
  let name = directiveNames.get(field);
  if (name === undefined) {
    name = field.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
    directiveNames.set(field, name);
  }
  return name;
}
