import { actionButton, BRAND_COLOUR, fitEmbed, linkButton, row } from "../shared/embeds.js";
import { ButtonStyle, type Embed, type MessageRow } from "../shared/reply.js";
import { embedText, plainLine } from "../shared/safe-text.js";
import { t, type Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { authorLine, japaneseTitle, keyResultsFor, summaryFor } from "./format.js";
import type { Paper } from "./types.js";

/** A paper's card. Everything from the catalog entry or arXiv goes through `embedText`; our notes and labels don't. */
export function paperEmbed(paper: Paper, locale: Locale): Embed {
  const summary = summaryFor(paper, locale);
  const notes = summary.notes.map((key) => `*${t(locale, key)}*\n`).join("");
  // ja readers get the Japanese title as the embed's title (as everywhere else), the original title under it.
  const titleJa = locale === "ja" ? japaneseTitle(paper) : null;
  const text = embedText(summary.text);
  const description = titleJa ? `*${embedText(plainLine(paper.title))}*\n\n${notes}${text}` : `${notes}${text}`;
  const keyResults = keyResultsFor(paper, locale);
  return fitEmbed({
    title: titleJa ?? paper.title,
    url: paper.url,
    description,
    color: BRAND_COLOUR,
    fields: [
      { name: t(locale, "paper.authors"), value: embedText(authorLine(paper)), inline: false },
      ...(paper.organisation ? [{ name: t(locale, "paper.organisation"), value: embedText(paper.organisation), inline: true }] : []),
      { name: t(locale, "paper.year"), value: String(paper.year), inline: true },
      { name: t(locale, "paper.topics"), value: paper.topics.map((topic) => topicLabel(locale, topic)).join(", "), inline: true },
      ...(keyResults.length > 0
        ? [
            {
              name: t(locale, "paper.keyResults"),
              value: keyResults.map((fact) => `• ${embedText(plainLine(fact))}`).join("\n"),
              inline: false,
            },
          ]
        : []),
    ],
    footer: {
      text: paper.source === "catalog" ? t(locale, "paper.footer", { position: paper.position + 1 }) : t(locale, "paper.footerAdded"),
    },
  });
}

export function paperButtons(paper: Paper, locale: Locale): MessageRow {
  return row(
    linkButton(paper.arxivId ? t(locale, "paper.arxiv") : t(locale, "paper.link"), paper.url),
    ...(paper.pdfUrl && paper.pdfUrl !== paper.url ? [linkButton(t(locale, "paper.pdf"), paper.pdfUrl)] : []),
    actionButton(t(locale, "paper.related"), `related:${paper.id}`, { style: ButtonStyle.Primary }),
  );
}
