/** /digest through the real bot: a member holding the moderator role (known to the bot from the gateway) gets the status. Replies: digest.test.ts. */
import { describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { fixedClock } from "../support/app.js";
import { chatInput, option } from "../support/interactions.js";
import { useTestBot } from "../support/bot.js";
import { as, createGuildRole, MOD_ROLE, send } from "../support/moderation.js";

describe("/digest end to end", () => {
  it("the moderator role, as the gateway announced it, lets a member see the private status", async () => {
    const t = await useTestBot({
      clock: fixedClock(new Date("2026-11-26T12:00:00Z")),
      env: { PUBLIC_URL: "https://paperbot.example", MODERATOR_ROLE_ID: MOD_ROLE },
    });
    await createGuildRole(t, MOD_ROLE, "moderators");
    const withRole = await send(t, chatInput({ name: "digest", ...as.roleModerator, options: [option.subcommand("status")] }));
    expect(withRole.data.flags).toBe(MessageFlags.Ephemeral);
    expect(withRole.data.embeds?.[0]?.title).toBe("Weekly digest");
  });
});
