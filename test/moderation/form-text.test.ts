/** Moderators' free text: control characters are refused; topics are taken by every label the bot prints. */
import { beforeEach, describe, expect, it } from "vitest";
import { TOPICS } from "../../src/catalog/schema.js";
import { candidateStore } from "../../src/db/candidates.js";
import { LOCALES, type Locale } from "../../src/i18n/locale.js";
import { topicLabel, topicNames } from "../../src/i18n/topics.js";
import { parseTopics } from "../../src/moderation/papers.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { testEnv } from "../support/app.js";
import { textOf, useDirect, who, type Direct } from "../support/direct.js";

const edit = (fields: Partial<Record<"summary_en" | "summary_ja" | "aliases" | "topics", string>>) => ({
  summary_en: "",
  summary_ja: "",
  aliases: "LoRA",
  topics: "fine-tuning",
  ...fields,
});

describe("moderators' free text and topic names", () => {
  // Each test drives the form handlers directly (no bot), with a fresh app and context of its own.
  let direct: Direct;
  beforeEach(() => {
    direct = useDirect({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  });
  const submitEdit = async (fields: Record<string, string>, locale: Locale = "en") =>
    textOf(await direct.submit("paper-edit:lora", fields, { ...who.moderator, locale }));

  it("/paper-edit refuses more than 40 aliases (saying how many) and aliases of invisible characters only, in en and ja", async () => {
    const before = direct.ctx.catalog.get("lora");
    const many = Array.from({ length: 45 }, (_, index) => `alias ${index + 1}`).join(", ");
    expect(await submitEdit(edit({ aliases: many }))).toBe(
      "That is 45 aliases; a paper can have at most 40. Remove some and try again. Nothing was changed.",
    );
    expect(await submitEdit(edit({ aliases: many }), "ja")).toBe(
      "別名が 45 個あります。1 本の論文に付けられる別名は 40 個までです。減らしてからもう一度お試しください。何も変更していません。",
    );
    const invisible = await submitEdit(edit({ aliases: "LoRA, ​‌⁠, low-rank" }));
    expect(invisible).toBe(
      "An alias is made only of invisible characters (U+200B U+200C U+2060), so nobody could type it. Remove it and try again. Nothing was changed.",
    );
    expect(await submitEdit(edit({ aliases: "﻿‍" }), "ja")).toMatch(/^目に見えない文字 \(U\+200D\) だけでできた別名があり/);
    expect(direct.ctx.catalog.get("lora")).toEqual(before);
    expect(direct.ctx.moderation.audit.latest(5)).toEqual([]);

    // 40 is fine, and so are repeats that fold to 40.
    const forty = Array.from({ length: 40 }, (_, index) => `alias ${index + 1}`);
    expect(await submitEdit(edit({ aliases: [...forty, "ALIAS 1"].join(", ") }))).toMatch(/^Saved your changes/);
    expect(direct.ctx.catalog.get("lora")?.aliases).toHaveLength(40);
  });

  it("/paper-edit refuses control characters and direction overrides (naming the field), accepts line breaks in summaries", async () => {
    const before = direct.ctx.catalog.get("lora");
    const nul = await submitEdit(edit({ summary_en: "Line\u0000with NUL\u0007 and \u001b[31mRED\u001b[0m" }));
    expect(nul).toBe(
      "“English summary (blank keeps current)” contains control characters (pasted terminal colours, NUL, tabs or similar). Type or paste plain text and try again. Nothing was changed.",
    );
    const alias = await submitEdit(edit({ aliases: "LoRA, \u001b[2J" }), "ja");
    expect(alias).toMatch(/^「.+」に制御文字 \(端末の色指定、NUL、タブなど\) が含まれています。/);
    const c1 = await submitEdit(edit({ summary_ja: "要約\u0085です" }));
    expect(c1).toMatch(/^“Japanese summary \(blank keeps current\)” contains control characters/);
    const bidi = await submitEdit(edit({ summary_ja: "普通の文\u202Eevil" }));
    expect(bidi).toBe(
      "“Japanese summary (blank keeps current)” contains text-direction override characters (such as U+202E), which would reorder what readers see. Remove them and try again. Nothing was changed.",
    );
    expect(direct.ctx.catalog.get("lora")).toEqual(before);
    expect(direct.ctx.moderation.audit.latest(5)).toEqual([]);

    const saved = await submitEdit(edit({ summary_en: "First line.\r\nSecond line." }));
    expect(saved).toMatch(/^Saved your changes/);
    expect(direct.ctx.catalog.get("lora")?.summary.en).toBe("First line.\nSecond line.");
  });

  it("the /review form refuses a note with control characters", async () => {
    candidateStore(direct.app.db).insert(
      {
        arxivId: "2406.60001",
        version: 1,
        title: "A candidate",
        authors: ["A"],
        categories: ["cs.CL"],
        abstract: "About retrieval.",
        license: null,
        canonScore: 0.9,
        bonus: 0,
        score: 0.9,
        reasons: { papers: [], topics: ["retrieval"] },
      },
      new Date(),
    );
    const refused = await direct.submit(
      "review-approve:2406.60001",
      { topics: "retrieval", note: "ok\u001b]8;;https://evil\u0007" },
      who.moderator,
    );
    expect(textOf(refused)).toMatch(/^“Note for the audit log \(optional\)” contains control characters/);
    expect(candidateStore(direct.app.db).get("2406.60001")?.status).toBe("undecided");
  });

  it("topics by Japanese and English labels, separated by , ; or 、; the refusal lists labels in the moderator's language", async () => {
    const japanese = await submitEdit(edit({ topics: "検索拡張、エージェント" }), "ja");
    expect(japanese).toMatch(/^.+の変更を保存しました|^.*保存/);
    expect(direct.ctx.catalog.get("lora")?.topics).toEqual(["retrieval", "agents"]);
    await submitEdit(edit({ topics: "Retrieval; Mixture of experts" }));
    expect(direct.ctx.catalog.get("lora")?.topics).toEqual(["retrieval", "mixture-of-experts"]);
    await submitEdit(edit({ topics: "Fine-tuning, エージェント" }));
    expect(direct.ctx.catalog.get("lora")?.topics).toEqual(["fine-tuning", "agents"]);

    const refusedJa = await submitEdit(edit({ topics: "検索拡張、物理" }), "ja");
    expect(refusedJa).toBe(`不明なトピック: 物理。使えるトピック: ${TOPICS.map((topic) => topicLabel("ja", topic)).join("、")}`);
    const refusedEn = await submitEdit(edit({ topics: "agents; knitting" }));
    expect(refusedEn).toBe(`Unknown topics: knitting. Catalog topics are: ${TOPICS.map((topic) => topicLabel("en", topic)).join(", ")}.`);
  });

  it("every name the bot prints for a topic, in either language, parses back to that topic", () => {
    for (const topic of TOPICS) {
      for (const name of [...topicNames(topic), ...LOCALES.map((locale) => topicLabel(locale, topic))]) {
        expect(parseTopics(name), `${topic}: ${name}`).toEqual({ ok: true, value: [topic] });
      }
    }
    expect(parseTopics("retrieval agents")).toEqual({ ok: true, value: ["retrieval", "agents"] });
  });

  it("the CLI refuses control characters in --note, --by and --topics before touching anything", async () => {
    for (const args of [
      ["candidates", "approve", "2406.60002", "--note", "ok\u001b[2J"],
      ["candidates", "reject", "2406.60002", "--by", "mal\u202Eory"],
      ["paper-add", "2406.60002", "--topics", "retrieval\u0000"],
    ]) {
      const err: string[] = [];
      const io: CliIo = { stdout: () => undefined, stderr: (text) => void err.push(text), stdin: async function* () {}, env: testEnv() };
      expect(await runCli(args, io), args.join(" ")).toBe(2);
      expect(err.join("")).toMatch(/“--(note|by|topics)” contains (control characters|text-direction override characters)/);
    }
  });
});
