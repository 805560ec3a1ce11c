/** Community votes and /top (issue 18, votes); spread into en.ts. */
export const votesEn = {
  "votes.button": "👍 {count}",
  "votes.buttonNone": "👍",
  "votes.botsDoNotCount": "Bots and webhooks can't vote. Nothing was counted.",
  "votes.recorded": "Your vote for this paper is counted ({total} in all). Press again to take it back.",
  "votes.withdrawn": "Your vote is taken back ({total} in all).",
  "command.top.description": "The papers the community voted for most",
  "command.top.period": "Votes from this week (default), this month or all time",
  "command.top.topic": "Only papers on this topic",
  "top.period.week": "This week",
  "top.period.month": "This month",
  "top.period.all": "All time",
  "top.title": "Top papers by the community · {period}",
  "top.titleTopic": "Top papers on {topic} by the community · {period}",
  "top.votes": { one: "{count} vote", other: "{count} votes" },
  "top.candidate": "candidate, not yet in the list",
  "top.empty": "No votes yet for this period. Press 👍 under a paper to vote for it.",
  "top.footer": { one: "{count} paper with votes", other: "{count} papers with votes" },
  "help.votes":
    "👍 under a paper counts your vote (press again to take it back); `/top [period] [topic]` the papers the community voted for most.",
  "help.votesPrivacy":
    "`/unfollow` without a topic keeps your votes in the counts but takes your name off them; `/following` exports them.",
  "unfollow.votesKept": {
    one: "Your {count} vote stays in the counts, with your name taken off it.",
    other: "Your {count} votes stay in the counts, with your name taken off them.",
  },
  "unfollow.confirmVotes": "Your 👍 votes stay in the papers' counts, with your name taken off them.",
  "digest.topCommunity": "Top this week by the community",
} as const;
