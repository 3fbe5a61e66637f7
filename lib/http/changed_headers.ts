// A response's headers changed where they can be, on a copy where they cannot (a redirect's, which
// Response.redirect makes immutable).

/** `response` after `change` to its headers: the same response, or a copy with its body. */
export function withChangedHeaders(
  response: Response,
  change: (headers: Headers) => void,
): Response {
  try {
    change(response.headers);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    change(copy.headers);
    return copy;
  }
}
