/** What one client can make the server do or hold, so no client starves the bot sharing its event loop. */
export interface HttpLimits {
  /** Open connections at once; more are refused at accept. */
  maxConnections: number;
  /** Requests served on one keep-alive connection; later pipelined ones get 503 and the connection closes. */
  maxRequestsPerSocket: number;
  /** Time to send all request headers (slowloris). */
  headersTimeoutMs: number;
  /** Time to send a whole request. */
  requestTimeoutMs: number;
  /** Idle time before a keep-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** How often the header and request timeouts are enforced. */
  connectionsCheckingIntervalMs: number;
  /** Response bytes waiting on one connection (a client that pipelines and never reads); over it, the connection is cut. */
  maxQueuedBytesPerSocket: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxConnections: 512,
  maxRequestsPerSocket: 100,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  connectionsCheckingIntervalMs: 1_000,
  maxQueuedBytesPerSocket: 4 * 1024 * 1024,
});
