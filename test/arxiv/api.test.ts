import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ARXIV_API_MAX_BYTES, createArxivApi, parseArxivAtom, type ArxivApi } from "../../src/arxiv/api.js";
import { renderMessage } from "../../src/i18n/index.js";
import { arxivGate } from "../../src/arxiv/fetch.js";
import { apiCapture as capture, startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { readsUnlicensedCapture } from "../support/real-fixtures.js";

describe("arXiv API client against the real captures", () => {
  let server: ArxivApiServer;
  let api: ArxivApi;
  beforeEach(async () => {
    server = await startArxivApiServer();
    api = createArxivApi({ apiUrl: server.url, gate: arxivGate(0), userAgent: "paperbot-test" });
  });
  afterEach(async () => {
    await server.close();
  });

  it("reads the current serializer (1706.03762) from any id or URL form", async () => {
    for (const reference of [
      "1706.03762",
      "arXiv:1706.03762v5",
      "https://arxiv.org/pdf/1706.03762v7.pdf",
      "huggingface.co/papers/1706.03762",
    ]) {
      const result = await api.lookup(reference);
      expect(result).toMatchObject({
        ok: true,
        value: { arxivId: "1706.03762", version: 7, title: "Attention Is All You Need", primaryCategory: "cs.CL" },
      });
    }
    const result = await api.lookup("1706.03762");
    if (!result.ok) throw new Error("lookup failed");
    expect(result.value.authors).toEqual([
      "Ashish Vaswani",
      "Noam Shazeer",
      "Niki Parmar",
      "Jakob Uszkoreit",
      "Llion Jones",
      "Aidan N. Gomez",
      "Lukasz Kaiser",
      "Illia Polosukhin",
    ]);
    expect(result.value.categories).toEqual(["cs.CL", "cs.LG"]);
    expect(result.value.abstract).toMatch(/^The dominant sequence transduction models .* limited training data\.$/);
    expect(result.value).toMatchObject({
      published: "2017-06-12T17:57:34Z",
      comment: "15 pages, 5 figures",
      absUrl: "https://arxiv.org/abs/1706.03762",
    });
    expect(server.requests.at(-1)).toMatchObject({ idList: "1706.03762", userAgent: "paperbot-test" });
  });

  it("reads the old serializer (xmlns on every element, wrapped abstract) and old-style ids", async () => {
    const old = await api.lookup("1601.00001");
    expect(old).toMatchObject({
      ok: true,
      value: {
        title: "Inelastic effects in molecular transport junctions: The probe technique at high bias",
        authors: ["Michael Kilgour", "Dvira Segal"],
      },
    });
    if (old.ok) expect(old.value.abstract).not.toMatch(/\n| {2}/);
    expect(await api.lookup("hep-th/9711200")).toMatchObject({ ok: true, value: { arxivId: "hep-th/9711200", primaryCategory: "hep-th" } });
  });

  it("tells an error entry (either serializer) from zero results, and both from a bad id", async () => {
    expect(await api.lookup("2301.00001")).toEqual({
      ok: false,
      key: "arxiv.apiError",
      params: { arxivId: "2301.00001", message: "incorrect id format for 1234.12345" },
    });
    expect(await api.lookup("1501.00001")).toEqual({
      ok: false,
      key: "arxiv.apiError",
      params: { arxivId: "1501.00001", message: "start must be an integer" },
    });
    expect(await api.lookup("2411.99999")).toEqual({ ok: false, key: "arxiv.notFound", params: { arxivId: "2411.99999" } });
    expect(await api.lookup("attention please")).toMatchObject({ ok: false, key: "arxiv.notAnId" });
    expect(server.requests.map((request) => request.idList)).toEqual(["2301.00001", "1501.00001", "2411.99999"]);
  });

  it("reports a busy arXiv (503 + Retry-After), an HTML page and a dead server as distinct failures", async () => {
    server.queue.push(
      { status: 503, headers: { "retry-after": "20" }, body: "busy" },
      { status: 200, body: "<html><body>maintenance</body></html>" },
    );
    expect(await api.lookup("1706.03762")).toEqual({ ok: false, key: "arxiv.busy", params: { seconds: 20 } });
    expect(await api.lookup("1706.03762")).toEqual({ ok: false, key: "arxiv.notAtom" });
    const dead = createArxivApi({ apiUrl: "http://127.0.0.1:9/api/query", gate: arxivGate(0), userAgent: "t" });
    expect(await dead.lookup("1706.03762")).toMatchObject({ ok: false, key: "arxiv.unavailable", params: { reason: "could not connect" } });
  });

  it("an oversized or failing answer says arXiv answered (not that it could not be reached)", async () => {
    const huge = "<feed>" + "x".repeat(ARXIV_API_MAX_BYTES) + "</feed>";
    server.queue.push({ status: 200, body: huge }, { status: 500, body: "oops" });
    const tooLarge = await api.lookup("1706.03762");
    expect(tooLarge).toEqual({ ok: false, key: "arxiv.answerTooLarge", params: { megabytes: 1 } });
    if (!tooLarge.ok)
      expect(renderMessage("en", tooLarge)).toBe(
        "arXiv answered, but the answer was larger than 1 MB (one paper's metadata is a few kB), so it was not read. Try again later.",
      );
    expect(await api.lookup("1706.03762")).toEqual({ ok: false, key: "arxiv.httpStatus", params: { status: 500 } });
  });

  it("spaces requests through the shared gate, one at a time", async () => {
    const spaced = createArxivApi({ apiUrl: server.url, gate: arxivGate(150), userAgent: "t" });
    await Promise.all([spaced.lookup("1706.03762"), spaced.lookup("1207.7214"), spaced.lookup("hep-th/9711200")]);
    const times = server.requests.map((request) => request.at);
    for (let index = 1; index < times.length; index += 1) expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it("follows a redirect as a request of its own through the gate, and ends a loop as unavailable", async () => {
    const spaced = createArxivApi({ apiUrl: server.url, gate: arxivGate(150), userAgent: "t" });
    server.queue.push({ status: 301, headers: { location: `${server.url}?id_list=1706.03762&max_results=1&moved=1` }, body: "" });
    expect(await spaced.lookup("1706.03762")).toMatchObject({ ok: true, value: { arxivId: "1706.03762" } });
    const times = server.requests.map((request) => request.at);
    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(140);

    const first = `${server.url}?${new URLSearchParams({ id_list: "1706.03762", max_results: "1" }).toString()}`;
    server.queue.push(
      { status: 302, headers: { location: "/elsewhere" }, body: "" },
      { status: 307, headers: { location: first }, body: "" },
    );
    expect(await spaced.lookup("1706.03762")).toEqual({
      ok: false,
      key: "arxiv.unavailable",
      params: { reason: `redirect loop: ${new URL("/elsewhere", server.url).href} sends back to ${first}` },
    });
    expect(server.requests).toHaveLength(4);
  });

  async function expectRecords(file: string): Promise<void> {
    const result = await parseArxivAtom(capture(file));
    expect(result?.kind, file).toBe("records");
    if (result?.kind === "records") expect(result.records.length, file).toBeGreaterThan(0);
  }

  it("parses every committed search answer without throwing", async () => {
    for (const file of ["xiv__arxiv_response_search_cs.RO.xml", "orijtech-arxiv__deep_dream-0.atom"]) await expectRecords(file);
    expect(await parseArxivAtom("<feed><entry>")).toBeNull();
  });

  it(
    "parses a 20-entry cat:cs.LG OR cat:cs.AI answer (brevio-ai capture, no licence seen: ../shared only)",
    readsUnlicensedCapture,
    async () => {
      await expectRecords("brevio-ai__arxiv_cs_lg_search_cat.cs.LG_OR_cs.AI.xml");
    },
  );
});

describe("a busy arXiv's Retry-After, as moderators read it", () => {
  it("is clamped to a day and said in seconds, minutes or hours (en and ja), whatever the header says", async () => {
    const server = await startArxivApiServer();
    try {
      const api = createArxivApi({ apiUrl: server.url, gate: arxivGate(0), userAgent: "paperbot-test" });
      const said = async (retryAfter: string, locale: "en" | "ja" = "en") => {
        server.queue.push({ status: 503, headers: { "retry-after": retryAfter }, body: "busy" });
        const result = await api.lookup("1706.03762");
        return result.ok ? "ok" : renderMessage(locale, result);
      };
      expect(await said("1e308")).toBe("arXiv asked us to slow down. Try again in 24 hours.");
      expect(await said("1e308", "ja")).toBe("arXiv から間隔を空けるよう求められました。24 時間後にもう一度お試しください。");
      expect(await said(String(10 ** 30))).toBe("arXiv asked us to slow down. Try again in 24 hours.");
      expect(await said("20")).toBe("arXiv asked us to slow down. Try again in 20 s.");
      expect(await said("0.2")).toBe("arXiv asked us to slow down. Try again in 1 s.");
      expect(await said("300")).toBe("arXiv asked us to slow down. Try again in 5 minutes.");
      expect(await said("300", "ja")).toBe("arXiv から間隔を空けるよう求められました。5 分後にもう一度お試しください。");
      expect(await said(new Date(Date.now() + 3 * 3_600_000).toUTCString())).toMatch(
        /^arXiv asked us to slow down\. Try again in [34] hours\.$/,
      );
      // Nothing readable (or nothing to wait): the status, not a number made up from it.
      for (const header of ["Infinity", "-5", "soon"])
        expect(await said(header)).toBe("arXiv answered with HTTP 503 instead of the paper's metadata. Try again in a few minutes.");
    } finally {
      await server.close();
    }
  });
});
