import type { ArxivApi, ArxivRecord } from "../arxiv/api.js";
import { parseArxivReference } from "../catalog/arxiv-id.js";
import type { Topic } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import type { Failure } from "../errors.js";
import { arxivEntry, guessTopics } from "./papers.js";

export type ListableLookup =
  | { kind: "listed"; paper: Paper }
  | { kind: "refused"; failure: Failure }
  | { kind: "found"; record: ArxivRecord; topics: Topic[]; guessed: boolean };

interface Sources {
  papers: readonly Paper[];
  has(id: string): boolean;
  arxiv: ArxivApi;
}

const listedBy = (papers: readonly Paper[], arxivId: string | null) =>
  arxivId === null ? undefined : papers.find((paper) => paper.arxivId === arxivId);

/**
 * /paper-add's and /suggest's arXiv lookup, with the same rules: a listed paper (also one another process just added)
 * is answered without spending an arXiv request, the lookup waits its turn at the bot's one arXiv gate, and a record
 * the catalog cannot hold (a year outside 1990-2100…) is refused now rather than after a moderator's approval.
 * `topics`: the ones chosen, else guessed from the record.
 */
export async function lookupListable(sources: Sources, reference: string, topics?: readonly Topic[]): Promise<ListableLookup> {
  const known = listedBy(sources.papers, parseArxivReference(reference));
  if (known) return { kind: "listed", paper: known };
  const found = await sources.arxiv.lookup(reference);
  if (!found.ok) return { kind: "refused", failure: found };
  const record = found.value;
  const listed = listedBy(sources.papers, record.arxivId);
  if (listed) return { kind: "listed", paper: listed };
  const chosen = topics?.length ? [...topics] : guessTopics(record);
  const listable = arxivEntry(record, chosen, (id) => sources.has(id));
  if (!listable.ok) return { kind: "refused", failure: listable };
  return { kind: "found", record, topics: chosen, guessed: !topics?.length };
}
