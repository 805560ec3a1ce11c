import type { discussionEn } from "./discussion.en.js";

/** 論文ごとのスレッド、フォーラム投稿、必要な権限の文言。ja.ts に展開する。 */
export const discussionJa = {
  "command.follow.discuss": "モデレーター用: チャンネルに投稿する新しい論文ごとに議論スレッドを開く",
  "follow.discussNeedsChannel": "`discuss:` はチャンネルの登録用です。`channel:#チャンネル` を付けてください。",
  "follow.channelDiscussPart": " 新しい論文の通知ごとに、論文名の公開スレッドを開きます。",
  "follow.channelForumPart": " 新しい論文はトピックのタグ付きフォーラム投稿になります（足りないタグは最大20個まで作成します）。",
  "follow.channelDiscussOff": " 通知でスレッドを開かないようにしました。",
  "follow.discussMissing":
    "⚠️ ボットには {channel} で **{permissions}** の権限がないため、{consequence} チャンネル設定でボットのロールにこれらの権限を付与してください。",
  "follow.discussUnchecked":
    "（今は {channel} でのボットの権限を Discord から確認できませんでした。足りない権限があれば DM でお知らせします。）",
  "follow.forumNeedsTopic":
    "フォーラムチャンネルには新しい論文を投稿として送るため、トピック（`topic:`）が必要です。週刊ダイジェストはテキストチャンネルに送ります。",
  "discussion.permission.ViewChannel": "チャンネルを見る",
  "discussion.permission.SendMessages": "メッセージを送信",
  "discussion.permission.CreatePosts": "投稿を作成（メッセージを送信）",
  "discussion.permission.CreatePublicThreads": "公開スレッドの作成",
  "discussion.permission.SendMessagesInThreads": "スレッドでメッセージを送信",
  "discussion.permission.ManageTags": "チャンネルの管理（またはスレッドの管理）",
  "discussion.consequence.ViewChannel": "チャンネルが見えず、何も投稿できません。",
  "discussion.consequence.SendMessages": "通知もダイジェストも投稿できません。",
  "discussion.consequence.CreatePosts": "フォーラムに論文を投稿できません。",
  "discussion.consequence.CreatePublicThreads": "通知は議論スレッドなしで投稿されます。",
  "discussion.consequence.SendMessagesInThreads": "再び投稿された論文を既存のフォーラム投稿に追加できません。",
  "discussion.consequence.ManageTags": "フォーラム投稿にはフォーラムに既にあるタグだけが付きます。",
  "discussion.notice":
    "paperbot は {channel}（サーバー **{guild}**）で **{permission}** の権限がないため、{consequence} チャンネル設定でボットのロールにこの権限を付与してください。このチャンネルについては、もう一度 `/follow channel:` を実行するまで再度お知らせしません。",
  "discussion.threadButton": "ディスカッション",
} as const satisfies Record<keyof typeof discussionEn, string>;
