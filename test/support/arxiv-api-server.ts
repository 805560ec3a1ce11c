/** A loopback arXiv API (export.arxiv.org/api/query) serving the real captures committed in test/fixtures/real/arxiv-api. */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { capturePath } from "./real-fixtures.js";

/** A capture's text (the committed copy, or ../shared's for an unlicensed one). */
export const apiCapture = (file: string): string => readFileSync(capturePath("arxiv-api", file), "utf8");

/** id_list value → capture file. Anything else gets the real zero-results answer. */
export const CAPTURES: Record<string, string> = {
  "1706.03762": "tamnd-arxiv-cli__api_1706.03762.xml",
  "1207.7214": "tamnd-arxiv-cli__api_1207.7214.xml",
  "hep-th/9711200": "tamnd-arxiv-cli__api_hep-th_9711200.xml",
  "1601.00001": "zoia__arxiv_response_id_list_1601.00001.xml",
  // arXiv's documented answer to a malformed id (old serializer), and a current error entry (served with 400).
  "2301.00001": "arxiv-docs__user-manual_error_incorrect_id_format.example.xml",
  "1501.00001": "tamnd-arxiv-cli__api_error_start.xml",
};
const ZERO_RESULTS = "tamnd-arxiv-cli__api_zero_results.xml";

export interface ArxivApiServer {
  url: string;
  requests: { idList: string | null; at: number; userAgent: string | undefined }[];
  /** The next answers, instead of the captures (status, headers, body). */
  queue: { status: number; headers?: Record<string, string>; body: string }[];
  close(): Promise<void>;
}

export async function startArxivApiServer(): Promise<ArxivApiServer> {
  const requests: ArxivApiServer["requests"] = [];
  const queue: ArxivApiServer["queue"] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const idList = url.searchParams.get("id_list");
    requests.push({ idList, at: Date.now(), userAgent: request.headers["user-agent"] });
    const queued = queue.shift();
    if (queued) {
      response.writeHead(queued.status, { "content-type": "text/html", ...queued.headers });
      response.end(queued.body);
      return;
    }
    const file = (idList && CAPTURES[idList]) ?? ZERO_RESULTS;
    const status = file === "tamnd-arxiv-cli__api_error_start.xml" ? 400 : 200;
    response.writeHead(status, { "content-type": "application/atom+xml; charset=utf-8" });
    response.end(readFileSync(capturePath("arxiv-api", file)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/query`,
    requests,
    queue,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The arXiv API's answer (Atom) for one paper, with a made-up author and abstract. */
export function apiEntry(arxivId: string, title: string, options: { category?: string; published?: string } = {}): string {
  const category = options.category ?? "cs.CL";
  const published = options.published ?? "2026-08-13T00:00:00Z";
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query</title>
  <entry>
    <id>http://arxiv.org/abs/${arxivId}v1</id>
    <title>${title}</title>
    <updated>${published}</updated>
    <published>${published}</published>
    <summary>An abstract about ${title}.</summary>
    <author><name>Ada Author</name></author>
    <category term="${category}" scheme="http://arxiv.org/schemas/atom"/>
    <arxiv:primary_category term="${category}"/>
  </entry>
</feed>`;
}
