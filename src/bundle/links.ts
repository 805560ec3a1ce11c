import { signBundleUrl } from "./sign.js";
import type { BundleStore } from "./store.js";

export interface BundleLink {
  url: string;
  /** null for an external BUNDLE_URL, which does not expire. */
  expiresAt: Date | null;
  paperCount: number | null;
  size: number | null;
  sha256: string | null;
  updatedAt: string | null;
}

export interface BundleLinks {
  /** A link for one person, or null when there is nothing to hand out yet. */
  link(now: Date): BundleLink | null;
}

export function createBundleLinks(options: {
  store: BundleStore;
  secret: string;
  ttlHours: number;
  externalUrl: string | undefined;
  /** The public base of the bot's HTTP server. */
  baseUrl: string;
}): BundleLinks {
  return {
    link(now) {
      const info = options.store.current();
      const details = {
        paperCount: info?.paperCount ?? null,
        size: info?.size ?? null,
        sha256: info?.sha256 ?? null,
        updatedAt: info?.generatedAt ?? info?.builtAt ?? null,
      };
      if (options.externalUrl) return { url: options.externalUrl, expiresAt: null, ...details };
      if (!info) return null;
      const expiresAt = new Date(now.getTime() + options.ttlHours * 3_600_000);
      return {
        url: signBundleUrl({ baseUrl: options.baseUrl, fileName: info.fileName, secret: options.secret, expiresAt }),
        expiresAt,
        ...details,
      };
    },
  };
}
