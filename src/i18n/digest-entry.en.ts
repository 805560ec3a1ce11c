// Digest entries (issue 19): what each paper is, who wrote it, why the watch picked it, where to read it.
export const digestEntryEn = {
  "digest.entry.authorsTwo": "{first} and {second}",
  "digest.entry.authorsMany": "{first} et al.",
  "digest.entry.arxiv": "arXiv",
  "digest.entry.pdf": "PDF",
  "digest.entry.thread": "💬 discussion",
  "digest.entry.abstractLine": "From the authors' abstract, in English.",
  "digest.entry.votes": "👍 {up}",
  "digest.entry.votesBoth": "👍 {up} · 👎 {down}",
  "digest.entry.why": "Why the watch picked it: {reasons}.",
  "digest.entry.whySimilar": "close to {papers} in the reading list",
  "digest.entry.whyTerms": "it is about {terms}",
  "digest.entry.whyTopics": "it matches {topics}",
  "digest.entry.whySeparator": "; ",
  "digest.unreviewed": "Found by the arXiv watch, not yet reviewed",
  "digest.unreviewedNote": "Picked by the bot from this week's arXiv feeds; no moderator has read them yet.",
  "digest.quietWeek":
    "A quiet week: no new papers joined the reading list. First, this week's pick from the list; then a few papers the arXiv watch found, not yet reviewed.",
  "digest.quietWeekNoCandidates": "A quiet week: no new papers joined the reading list. Here is this week's pick from the list.",
  "digest.forYouMarked": "★ marks what matches your topics ({topics}).",
  "digest.forYouExtra": "More for your topics: {topics}",
} as const;
