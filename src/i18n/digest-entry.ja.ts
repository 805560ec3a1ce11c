import type { digestEntryEn } from "./digest-entry.en.js";

// ダイジェストの各論文 (issue 19): 何をした論文か、著者、ウォッチが選んだ理由、読む場所。
export const digestEntryJa = {
  "digest.entry.authorsTwo": "{first}、{second}",
  "digest.entry.authorsMany": "{first} ほか",
  "digest.entry.arxiv": "arXiv",
  "digest.entry.pdf": "PDF",
  "digest.entry.thread": "💬 議論スレッド",
  "digest.entry.abstractLine": "著者による英語のアブストラクトの一文です。",
  "digest.entry.votes": "👍 {up}",
  "digest.entry.votesBoth": "👍 {up} · 👎 {down}",
  "digest.entry.why": "ウォッチが選んだ理由: {reasons}。",
  "digest.entry.whySimilar": "リストの{papers}に近い",
  "digest.entry.whyTerms": "{terms}を扱っている",
  "digest.entry.whyTopics": "{topics}に該当する",
  "digest.entry.whySeparator": "、",
  "digest.unreviewed": "arXiv ウォッチが見つけた論文 (未レビュー)",
  "digest.unreviewedNote": "今週の arXiv フィードからボットが選んだ論文で、モデレーターはまだ読んでいません。",
  "digest.quietWeek":
    "今週はリストに追加された論文はありません。まずリストからの今週の一本、続いて arXiv ウォッチが見つけた未レビューの論文をいくつかお届けします。",
  "digest.quietWeekNoCandidates": "今週はリストに追加された論文はありません。リストからの今週の一本をお届けします。",
  "digest.forYouMarked": "★ はフォロー中のトピック ({topics}) に一致するものです。",
  "digest.forYouExtra": "フォロー中のトピックに一致するほかの論文: {topics}",
} as const satisfies Record<keyof typeof digestEntryEn, string>;
