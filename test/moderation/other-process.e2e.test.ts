/** The CLI (another process) and the running bot share one database: what the CLI adds, the bot serves and alerts. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { createAlerts, type AlertTransport } from "../../src/moderation/alerts.js";
import { createModeration } from "../../src/moderation/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { sharedList } from "../../src/moderation/shared-list.js";
import { followStore } from "../../src/db/follows.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { createTestApp, tempDir, testEnv } from "../support/app.js";
import { startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { dmChannelIdFor } from "../support/harness/index.js";
import { option } from "../support/interactions.js";
import { as, command, customIds, MOD_ROLE, press, send } from "../support/moderation.js";
import { rmSync } from "node:fs";

const FOLLOWER = { id: "1300000000000000701", username: "follows-foundations" };
const STRING_THEORY = "The Large N Limit of Superconformal Field Theories and Supergravity";

async function cli(t: TestBot, arxiv: ArxivApiServer, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: async function* () {},
    env: testEnv({ DATABASE_PATH: join(t.dataDir, "paperbot.db"), ARXIV_REQUEST_INTERVAL_MS: "0", ARXIV_API_URL: arxiv.url }),
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** Alert DMs (the ones with a paper embed; /follow's welcome has none). */
const alertsTo = (t: TestBot, userId: string) =>
  t.harness.messagesIn(dmChannelIdFor(userId)).flatMap((message) => message.embeds?.[0]?.title ?? []);

