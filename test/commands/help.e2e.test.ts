/** /help through the real bot: the whole path works (its content is tested directly in help.test.ts). */
import { describe, expect, it } from "vitest";
import { useTestBot } from "../support/bot.js";
import { as, command } from "../support/moderation.js";

describe("/help end to end", () => {
  it("answers with the live paper count", async () => {
    const t = await useTestBot({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
    const en = await command(t, { name: "help", ...as.member });
    expect(en.body.type).toBe(4);
    expect(en.body.data.embeds?.[0]?.description).toContain(`${t.bot.ctx.catalog.size} landmark LLM papers`);
  });
});
