// An error that already knows its HTTP answer; the root middleware turns it into a response.

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}

/** A short refusal in plain text: what bad requests get before any page is rendered. */
export function plainText(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
