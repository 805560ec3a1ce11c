import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BundleStore } from "../../src/bundle/store.js";
import { Catalog } from "../../src/catalog/catalog.js";
import { digestStore } from "../../src/db/digest.js";
import { buildEdition } from "../../src/digest/content.js";
import { databaseSources } from "../../src/digest/sources.js";
import { startHttpServer, type RunningHttpServer } from "../../src/http/index.js";
import { sitePages, type SitePages } from "../../src/http/pages.js";
import { createTestApp, fixedClock } from "./app.js";
import { addModeratorPapers, moderatorEntry, sampleCandidates } from "./digest.js";

export const APPLICATION_ID = "123456789012345678";

/** The bot's web site over a test app with two sent editions (W47, W48) and one frozen but unsent (W49). */
export interface TestSite {
  app: ReturnType<typeof createTestApp>;
  server: RunningHttpServer;
  /** PUBLIC_URL the pages were built with (the server's own URL unless one was given). */
  publicUrl: string;
  close(): Promise<void>;
}

export async function startTestSite(options: { publicUrl?: string; title?: string; applicationId?: string } = {}): Promise<TestSite> {
  // Not tempDir(): a browser test starts the site once, in beforeAll, outside any one test.
  const dir = mkdtempSync(join(tmpdir(), "paperbot-site-"));
  const app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
  let server: RunningHttpServer | undefined;
  try {
    addModeratorPapers(
      app,
      [moderatorEntry(1, options.title ? { title: options.title } : {}), moderatorEntry(2)],
      new Date("2026-11-25T10:00:00Z"),
    );
    app.catalog = Catalog.load(app.db); // as the bot does after a moderator's addition
    const store = digestStore(app.db);
    const sources = databaseSources(store, () => app.catalog.papers, { pending: () => sampleCandidates });
    for (const [week, at] of [
      ["2026-W47", "2026-11-23T09:00:05.000Z"],
      ["2026-W48", "2026-11-30T09:00:05.000Z"],
    ] as const) {
      store.freezeEdition(week, JSON.stringify(buildEdition(week, sources)), new Date(at));
      store.publishEdition(week, new Date(at));
    }
    store.freezeEdition("2026-W49", JSON.stringify(buildEdition("2026-W49", sources)), new Date("2026-11-30T10:00:00Z"));
    // The pages need PUBLIC_URL, which for a browser is the server's own URL, known once it listens.
    const ready: { pages?: SitePages } = {};
    const route = Object.assign((path: string, request?: Parameters<SitePages>[1]) => ready.pages?.(path, request) ?? null, {
      errorPage: (...args: Parameters<NonNullable<SitePages["errorPage"]>>) => {
        if (!ready.pages?.errorPage) throw new Error("pages not ready");
        return ready.pages.errorPage(...args);
      },
    });
    server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: "s".repeat(32),
      clock: app.clock,
      logger: app.logs,
      health: () => ({ database: "ok", discord: "ready" }),
      pages: route,
    });
    const publicUrl = options.publicUrl ?? server.url;
    ready.pages = sitePages({
      store,
      publicUrl,
      catalog: () => app.catalog,
      applicationId: options.applicationId ?? APPLICATION_ID,
    });
    const running = server;
    return {
      app,
      server: running,
      publicUrl,
      close: async () => {
        try {
          await running.close();
        } finally {
          app.close();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await server?.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
