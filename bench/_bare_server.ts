// The ceiling for page throughput: the least a Deno HTTP server can do per request. With REPLAY
// (JSON {body: base64, headers}) it answers with those recorded bytes and headers instead of "ok".
const replay = Deno.env.get("REPLAY");
const { body, headers } = replay
  ? (({ body, headers }) => ({
    body: Uint8Array.from(atob(body), (char) => char.charCodeAt(0)),
    headers,
  }))(JSON.parse(replay))
  : { body: new TextEncoder().encode("ok"), headers: [] };
Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen() {} },
  () => new Response(body, { headers }),
);
