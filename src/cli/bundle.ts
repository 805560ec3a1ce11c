import { buildBundle } from "../bundle/build.js";
import { bundleTimestamp } from "../bundle/service.js";
import { BundleStore } from "../bundle/store.js";
import { t } from "../i18n/index.js";
import { writeOutputFile } from "../out-file.js";
import { parse, UsageError, withApp, type Handler } from "./kit.js";

export const bundleCommand: Handler = async (args, io) => {
  const [verb, ...rest] = args;
  if (verb !== "build") throw new UsageError("bundle needs a verb: build");
  const { values, positionals } = parse(rest, { out: { type: "string" } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a file name");
  return withApp(io, async (app) => {
    const papers = app.catalog.papers;
    const result = buildBundle(papers, { generatedAt: bundleTimestamp(papers, app.catalogUpdated) });
    let target: string;
    if (values.out) {
      target = values.out;
      await writeOutputFile(target, result.zip);
    } else {
      target = new BundleStore(app.config.bundle.dir, { clock: app.clock }).write(result).path;
    }
    const width = Math.max(...result.files.map((file) => file.name.length));
    io.stdout(
      [
        `${target}: ${result.zip.length} bytes, ${t("en", "count.papers", { count: result.paperCount })}`,
        ...result.files.map((file) => `  ${file.name.padEnd(width)}  ${String(file.size).padStart(8)} bytes`),
        `sha256 ${result.sha256}`,
      ].join("\n") + "\n",
    );
    return 0;
  });
};