describe("papers the CLI adds while the bot runs", () => {
  let t: TestBot;
  let arxiv: ArxivApiServer;
  beforeEach(async () => {
    arxiv = await startArxivApiServer();
    t = await startTestBot({
      env: { MODERATOR_ROLE_ID: MOD_ROLE, ARXIV_API_URL: arxiv.url, ARXIV_REQUEST_INTERVAL_MS: "0", BUNDLE_REBUILD_DELAY_SECONDS: "0" },
    });
    await command(t, { name: "follow", user: FOLLOWER, options: [option.string("topic", "foundations")] });
  });
  afterEach(async () => {
    await t?.close();
    await arxiv?.close();
  });

  it("a Discord add right after a CLI add delivers both alerts; the CLI paper is not dropped as paper-removed", async () => {
    const since = t.harness.requests.length;
    const added = await cli(t, arxiv, ["paper-add", "hep-th/9711200", "--topics", "foundations"]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("\nalerts recorded for 1 follower and 0 channels\n");
    const preview = await command(t, {
      name: "paper-add",
      ...as.moderator,
      options: [option.string("arxiv", "1207.7214"), option.string("topics", "foundations")],
    });
    const confirmed = await send(t, press({ customId: customIds(preview.body)[0] ?? "", message: preview.message(), ...as.moderator }));
    expect(confirmed.data.content).toMatch(/^Added \*\*Observation of a new particle/);
    await t.harness.waitForRequest(
      (request) =>
        request.method === "POST" &&
        request.path === `/channels/${dmChannelIdFor(FOLLOWER.id)}/messages` &&
        (request.body as { embeds?: { title?: string }[] }).embeds?.[0]?.title === STRING_THEORY,
      { timeoutMs: 10_000, since },
    );
    await t.harness.waitForRequest(
      (request) =>
        request.method === "POST" &&
        request.path === `/channels/${dmChannelIdFor(FOLLOWER.id)}/messages` &&
        /Observation of a new particle/.test(JSON.stringify(request.body)),
      { timeoutMs: 10_000, since },
    );
    const outcomes = () => t.bot.app.db.prepare("SELECT outcome FROM alert_intents ORDER BY paper_id").all();
    await expect.poll(outcomes, { timeout: 5000 }).toEqual([{ outcome: "sent" }, { outcome: "sent" }]);
    expect(alertsTo(t, FOLLOWER.id)).toHaveLength(2);
  }, 30_000);

  it("with nothing else happening, the CLI add's alert is sent within seconds and /paper serves the paper", async () => {
    const since = t.harness.requests.length;
    const added = await cli(t, arxiv, ["paper-add", "hep-th/9711200", "--topics", "foundations"]);
    expect(added.code).toBe(0);
    // Well under the 10-minute catalog refresh: the bot sees the other process's commit on its next check.
    await t.harness.waitForRequest(
      { method: "POST", path: `/channels/${dmChannelIdFor(FOLLOWER.id)}/messages` },
      { timeoutMs: 10_000, since },
    );
    expect(alertsTo(t, FOLLOWER.id)).toEqual([STRING_THEORY]);
    expect(t.bot.ctx.catalog.papers.some((paper) => paper.arxivId === "hep-th/9711200")).toBe(true);
  }, 30_000);

  it("/paper-add of a paper the CLI just added says it is already listed, at the preview and without asking arXiv", async () => {
    expect((await cli(t, arxiv, ["paper-add", "hep-th/9711200"])).code).toBe(0);
    const asked = arxiv.requests.length;
    const preview = await command(t, { name: "paper-add", ...as.moderator, options: [option.string("arxiv", "arXiv:hep-th/9711200v2")] });
    expect(preview.body.data.content).toBe(
      `**${STRING_THEORY}** is already in the list (\`the-large-n-limit-of-superconformal\`). Nothing was added.`,
    );
    expect(arxiv.requests).toHaveLength(asked);
  }, 30_000);
});

describe("the alert sender never drops an intent as paper-removed on a stale in-memory list", () => {
  it("reloads from the database when an intent names a paper it does not know", async () => {
    const dir = tempDir("paperbot-shared-");
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const env = { DATABASE_PATH: join(dir, "paperbot.db"), BUNDLE_DIR: join(dir, "bundle") };
    const bot = createTestApp(env);
    onTestFinished(() => bot.close());
    const list = sharedList(bot, () => undefined);
    const sent: string[] = [];
    const transport: AlertTransport = { dm: async (userId) => (sent.push(userId), "sent"), post: async () => "sent" };
    const alerts = createAlerts({
      db: bot.db,
      clock: bot.clock,
      logger: bot.logger,
      maxDelayMs: 86_400_000,
      paper: (id) => list.paper(id),
      transport,
    });

    // Another process (the CLI) adds a paper and records its alert.
    const cliApp = createTestApp(env);
    onTestFinished(() => cliApp.close());
    followStore(cliApp.db).follow("1300000000000000702", "en", "retrieval", cliApp.clock.now());
    const record = {
      arxivId: "2404.00009",
      version: 1,
      title: "Retrieval from another process",
      abstract: "We study retrieval.",
      authors: ["Ada"],
      categories: ["cs.CL"],
      primaryCategory: "cs.CL",
      published: "2024-04-01T00:00:00Z",
      updated: "2024-04-01T00:00:00Z",
      comment: null,
      absUrl: "https://arxiv.org/abs/2404.00009",
      pdfUrl: "https://arxiv.org/pdf/2404.00009",
    };
    const added = createModeration(cliApp).addPaper(
      entryFromArxiv(record, ["retrieval"], () => false),
      addedFromAbstract("cli"),
      { id: "cli", name: "cli" },
    );
    if (!added.ok) throw new Error(added.key);
    createAlerts({
      db: cliApp.db,
      clock: cliApp.clock,
      logger: cliApp.logger,
      maxDelayMs: 86_400_000,
      paper: () => undefined,
      transport: null,
    }).fanout(added.value);
    expect(bot.catalog.get(added.value.id)).toBeUndefined();

    expect(await alerts.deliver()).toEqual({ sent: 1, dropped: 0, retry: 0 });
    expect(sent).toEqual(["1300000000000000702"]);
    expect(bot.catalog.get(added.value.id)?.title).toBe("Retrieval from another process");
    await alerts.stop();
  });
});
