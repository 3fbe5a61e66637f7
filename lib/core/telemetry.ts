// The app's own traces and metrics, through Deno's built-in OpenTelemetry (`OTEL_DENO=true`): without
// it the API below is a no-op. What is recorded here is never personal: span names are fixed words,
// attributes are a provider's id, a purpose, a route pattern or an outcome, never a mobile, a code, a
// state, a token, an openid or unionid, a password or a query string. Deno's own request and fetch
// spans keep each URL; docs/operations.md gives the collector rule that drops those attributes.
import {
  type Attributes,
  metrics,
  type Span,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

const NAME = "meiduo-accounts";
const tracer = trace.getTracer(NAME);
const meter = metrics.getMeter(NAME);

/** Runs `work` in a span named `name`; a thrown error marks the span and goes on. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return await tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      // The error's kind only: a message may quote a URL with a secret in it.
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: (error as Error)?.name ?? "error",
      });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Names the request's span after its route (`POST /oauth/[provider]/callback`), never its URL. Fresh
 * matches routes as URL patterns (`/oauth/:provider/callback`, `/dev/:provider/:path*`); the span says
 * them as the routes folder does.
 */
export function nameRequestSpan(method: string, pattern: string): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  const route = routeName(pattern);
  span.setAttribute("http.route", route);
  span.updateName(`${method} ${route}`);
}

export function routeName(pattern: string): string {
  return pattern
    .replace(/:(\w+)\*/g, "[...$1]")
    .replace(/:(\w+)/g, "[$1]")
    .replace(/\{\/\}\?$/, "");
}

/** Counters by outcome: what a dashboard shows (docs/operations.md). */
export const counters = {
  binds: meter.createCounter("meiduo.binds", {
    description:
      "Binds of a provider identity to a shop account, by provider and outcome",
  }),
  logins: meter.createCounter("meiduo.logins", {
    description: "Logins (password, SMS code, provider), by way and outcome",
  }),
  accountChanges: meter.createCounter("meiduo.account_changes", {
    description:
      "Registrations, resets, changes, deletions, revocations, by action and outcome",
  }),
  smsSends: meter.createCounter("meiduo.sms_sends", {
    description:
      "SMS codes handed to the gateway, by gateway, purpose and outcome",
  }),
  imageCodes: meter.createCounter("meiduo.image_codes", {
    description: "Image codes drawn and answered, by outcome",
  }),
};
