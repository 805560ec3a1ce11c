/** Small moderation edges from the shell: full-width ids, off-field papers, one-line refusals, bidi marks, titleJa. */
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BUNDLE_FOLDER, buildBundle } from "../../src/bundle/index.js";
import { parseArxivReference } from "../../src/catalog/arxiv-id.js";
import { catalogFileSchema } from "../../src/catalog/schema.js";
import { plainLine, unsafeCharacters } from "../../src/shared/safe-text.js";
import { parseTopics } from "../../src/moderation/papers.js";
import { createTestApp, tempDir } from "../support/app.js";
import { startArxivServer } from "../support/arxiv.js";
import { unzipTexts } from "../support/zip.js";
import { cliRunner } from "../support/cli.js";
import { apiEntry } from "../support/arxiv-api-server.js";

describe("moderation from the shell: small edges", () => {
  it("full-width arXiv ids (a Japanese IME) are read as ASCII (NFKC)", () => {
    expect(parseArxivReference("１２０７．７２１４")).toBe("1207.7214");
    expect(parseArxivReference("ａｒＸｉｖ：２１０６．０９６８５ｖ２")).toBe("2106.09685");
  });

  it("paper-add takes a full-width id, warns for a paper outside CS and statistics, and marks titleJa as the English title", async () => {
    const server = await startArxivServer();
    onTestFinished(() => server.close());
    server.route("/api/query?id_list=1207.7214&max_results=1", {
      body: apiEntry("1207.7214", "Observation of a new particle", { category: "hep-ex", published: "2012-07-31T00:00:00Z" }),
      headers: { "content-type": "application/atom+xml" },
    });
    const dir = tempDir("paperbot-small-cli-");
    const env = { DATABASE_PATH: join(dir, "paperbot.db"), ARXIV_API_URL: `${server.url}/api/query`, ARXIV_REQUEST_INTERVAL_MS: "0" };
    createTestApp(env).close();
    const run = cliRunner(env);

    const added = await run("paper-add", "１２０７．７２１４", "--topics", "foundations", "--by", "mina");
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^added [\w-]+: Observation of a new particle \(arXiv:1207\.7214; topics foundations\)\n/);
    expect(added.stderr).toBe(
      "paperbot: warning: Its arXiv categories (hep-ex) are outside computer science and statistics: check that it belongs on the LLM reading list.\n",
    );

    // titleJa still holds the English title (the schema needs one), and says so; the curated papers don't carry the mark.
    const exported = await run("catalog", "export");
    const file = catalogFileSchema.parse(JSON.parse(exported.stdout));
    const paper = file.papers.find((entry) => entry.arxivId === "1207.7214");
    expect(paper).toMatchObject({ titleJa: "Observation of a new particle", titleJaLanguage: "en" });
    expect(file.papers.filter((entry) => entry.titleJaLanguage !== undefined).map((entry) => entry.arxivId)).toEqual(["1207.7214"]);
    const app = createTestApp(env);
    onTestFinished(() => app.close());
    const files = await unzipTexts(buildBundle(app.catalog.papers, { generatedAt: new Date("2026-01-01T00:00:00Z") }).zip, BUNDLE_FOLDER);
    const json = JSON.parse(files.get("papers.json") ?? "{}") as { papers: Record<string, unknown>[] };
    expect(json.papers.find((entry) => entry["arxivId"] === "1207.7214")?.["titleJaLanguage"]).toBe("en");
    expect(json.papers.find((entry) => entry["id"] === "lora")).not.toHaveProperty("titleJaLanguage");
    expect(files.get("README.md")).toMatch(
      /`summaryLanguage` the language each summary is in, `titleJaLanguage` a `titleJa` that repeats the English title/,
    );
  });

  it("paper-add of a paper arXiv dates outside 1990-2100 prints the reason in one line (exit 1), no ZodError or stack", async () => {
    const server = await startArxivServer();
    onTestFinished(() => server.close());
    server.route("/api/query?id_list=2406.00078&max_results=1", {
      body: apiEntry("2406.00078", "A very old paper", { published: "1985-06-01T00:00:00Z" }),
      headers: { "content-type": "application/atom+xml" },
    });
    const dir = tempDir("paperbot-small-cli-");
    const env = { DATABASE_PATH: join(dir, "paperbot.db"), ARXIV_API_URL: `${server.url}/api/query`, ARXIV_REQUEST_INTERVAL_MS: "0" };
    createTestApp(env).close();
    const added = await cliRunner(env)("paper-add", "2406.00078");
    expect(added).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "paperbot: arXiv gives 2406.00078 the date 1985-06-01, outside the years the reading list takes (1990–2100). Nothing was added.\n",
    });
  });

  it("a refused control character prints one clear line (exit 2), not the whole usage", async () => {
    const env = { DATABASE_PATH: join(tempDir("paperbot-small-cli-"), "paperbot.db") };
    const run = cliRunner(env);
    for (const args of [
      ["paper-add", "2406.00001", "--by", "mina\u001b[31m"],
      ["candidates", "approve", "2406.00001", "--note", "a\u0007b"],
      ["paper-add", "2406.00001", "--topics", "no-such-topic"],
    ]) {
      const refused = await run(...args);
      expect(refused.code, args.join(" ")).toBe(2);
      expect(refused.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(refused.stderr).toMatch(/^paperbot: (“--by”|“--note”) contains control characters|^paperbot: Unknown topics: no-such-topic/);
    }
    // A real usage mistake still shows the usage.
    expect((await run("paper-add")).stderr).toMatch(/Usage: paperbot/);
  });

  it("・ (nakaguro, common in Japanese lists) separates topics like 、", () => {
    expect(parseTopics("検索拡張・エージェント", "ja")).toEqual({ ok: true, value: ["retrieval", "agents"] });
    expect(parseTopics("検索拡張･エージェント、基礎", "ja")).toEqual({ ok: true, value: ["retrieval", "agents", "foundations"] });
  });

  it("U+200E/U+200F marks are treated like zero-width characters: accepted and kept; overrides are refused and stripped", () => {
    for (const mark of ["\u200E", "\u200F", "\u061C", "\u200B", "\uFEFF"]) {
      expect(unsafeCharacters(`a${mark}b`), mark).toBeNull();
      expect(plainLine(`a${mark}b`), mark).toBe(`a${mark}b`);
    }
    for (const override of ["\u202E", "\u202B", "\u2066", "\u2069"]) {
      expect(unsafeCharacters(`a${override}b`)).toBe("bidi");
      expect(plainLine(`a${override}b`)).toBe("ab");
    }
  });
});
