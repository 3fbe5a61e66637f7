// An error that already knows its HTTP answer; the root middleware turns it into a response.

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}
