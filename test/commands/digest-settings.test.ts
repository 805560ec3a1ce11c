/** /digest set and status, and the digest channel in /unfollow and /following, driven through the handlers (no bot). */
import { describe, expect, it } from "vitest";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import type { Locale } from "../../src/i18n/index.js";
import { configProblems, fixedClock, testEnv } from "../support/app.js";
import { addModeratorPapers, moderatorEntry } from "../support/digest.js";
import { DEFAULT_GUILD } from "../support/harness/ids.js";
import { embedsOf, textOf, useDirect, type Direct } from "../support/direct.js";

const DIGEST_CHANNEL = "1200000000000000011";
const MOD = { userId: "1300000000000000201", username: "mod", canManageGuild: true };
const SUNDAY = new Date("2026-11-29T11:00:00Z");

/** A server whose digest goes to DIGEST_CHANNEL on Mondays at 09:00 UTC, with one paper added that week. */
function seeded(locale: Locale | null = "en", setup: (direct: Direct) => void = () => {}): Direct {
  const direct = useDirect({ clock: fixedClock(SUNDAY), env: { PUBLIC_URL: "https://paperbot.example" } });
  if (locale) {
    addModeratorPapers(direct.app, [moderatorEntry(1)], new Date("2026-11-25T10:00:00Z"));
    digestStore(direct.app.db).setGuild({
      guildId: DEFAULT_GUILD.id,
      channelId: DIGEST_CHANNEL,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale,
      updatedBy: "1",
      updatedAt: "2026-11-01T00:00:00Z",
    });
  }
  setup(direct);
  return direct;
}

const digest = (direct: Direct, sub: string, options: Record<string, unknown> = {}, locale: Locale = "en") =>
  direct.run("digest", { [sub]: sub, ...options }, { ...MOD, locale });

describe("/digest set timezone: IANA links", () => {
  it("accepts Japan (a ja moderator) as Asia/Tokyo and echoes Asia/Kolkata as typed", async () => {
    const direct = seeded();
    const japan = textOf(await digest(direct, "set", { channel: DIGEST_CHANNEL, timezone: "Japan" }, "ja"));
    expect(japan).toMatch(/\(Asia\/Tokyo\)/);
    expect(japan).not.toMatch(/Europe\/Paris|略称/);
    expect(digestStore(direct.app.db).guild(DEFAULT_GUILD.id)?.timeZone).toBe("Asia/Tokyo");
    const kolkata = textOf(await digest(direct, "set", { channel: DIGEST_CHANNEL, timezone: "Asia/Kolkata" }));
    expect(kolkata).toMatch(/every Monday at 09:00 \(Asia\/Kolkata\)/);
    expect(kolkata).not.toMatch(/Calcutta/);
  });
});

describe("/digest set keeps the server's digest language", () => {
  it("a ja moderator resuming an English server's digest keeps it English, and the reply and status say so; language: changes it", async () => {
    const direct = seeded("en");
    const resumed = await digest(direct, "set", { channel: DIGEST_CHANNEL }, "ja");
    expect(digestStore(direct.app.db).guild(DEFAULT_GUILD.id)?.locale).toBe("en");
    expect(textOf(resumed)).toMatch(/\n言語: 英語 \(`\/digest set language:` で変更できます\)$/);
    const status = await digest(direct, "status", {}, "ja");
    expect(embedsOf(status)[0]?.fields).toContainEqual({ name: "言語", value: "英語" });
    const changed = await digest(direct, "set", { channel: DIGEST_CHANNEL, language: "ja" });
    expect(digestStore(direct.app.db).guild(DEFAULT_GUILD.id)?.locale).toBe("ja");
    expect(textOf(changed)).toMatch(/\nLanguage: Japanese \(`\/digest set language:` changes it\)\.$/);
  });

  it("the first /digest set takes the moderator's language, and says so", async () => {
    const direct = seeded(null);
    const first = await digest(direct, "set", { channel: DIGEST_CHANNEL }, "ja");
    expect(digestStore(direct.app.db).guild(DEFAULT_GUILD.id)?.locale).toBe("ja");
    expect(textOf(first)).toMatch(/言語: 日本語/);
  });
});

