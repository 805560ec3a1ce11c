/** The HTTP server could not listen on `host`:`port`; `cause` is the system error saying why. */
export class HttpListenError extends Error {
  override name = "HttpListenError";

  constructor(
    readonly host: string,
    readonly port: number,
    options: { cause: unknown },
  ) {
    super(`the HTTP server could not listen on ${host}:${port}`, options);
  }
}
