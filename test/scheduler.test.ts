import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleTimestamp, refreshBundle } from "../src/bundle/service.js";
import { BundleStore } from "../src/bundle/store.js";
import { createMemoryLogger } from "../src/logger.js";
import { Scheduler } from "../src/scheduler.js";
import { startServices } from "../src/services.js";
import { catalogPath, createTestApp, tempDir } from "./support/app.js";
import { samplePaper } from "./support/papers.js";
import { catalogSize } from "./support/catalog-size.js";

describe("bundle refresh", () => {
  it("writes the zip once and leaves it alone while the catalog is unchanged", () => {
    const app = createTestApp();
    const store = new BundleStore(join(tempDir(), "bundle"));
    const logger = createMemoryLogger();
    const first = refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger);
    expect(first.changed).toBe(true);
    expect(first.info.paperCount).toBe(catalogSize);
    const second = refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger);
    expect(second).toEqual({ info: first.info, changed: false });
    const added = samplePaper({
      id: "moderated",
      arxivId: "2501.00001",
      source: "moderator",
      addedAt: "2026-12-01T10:00:00.000Z",
      position: 1000,
    });
    const third = refreshBundle(store, [...app.catalog.papers, added], app.catalogUpdated, logger);
    expect(third.changed).toBe(true);
    expect(third.info.paperCount).toBe(catalogSize + 1);
    expect(third.info.sha256).not.toBe(first.info.sha256);
    app.close();
  });

  it("stamps the bundle with the catalog's review date or the newest moderator addition", () => {
    const catalogPaper = samplePaper({ addedAt: "2026-11-30T00:00:00.000Z" });
    expect(bundleTimestamp([catalogPaper], "2026-11-26").toISOString()).toBe("2026-11-26T00:00:00.000Z");
    const moderated = samplePaper({ source: "moderator", addedAt: "2026-12-02T08:00:00.000Z" });
    expect(bundleTimestamp([catalogPaper, moderated], "2026-11-26").toISOString()).toBe("2026-12-02T08:00:00.000Z");
  });
});

describe("scheduler", () => {
  it("runs jobs on demand, logs their failures, and stops idempotently after waiting for them", async () => {
    const logger = createMemoryLogger();
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const scheduler = new Scheduler(
      [
        { name: "ok", schedule: "*/10 * * * *", run: () => void runs.push("ok") },
        {
          name: "slow",
          schedule: "0 * * * *",
          run: () => new Promise<void>((resolve) => (release = () => (runs.push("slow"), resolve()))),
        },
        { name: "broken", schedule: "0 0 * * *", run: () => Promise.reject(new Error("boom")) },
      ],
      logger,
    );
    scheduler.start();
    scheduler.start();
    await scheduler.runNow("ok");
    await scheduler.runNow("broken");
    expect(logger.records).toContainEqual(expect.objectContaining({ level: "error", msg: "scheduled job failed", job: "broken" }));
    void scheduler.runNow("slow");
    const stopped = scheduler.stop().then(() => void runs.push("stopped"));
    // Let stop() get as far as it can on its own (a bounded number of event-loop turns, no fixed sleep).
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual(["ok"]);
    release();
    await stopped;
    expect(runs).toEqual(["ok", "slow", "stopped"]);
    await scheduler.stop();
    await expect(scheduler.runNow("missing")).rejects.toThrow(/No job named missing/);
  });
});

describe("catalog refresh job", () => {
  it("re-reads the catalog file, reloads the lookup and rebuilds the bundle; a broken file changes nothing", async () => {
    const dir = tempDir();
    const catalogFile = join(dir, "catalog.json");
    const original = readFileSync(catalogPath, "utf8");
    writeFileSync(catalogFile, original);
    const app = createTestApp({ CATALOG_PATH: catalogFile, BUNDLE_DIR: join(dir, "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" });
    const services = await startServices(app, {
      directMessenger: () => ({ send: async () => "unavailable" }),
      discordStatus: () => "disabled",
    });
    try {
      const before = services.ctx.bundle.link(new Date())?.sha256;
      const unchanged = services.ctx.catalog;
      await services.scheduler.runNow("catalog-refresh");
      expect(services.ctx.catalog).toBe(unchanged);

      const edited = JSON.parse(original) as { updated: string; papers: { id: string; aliases: string[] }[] };
      edited.updated = "2026-12-01";
      edited.papers.find((paper) => paper.id === "lora")?.aliases.push("zz adapter trick");
      writeFileSync(catalogFile, JSON.stringify(edited));
      await services.scheduler.runNow("catalog-refresh");
      expect(services.ctx.catalog).not.toBe(unchanged);
      expect(services.ctx.catalog.resolve("zz adapter trick", "en").results[0]?.paper.id).toBe("lora");
      expect(services.ctx.bundle.link(new Date())?.sha256).not.toBe(before);
      expect(services.ctx.bundle.link(new Date())?.updatedAt).toMatch(/^2026-12-01/);

      writeFileSync(catalogFile, "{ not json");
      await services.scheduler.runNow("catalog-refresh");
      expect(app.logs.records).toContainEqual(
        expect.objectContaining({ level: "error", msg: "scheduled job failed", job: "catalog-refresh" }),
      );
      expect(services.ctx.catalog.resolve("zz adapter trick", "en").results[0]?.paper.id).toBe("lora");
    } finally {
      await services.stop();
      app.close();
    }
  });
});
