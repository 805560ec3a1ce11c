import { truncate } from "../shared/safe-text.js";

/**
 * The one line a digest gives a paper: the sentence where its authors (or our summary) say what the paper does,
 * not the background sentence abstracts usually open with ("Large language models typically rely on …").
 */

/** Words ending in a full stop that do not end a sentence. */
const ABBREVIATIONS =
  /(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|approx|resp|Fig|Figs|Eq|Eqs|Sec|No|Dr|Mr|Ms|Prof|St|Inc|Ltd|Jr|Sr|al)|\b[A-Z]\.[A-Z])\.$/;
/** Bound on the text read: abstracts are under 2,000 characters; our summaries under 1,500. */
const TEXT_MAX = 6_000;
const SENTENCES_MAX = 60;

/** Sentences of English or Japanese text, abbreviations and decimals kept whole. */
export function sentences(text: string): string[] {
  const flat = text.slice(0, TEXT_MAX).replace(/\s+/g, " ").trim();
  const out: string[] = [];
  let current = "";
  // A candidate end: [.!?] followed by a space and a capital, digit, quote or bracket; or a Japanese full stop.
  for (const piece of flat.split(
    /(?<=[。！？])|(?<=[.!?]["”’)]?)\s+(?=["“‘([]?[\p{Lu}\p{N}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/u,
  )) {
    current = current === "" ? piece : `${current} ${piece}`;
    if (ABBREVIATIONS.test(current.trimEnd())) continue;
    out.push(current.trim());
    current = "";
    if (out.length >= SENTENCES_MAX) return out;
  }
  if (current.trim() !== "") out.push(current.trim());
  return out.filter((sentence) => sentence !== "");
}

/** "Abstract:" and "arXiv:… Announce Type: new Abstract:" before the text proper. */
function withoutPreamble(text: string): string {
  return text.replace(/^\s*(?:arXiv:\S+\s+Announce Type:\s*\S+\s*)?Abstract:\s*/i, "");
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const SUBJECTS = String.raw`we|this (?:paper|work|study|article|report|technical report|survey|note|blog post)|our (?:paper|work|study|approach|method)|here,? we|the authors|the paper|[A-Z][\p{L}'-]+ et al\.|[A-Z][\p{L}'-]+(?:, [A-Z][\p{L}'-]+)* and [A-Z][\p{L}'-]+`;
/** What a paper does, strongest first: it proposes something; it shows something; it studies something. */
const VERB_TIERS = [
  String.raw`propos|introduc|present|develop|design|releas|describ|buil[dt]|contribut|unveil|put forward|creat|construct|offer|curat|open-sourc`,
  String.raw`show|demonstrat|find|found|prov|establish|report|reveal|argu|discover|observ|achiev|outperform|obtain|derive|identif`,
  String.raw`stud|investigat|explor|examin|analy[sz]|evaluat|ask|test|measur|compar|address|tackl|formulat|cast|train|appl|adapt|learn|replac|make|turn|extend|revisit|benchmark|fine-tun|pre-train|quantiz|distil|bootstrap|pair|keep|freez|us`,
];
const ENGLISH_TIERS = VERB_TIERS.map(
  (verbs) =>
    new RegExp(
      String.raw`(?:^|[\s,;(])(?:${SUBJECTS})\s+(?:(?:also|further|first|then|instead|here|now|therefore|thus|empirically|theoretically|systematically|can|could|can also)\s+)*(?:${verbs})\w*`,
      "iu",
    ),
);
/** Japanese: the paper (本論文, 本研究, 著者ら) or a proposal (提案, 示す). */
const JAPANESE_CUE =
  /本論文|本研究|この論文|著者ら|提案|ことを示|を明らかに|を導入|を発表|を公開|^[A-Z][\p{Script=Latin}'’-]+(?:ら|たち)は/u;
/** Openings that set the scene rather than say what the paper does. */
const BACKGROUND =
  /^(?:(?:before|earlier|previously|until|traditionally|historically|recent(?:ly)?|despite|although|while|in recent years|over the past)\b|[^、。]{0,20}以前、|従来|これまで|近年)/iu;

function nameCue(names: readonly string[]): RegExp | null {
  const usable = names.map((name) => name.trim()).filter((name) => name.length >= 2 && name.length <= 60);
  if (usable.length === 0) return null;
  // Latin-letter boundaries only: in Japanese a name runs straight into its particle ("BERTは").
  return new RegExp(`(?<![A-Za-z0-9])(?:${usable.map(escape).join("|")})(?![A-Za-z0-9])`, "iu");
}

export interface ContributionOptions {
  /**
   * The paper's own names (short name, aliases), given for our own summaries: the first sentence that names it as
   * its subject (or says "this paper", "we propose") says what it does.
   */
  names?: readonly string[];
  /** Characters at most (cut at a word boundary). Default 300. */
  max?: number;
}

/** Which sentence says what the paper does, and how sure we are (for tests and the preview). */
export function pickContribution(
  text: string,
  options: ContributionOptions = {},
): { sentence: string; index: number; tier: number | null } {
  const list = sentences(withoutPreamble(text));
  const names = nameCue(options.names ?? []);
  let best: { index: number; tier: number } | null = null;
  for (const [index, sentence] of list.entries()) {
    let tier = ENGLISH_TIERS.findIndex((pattern) => pattern.test(sentence));
    if (tier < 0 && names && !BACKGROUND.test(sentence)) {
      // "BERT pre-trains …", "LoRA freezes …": the paper named as the sentence's subject, early on.
      const found = names.exec(sentence);
      if (found && found.index <= 40) tier = 1;
    }
    if (tier < 0 && JAPANESE_CUE.test(sentence) && !BACKGROUND.test(sentence)) tier = 1;
    // Our summaries go background, what the paper does, results, impact: the first cued sentence is the one.
    // Abstracts state their contribution in strong words somewhere: the strongest wins, the earliest on a tie.
    if (tier >= 0 && (best === null || (!names && tier < best.tier))) best = { index, tier };
  }
  if (best !== null) return { sentence: list[best.index] ?? "", index: best.index, tier: best.tier };
  // No sentence says it outright: the first that does not set the scene, else the first.
  const index = Math.max(
    0,
    // A heading word ("Proposal.", "Background.") is not a sentence to show.
    list.findIndex((sentence) => !BACKGROUND.test(sentence) && (sentence.split(" ").length >= 3 || /[^\x00-\x7f]{8}/.test(sentence))),
  );
  return { sentence: list[index] ?? "", index, tier: null };
}

/** The contribution sentence, cut to `max` characters at a word boundary. */
export function contributionLine(text: string, options: ContributionOptions = {}): string {
  return truncate(pickContribution(text, options).sentence, options.max ?? 300);
}
