// QA on issue 8 (bug F): SIGTERM of a `paperbot poll` whose feed hangs left the cross-process arXiv lease held, so
// the next poll waited ~40 s (the request timeout + 10 s) in silence. A stopped process gives its lease back before
// its database closes; a lease a killed process left is waited for with one line on stderr saying so.
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { ArxivGate } from "../../src/arxiv/gate.js";
import { arxivGateStore } from "../../src/db/arxiv-gate.js";
import { createTestApp, repoRoot, tempDir, testEnv } from "../support/app.js";
import { startArxivServer, type ArxivServer } from "../support/arxiv.js";
import { spawnNode } from "../support/child.js";
import { within } from "../support/wait.js";

const INTERVAL_MS = 300;
/** What a lease left behind costs: ARXIV_TIMEOUT_MS (30 s) + LEASE_MARGIN_MS (10 s). The next poll must start well before. */
const PROMPTLY_MS = 12_000;
const FEED = "a.one";
const EMPTY_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>empty</title></channel></rss>';

interface LeaseRow {
  holder: string | null;
  lease_expires_at: number | null;
  last_finished_at: number | null;
}

/** The lease row as SQLite holds it, read on a connection of its own. */
function leaseRow(path: string): LeaseRow | undefined {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare("SELECT holder, lease_expires_at, last_finished_at FROM arxiv_gate").get() as LeaseRow | undefined;
  } finally {
    reader.close();
  }
}

/** A migrated database and a loopback arXiv serving FEED with `responses` in turn. */
async function setUp(...responses: Parameters<ArxivServer["route"]>[1][]) {
  const dir = tempDir("paperbot-lease-release-");
  const server = await startArxivServer();
  onTestFinished(() => server.close());
  server.route(`/rss/${FEED}`, ...responses);
  const databasePath = join(dir, "paperbot.db");
  const overrides = {
    DATABASE_PATH: databasePath,
    ARXIV_RSS_URL: `${server.url}/rss`,
    ARXIV_CATEGORIES: FEED,
    ARXIV_REQUEST_INTERVAL_MS: String(INTERVAL_MS),
    LOG_LEVEL: "silent",
  };
  createTestApp(overrides).close();
  const env = { ...process.env, ...testEnv(overrides) };
  const poll = () => spawnNode([join(repoRoot, "bin", "paperbot.js"), "poll", "--json"], env);
  return { server, databasePath, poll };
}

async function untilRequests(server: ArxivServer, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.requests.length < count) {
    if (Date.now() > deadline) throw new Error(`${server.requests.length} of ${count} requests after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the arXiv lease when a process stops", () => {
  it("closing the app mid-request (the bot's and the CLI's shutdown) frees the lease and records the request's end", async () => {
    const path = join(tempDir("paperbot-lease-close-"), "paperbot.db");
    const app = createTestApp({ DATABASE_PATH: path });
    onTestFinished(() => app.close());
    const gate = new ArxivGate({
      intervalMs: INTERVAL_MS,
      clock: app.clock,
      sleep: async () => undefined,
      shared: { store: arxivGateStore(app.db), leaseMs: 40_000, holder: "this process" },
    });
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    // A request that never answers, like a hanging feed.
    void gate.run(async () => {
      started();
      await new Promise(() => undefined);
    });
    await inFlight;
    expect(leaseRow(path)?.holder).toBe("this process");
    app.close();
    expect(leaseRow(path)).toEqual({ holder: null, lease_expires_at: null, last_finished_at: app.clock.now().getTime() });
  });

  it("SIGTERM of a poll waiting on a hanging feed: exit 143, and the next poll's request goes out promptly", async () => {
    const { server, databasePath, poll } = await setUp({ hang: true }, { body: EMPTY_FEED });
    const first = poll();
    await untilRequests(server, 1, 15_000);
    expect(leaseRow(databasePath)?.holder).toMatch(/^pid \d+ /);
    first.child.kill("SIGTERM");
    const stopped = await within(first.done, 5_000, "the poll to exit after SIGTERM");

    const started = Date.now();
    const second = poll();
    await untilRequests(server, 2, PROMPTLY_MS);
    expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
    // As a shell reports a process the signal ended, without a stack trace.
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    const finished = await within(second.done, 10_000, "the second poll");
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).not.toContain("waiting for another process");
    expect((JSON.parse(finished.stdout) as { feeds: { status: string }[] }).feeds.map((feed) => feed.status)).toEqual(["ok"]);
  });

  it("a lease left by a killed process: the poll says once on stderr that it waits, and how long at most; stdout stays JSON", async () => {
    const { server, databasePath, poll } = await setUp({ body: EMPTY_FEED });
    const leftUntil = Date.now() + 6_000;
    const writer = new Database(databasePath);
    try {
      writer
        .prepare(
          "INSERT INTO arxiv_gate (id, holder, lease_expires_at) VALUES (1, 'pid 999999 deadbeef', ?) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, lease_expires_at = excluded.lease_expires_at",
        )
        .run(leftUntil);
    } finally {
      writer.close();
    }
    const finished = await within(poll().done, 20_000, "the poll");
    expect(finished.code, finished.stderr).toBe(0);
    const notices = finished.stderr.split("\n").filter((line) => line.includes("waiting for another process's arXiv request"));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/pid 999999 deadbeef\): at most [1-6] s$/);
    expect((JSON.parse(finished.stdout) as { feeds: { status: string }[] }).feeds.map((feed) => feed.status)).toEqual(["ok"]);
    expect(server.requests[0]?.at).toBeGreaterThanOrEqual(leftUntil);
  });
});
