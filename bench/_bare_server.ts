// The ceiling for page throughput: the least a Deno HTTP server can do per request. With REPLAY
// (JSON {body, headers}) it answers with that recorded response instead of "ok".
const replay = Deno.env.get("REPLAY");
const { body, headers } = replay
  ? JSON.parse(replay)
  : { body: "ok", headers: [] };
Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen() {} },
  () => new Response(body, { headers }),
);
