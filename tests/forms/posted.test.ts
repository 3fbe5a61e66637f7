import { deepEqual, equal, rejects } from "node:assert/strict";
import { HttpError } from "@/lib/http/errors.ts";
import { checkBody, MAX_BODY_BYTES, readForm } from "@/lib/forms/posted.ts";

/** A POST whose body arrives as `chunks`, then stays open when `stall` is set. */
function streamed(chunks: Uint8Array[], stall = false): Request {
  return new Request("http://localhost/form", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        if (!stall) controller.close();
      },
    }),
  });
}

const refusedWith = (status: number) => (error: unknown) =>
  error instanceof HttpError && error.status === status;

Deno.test("request bodies are held to the limits before a route runs", async (t) => {
  await t.step("a streamed body over 64 KiB is refused with 413", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x61);
    const req = streamed(Array.from({ length: 5 }, () => chunk));
    await rejects(checkBody(req), refusedWith(413));
  });

  await t.step("a body that stops arriving is refused with 408", async () => {
    const req = streamed([new TextEncoder().encode("mobile=138")], true);
    await rejects(checkBody(req, 50), refusedWith(408));
  });

  await t.step("a declared length over the cap is refused unread", async () => {
    const req = new Request("http://localhost/form", {
      method: "POST",
      headers: { "content-length": String(MAX_BODY_BYTES + 1) },
      body: "x",
    });
    await rejects(checkBody(req), refusedWith(413));
    equal(req.bodyUsed, false);
  });

  await t.step(
    "a body within the limits is still there for the route",
    async () => {
      const req = streamed([
        new TextEncoder().encode("mobile=13800138000&"),
        new TextEncoder().encode("password=secret123"),
      ]);
      await checkBody(req);
      deepEqual(await readForm(req), {
        mobile: "13800138000",
        password: "secret123",
      });
    },
  );

  await t.step("a request with no body passes", async () => {
    await checkBody(new Request("http://localhost/", { method: "POST" }));
  });
});
