import { randomBytes } from "node:crypto";
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type StringSelectMenuInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
  type Message,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from "discord.js";
import type { BotContext } from "./context.js";
import type { InteractionFacts } from "./gateway-interactions.js";
import { localeFromDiscord, renderMessage, t, type Locale } from "../i18n/index.js";
import { containsCjk } from "../catalog/text.js";
import { DatabaseBusyError } from "../db/errors.js";
import { fail, type Failure } from "../errors.js";
import { notice } from "../shared/embeds.js";
import { discordRows, messageOptions, modalOptions } from "./payload.js";
import { requesterOf } from "./requester.js";
import { hasVoteButtons } from "../community/buttons.js";
import {
  commandOptions,
  type ComponentModule,
  type DirectMessageModule,
  type RegisteredCommand,
  type Reply,
  type Requester,
} from "./command.js";

/** Errors that are not bugs but a state the user can wait out: answered with a translated private notice. */
export function expectedFailure(error: unknown): Failure | null {
  return error instanceof DatabaseBusyError ? fail("errors.busy") : null;
}

/** Discord wants an answer within 3 s; anything still running after this gets a deferral first. */
export const AUTO_DEFER_MS = 2_000;

export interface InteractionRouter {
  handle(interaction: Interaction, facts?: InteractionFacts): Promise<void>;
  handleDirectMessage(message: Message): Promise<void>;
  /** Stops taking new interactions and waits (up to `timeoutMs`) for the ones in flight. */
  drain(timeoutMs: number): Promise<void>;
}

export interface RouterOptions {
  /** How long a handler may run before the interaction is deferred (default AUTO_DEFER_MS); tests shorten or fake it. */
  autoDeferMs?: number;
  /**
   * Runs once per interaction or direct message, before its handler: the bot picks up what other processes (the CLI)
   * committed here, so handlers read a catalog that stays put while they work.
   */
  refresh?: () => void;
}

