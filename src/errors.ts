import type { MessageKey, MessageParams } from "./i18n/index.js";

/** An expected failure the user can fix: rendered from the locale files, never logged as an error. */
export interface Failure {
  ok: false;
  key: MessageKey;
  params?: MessageParams;
}

export type Outcome<T> = { ok: true; value: T } | Failure;

export const fail = (key: MessageKey, params?: MessageParams): Failure => ({ ok: false, key, ...(params ? { params } : {}) });
export const succeed = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
