import type { suggestEn } from "./suggest.en.js";

/** メンバーによる論文の推薦 (/suggest、/review での表示、結果の DM)。 */
export const suggestJa = {
  "command.suggest.description": "arXiv の論文をリストに推薦 (モデレーターが審査します)",
  "command.suggest.arxiv": "論文の arXiv ID またはリンク (例: 2106.09685、https://arxiv.org/abs/2106.09685)",
  "command.suggest.why": "推薦する理由 (任意。モデレーターに表示されます)",
  "suggest.whyLabel": "理由",
  "suggest.listed": "**{title}**はすでに論文リストにあります。`/paper query:{id}` で表示できます。",
  "suggest.recorded":
    "ありがとうございます。**{title}**をモデレーターの審査キューに追加しました。結果は DM でお知らせします (DM を受け取れる場合)。",
  "suggest.supported":
    "**{title}**はすでに審査待ちだったため、あなたを支持者に加えました (支持者 {count} 人)。結果は DM でお知らせします。",
  "suggest.yourNote": "あなたのメモ: {note}",
  "suggest.alreadyYours": "**{title}**はすでにあなたが推薦済みで、審査待ちです。何も変更していません。",
  "suggest.declinedBefore": "**{title}**はモデレーターが審査済みで、見送られました。もう一度推薦することはできません。",
  "suggest.approvedBefore": "**{title}**はモデレーターが審査済みで、承認されています。何も変更していません。",
  "suggest.rateLimited": "推薦は 24 時間あたり {count} 本までで、上限に達しています。次に推薦できるのは {when} です。",
  "suggest.dmApproved":
    "お知らせ: あなたが推薦した **{title}**が承認され、論文リストに追加されました。`/paper query:{id}` で表示できます。",
  "suggest.dmApprovedListed": "お知らせ: あなたが推薦した **{title}**がモデレーターに承認されました。",
  "suggest.dmDeclined":
    "あなたが推薦した **{title}**をモデレーターが審査し、今回は論文リストに追加しないことになりました。推薦ありがとうございました。",
  "review.suggestedBy": "メンバーの推薦",
  "review.supporters": "支持者 {count} 人",
  "review.anonymousMember": "メンバー (匿名)",
  "help.suggest":
    "`/suggest arxiv: [why]` arXiv の論文を推薦。モデレーターが審査し、結果を DM でお知らせします。推薦は直近 24 時間あたり 5 本まで。`/unfollow` すると推薦は匿名で件数だけ残ります。",
  "unfollow.suggestionsAnonymised":
    "あなたの推薦 {count} 件は審査キューに匿名で残ります (件数には数えられます)。名前・メモ・言語は削除しました。",
} as const satisfies Record<keyof typeof suggestEn, unknown>;
