// The ceiling for page throughput: the least a Deno HTTP server can do per request.
Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen() {} },
  () => new Response("ok"),
);
