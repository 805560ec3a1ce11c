import { register, type ComponentModule, type DirectMessageModule, type RegisteredCommand } from "../src/discord/command.js";
import { bundleCommand, bundleFollowButton, bundleKeyword, directMessageHint } from "./bundle.js";
import { digestBundleButton, digestCommand } from "./digest.js";
import { followCommand, unfollowCommand } from "./follow.js";
import { followButtons, followingCommand } from "./following.js";
import help from "./help.js";
import paper from "./paper.js";
import { paperAddButton, paperAddCommand } from "./paper-add.js";
import { paperEditCommand, paperEditModal, paperRemoveButton, paperRemoveCommand } from "./paper-manage.js";
import { postButton, relatedButton, showButton } from "./paper-buttons.js";
import { papersCommand, papersPageButtons } from "./papers.js";
import { reviewApproveModal, reviewButtons, reviewCommand } from "./review.js";
import { suggestCommand } from "./suggest.js";
import { watchCommand } from "./watch.js";
import { topCommand } from "./top.js";
import { voteButtonHandler } from "./vote.js";

/** Every slash command the bot registers, in the order /help lists them. */
export const commands: readonly RegisteredCommand[] = [
  register(paper),
  register(papersCommand),
  register(followCommand),
  register(unfollowCommand),
  register(followingCommand),
  register(suggestCommand),
  register(bundleCommand),
  register(watchCommand),
  register(digestCommand),
  register(topCommand),
  register(help),
  register(paperAddCommand),
  register(paperEditCommand),
  register(paperRemoveCommand),
  register(reviewCommand),
];

/**
 * The commands that moderate the one shared reading list (MODERATION_GUILD_IDS limits them; `deploy-commands`
 * registers them only in those guilds when it is set). /digest is each server's own setting, so it is not here.
 */
export const SHARED_LIST_COMMANDS: ReadonlySet<string> = new Set(["paper-add", "paper-edit", "paper-remove", "review", "watch"]);

export const components: readonly ComponentModule[] = [
  papersPageButtons,
  relatedButton,
  showButton,
  postButton,
  ...followButtons,
  bundleFollowButton,
  paperAddButton,
  paperEditModal,
  paperRemoveButton,
  reviewButtons,
  reviewApproveModal,
  digestBundleButton,
  voteButtonHandler,
];

/** Tried in order: the first whose `matches` accepts the message answers it; the hint is the catch-all. */
export const directMessages: readonly DirectMessageModule[] = [bundleKeyword, directMessageHint];
