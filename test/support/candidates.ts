/** Candidate rows the /review and hostile-title tests seed, e2e and direct alike. */
import type { NewCandidate } from "../../src/db/candidates.js";

/** A candidate with a long abstract, scored `score`, matched to LoRA and QLoRA unless other reasons are given. */
export function reviewCandidate(
  arxivId: string,
  title: string,
  score: number,
  reasons: NewCandidate["reasons"] = { papers: ["lora", "qlora"], topics: ["fine-tuning"] },
): NewCandidate {
  return {
    arxivId,
    version: 1,
    title,
    authors: ["Ada Lovelace", "Alan Turing"],
    categories: ["cs.CL", "cs.LG"],
    abstract: `${title}. We propose a parameter-efficient method and evaluate it on many benchmarks. ${"More detail. ".repeat(80)}`,
    license: null,
    canonScore: score,
    bonus: 0,
    score,
    reasons,
  };
}

/** A title anyone can submit to arXiv: mass mention, Markdown, a role mention, a masked link and a bidi override. */
export const HOSTILE_TITLE = "@everyone **Bold** <@&1200000000000000077> [click](https://evil.example) `tick` ΩΩΩ \u202Eevil\u202C end";
/** As Discord should show it: every Markdown character escaped, the mention shown as typed, the override gone. */
export const HOSTILE_TITLE_SHOWN =
  "@\u200Beveryone \\*\\*Bold\\*\\* \\<@&1200000000000000077\\> \\[click\\](https://evil.example) \\`tick\\` ΩΩΩ evil end";

export function hostileCandidate(): NewCandidate {
  return {
    arxivId: "2406.50001",
    version: 1,
    title: HOSTILE_TITLE,
    authors: ["Mallory"],
    categories: ["cs.CL"],
    abstract: "Retrieval augmented generation. A second sentence.",
    license: null,
    canonScore: 0.99,
    bonus: 0,
    score: 0.99,
    reasons: { papers: [], topics: ["retrieval"] },
  };
}

/** A candidate stored before feed text was filtered: bidi controls in its title, authors and abstract. */
export function bidiCandidate(title: string): NewCandidate {
  return {
    arxivId: "2406.50001",
    version: 1,
    title,
    authors: ["Mallory \u2067M\u2069"],
    categories: ["cs.CL"],
    abstract: "Retrieval augmented generation \u202Eevil\u202C.",
    license: null,
    canonScore: 0.99,
    bonus: 0,
    score: 0.99,
    reasons: { papers: [], topics: ["retrieval"] },
  };
}
