import { containsCjk, contentTokens } from "../text.js";
import type { Locale } from "../../i18n/locale.js";
import { RESULT_THRESHOLD, type MatchKind, type PaperHead, type Ranked } from "./types.js";
import { LOOKUP_WEIGHTS } from "./weights.js";

/** Results closer than this to the best one tie with it (scores are shown to three decimals). */
export const TIE_MARGIN = LOOKUP_WEIGHTS.ties.margin;

/** Gathers the stages' offers: the best score per paper, plus the uncapped evidence that breaks ties. */
export class MatchCollector {
  private readonly matches = new Map<number, Ranked>();
  private readonly latinAndJapanese = new Map<number, Set<MatchKind>>();
  /** Uncapped evidence, so two capped scores still rank by how well they matched. */
  private readonly strength = new Map<number, number>();

  private readonly answeredInJapanese = new Set<number>();
  private readonly foundThroughBridge = new Set<number>();
  private readonly bridgeBonus = new Set<number>();

  constructor(
    private readonly explain: ((line: string) => void) | undefined,
    /** Latin words and Japanese text in one query (not Japanese alone, whose bridged English also finds "text"). */
    private readonly mixed: boolean,
    /** Japanese alone (no Latin words). */
    private readonly japanese = false,
  ) {}

  /** Papers whose name is among the query's words ("clip openai"): they win a tie with papers that only contain them. */
  private readonly named = new Set<number>();

  readonly offer = (paper: PaperHead, score: number, matchedBy: MatchKind, uncapped = score): void => {
    this.explain?.(`${matchedBy} ${paper.id} ${score.toFixed(3)} (${uncapped.toFixed(3)})`);
    if (matchedBy === "exact") this.named.add(paper.seq);
    // A mixed query ("混合エキスパート Hugging Face blog") is better answered by a paper matching both halves.
    let bonus = 0;
    if (this.mixed && (matchedBy === "text" || matchedBy === "japanese")) {
      const kinds = this.latinAndJapanese.get(paper.seq) ?? new Set<MatchKind>();
      kinds.add(matchedBy);
      this.latinAndJapanese.set(paper.seq, kinds);
      if (kinds.size === 2) bonus = COMBINE.mixedBothHalves;
    } else if (this.japanese && (matchedBy === "text" || matchedBy === "japanese")) {
      // Japanese alone: its bridged English finds many papers; one whose Japanese text also answers is the better one.
      if (matchedBy === "japanese" && score >= RESULT_THRESHOLD) this.answeredInJapanese.add(paper.seq);
      if (matchedBy === "text") this.foundThroughBridge.add(paper.seq);
      if (this.answeredInJapanese.has(paper.seq) && this.foundThroughBridge.has(paper.seq) && !this.bridgeBonus.has(paper.seq)) {
        this.bridgeBonus.add(paper.seq);
        bonus = COMBINE.japaneseAndBridge;
      }
    }
    const previous = this.matches.get(paper.seq);
    const ceiling =
      matchedBy === "exact" || matchedBy === "arxiv" || matchedBy === "url" ? LOOKUP_WEIGHTS.exact.single : COMBINE.nonExactCeiling;
    const combined = Math.min(ceiling, Math.max(score, previous?.score ?? 0) + bonus);
    this.strength.set(paper.seq, Math.max(this.strength.get(paper.seq) ?? 0, uncapped + bonus, combined));
    if (!previous || previous.score < combined) this.matches.set(paper.seq, { paper, score: combined, matchedBy });
  };

  /** All offers, best first. */
  ranked(cleaned: string, locale: Locale): Ranked[] {
    // For Japanese users a Japanese-text match wins a tie.
    const preference = (match: Ranked) =>
      (this.strength.get(match.paper.seq) ?? 0) +
      (locale === "ja" && match.matchedBy === "japanese" ? COMBINE.japaneseForJapaneseUser : 0) +
      (this.named.has(match.paper.seq) ? COMBINE.named : 0);
    // In a mixed query ("拡散モデル DDPM"), a paper found through its Japanese half alone must also be about the Latin words.
    if (containsCjk(cleaned) && contentTokens(cleaned).length > 0) {
      for (const [seq, match] of this.matches) {
        if (match.matchedBy === "japanese" && !this.latinAndJapanese.get(seq)?.has("text"))
          this.matches.set(seq, { ...match, score: match.score * COMBINE.japaneseHalfOnly });
      }
    }
    for (const match of this.matches.values()) match.strength = preference(match);
    return [...this.matches.values()].sort(
      (a, b) =>
        b.score - a.score || preference(b) - preference(a) || a.paper.position - b.paper.position || a.paper.id.localeCompare(b.paper.id),
    );
  }
}

/**
 * A generic query ("llm", "model", "2023"): several papers score the same, and what orders them is nearly nothing.
 * Two or three papers sharing a capped score with clearly different evidence ("consistency", "attention") are not a tie.
 */
export function isTie(ranked: readonly Ranked[]): boolean {
  const [first, second] = ranked;
  if (!first || !second || first.score >= 1 || first.score < RESULT_THRESHOLD || first.score - second.score >= TIE_MARGIN) return false;
  const tied = ranked.filter((match) => first.score - match.score < TIE_MARGIN);
  const gap = (first.strength ?? first.score) - (second.strength ?? second.score);
  return gap < TIES.strengthGap || (tied.length >= TIES.manyTied && gap < TIES.manyTiedGaps * TIES.strengthGap && sameStrength(tied));
}

const COMBINE = LOOKUP_WEIGHTS.combine;
const TIES = LOOKUP_WEIGHTS.ties;

function sameStrength(tied: readonly Ranked[]): boolean {
  const strengths = tied.map((match) => match.strength ?? match.score);
  return Math.max(...strengths) - Math.min(...strengths) < TIES.sameStrengthGaps * TIES.strengthGap;
}
