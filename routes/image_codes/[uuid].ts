// GET /image_codes/<uuid>: a new image code for the uuid the page made, as a PNG, for this browser only.
import type { Handlers } from "$fresh/server.ts";
import {
  drawImageCode,
  isImageCodeUuid,
  mayDrawImageCode,
} from "@/lib/captcha/image_codes.ts";
import { browserOrNew, isKnownBrowser } from "@/lib/http/browser_id.ts";
import { messages } from "@/lib/messages.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async GET(req, ctx) {
    const { app, clientAddress } = ctx.state;
    if (!isImageCodeUuid(ctx.params.uuid)) return ctx.renderNotFound();
    // Every load is a new code: a cached image would show a text the server no longer holds.
    const headers = new Headers({ "cache-control": "no-store" });
    const browser = browserOrNew(app, req, headers);
    const known = await isKnownBrowser(app.kv, browser, app.now());
    if (
      !(await mayDrawImageCode(app, { address: clientAddress, browser, known }))
    ) {
      headers.set("content-type", "text/plain; charset=utf-8");
      return new Response(messages.imageCodesTooFrequent, {
        status: 429,
        headers,
      });
    }
    const png = await drawImageCode(app, ctx.params.uuid, browser);
    if (png === null) return ctx.renderNotFound();
    headers.set("content-type", "image/png");
    return new Response(png, { headers });
  },
};
