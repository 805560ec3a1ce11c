import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSite, type TestSite } from "../support/site.js";

/**
 * Every page the bot serves, in Debian's chromium (no browser download): no console errors, no axe-core violations
 * of WCAG 2.0/2.1 A and AA, and no horizontal scrolling on a 390 px wide phone. A missing chromium fails (CI installs
 * it in .ci/run): it never skips.
 */
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const PHONE = { width: 390, height: 844 };

interface PageCase {
  path: string;
  status: number;
  /** Text the page must show (it rendered what it should). */
  shows: string;
}

const PAGES: PageCase[] = [
  { path: "/", status: 200, shows: "Add it to your server" },
  { path: "/ja/", status: 200, shows: "サーバーに追加する" },
  { path: "/search?q=lora", status: 200, shows: "LoRA" },
  { path: "/search?q=zzqxj", status: 200, shows: "No paper in the reading list matches" },
  { path: "/ja/search?q=%E3%83%81%E3%83%B3%E3%83%81%E3%83%A9", status: 200, shows: "計算量最適な大規模言語モデルの学習" },
  { path: "/digest", status: 200, shows: "Added paper number 1" },
  { path: "/digest/ja", status: 200, shows: "追加論文 1" },
  { path: "/digest/2026-W48", status: 200, shows: "Added paper number 1" },
  { path: "/digest/2026-W48/ja", status: 200, shows: "追加論文 1" },
  { path: "/no-such-page", status: 404, shows: "Page not found" },
  { path: "/digest/2026-W49", status: 404, shows: "No digest was sent for that week." },
];

/** The part of axe-core's API the test calls inside the page. */
interface AxeApi {
  run(context: unknown, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

describe("the web pages in a real browser (chromium)", () => {
  let site: TestSite | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
    site = await startTestSite();
    profile = mkdtempSync(join(tmpdir(), "paperbot-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: PHONE,
      locale: "en-US",
    });
  }, 120_000);

  afterAll(async () => {
    try {
      await context?.close();
    } finally {
      await site?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    }
  });

  for (const { path, status, shows } of PAGES) {
    it(`${path}: renders without console errors, has no WCAG A/AA violations, fits 390 px`, async () => {
      if (!context || !site) throw new Error("the browser did not start");
      const page = await context.newPage();
      try {
        const problems: string[] = [];
        page.on("console", (message) => {
          // A 404 page's own status is reported by the browser as a failed load; anything else is a problem.
          const expected = status !== 200 && /status of \d{3}/.test(message.text());
          if (message.type() === "error" && !expected) problems.push(message.text());
        });
        page.on("pageerror", (error) => problems.push(error.message));
        const response = await page.goto(`${site.server.url}${path}`, { waitUntil: "load" });
        expect(response?.status()).toBe(status);
        expect(await page.locator("body").innerText()).toContain(shows);
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async (tags) => {
          // Runs in the page (this project has no DOM typings): axe-core, just evaluated, is a global there.
          const scope = globalThis as unknown as { axe: AxeApi; document: unknown };
          const result = await scope.axe.run(scope.document, { runOnly: { type: "tag", values: tags } });
          return result.violations.map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
          }));
        }, AXE_TAGS);
        expect(violations).toEqual([]);
        const width = await page.evaluate(
          () =>
            (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } | null } }).document.scrollingElement
              ?.scrollWidth ?? Number.POSITIVE_INFINITY,
        );
        expect(width).toBeLessThanOrEqual(PHONE.width);
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it("the feed links in every page's head lead to Atom feeds, and the search box works without scripts", async () => {
    if (!context || !site) throw new Error("the browser did not start");
    const page = await context.newPage();
    try {
      await page.goto(`${site.server.url}/`);
      const feeds = await page
        .locator('link[rel="alternate"][type="application/atom+xml"]')
        .evaluateAll((links) => links.map((link) => [link.getAttribute("hreflang"), link.getAttribute("href")]));
      expect(feeds.map(([lang]) => lang)).toEqual(["en", "ja"]);
      for (const [, href] of feeds) {
        const response = await page.request.get(href ?? "");
        expect(response.status(), href ?? "").toBe(200);
        expect(response.headers()["content-type"]).toBe("application/atom+xml; charset=utf-8");
      }
      await page.getByLabel("Search the reading list").first().fill("flash attention");
      await page.getByRole("button", { name: "Search" }).first().click();
      await page.waitForURL(/\/search\?q=flash\+attention$/);
      expect(await page.locator("main").innerText()).toContain("FlashAttention");
    } finally {
      await page.close();
    }
  });
});
