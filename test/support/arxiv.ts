import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Clock } from "../../src/logger.js";
import type { Sleeper } from "../../src/arxiv/fetch.js";
import { capturePath } from "./real-fixtures.js";

/**
 * Real rss.arxiv.org captures. csCL (Apache-2.0) is committed in test/fixtures/real/arxiv-rss; the trimmed feeds
 * (no licence seen) are read from ../shared: a test reading them must use `readsUnlicensedCapture`.
 */
export const FIXTURES = {
  /** The complete cs.CL feed of 13 Aug 2026: 139 items (new, cross, replace, replace-cross). Committed. */
  csCL: "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml",
  csAI: "distill__arxiv_cs_ai.trimmed.xml",
  csLG: "distill__arxiv_cs_lg.trimmed.xml",
  csCLsmall: "distill__arxiv_cs_cl.trimmed.xml",
  combined: "laya-reader__arxiv_rss_cs.LG+cs.AI+cs.CL+stat.ML.trimmed.xml",
} as const;

export function readFixture(name: string): string {
  return readFileSync(capturePath("arxiv-rss", name), "utf8");
}

export function itemBlocks(xml: string): string[] {
  return [...xml.matchAll(/<item>[\s\S]*?<\/item>/g)].map((match) => match[0]);
}

/** The same channel with other items (an empty list gives a weekend feed). */
export function withItems(xml: string, items: readonly string[]): string {
  const start = xml.indexOf("<item>");
  const end = xml.lastIndexOf("</item>") + "</item>".length;
  if (start < 0) return xml.replace("</channel>", `${items.join("\n")}\n</channel>`);
  return xml.slice(0, start) + items.join("\n    ") + xml.slice(end);
}

export function idOf(item: string): string {
  const match = /oai:arXiv\.org:([^<]+?)v\d+</.exec(item);
  if (!match?.[1]) throw new Error("item without an arXiv guid");
  return match[1];
}

/** A real item under another id (and announce type), so large feeds are real text with fresh ids. */
export function reissue(item: string, arxivId: string, announceType = "new", version = 1): string {
  const old = idOf(item);
  return item
    .replaceAll(old, arxivId)
    .replace(/(oai:arXiv\.org:[^<]+?v)\d+</, `$1${version}<`)
    .replace(/(arXiv:[^\s]+?v)\d+ Announce Type: \S+/, `$1${version} Announce Type: ${announceType}`)
    .replace(/<arxiv:announce_type>[^<]*</, `<arxiv:announce_type>${announceType}<`);
}

/** `count` items made from the real cs.CL items, with ids 26MM.NNNNN that no real feed uses. */
export function bigFeed(count: number, prefix = "2612"): string {
  const base = readFixture(FIXTURES.csCL);
  const real = itemBlocks(base);
  const items = Array.from({ length: count }, (_, index) =>
    reissue(real[index % real.length] ?? "", `${prefix}.${String(index + 1).padStart(5, "0")}`),
  );
  return withItems(base, items);
}

export interface ServedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string goes out as UTF-8; bytes as they are (to serve other charsets). */
  body?: string | Buffer;
  /** Never answer (to test the client's timeout). */
  hang?: boolean;
  /** Answer after this many (real) milliseconds, so a request has a duration that overlaps can be seen in. */
  delayMs?: number;
}

export interface LoggedRequest {
  path: string;
  /** The injected clock's time when the request arrived. */
  at: number;
  /**
   * The injected clock's time when the server began sending the answer (or, for one never sent, when the connection
   * closed); absent while it is open. Taken before `end()`, not on "close": under load that event runs late, which made
   * the gap to the next request look shorter than the client saw it. The client cannot finish before this moment.
   */
  finishedAt?: number;
  headers: IncomingHttpHeaders;
}

export interface ArxivServer {
  url: string;
  requests: LoggedRequest[];
  /** Serves `path` (e.g. "/rss/cs.CL") with responses in turn; the last one repeats. */
  route(path: string, ...responses: (ServedResponse | ((request: LoggedRequest) => ServedResponse))[]): void;
  close(): Promise<void>;
}

/** A loopback rss.arxiv.org: routes per path, a request log stamped with the injected clock. */
export async function startArxivServer(clock: Clock = { now: () => new Date() }): Promise<ArxivServer> {
  const routes = new Map<string, { responses: (ServedResponse | ((request: LoggedRequest) => ServedResponse))[]; served: number }>();
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const logged: LoggedRequest = { path: request.url ?? "", at: clock.now().getTime(), headers: request.headers };
    requests.push(logged);
    response.once("close", () => (logged.finishedAt ??= clock.now().getTime()));
    const route = routes.get(logged.path);
    if (!route) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const next = route.responses[Math.min(route.served, route.responses.length - 1)];
    route.served += 1;
    const served = typeof next === "function" ? next(logged) : (next ?? {});
    if (served.hang) {
      hanging.add(response);
      return;
    }
    const answer = () => {
      logged.finishedAt = clock.now().getTime();
      response.writeHead(served.status ?? 200, { "content-type": "application/rss+xml; charset=utf-8", ...served.headers });
      response.end(served.body ?? "");
    };
    if (served.delayMs === undefined) answer();
    else {
      hanging.add(response);
      setTimeout(() => {
        hanging.delete(response);
        if (!response.destroyed) answer();
      }, served.delayMs);
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(path, ...responses) {
      routes.set(path, { responses, served: 0 });
    },
    async close() {
      for (const response of hanging) response.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Fake time: sleeping advances the clock at once, so 3 s spacing and Retry-After cost no real time. */
export function fakeTime(start = new Date("2026-08-13T05:15:00Z")): {
  clock: Clock & { advance(ms: number): void };
  sleep: Sleeper;
  slept: number[];
} {
  let now = start.getTime();
  const slept: number[] = [];
  return {
    clock: { now: () => new Date(now), advance: (ms) => void (now += ms) },
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}
