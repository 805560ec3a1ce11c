/** /papers and its paging buttons, driven through the handlers (no bot). The buttons taken off the message on a timer: discord/bot.e2e.test.ts. */
import { describe, expect, it } from "vitest";
import { PAGE_SIZE } from "../../commands/papers.js";
import { fixedClock } from "../support/app.js";
import { catalogSize } from "../support/catalog-size.js";
import { buttonsOf, embedsOf, isPrivate, rowsOf, textOf, useDirect } from "../support/direct.js";

describe("/papers", () => {
  it("pages with Previous/Next for its owner only, and the buttons expire", async () => {
    const clock = fixedClock();
    const direct = useDirect({ clock });
    const first = await direct.run("papers");
    expect(embedsOf(first)[0]?.footer?.text).toBe(`Page 1 of ${Math.ceil(catalogSize / PAGE_SIZE)} · ${catalogSize} papers`);
    const row = buttonsOf(first);
    expect(row.map((button) => button.disabled ?? false)).toEqual([true, false]);
    const next = row[1];
    const nextId = next && "custom_id" in next ? next.custom_id : "";

    const second = await direct.press(nextId);
    expect(second.kind).toBe("update");
    expect(embedsOf(second)[0]?.footer?.text).toBe(`Page 2 of ${Math.ceil(catalogSize / PAGE_SIZE)} · ${catalogSize} papers`);

    const stranger = await direct.press(nextId, { userId: "1300000000000000999", username: "someone" });
    expect(stranger.kind).toBe("reply");
    expect(isPrivate(stranger)).toBe(true);
    expect(textOf(stranger)).toMatch(/belong to the person who ran the command/);

    clock.advance(direct.app.config.discord.buttonTtlMs + 1000);
    const expired = await direct.press(nextId);
    expect(expired.kind).toBe("updateAndNotify");
    expect(rowsOf(expired)).toEqual([]);
    expect(expired.kind === "updateAndNotify" ? expired.notice : "").toMatch(/expired/);
  });

  it("topic:retrieval in Japanese lists only that topic", async () => {
    const embed = embedsOf(await useDirect().run("papers", { topic: "retrieval" }, { locale: "ja" }))[0];
    expect(embed?.title).toBe("LLM 論文リスト · 検索拡張");
    expect(embed?.description).toMatch(/rag/);
  });
});
