import type { Locale } from "../i18n/locale.js";

/**
 * The transport-neutral vocabulary features answer in: reply values, message bodies, embeds and buttons. The
 * numbers are Discord's (its wire format is the lingua franca), but nothing here depends on discord.js: the Discord
 * adapter turns these into discord.js payloads (src/discord/payload.ts), the console renders them as text.
 */

/** Component types and button styles, numbered as Discord numbers them (the wire shape is kept, so JSON output is Discord's). */
export const ComponentType = { ActionRow: 1, Button: 2, StringSelect: 3 } as const;
export const ButtonStyle = { Primary: 1, Secondary: 2, Success: 3, Danger: 4, Link: 5 } as const;
export type ActionStyle = (typeof ButtonStyle)["Primary" | "Secondary" | "Success" | "Danger"];

export interface ActionButton {
  type: typeof ComponentType.Button;
  style: ActionStyle;
  label: string;
  custom_id: string;
  disabled?: boolean;
}

export interface LinkButton {
  type: typeof ComponentType.Button;
  style: typeof ButtonStyle.Link;
  label: string;
  url: string;
  disabled?: boolean;
}

export type Button = ActionButton | LinkButton;

export interface SelectOption {
  label: string;
  value: string;
  description?: string;
}

/**
 * A menu of choices (Discord allows 25); choosing one calls the component whose prefix starts `custom_id`, with the
 * chosen value appended to its arguments. A select fills its row alone.
 */
export interface StringSelect {
  type: typeof ComponentType.StringSelect;
  custom_id: string;
  placeholder?: string;
  options: SelectOption[];
  disabled?: boolean;
}

/** One row under a message: up to five buttons, or one select menu. */
export interface MessageRow {
  type: typeof ComponentType.ActionRow;
  components: (Button | StringSelect)[];
}

export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Embed {
  title?: string;
  url?: string;
  description?: string;
  color?: number;
  timestamp?: string;
  fields?: EmbedField[];
  footer?: { text: string };
  author?: { name: string; url?: string };
}

export interface MessageBody {
  content?: string;
  embeds?: Embed[];
  components?: MessageRow[];
  files?: { name: string; data: Buffer }[];
}

/** A handler's answer, independent of how it is delivered (Discord interaction or the local console). */
export type Reply =
  /** `buttonsExpireAfterMs`: the buttons are taken off the message after this long. */
  | ({ kind: "reply"; private: boolean; buttonsExpireAfterMs?: number } & MessageBody)
  /** Edits the message the pressed button is on; `buttonsOnly`: only its components change (text and embeds stay). */
  | ({ kind: "update"; buttonsOnly?: boolean } & MessageBody)
  /** Edits the message the button is on and tells only the presser something. */
  | ({ kind: "updateAndNotify"; notice: string } & MessageBody)
  /** Opens a form; its submission goes to the component whose prefix starts `customId`. */
  | { kind: "modal"; customId: string; title: string; fields: ModalField[] };

export interface ModalField {
  id: string;
  label: string;
  /** Multi-line ("paragraph") input. */
  long?: boolean;
  value?: string;
  placeholder?: string;
  required?: boolean;
  maxLength?: number;
}

/** Who asked, and from where: everything a handler needs to know about the interaction. */
export interface Requester {
  userId: string;
  username: string;
  locale: Locale;
  guildId: string | null;
  channelId: string | null;
  /** Manage Server in the guild the interaction came from. */
  canManageGuild: boolean;
  /** The member's role ids in that guild (none outside guilds). */
  roleIds?: readonly string[];
  /**
   * Whether a public message may go to the channel the interaction came from: the member and the bot may both send
   * messages with embeds there (in a thread, send in threads). Unknown (the console, a DM) counts as no.
   */
  canPostInChannel?: boolean;
  /** Discord marks the user a bot (a webhook or another bot): votes from them never count. */
  isBot?: boolean;
  /** For a button press: the message it is on, with its button rows (absent when they are not plain buttons). */
  message?: { id: string; channelId: string; components: readonly MessageRow[]; ephemeral?: boolean };
}
