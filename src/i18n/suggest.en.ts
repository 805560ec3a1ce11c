/** Members' suggestions (/suggest, their place in /review, the decision DM); spread into en.ts. */
export const suggestEn = {
  "command.suggest.description": "Suggest an arXiv paper for the reading list (moderators review it)",
  "command.suggest.arxiv": "The paper's arXiv id or link, e.g. 2106.09685 or https://arxiv.org/abs/2106.09685",
  "command.suggest.why": "Why it belongs on the list (optional; moderators see it)",
  "suggest.whyLabel": "why",
  "suggest.listed": "**{title}** is already in the reading list: `/paper query:{id}` shows it.",
  "suggest.recorded":
    "Thanks! **{title}** is now on the moderators' review queue. You'll get a DM when they decide (if your DMs are open).",
  "suggest.supported": {
    one: "**{title}** was already waiting for review, so you were added as its supporter: {count} member supports it now. You'll get a DM when moderators decide.",
    other:
      "**{title}** was already waiting for review, so you were added as a supporter: {count} members support it now. You'll get a DM when moderators decide.",
  },
  "suggest.yourNote": "Your note: {note}",
  "suggest.alreadyYours": "You already suggested **{title}**; it is waiting for review. Nothing changed.",
  "suggest.declinedBefore": "Moderators already reviewed **{title}** and declined it, so it can't be suggested again.",
  "suggest.approvedBefore": "Moderators already reviewed and approved **{title}**. Nothing changed.",
  "suggest.rateLimited": {
    one: "You can suggest {count} paper in any 24 hours, and you have. You can suggest again {when}.",
    other: "You can suggest {count} papers in any 24 hours, and you have. You can suggest again {when}.",
  },
  "suggest.dmApproved":
    "Good news: the paper you suggested, **{title}**, was approved and is now in the reading list. `/paper query:{id}` shows it.",
  "suggest.dmApprovedListed": "Good news: the paper you suggested, **{title}**, was approved by the moderators.",
  "suggest.dmDeclined":
    "The moderators looked at the paper you suggested, **{title}**, and decided not to add it to the reading list. Thanks for suggesting!",
  "review.suggestedBy": "Suggested by members",
  "review.supporters": { one: "{count} member supports it", other: "{count} members support it" },
  "review.anonymousMember": "a member (anonymous)",
  "help.suggest":
    "`/suggest arxiv: [why]` suggest an arXiv paper: moderators review it and you get a DM with their decision. Up to 5 suggestions in any 24 hours (a sliding window); `/unfollow` keeps yours counted but anonymous.",
  "unfollow.suggestionsAnonymised": {
    one: "Your {count} suggestion stays on the review queue, counted but anonymous: your name, note and language were deleted.",
    other: "Your {count} suggestions stay on the review queue, counted but anonymous: your name, note and language were deleted.",
  },
} as const;
