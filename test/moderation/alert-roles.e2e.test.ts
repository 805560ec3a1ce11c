/** A channel following several topics, each with its own role: one post that mentions (and allows) every matched role. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { option } from "../support/interactions.js";
import { as, command } from "../support/moderation.js";

const CHANNEL = "1200000000000000011";
const RETRIEVAL_ROLE = "1200000000000000091";
const AGENTS_ROLE = "1200000000000000092";
const CODE_ROLE = "1200000000000000093";

function record(arxivId: string, title: string) {
  return {
    arxivId,
    version: 1,
    title,
    abstract: "We study tools. A second sentence.",
    authors: ["Ada Author"],
    categories: ["cs.CL"],
    primaryCategory: "cs.CL",
    published: "2024-03-01T00:00:00Z",
    updated: "2024-03-01T00:00:00Z",
    comment: null,
    absUrl: `https://arxiv.org/abs/${arxivId}`,
    pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
  };
}

interface Posted {
  content?: string;
  allowed_mentions?: { parse?: string[]; roles?: string[] };
}

describe("channel alerts with a role per topic", () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  });
  afterEach(async () => {
    await t?.close();
  });

  it("one post per channel, mentioning the roles of every matched topic and only those", async () => {
    for (const [topic, role] of [
      ["agents", AGENTS_ROLE],
      ["retrieval", RETRIEVAL_ROLE],
      ["code", CODE_ROLE],
    ] as const) {
      const reply = await command(t, {
        name: "follow",
        ...as.moderator,
        options: [option.channel("channel", CHANNEL), option.string("topic", topic), { type: 8, name: "role", value: role }],
      });
      expect(reply.body.data.content).toMatch(/now gets/);
    }
    const since = t.harness.requests.length;
    const added = t.bot.ctx.moderation.addPaper(
      entryFromArxiv(record("2404.00011", "Agents that retrieve"), ["retrieval", "agents"], () => false),
      addedFromAbstract("mod"),
      { id: "1", name: "mod" },
    );
    if (!added.ok) throw new Error(added.key);
    const post = await t.harness.waitForRequest({ method: "POST", path: `/channels/${CHANNEL}/messages` }, { since });
    const body = post.body as Posted;
    expect(body.content).toBe(
      `<@&${RETRIEVAL_ROLE}> <@&${AGENTS_ROLE}> New on the LLM reading list (Retrieval, Agents): **Agents that retrieve**`,
    );
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [RETRIEVAL_ROLE, AGENTS_ROLE] });
    await expect
      .poll(() => t.bot.app.db.prepare("SELECT subscriber, outcome FROM alert_intents").all(), { timeout: 5000 })
      .toEqual([{ subscriber: `channel:${CHANNEL}`, outcome: "sent" }]);
    expect(
      t.harness.requests.slice(since).filter((request) => request.method === "POST" && request.path === `/channels/${CHANNEL}/messages`),
    ).toHaveLength(1);
  });
});
