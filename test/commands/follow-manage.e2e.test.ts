/** Follows through the real bot where the transport matters: refused DMs, file uploads, the digest run, gateway DMs. Replies: follow-manage.test.ts. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { APIEmbed } from "discord.js";
import { dmChannelIdFor } from "../support/harness/index.js";
import { button, chatInput, option } from "../support/interactions.js";
import { dmMessageCreate } from "../support/messages.js";
import { useTestBot } from "../support/bot.js";
import { original, send, type CallbackBody } from "../support/e2e.js";
import { fixedClock, tempDir, testEnv } from "../support/app.js";
import { harnessDeps, runDigest } from "../support/digest.js";
import { runCli, type CliIo } from "../../src/cli/index.js";

const READER = { id: "1300000000000000203", username: "reader" };

const fields = (body: CallbackBody) => (body.data.embeds?.[0] as APIEmbed | undefined)?.fields ?? [];
const customIds = (body: CallbackBody) =>
  (body.data.components ?? []).flatMap((row) => row.components.map((component) => String(component["custom_id"])));

describe("resuming DMs", () => {
  it("after one refusal /following offers Resume DMs; pressing it tries a DM and tells the truth", async () => {
    const t = await useTestBot();
    const refusal = t.harness.respondWith(
      { method: "POST", path: `/channels/${dmChannelIdFor(READER.id)}/messages` },
      { status: 403, body: { message: "Cannot send messages to this user", code: 50007 } },
    );
    const followed = await send(t, chatInput({ name: "follow", user: READER }));
    expect(followed.data.content).toMatch(/run `\/following` to resume/);
    const command = chatInput({ name: "following", user: READER });
    const listing = await send(t, command);
    expect(fields(listing)[1]?.value).toMatch(/Discord refused the last DM/);
    expect(customIds(listing)).toContain(`resume-dm:${READER.id}`);

    const press = (payload: ReturnType<typeof button>) => {
      const followUp = t.harness.waitForRequest({ method: "POST", path: `/webhooks/:app/${payload.token}` });
      t.harness.dispatchInteraction(payload);
      return followUp.then((request) => request.body as { content?: string; flags?: number });
    };
    const stillNotice = await press(button({ customId: `resume-dm:${READER.id}`, message: original(t, command), user: READER }));
    expect(stillNotice.content).toMatch(/^Discord still refuses my DMs \(50007/);
    expect(refusal.hits).toBe(2);

    refusal.remove();
    const notice = await press(button({ customId: `resume-dm:${READER.id}`, message: original(t, command), user: READER }));
    expect(notice.content).toBe("DMs work again: I sent you a test message. The next digest comes to your DMs.");
    expect(t.harness.messagesIn(dmChannelIdFor(READER.id)).map((message) => message.content)).toContain(
      "paperbot: a test message. Your weekly digest will arrive here.",
    );
    expect(t.bot.ctx.follows.get(READER.id)).toMatchObject({ dmFailures: 0, dmPausedAt: null });
  });
});

describe("a user's data: export and deletion", () => {
  it("Export and `paperbot export --user` include the digest and alert history; /unfollow deletes it", async () => {
    const dataDir = tempDir("paperbot-export-");
    const databasePath = join(dataDir, "paperbot.db");
    const clock = fixedClock(new Date("2026-11-30T09:30:00Z"));
    const t = await useTestBot({ clock, dataDir, env: { DATABASE_PATH: databasePath } });
    await send(t, chatInput({ name: "follow", user: READER, options: [option.string("topic", "retrieval")] }));
    t.bot.app.db.prepare("UPDATE user_follows SET created_at = '2026-11-01T00:00:00.000Z' WHERE user_id = ?").run(READER.id);
    await runDigest(harnessDeps(t.bot.app, t.harness.apiUrl, clock), { force: false });
    t.bot.app.db
      .prepare(
        "INSERT INTO alert_intents (paper_id, subscriber, locale, created_at, sent_at, outcome) VALUES ('added-1', ?, 'en', ?, ?, 'sent')",
      )
      .run(`user:${READER.id}`, clock.now().toISOString(), clock.now().toISOString());

    const command = chatInput({ name: "following", user: READER });
    await send(t, command);
    const press = button({ customId: `export:${READER.id}`, message: original(t, command), user: READER });
    const upload = t.harness.waitForRequest({ method: "POST", path: `/interactions/${press.id}/${press.token}/callback` });
    t.harness.dispatchInteraction(press);
    const exported = JSON.parse((await upload).files[0]?.data.toString() ?? "{}") as Record<string, unknown>;
    expect(exported["digestDeliveries"]).toEqual([expect.objectContaining({ week: "2026-W48", status: "sent", messagesSent: 1 })]);
    expect(exported["alerts"]).toEqual([expect.objectContaining({ paperId: "added-1", outcome: "sent" })]);
    const out: string[] = [];
    const cli: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: () => undefined,
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: databasePath }),
    };
    expect(await runCli(["export", "--user", READER.id], cli)).toBe(0);
    const fromCli = JSON.parse(out.join("")) as Record<string, unknown>;
    expect({ ...fromCli, exportedAt: null }).toEqual({ ...exported, exportedAt: null });

    const ask = chatInput({ name: "unfollow", user: READER });
    await send(t, ask);
    const done = await send(t, button({ customId: `unfollow-all:${READER.id}:yes`, message: original(t, ask), user: READER }));
    expect(done.data.content).toMatch(/history of digests and alerts sent to you/);
    for (const [table, column, value] of [
      ["digest_deliveries", "target_id", READER.id],
      ["alert_intents", "subscriber", `user:${READER.id}`],
      ["user_follows", "user_id", READER.id],
      ["user_topics", "user_id", READER.id],
    ] as const) {
      expect(t.bot.app.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(value)).toEqual({ n: 0 });
    }
  });
});

describe("the DM keyword", () => {
  it("full-width ＬＬＭ　Ｐａｐｅｒｓ (NFKC) gets the bundle answer like LLM Papers", async () => {
    const t = await useTestBot();
    await send(t, chatInput({ name: "follow", user: READER }));
    for (const content of ["ＬＬＭ　Ｐａｐｅｒｓ", "ｌｌｍ ｐａｐｅｒｓ！"]) {
      const since = t.harness.requests.length;
      t.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content, user: READER }));
      const reply = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(READER.id)}/messages` }, { since });
      expect((reply.body as { embeds?: APIEmbed[] }).embeds?.[0]?.url).toMatch(/\/bundle\/paperbot-llm-reading-list\.zip\?exp=/);
    }
  });
});
