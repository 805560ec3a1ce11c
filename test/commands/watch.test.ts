/** /watch's refusals, driven through the handler (the status embed after real polls is in watch.e2e.test.ts). */
import { describe, expect, it } from "vitest";
import { PermissionFlagsBits } from "discord.js";
import { watchCommand } from "../../commands/watch.js";
import { embedsOf, isPrivate, textOf, useDirect, who } from "../support/direct.js";

const status = { status: "status" };

describe("/watch status", () => {
  it("is shown to Manage Server by default; members are refused privately with no embed", async () => {
    expect(watchCommand.definition.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    const refused = await useDirect().run("watch", status, who.member);
    expect(isPrivate(refused)).toBe(true);
    expect(textOf(refused)).toMatch(/Only moderators/);
    expect(embedsOf(refused)).toEqual([]);
  });

  it("outside a server (a DM, or the local console) the reason is the place, not the person", async () => {
    const outside = await useDirect().run("watch", status, { ...who.moderator, ...who.dm });
    expect(textOf(outside)).toMatch(/work only inside a server/);
  });
});
