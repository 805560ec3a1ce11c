import { message, type MessageArgs, type MessageKey, type MessageRef } from "./i18n/index.js";

/** An expected failure the user can fix: rendered from the locale files, never logged as an error. */
export type Failure = { ok: false } & MessageRef;

export type Outcome<T> = { ok: true; value: T } | Failure;

export const fail = <K extends MessageKey>(key: K, ...args: MessageArgs<K>): Failure => ({ ok: false, ...message(key, ...args) });
export const succeed = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