export function createRouter(
  ctx: () => BotContext,
  commands: readonly RegisteredCommand[],
  components: readonly ComponentModule[],
  directMessages: readonly DirectMessageModule[] = [],
  options: RouterOptions = {},
): InteractionRouter {
  const autoDeferMs = options.autoDeferMs ?? AUTO_DEFER_MS;
  const refresh = options.refresh ?? (() => undefined);
  const commandsByName = new Map(commands.map((command) => [command.name, command]));
  const componentsByPrefix = new Map(components.map((component) => [component.prefix, component]));
  const inFlight = new Set<Promise<void>>();
  const expiryTimers = new Set<NodeJS.Timeout>();
  let accepting = true;

  function expireButtons(interaction: RepliableInteraction, afterMs: number): void {
    const timer = setTimeout(() => {
      expiryTimers.delete(timer);
      interaction.editReply({ components: [] }).catch((error: unknown) => ctx().logger.debug("could not expire buttons", { error }));
    }, afterMs);
    timer.unref();
    expiryTimers.add(timer);
  }

  async function deliver(interaction: RepliableInteraction, reply: Reply): Promise<void> {
    if (reply.kind === "modal") {
      if (interaction.isModalSubmit() || interaction.deferred || interaction.replied)
        throw new Error("A modal must be the first answer to a command or button");
      await interaction.showModal(modalOptions(reply));
      return;
    }
    // A form opened from a slash command has no message to update: its answer is a private reply.
    if (reply.kind !== "reply" && interaction.isModalSubmit() && !interaction.isFromMessage()) {
      const content = reply.kind === "updateAndNotify" ? reply.notice : reply.content;
      return deliver(interaction, { ...reply, kind: "reply", private: true, ...(content !== undefined ? { content } : {}) });
    }
    if (reply.kind !== "reply") {
      if (!interaction.isMessageComponent() && !(interaction.isModalSubmit() && interaction.isFromMessage())) {
        throw new Error(`A ${reply.kind} reply needs a component interaction`);
      }
      const edit =
        reply.kind === "update" && reply.buttonsOnly ? { components: discordRows(reply.components ?? []) } : messageOptions(reply);
      if (interaction.deferred || interaction.replied) await interaction.editReply(edit);
      else await interaction.update(edit);
      if (reply.kind === "updateAndNotify") {
        await interaction.followUp({ content: reply.notice, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      }
      return;
    }
    const options: InteractionReplyOptions = { ...messageOptions(reply), ...(reply.private ? { flags: MessageFlags.Ephemeral } : {}) };
    if (reply.buttonsExpireAfterMs !== undefined && (reply.components ?? []).length > 0)
      expireButtons(interaction, reply.buttonsExpireAfterMs);
    // A public post with vote buttons is remembered, so its counts follow votes pressed anywhere.
    const votes = !reply.private && hasVoteButtons(reply.components ?? []) ? (reply.components ?? []) : null;
    if (!interaction.deferred && !interaction.replied) {
      if (votes) {
        try {
          const posted = (await interaction.reply({ ...options, withResponse: true })).resource?.message;
          if (posted) ctx().votes.posted(posted.channelId, posted.id, votes);
        } catch (error) {
          // Answered, but without the message Discord should return: its counts start following at its first press.
          if (!interaction.replied) throw error;
          ctx().logger.warn("vote counts: the answer's message is unknown", { error });
        }
      } else await interaction.reply(options);
    } else if (interaction.deferred && !interaction.replied && Boolean(interaction.ephemeral) === reply.private) {
      const posted = await interaction.editReply(messageOptions(reply));
      if (votes) ctx().votes.posted(posted.channelId, posted.id, votes);
    } else {
      // Deferred publicly but the answer is private (or already answered): replace with a follow-up.
      if (interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp(options);
    }
  }

  async function withSafetyNet(
    interaction: RepliableInteraction,
    label: string,
    work: () => Promise<Reply>,
    privateReplies = false,
  ): Promise<void> {
    let deferral: Promise<unknown> | undefined;
    const timer = setTimeout(() => {
      if (!interaction.deferred && !interaction.replied) {
        deferral = (
          interaction.isMessageComponent() || (interaction.isModalSubmit() && interaction.isFromMessage())
            ? interaction.deferUpdate()
            : interaction.deferReply(privateReplies ? { flags: MessageFlags.Ephemeral } : {})
        ).catch((error: unknown) => ctx().logger.warn("auto-defer failed", { label, error }));
      }
    }, autoDeferMs);
    // discord.js marks the interaction deferred only once Discord has answered, so wait for a deferral in flight.
    const settled = async () => {
      clearTimeout(timer);
      await deferral;
    };
    try {
      refresh();
      const reply = await work();
      await settled();
      await deliver(interaction, reply);
    } catch (error) {
      await settled();
      const expected = expectedFailure(error);
      if (expected) {
        ctx().logger.warn("interaction refused", { label, key: expected.key, userId: interaction.user.id });
        await deliver(interaction, notice(localeFromDiscord(interaction.locale), expected)).catch((replyError: unknown) =>
          ctx().logger.warn("could not tell the user about a failure", { label, error: replyError }),
        );
      } else await reportFailure(interaction, label, error);
    }
  }

  /** The one place unexpected errors end: logged with an id, answered privately with that id only. */
  async function reportFailure(interaction: RepliableInteraction, label: string, error: unknown): Promise<void> {
    const errorId = randomBytes(4).toString("hex");
    ctx().logger.error("interaction failed", {
      errorId,
      label,
      userId: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      error,
    });
    const content = t(localeFromDiscord(interaction.locale), "errors.internal", { errorId });
    try {
      if (interaction.deferred && !interaction.replied) {
        await interaction.editReply({ content, embeds: [], components: [], allowedMentions: { parse: [] } });
      } else if (interaction.replied) {
        await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      } else {
        await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      }
    } catch (replyError) {
      ctx().logger.warn("could not tell the user about a failure", { errorId, error: replyError });
    }
  }

  async function onChatInput(interaction: ChatInputCommandInteraction, facts?: InteractionFacts): Promise<void> {
    const command = commandsByName.get(interaction.commandName);
    const label = `/${interaction.commandName}`;
    await withSafetyNet(
      interaction,
      label,
      async () => {
        if (!command) throw new Error(`No handler for ${label}`);
        const raw = commandOptions(interaction.options.data);
        return command.run(ctx(), raw, requesterOf(interaction, facts));
      },
      command?.privateReplies ?? true,
    );
  }

  async function onAutocomplete(interaction: AutocompleteInteraction, facts?: InteractionFacts): Promise<void> {
    const command = commandsByName.get(interaction.commandName);
    try {
      const focused = interaction.options.getFocused(true);
      refresh();
      const choices =
        command?.autocomplete?.(ctx(), { name: focused.name, value: String(focused.value) }, requesterOf(interaction, facts)) ?? [];
      await interaction.respond(choices.slice(0, 25));
    } catch (error) {
      ctx().logger.error("autocomplete failed", { command: interaction.commandName, userId: interaction.user.id, error });
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
  }

  /** A select menu's chosen values follow the custom id's arguments. */
  async function onButton(interaction: ButtonInteraction | StringSelectMenuInteraction, facts?: InteractionFacts): Promise<void> {
    const [prefix = "", ...idArgs] = interaction.customId.split(":");
    const args = interaction.isStringSelectMenu() ? [...idArgs, ...interaction.values] : idArgs;
    const component = componentsByPrefix.get(prefix);
    await withSafetyNet(interaction, `button ${prefix}`, async () => {
      if (!component) {
        return { kind: "reply", private: true, content: t(localeFromDiscord(interaction.locale), "errors.expiredButton") };
      }
      return component.handle(ctx(), args, requesterOf(interaction, facts));
    });
  }

  async function onModalSubmit(interaction: ModalSubmitInteraction, facts?: InteractionFacts): Promise<void> {
    const [prefix = "", ...args] = interaction.customId.split(":");
    const component = componentsByPrefix.get(prefix);
    await withSafetyNet(
      interaction,
      `modal ${prefix}`,
      async () => {
        if (!component?.submit)
          return { kind: "reply", private: true, content: t(localeFromDiscord(interaction.locale), "errors.expiredButton") };
        const fields = Object.fromEntries(
          [...interaction.fields.fields.values()].flatMap((field) =>
            "value" in field && typeof field.value === "string" ? [[field.customId, field.value]] : [],
          ),
        );
        return component.submit(ctx(), args, fields, requesterOf(interaction, facts));
      },
      true,
    );
  }

  async function dispatch(interaction: Interaction, facts?: InteractionFacts): Promise<void> {
    if (interaction.isChatInputCommand()) await onChatInput(interaction, facts);
    else if (interaction.isAutocomplete()) await onAutocomplete(interaction, facts);
    else if (interaction.isButton() || interaction.isStringSelectMenu()) await onButton(interaction, facts);
    else if (interaction.isModalSubmit()) await onModalSubmit(interaction, facts);
  }

  /** A follower's stored language (they chose it when they followed); anyone else's, from what they wrote. */
  function dmLocale(userId: string, content: string): Locale {
    let stored: string | undefined;
    try {
      stored = ctx().follows.get(userId)?.locale;
    } catch (error) {
      // The language is a nicety: a busy database still gets an answer, in the language of the message.
      ctx().logger.warn("direct message: follower language unavailable", { userId, error });
    }
    return stored === undefined ? (containsCjk(content) ? "ja" : "en") : localeFromDiscord(stored);
  }

  async function onDirectMessage(message: Message): Promise<void> {
    if (message.author.bot || message.inGuild()) return;
    const handler = directMessages.find((candidate) => candidate.matches(message.content));
    if (!handler) return;
    const requester: Requester = {
      userId: message.author.id,
      username: message.author.username,
      locale: dmLocale(message.author.id, message.content),
      guildId: null,
      channelId: message.channelId,
      canManageGuild: false,
    };
    try {
      refresh();
      const reply = await handler.handle(ctx(), requester, message.content);
      if (reply.kind === "modal") throw new Error(`${handler.name} answered a direct message with a modal`);
      await message.reply({
        ...messageOptions(reply.kind === "updateAndNotify" ? { ...reply, content: reply.notice } : reply),
        failIfNotExists: false,
      });
    } catch (error) {
      const expected = expectedFailure(error);
      if (expected) {
        await message.reply({ content: renderMessage(requester.locale, expected), allowedMentions: { parse: [] } }).catch(() => undefined);
        return;
      }
      const errorId = randomBytes(4).toString("hex");
      ctx().logger.error("direct message handler failed", { errorId, handler: handler.name, userId: message.author.id, error });
      await message
        .reply({ content: t(requester.locale, "errors.internal", { errorId }), allowedMentions: { parse: [] } })
        .catch(() => undefined);
    }
  }

  function track(work: Promise<void>): Promise<void> {
    const task = work.catch((error: unknown) => ctx().logger.error("event handling failed", { error }));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    return task;
  }

  return {
    handle(interaction, facts) {
      return accepting ? track(dispatch(interaction, facts)) : Promise.resolve();
    },
    handleDirectMessage(message) {
      return accepting ? track(onDirectMessage(message)) : Promise.resolve();
    },
    async drain(timeoutMs) {
      accepting = false;
      for (const timer of expiryTimers) clearTimeout(timer);
      expiryTimers.clear();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), timeout]);
      clearTimeout(timer);
    },
  };
}
