import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessageFlags, PermissionFlagsBits, type APIEmbed } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { fixedClock } from "../support/app.js";
import { DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD, type DiscordHarness } from "../support/harness/index.js";
import { chatInput, option } from "../support/interactions.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { as, createGuildRole, MOD_ROLE } from "../support/moderation.js";

interface CallbackBody {
  data: { content?: string; embeds?: APIEmbed[]; flags?: number; components?: { components: Record<string, unknown>[] }[] };
}

const MOD = { id: "1300000000000000201", username: "mod" };
const MEMBER = { id: "1300000000000000202", username: "member" };
const MODERATOR = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();
const CHANNEL = "1200000000000000011";

async function send(t: TestBot, payload: { id: string; token: string } & Parameters<DiscordHarness["dispatchInteraction"]>[0]): Promise<CallbackBody> {
  const callback = t.harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` });
  t.harness.dispatchInteraction(payload);
  return (await callback).body as CallbackBody;
}

const fields = (body: CallbackBody) => Object.fromEntries((body.data.embeds?.[0]?.fields ?? []).map((field) => [field.name, field.value]));

describe("/digest set|preview|status|off", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ clock: fixedClock(new Date("2026-11-26T12:00:00Z")), env: { PUBLIC_URL: "https://paperbot.example", MODERATOR_ROLE_ID: MOD_ROLE } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses members, privately, and changes nothing; MODERATOR_ROLE_ID lets a role in", async () => {
    const before = digestStore(t.bot.app.db).guild(DEFAULT_GUILD.id);
    for (const sub of ["set", "preview", "status", "off"]) {
      const options = sub === "set" ? [option.subcommand("set", [option.channel("channel", CHANNEL)])] : [option.subcommand(sub)];
      const body = await send(t, chatInput({ name: "digest", user: MEMBER, options }));
      expect(body.data.flags).toBe(MessageFlags.Ephemeral);
      expect(body.data.content).toMatch(/Only moderators/);
    }
    expect(digestStore(t.bot.app.db).guild(DEFAULT_GUILD.id)).toEqual(before);
    await createGuildRole(t, MOD_ROLE, "moderators");
    const withRole = await send(t, chatInput({ name: "digest", ...as.roleModerator, options: [option.subcommand("status")] }));
    expect(withRole.data.embeds?.[0]?.title).toBe("Weekly digest");
  });

  it("validates the IANA timezone and the time with Intl, then sets the schedule and shows it in status", async () => {
    const badZone = await send(t, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, options: [option.subcommand("set", [option.channel("channel", CHANNEL), option.string("timezone", "Mars/Olympus")])] }));
    expect(badZone.data.content).toMatch(/isn't an IANA timezone/);
    const badTime = await send(t, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, options: [option.subcommand("set", [option.channel("channel", CHANNEL), option.string("time", "25:00")])] }));
    expect(badTime.data.content).toMatch(/HH:MM/);
    const set = await send(
      t,
      chatInput({
        name: "digest",
        user: MOD,
        memberPermissions: MODERATOR,
        options: [option.subcommand("set", [option.channel("channel", CHANNEL), option.string("day", "friday"), option.string("time", "18:30"), option.string("timezone", "asia/tokyo")])],
      }),
    );
    expect(set.data.content).toBe(`The digest goes to <#${CHANNEL}> every Friday at 18:30 (Asia/Tokyo). Next: Fri 2026-11-27 18:30 (Asia/Tokyo).\nLanguage: English (\`/digest set language:\` changes it).`);
    const status = await send(t, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, options: [option.subcommand("status")] }));
    expect(fields(status)).toMatchObject({
      Channel: `<#${CHANNEL}>`,
      Schedule: "Friday 18:30 (Asia/Tokyo)",
      "Next run": "Fri 2026-11-27 18:30 (Asia/Tokyo) · 2026-W47",
      "Last run": "none",
      "Last failure": "none",
    });
  });

  it("previews privately with the link buttons, and turns off", async () => {
    const now = new Date().toISOString();
    digestStore(t.bot.app.db).setGuild({ guildId: DEFAULT_GUILD.id, channelId: CHANNEL, weekday: 1, time: "09:00", timeZone: "UTC", locale: "en", updatedBy: MOD.id, updatedAt: now });
    const preview = await send(t, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, locale: "ja", options: [option.subcommand("preview")] }));
    expect(preview.data.flags).toBe(MessageFlags.Ephemeral);
    // The edition /digest status gives as the next run (Monday 2026-11-30 publishes 2026-W48).
    expect(preview.data.embeds?.[0]?.title).toBe("LLM 論文ダイジェスト · 2026-W48");
    const buttons = (preview.data.components ?? []).flatMap((row) => row.components.map((component) => component["url"] ?? component["custom_id"]));
    // A ja reader is sent to the Japanese page.
    expect(buttons).toEqual(["https://paperbot.example/digest/2026-W48/ja", "https://paperbot.example/", "digest-bundle"]);
    const off = await send(t, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, options: [option.subcommand("off")] }));
    expect(off.data.content).toMatch(/off in this server/);
    const status = await send(t, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, options: [option.subcommand("status")] }));
    expect(fields(status)["Channel"]).toMatch(/^Off/);
  });
});
