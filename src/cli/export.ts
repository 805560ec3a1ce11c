import { followStore } from "../db/follows.js";
import { suggestionStore } from "../db/suggestions.js";
import { exportUserData } from "../follows/export.js";
import { parse, UsageError, withApp, type Handler } from "./kit.js";
import { voteStore } from "../db/votes.js";

export const exportCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(args, { user: { type: "string" } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (!values.user || !/^\d{17,20}$/.test(values.user)) throw new UsageError("export needs --user with a Discord user id (17-20 digits)");
  const userId = values.user;
  return withApp(io, async (app) => {
    const community = { suggestions: suggestionStore(app.db).byUser(userId), votes: voteStore(app.db).votesOf(userId) };
    io.stdout(JSON.stringify(exportUserData(followStore(app.db), userId, app.clock.now(), community), null, 2) + "\n");
    return 0;
  });
};
