import { commandHeader, defineCommand, type Reply } from "../src/discord/command.js";
import { BRAND_COLOUR, fitEmbed } from "../src/shared/embeds.js";
import { t } from "../src/i18n/index.js";
import { isModerator } from "../src/moderation/permissions.js";

export default defineCommand({
  definition: commandHeader("help", "command.help.description"),
  privateReplies: true,

  execute(ctx, _options, requester): Reply {
    const { locale } = requester;
    const commands = [
      t(locale, "help.paper"),
      t(locale, "help.papers"),
      t(locale, "help.follow"),
      t(locale, "help.suggest"),
      // votes (issue 18)
      t(locale, "help.votes"),
      t(locale, "help.votesPrivacy"),
      t(locale, "help.help"),
    ];
    return {
      kind: "reply",
      private: true,
      embeds: [
        fitEmbed({
          title: t(locale, "help.title"),
          // The live list: the curated catalog and what moderators added since (another process's additions too).
          description: t(locale, "help.description", { count: ctx.catalog.size }),
          color: BRAND_COLOUR,
          fields: [
            { name: t(locale, "help.commands"), value: commands.join("\n") },
            ...(isModerator(ctx, requester) ? [{ name: t(locale, "help.moderatorCommands"), value: t(locale, "help.moderation") }] : []),
            { name: t(locale, "help.language"), value: t(locale, "help.locale") },
          ],
        }),
      ],
    };
  },
});
