import type { votesEn } from "./votes.en.js";

/** コミュニティ投票と /top(issue 18, votes)。ja.ts に展開する。 */
export const votesJa = {
  "votes.button": "👍 {count}",
  "votes.buttonNone": "👍",
  "votes.botsDoNotCount": "ボットと Webhook は投票できません。数えていません。",
  "votes.recorded": "この論文への投票を数えました(合計 {total})。もう一度押すと取り消せます。",
  "votes.withdrawn": "投票を取り消しました(合計 {total})。",
  "command.top.description": "コミュニティの投票が多い論文",
  "command.top.period": "今週(既定)、今月、または全期間の投票",
  "command.top.topic": "このトピックの論文だけ",
  "top.period.week": "今週",
  "top.period.month": "今月",
  "top.period.all": "全期間",
  "top.title": "コミュニティの人気論文 · {period}",
  "top.titleTopic": "{topic}の人気論文 · {period}",
  "top.votes": { other: "{count} 票" },
  "top.candidate": "候補(まだリストにありません)",
  "top.empty": "この期間の投票はまだありません。論文の下の 👍 を押すと投票できます。",
  "top.footer": { other: "投票のある論文 {count} 件" },
  "help.votes": "論文の下の 👍 で投票(もう一度押すと取り消し)。`/top [期間] [トピック]` で投票の多い論文。",
  "help.votesPrivacy": "トピックなしの `/unfollow` では、投票は数に残り、あなたの名前は外されます。`/following` で書き出せます。",
  "unfollow.votesKept": { other: "あなたの {count} 票は数に残し、あなたの名前は外しました。" },
  "unfollow.confirmVotes": "👍 の投票は論文の数に残り、あなたの名前は外されます。",
  "digest.topCommunity": "今週コミュニティで人気の論文",
} as const satisfies Record<keyof typeof votesEn, string | { readonly other: string }>;