describe("/unfollow channel: on the server's own digest channel", () => {
  it("says the channel gets the digest through /digest set and points to /digest off (en and ja), followed or not", async () => {
    const direct = seeded("en");
    const unfollow = (locale: Locale) => direct.run("unfollow", { channel: DIGEST_CHANNEL }, { ...MOD, locale });
    expect(textOf(await unfollow("en"))).toBe(
      `<#${DIGEST_CHANNEL}> is this server's digest channel, set with \`/digest set\`, so it still gets the digest. \`/digest off\` stops the digest in this server; \`/digest set channel:\` moves it to another channel.`,
    );
    await direct.run("follow", { channel: DIGEST_CHANNEL }, MOD);
    expect(textOf(await unfollow("ja"))).toMatch(
      /^<#1200000000000000011> は `\/digest set` で設定したこのサーバーのダイジェスト投稿先なので.*`\/digest off`/,
    );
    expect(digestStore(direct.app.db).guild(DEFAULT_GUILD.id)?.enabled).toBe(true);
  });
});

describe("/digest status: skip and failure reasons", () => {
  const LEGACY_SKIP = "not running at 2026-11-23T09:00:00.000Z; more than DIGEST_CATCHUP_HOURS (24 h) late";
  const statusFields = async (direct: Direct, locale: Locale) =>
    Object.fromEntries((embedsOf(await digest(direct, "status", {}, locale))[0]?.fields ?? []).map((field) => [field.name, field.value]));

  it("are localized sentences (en and ja) with a human date, never the stored internal text", async () => {
    const direct = seeded("en", ({ app }) => {
      const store = digestStore(app.db);
      store.skip("2026-W47", "channel", DIGEST_CHANNEL, DEFAULT_GUILD.id, LEGACY_SKIP, new Date("2026-11-29T11:00:00Z"));
      store.pauseDestination(
        "channel",
        "1200000000000000012",
        DEFAULT_GUILD.id,
        "404 10003 Unknown Channel",
        new Date("2026-11-29T10:00:00Z"),
      );
    });
    const ja = await statusFields(direct, "ja");
    expect(ja["直近の失敗"]).toBe(
      "<#1200000000000000011>: 2026-W47: 2026-11-29 11:00 UTC にスキップ: 予定時刻 (2026-11-23 09:00 UTC) にボットが停止していたため、24 時間を超えて遅れたので投稿しませんでした",
    );
    expect(ja["一時停止中のチャンネル"]).toMatch(
      /^<#1200000000000000012>: チャンネルが存在しません \(Discord 404 10003\) \(2026-11-29 10:00 UTC\)/,
    );
    const en = await statusFields(direct, "en");
    expect(en["Last failure"]).toBe(
      "<#1200000000000000011>: 2026-W47: skipped on 2026-11-29 11:00 UTC: the bot was not running when it was due (2026-11-23 09:00 UTC); more than 24 hours late, it was not posted",
    );
    for (const value of [...Object.values(ja), ...Object.values(en)])
      expect(value).not.toMatch(/DIGEST_CATCHUP_HOURS|not running at|\.000Z|Unknown Channel/);
  });
});

