// GET /image_codes/<uuid>: a new image code for the uuid the page made, as an SVG image.
import type { Handlers } from "$fresh/server.ts";
import {
  drawImageCode,
  isImageCodeUuid,
  mayDrawImageCode,
} from "@/lib/captcha/image_codes.ts";
import { messages } from "@/lib/messages.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async GET(_req, ctx) {
    const { app, clientAddress } = ctx.state;
    if (!isImageCodeUuid(ctx.params.uuid)) return ctx.renderNotFound();
    if (!(await mayDrawImageCode(app, clientAddress))) {
      return new Response(messages.imageCodesTooFrequent, {
        status: 429,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    const svg = await drawImageCode(app, ctx.params.uuid);
    if (svg === null) return ctx.renderNotFound();
    return new Response(svg, {
      headers: {
        "content-type": "image/svg+xml; charset=utf-8",
        // Every load is a new code: a cached image would show a text the server no longer holds.
        "cache-control": "no-store",
      },
    });
  },
};
