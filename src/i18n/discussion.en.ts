/** Discussion strings (a thread per paper, forum posts, the permissions they need); spread into en.ts. */
export const discussionEn = {
  "command.follow.discuss": "Moderators: open a discussion thread for each new paper posted in the channel",
  "follow.discussNeedsChannel": "`discuss:` is for a channel follow: add `channel:#channel`.",
  "follow.channelDiscussPart": " Each new paper alert opens a public thread named after the paper.",
  "follow.channelForumPart": " Each new paper becomes a forum post tagged with its topics (missing tags are created, at most 20).",
  "follow.channelDiscussOff": " Alerts no longer open threads.",
  "follow.discussMissing":
    "⚠️ The bot lacks **{permissions}** in {channel}, so {consequence} Give the bot's role these permissions in the channel's settings.",
  "follow.discussUnchecked":
    "(Discord did not tell the bot its permissions in {channel} right now; if something is missing, you will get a DM.)",
  "follow.forumNeedsTopic":
    "A forum channel gets each new paper as a post, so it needs a topic (`topic:`); the weekly digest goes to text channels.",
  "discussion.permission.ViewChannel": "View Channel",
  "discussion.permission.SendMessages": "Send Messages",
  "discussion.permission.CreatePosts": "Create Posts (Send Messages)",
  "discussion.permission.CreatePublicThreads": "Create Public Threads",
  "discussion.permission.SendMessagesInThreads": "Send Messages in Threads",
  "discussion.permission.ManageTags": "Manage Channels (or Manage Threads)",
  "discussion.consequence.ViewChannel": "it cannot see the channel and nothing will be posted there.",
  "discussion.consequence.SendMessages": "no alert or digest can be posted there.",
  "discussion.consequence.CreatePosts": "no paper can be posted in the forum.",
  "discussion.consequence.CreatePublicThreads": "alerts are posted without a discussion thread.",
  "discussion.consequence.SendMessagesInThreads": "a paper posted again is not added to its existing forum post.",
  "discussion.consequence.ManageTags": "forum posts only get the tags the forum already has.",
  "discussion.notice":
    "paperbot could not do its job in {channel} (server **{guild}**): it lacks the **{permission}** permission there, so {consequence} Give the bot's role that permission in the channel's settings. You will not be told again about this channel until you run `/follow channel:` for it again.",
  "discussion.threadButton": "Discussion",
} as const;