describe("/following for a moderator of a server with many channel subscriptions", () => {
  it("'…and N more channels' counts channels, not subscriptions, and the hint stays", async () => {
    const channels = Array.from({ length: 40 }, (_, i) => String(1200000000000000100n + BigInt(i)));
    const direct = seeded("en", ({ app }) => {
      const follows = followStore(app.db);
      for (const [i, channelId] of channels.entries()) {
        for (const topic of ["", `k${i} ${"z".repeat(58)}`])
          follows.followChannel(
            { channelId, guildId: DEFAULT_GUILD.id, topic, createdBy: MOD.userId, roleId: null, locale: "en" },
            new Date("2026-11-01T00:00:00Z"),
          );
      }
    });
    const values = (embedsOf(await direct.run("following", {}, MOD))[0]?.fields ?? []).map((field) => field.value).join("\n");
    const shown = new Set([...values.matchAll(/^<#(\d+)>/gm)].map((match) => match[1]));
    const hidden = Number(/…and (\d+) more channels?$/m.exec(values)?.[1] ?? 0);
    expect(hidden).toBeGreaterThan(0);
    expect(shown.size + hidden).toBe(40);
    expect(values.trimEnd().split("\n").at(-1)).toBe(
      "`/unfollow channel:` removes a channel; `/follow channel:` again resumes a paused one.",
    );
  });
});

describe("/digest in Japanese, timezone abbreviations, preview and status", () => {
  it("ja replies of /digest set and /digest status give weekdays in Japanese", async () => {
    const direct = seeded();
    const set = await digest(direct, "set", { channel: DIGEST_CHANNEL, day: "sunday", time: "18:30" }, "ja");
    expect(textOf(set)).toBe(
      `ダイジェストを毎週日曜 18:30 (UTC) に <#${DIGEST_CHANNEL}> へ投稿します。次回: 2026-11-29 (日) 18:30 (UTC)\n言語: 英語 (\`/digest set language:\` で変更できます)`,
    );
    const next = embedsOf(await digest(direct, "status", {}, "ja"))[0]?.fields?.find((field) => field.name === "次回")?.value;
    expect(next).toBe("2026-11-29 (日) 18:30 (UTC) · 2026-W47");
    expect(next).not.toMatch(/Sun|Mon/);
  });

  it("DIGEST_TZ=EST is a configuration error naming America/New_York; UTC and Asia/Tokyo are fine", () => {
    const found = configProblems(testEnv({ DIGEST_TZ: "EST" }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^DIGEST_TZ \(.*ambiguous abbreviation; use an IANA name such as America\/New_York/);
    expect(configProblems(testEnv({ DIGEST_TZ: "UTC" }))).toEqual([]);
    expect(configProblems(testEnv({ DIGEST_TZ: "Asia/Tokyo" }))).toEqual([]);
  });

  it("EST, PST, BST are refused with the DST-aware zone usually meant; nothing is stored", async () => {
    const direct = seeded();
    const expected: Record<string, string> = { EST: "America/New_York", pst: "America/Los_Angeles", BST: "Europe/London" };
    for (const [typed, zone] of Object.entries(expected)) {
      const reply = await digest(direct, "set", { channel: DIGEST_CHANNEL, timezone: typed });
      expect(textOf(reply)).toBe(
        `“${typed.toUpperCase()}” is an abbreviation, and abbreviations are ambiguous (some have no daylight saving time). Use an IANA name such as ${zone}.`,
      );
    }
    expect(digestStore(direct.app.db).guild(DEFAULT_GUILD.id)?.timeZone).toBe("UTC");
    expect(textOf(await digest(direct, "set", { channel: DIGEST_CHANNEL, timezone: "america/new_york" }))).toMatch(
      /every Monday at 09:00 \(America\/New_York\)/,
    );
  });

  it("on Sunday, /digest preview shows the edition that status gives as the next run (W48), and says when it goes out", async () => {
    const direct = seeded();
    const status = Object.fromEntries(
      (embedsOf(await digest(direct, "status"))[0]?.fields ?? []).map((field) => [field.name, field.value]),
    );
    expect(status["Next run"]).toBe("Mon 2026-11-30 09:00 (UTC) · 2026-W48");
    const preview = await digest(direct, "preview");
    expect(embedsOf(preview)[0]?.title).toBe("LLM papers digest · 2026-W48");
    expect(textOf(preview)).toBe(
      "Preview of 2026-W48, the edition of the next run (Mon 2026-11-30 09:00 (UTC)), as far as it is known now.",
    );
  });
});
