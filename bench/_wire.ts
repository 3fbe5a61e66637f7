// A GET as it travels: one HTTP/1.1 request on its own connection, the answer's bytes unread by any
// client library (which would undo the content coding).

export interface WireAnswer {
  status: number;
  headers: Headers;
  /** The body as sent: still brotli'd or gzipped when it was. */
  body: Uint8Array<ArrayBuffer>;
}

export async function wireGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<WireAnswer> {
  const { hostname, port, pathname, search } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const lines = Object.entries(headers).map(([name, value]) =>
    `${name}: ${value}\r\n`
  ).join("");
  await conn.write(
    new TextEncoder().encode(
      `GET ${pathname}${search} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${lines}connection: close\r\n\r\n`,
    ),
  );
  const raw = new Uint8Array(await new Response(conn.readable).arrayBuffer());
  const text = new TextDecoder("latin1").decode(raw);
  const headEnd = text.indexOf("\r\n\r\n");
  const [statusLine, ...headerLines] = text.slice(0, headEnd).split("\r\n");
  const answer = new Headers(headerLines.map((line) => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()] as [
      string,
      string,
    ];
  }));
  if (answer.get("transfer-encoding") === "chunked") {
    throw new Error(`${url} answered chunked; only sized bodies are counted`);
  }
  return {
    status: Number(statusLine.split(" ")[1]),
    headers: answer,
    body: raw.slice(headEnd + 4),
  };
}
