/** /bundle, its Follow button and the DM keyword, driven through the handlers with a stand-in link (the real link and download: follow.e2e.test.ts). */
import { describe, expect, it } from "vitest";
import { directMessages } from "../../commands/index.js";
import type { BundleLinks } from "../../src/bundle/links.js";
import { customIds, embedsOf, isPrivate, textOf, useDirect } from "../support/direct.js";

const BOB = { userId: "1300000000000000102", username: "bob" };
const CAROL = { userId: "1300000000000000103", username: "carol" };
const URL_SHOWN = "http://localhost:1/bundle/paperbot-llm-reading-list.zip?exp=1&sig=x";
const bundle: BundleLinks = {
  link: (now) => ({
    url: URL_SHOWN,
    expiresAt: new Date(now.getTime() + 3_600_000),
    paperCount: 43,
    size: 2048,
    sha256: "0123456789abcdef",
    updatedAt: "2026-11-26T00:00:00Z",
  }),
};

describe("the bundle", () => {
  it("asks non-followers to follow; the Follow button follows and turns the answer into the link", async () => {
    const direct = useDirect({ bundle });
    const gated = await direct.run("bundle", {}, BOB);
    expect(isPrivate(gated)).toBe(true);
    expect(textOf(gated)).toMatch(/The bundle is for followers/);
    expect(customIds(gated)).toEqual([`bundle-follow:${BOB.userId}`]);
    const pressed = await direct.press(`bundle-follow:${BOB.userId}`, BOB);
    expect(pressed.kind).toBe("update");
    expect(direct.ctx.follows.get(BOB.userId)).toBeDefined();
    expect(embedsOf(pressed)[0]?.url).toBe(URL_SHOWN);
    expect(embedsOf(pressed)[0]?.description).toMatch(/43 papers[\s\S]*until <t:\d+:f>[\s\S]*sha256 0123456789ab/);
  });

  it("followers get the link straight away, titled in their language", async () => {
    const direct = useDirect({ bundle });
    await direct.run("follow", {}, BOB);
    const reply = await direct.run("bundle", {}, { ...BOB, locale: "ja" });
    expect(embedsOf(reply)[0]?.title).toBe("LLM 論文リストのパッケージ");
    expect(embedsOf(reply)[0]?.url).toBe(URL_SHOWN);
  });

  it("the DM keyword answers like /bundle and matches only the request itself", async () => {
    const direct = useDirect({ bundle });
    const keyword = directMessages.find((module) => module.name === "bundle keyword");
    if (!keyword) throw new Error("no bundle keyword handler");
    for (const content of ["llm papers", "LLM Papers!", "論文集", "ＬＬＭ　Ｐａｐｅｒｓ", "ｌｌｍ ｐａｐｅｒｓ！"])
      expect(keyword.matches(content), content).toBe(true);
    expect(keyword.matches("what's new this week?")).toBe(false);
    const gated = await keyword.handle(direct.ctx, direct.requester({ ...CAROL, guildId: null, locale: "ja" }));
    expect(textOf(gated)).toMatch(/パッケージはフォロワー向けです/);
  });

  it("BUNDLE_REQUIRES_FOLLOW=false hands out the link to anyone", async () => {
    const direct = useDirect({ bundle, env: { BUNDLE_REQUIRES_FOLLOW: "false" } });
    expect(embedsOf(await direct.run("bundle", {}, CAROL))[0]?.url).toBe(URL_SHOWN);
  });
});
