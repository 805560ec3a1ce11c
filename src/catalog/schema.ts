import { z } from "zod";

export const TOPICS = [
  "foundations",
  "architecture",
  "scaling",
  "fine-tuning",
  "alignment",
  "retrieval",
  "efficiency",
  "agents",
  "vision",
  "diffusion",
  "code",
  "safety",
  "reinforcement-learning",
  "mixture-of-experts",
] as const;

export const topicSchema = z.enum(TOPICS);
export type Topic = z.infer<typeof topicSchema>;

/** New-style (1706.03762, 2401.01335v2 without version) or old-style (hep-th/9711200) arXiv ids, version stripped. */
export const ARXIV_ID_PATTERN = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})$/;

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const localized = (max: number) => z.object({ en: trimmed(max), ja: trimmed(max) }).strict();

export const paperIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug like 'lora' or 'llama-2'")
  .max(64);

/**
 * Where a paper's summaries come from. "abstract": that summary is the authors' (English) abstract; ja null: nobody wrote
 * a Japanese summary, and `summary.ja` repeats the English summary as a stand-in (`summaryLanguage.ja` says "en").
 */
export const summarySourceSchema = z
  .object({ en: z.enum(["written", "abstract"]), ja: z.enum(["written", "abstract"]).nullable() })
  .strict();
export type SummarySource = z.infer<typeof summarySourceSchema>;

/** The language each `summary` slot is actually written in: `summary.ja` is English until someone writes it in Japanese. */
export const summaryLanguageSchema = z.object({ en: z.literal("en"), ja: z.enum(["ja", "en"]) }).strict();
export type SummaryLanguage = z.infer<typeof summaryLanguageSchema>;

export const catalogEntrySchema = z
  .object({
    id: paperIdSchema,
    arxivId: z.string().regex(ARXIV_ID_PATTERN, "must be an arXiv id without version, e.g. 2106.09685").nullable(),
    url: z.url({ protocol: /^https$/ }),
    pdfUrl: z.url({ protocol: /^https$/ }).nullable(),
    title: trimmed(300),
    titleJa: trimmed(300),
    authors: z.array(trimmed(120)).min(1).max(12),
    /** Absent for papers moderators added from arXiv: we don't invent an organisation (a category is not one). */
    organisation: trimmed(200).optional(),
    year: z.number().int().min(1990).max(2100),
    venue: trimmed(120).optional(),
    topics: z.array(topicSchema).min(1).max(5),
    aliases: z.array(trimmed(80)).max(40),
    /** Empty for papers moderators added from arXiv until someone writes them (the curated catalog always has some). */
    keyResults: z.object({ en: z.array(trimmed(300)).max(6), ja: z.array(trimmed(300)).max(6) }).strict(),
    summary: localized(1500),
    /** Absent when people wrote both summaries (every curated entry); `catalog export` sets it for the other papers. */
    summarySource: summarySourceSchema.optional(),
    /** Set with `summarySource`: the language of each summary's text (absent: en is English, ja Japanese). */
    summaryLanguage: summaryLanguageSchema.optional(),
    /** "en": `titleJa` repeats the English title (a paper added from arXiv has no Japanese title until someone writes one). */
    titleJaLanguage: z.literal("en").optional(),
  })
  .strict();

export const catalogFileSchema = z
  .object({
    version: z.literal(1),
    /** Date of the last reviewed change; stamps generated files so the same catalog gives the same bytes. */
    updated: z.iso.date(),
    papers: z.array(catalogEntrySchema).min(1),
  })
  .strict();

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type CatalogFile = z.infer<typeof catalogFileSchema>;
