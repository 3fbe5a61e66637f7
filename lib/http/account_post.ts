// A logged-in user's post of an account page's form (/account/…), handed to the form's action with who
// posted it, from where and from which browser.
import type { AccountFormAction } from "@/lib/accounts/proofs.ts";
import { readForm } from "@/lib/forms/posted.ts";
import type { State } from "./request_state.ts";

/** `action` on what the logged-in user of `ctx` posted: `fields`, else the request's form. */
export async function actOnAccountPost<Result>(
  req: Request,
  ctx: { state: State },
  action: AccountFormAction<Result>,
  fields?: Partial<Record<string, string>>,
): Promise<Result> {
  const { app, clientAddress, browser } = ctx.state;
  // routes/account/_middleware.ts lets only the logged in through
  return await action(
    app,
    ctx.state.user!,
    fields ?? await readForm(req),
    clientAddress,
    browser,
  );
}
