// Every page under /account is the logged-in user's: a browser that is not logged in is sent to log in,
// and comes back here after. Nothing under it is cached: it all shows personal data.
import type { FreshContext } from "$fresh/server.ts";
import type { State } from "@/lib/http/request_state.ts";
import { noStore } from "@/lib/http/security.ts";

export async function handler(
  req: Request,
  ctx: FreshContext<State>,
): Promise<Response> {
  if (ctx.state.user) return noStore(await ctx.next());
  // A page can be come back to; a form post cannot, so it comes back to the account page.
  const back = req.method === "GET" || req.method === "HEAD"
    ? ctx.url.pathname + ctx.url.search
    : "/account";
  return noStore(
    new Response(null, {
      status: 303,
      headers: {
        location: `/login?next=${
          encodeURIComponent(back).replaceAll("%2F", "/")
        }`,
      },
    }),
  );
}
