/**
 * Drives registered commands, buttons and forms straight through their handlers, with no bot and no gateway: what
 * the router would hand them (a context and a requester), and the `Reply` value they answer with. The transport
 * (acknowledgement, REST callbacks, allowed_mentions on the wire) is tested end to end; this is for what a handler says.
 */
import { onTestFinished } from "vitest";
import type { APIApplicationCommandOptionChoice } from "discord.js";
import { commands, components } from "../../commands/index.js";
import type { Clock } from "../../src/logger.js";
import type { Environment } from "../../src/config.js";
import type { BundleLinks } from "../../src/bundle/links.js";
import type { Button, Embed, MessageRow, Reply, Requester } from "../../src/shared/reply.js";
import { notice } from "../../src/shared/embeds.js";
import { expectedFailure } from "../../src/discord/router.js";
import { t } from "../../src/i18n/index.js";
import { DEFAULT_GUILD, DEFAULT_USER } from "./harness/ids.js";
import { MEMBER, MOD_ROLE, MODERATOR, ROLE_MODERATOR } from "./moderation.js";
import { createTestApp, fixedClock } from "./app.js";
import { followStore } from "../../src/db/follows.js";
import { createModeration } from "../../src/moderation/index.js";
import { sharedList } from "../../src/moderation/shared-list.js";
import { createDigestService } from "../../src/digest/service.js";
import { createBotContext } from "../../src/discord/context.js";
import type { MessageBody } from "../../src/shared/reply.js";

export const GENERAL_CHANNEL = DEFAULT_GUILD.channels[0]?.id ?? "0";

/** Someone in the harness guild's #general with @everyone's permissions, English client: the interaction builders' default. */
export const defaultRequester: Requester = {
  userId: DEFAULT_USER.id,
  username: DEFAULT_USER.username,
  locale: "en",
  guildId: DEFAULT_GUILD.id,
  channelId: GENERAL_CHANNEL,
  canManageGuild: false,
  roleIds: [],
};

/** The people of the moderation tests, as the router would describe them (Manage Server decides `canManageGuild`). */
export const who = {
  member: { userId: MEMBER.id, username: MEMBER.username },
  moderator: { userId: MODERATOR.id, username: MODERATOR.username, canManageGuild: true },
  roleModerator: { userId: ROLE_MODERATOR.id, username: ROLE_MODERATOR.username, roleIds: [MOD_ROLE] },
  /** The bot's DM: no guild, no permissions. */
  dm: { guildId: null, channelId: "1100000000000000901", canManageGuild: false, roleIds: [] },
} satisfies Record<string, Partial<Requester>>;

export type Asker = Partial<Requester>;

export interface DirectOptions {
  env?: Environment;
  clock?: Clock;
  bundle?: BundleLinks;
}

/** A clock that moves on by a millisecond at each reading, as real time does between two interactions (orders what they store). */
export function tickingClock(start = new Date("2026-11-26T12:00:00Z")): Clock {
  let now = start.getTime();
  return { now: () => new Date(now++) };
}

export type Direct = ReturnType<typeof useDirect>;

/** A test app (in-memory database, real catalog) and its handler context, closed when the current test ends. */
export function useDirect(options: DirectOptions = {}) {
  const app = createTestApp(options.env ?? {}, options.clock ?? fixedClock());
  onTestFinished(() => app.close());
  // As startServices wires it: the list follows each change moderators make, and is picked up before each handler.
  const list = sharedList(app, () => undefined);
  const sentDms: { userId: string; body: MessageBody }[] = [];
  const ctx = createBotContext(app, {
    follows: followStore(app.db),
    bundle: options.bundle ?? { link: () => null },
    dm: {
      send: async (userId, body) => {
        sentDms.push({ userId, body });
        return "sent";
      },
    },
    moderation: createModeration(app, { papersChanged: ({ id }) => list.ownChange(id) }),
    digest: createDigestService(app),
  });
  const requester = (asker: Asker = {}): Requester => ({ ...defaultRequester, ...asker });

  /** What the router does around a handler: expected failures (a busy database) become their private notice. */
  async function guarded(asker: Asker, work: () => Promise<Reply> | Reply): Promise<Reply> {
    try {
      list.pickUp();
      return await work();
    } catch (error) {
      const expected = expectedFailure(error);
      if (expected) return notice(requester(asker).locale, expected);
      throw error;
    }
  }

  return {
    app,
    ctx,
    sentDms,
    logs: app.logs,
    requester,
    /** `/name` with raw options as Discord or the console send them (a subcommand as `{ set: "set", … }`). */
    run(name: string, options: Record<string, unknown> = {}, asker: Asker = {}): Promise<Reply> {
      const command = commands.find((candidate) => candidate.name === name);
      if (!command) throw new Error(`/${name} is not registered`);
      return guarded(asker, () => command.run(ctx, options, requester(asker)));
    },
    /** A button press by custom id (`<prefix>:<arg>…`); an unknown prefix gets the router's expired-button answer. */
    press(customId: string, asker: Asker = {}): Promise<Reply> {
      const [prefix = "", ...args] = customId.split(":");
      const component = components.find((candidate) => candidate.prefix === prefix);
      if (!component) return Promise.resolve(notice(requester(asker).locale, "errors.expiredButton"));
      return guarded(asker, () => component.handle(ctx, args, requester(asker)));
    },
    /** A submitted form: `fields` maps input ids to their text. */
    submit(customId: string, fields: Record<string, string>, asker: Asker = {}): Promise<Reply> {
      const [prefix = "", ...args] = customId.split(":");
      const component = components.find((candidate) => candidate.prefix === prefix);
      if (!component?.submit) return Promise.resolve(notice(requester(asker).locale, "errors.expiredButton"));
      const submit = component.submit.bind(component);
      return guarded(asker, () => submit(ctx, args, fields, requester(asker)));
    },
    /** Autocomplete choices for the focused option (the router sends at most 25). */
    suggest(name: string, focused: { name: string; value: string }, asker: Asker = {}): APIApplicationCommandOptionChoice[] {
      const command = commands.find((candidate) => candidate.name === name);
      list.pickUp();
      return (command?.autocomplete?.(ctx, focused, requester(asker)) ?? []).slice(0, 25);
    },
  };
}

/** What the user reads: a message's content, an update's content, a form's title. */
export function textOf(reply: Reply): string {
  return reply.kind === "modal" ? reply.title : (reply.content ?? "");
}

export function embedsOf(reply: Reply): Embed[] {
  return reply.kind === "modal" ? [] : (reply.embeds ?? []);
}

export function rowsOf(reply: Reply): MessageRow[] {
  return reply.kind === "modal" ? [] : (reply.components ?? []);
}

export function buttonsOf(reply: Reply): Button[] {
  return rowsOf(reply).flatMap((row) => row.components.filter((component): component is Button => component.type === 2));
}

/** Every button's custom id (link buttons: their url), row by row. */
export function customIds(reply: Reply): string[] {
  return buttonsOf(reply).map((button) => ("custom_id" in button ? button.custom_id : button.url));
}

/** Only the requester sees it (Discord's ephemeral flag). */
export function isPrivate(reply: Reply): boolean {
  return reply.kind === "reply" && reply.private;
}

export { t };
