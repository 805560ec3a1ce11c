/** The pure parts of a thread per paper: thread names, forum tag plans, the permissions each follow needs. */
import { describe, expect, it } from "vitest";
import { appliedTagIds, MAX_FORUM_TAGS, neededPermissions, planForumTags, tagName, threadName } from "../../src/community/discussion.js";
import { noticeNonce } from "../../src/community/discussion-transport.js";

const paper = (title: string, titleJa = title) => ({ id: "p1", arxivId: "2404.00001", title, titleJa });

describe("threadName", () => {
  it("is the title in the channel's language, on one line, without controls or bidi overrides", () => {
    expect(threadName(paper("Dense\nretrieval\u202E  for\tall"), "en")).toBe("Dense retrieval for all");
    expect(threadName(paper("Attention", "注意機構"), "ja")).toBe("注意機構");
  });

  it("keeps to Discord's 100 characters (counted as code points) and is never empty", () => {
    const name = threadName(paper("𝔸".repeat(150)), "en");
    expect([...name]).toHaveLength(100);
    expect(name.endsWith("…")).toBe(true);
    expect(threadName(paper("\u0007\u202E"), "en")).toBe("2404.00001");
  });
});

describe("forum tags", () => {
  it("names tags by the locale's topic labels, within 20 characters", () => {
    expect(tagName("retrieval", "en")).toBe("Retrieval");
    for (const topic of ["reinforcement-learning", "mixture-of-experts", "fine-tuning"])
      expect([...tagName(topic, "en")].length).toBeLessThanOrEqual(20);
    expect(tagName("retrieval", "ja")).not.toBe(tagName("retrieval", "en"));
  });

  it("creates only the missing tags (any case), and never past 20 on the forum", () => {
    const available = [{ id: "1", name: "retrieval" }];
    expect(planForumTags(available, ["Retrieval", "Agents"]).create).toEqual(["Agents"]);
    const full = Array.from({ length: MAX_FORUM_TAGS - 1 }, (_, index) => ({ id: String(index), name: `t${index}` }));
    expect(planForumTags(full, ["A", "B", "C"]).create).toEqual(["A"]);
    expect(planForumTags([...full, { id: "x", name: "x" }], ["A"]).create).toEqual([]);
  });

  it("applies at most 5 tags, in the paper's topic order", () => {
    const available = ["a", "b", "c", "d", "e", "f"].map((name) => ({ id: name.toUpperCase(), name }));
    expect(appliedTagIds(available, ["f", "a", "b", "c", "d", "e"])).toEqual(["F", "A", "B", "C", "D"]);
    expect(appliedTagIds(available, ["zz"])).toEqual([]);
  });
});

describe("neededPermissions", () => {
  it("asks a forum for posts, thread messages and tags, a discussing text channel for threads", () => {
    expect(neededPermissions("forum", false)).toEqual(["ViewChannel", "CreatePosts", "SendMessagesInThreads", "ManageTags"]);
    expect(neededPermissions("text", true)).toEqual(["ViewChannel", "SendMessages", "CreatePublicThreads"]);
    expect(neededPermissions("text", false)).toEqual(["ViewChannel", "SendMessages"]);
  });
});

describe("noticeNonce", () => {
  it("differs per permission in one channel (a 19-digit id leaves no room to spell both in 25 characters)", () => {
    const channel = "1200000000000000051";
    const nonces = new Set((["CreatePublicThreads", "ManageTags", "SendMessages"] as const).map((p) => noticeNonce(channel, p)));
    expect(nonces.size).toBe(3);
    for (const nonce of nonces) expect(nonce).toMatch(/^[\w-]{25}$/);
  });
});
