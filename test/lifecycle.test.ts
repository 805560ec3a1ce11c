import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it, onTestFinished } from "vitest";
import { commands, components } from "../commands/index.js";
import { runCli, type CliIo } from "../src/cli/index.js";
import { runConsole } from "../src/discord/console.js";
import { startServices } from "../src/services.js";
import { collectOutput, within } from "./support/wait.js";
import { validateCommandPayload } from "../src/discord/deploy.js";
import { startDiscordHarness } from "./support/harness/index.js";
import { chatInput, option } from "./support/interactions.js";
import { createTestApp, repoRoot, tempDir, testEnv } from "./support/app.js";
import { useTestBot, TEST_TOKEN } from "./support/bot.js";

const mainJs = join(repoRoot, "dist", "src", "main.js");
const built = existsSync(mainJs);

function runMain(env: Record<string, string>, stdin: "pipe" | "ignore" = "ignore") {
  const child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: [stdin, "pipe", "pipe"],
    cwd: tempDir(),
  });
  onTestFinished(() => void child.kill("SIGKILL"));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  /** Resolves once stderr contains `text`; rejects after `timeoutMs` or when the process exits first. */
  const printed = (text: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${JSON.stringify(text)} on stderr after ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      const check = () => stderr.includes(text) && done();
      const exit = () => done(new Error(`exited before printing ${JSON.stringify(text)}:\n${stderr}`));
      function done(error?: Error) {
        clearTimeout(timer);
        child.stderr?.off("data", check);
        child.off("exit", exit);
        if (error) reject(error);
        else resolve();
      }
      child.stderr?.on("data", check);
      child.once("exit", exit);
      check();
    });
  return { child, exited, stderr: () => stderr, printed };
}

describe("start and stop", () => {
  it("finishes an in-flight interaction before closing discord.js and SQLite", async () => {
    const t = await useTestBot();
    const payload = chatInput({ name: "paper", options: [option.string("query", "lora")] });
    const path = `/interactions/${payload.id}/${payload.token}/callback`;
    let answer = () => {};
    t.harness.respondWith(
      { method: "POST", path },
      { status: 204 },
      { times: 1, until: new Promise<void>((resolve) => (answer = resolve)) },
    );
    onTestFinished(() => answer());
    const arrived = t.harness.waitForRequest({ method: "POST", path });
    t.harness.dispatchInteraction(payload);
    await arrived;
    const stopped = t.bot.stop();
    // Discord has not answered the callback yet: the bot waits, with SQLite and the gateway still open.
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.logs.records.map((record) => record["msg"])).toContain("shutting down");
    expect(t.bot.app.db.open).toBe(true);
    answer();
    await stopped;
    expect(t.bot.app.db.open).toBe(false);
    expect(t.logs.records.filter((record) => record["level"] === "error")).toEqual([]);
    expect(t.logs.records.map((record) => record["msg"])).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
  });

  it("a clean stop logs the gateway closing as the shutdown, never as a failed connection", async () => {
    const t = await useTestBot();
    await t.bot.stop();
    const messages = t.logs.records.map((record) => record["msg"]);
    expect(messages).not.toContain("discord gateway connection failed, retrying");
    const discordTrouble = t.logs.records.filter(
      (record) => (record["level"] === "warn" || record["level"] === "error") && String(record["msg"]).startsWith("discord"),
    );
    expect(discordTrouble).toEqual([]);
    // discord.js reports its own close as a reconnect: logged once, at info, as the shutdown.
    expect(
      t.logs.records.filter((record) => record["msg"] === "discord gateway closed: shutting down").map((record) => record["level"]),
    ).toEqual(["info"]);
    expect(messages).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
  });

  it.skipIf(!built)("exits 0 on SIGTERM, closing the gateway connection", async () => {
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    const run = runMain({
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: join(tempDir(), "bot.db"),
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
    });
    await harness.waitForReady({ timeoutMs: 20_000 });
    await run.printed('"msg":"ready"');
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('"msg":"stopped"');
    // The signal's close is the shutdown, logged as such: no warning of a failed connection being retried.
    expect(run.stderr()).toContain('"msg":"discord gateway closed: shutting down"');
    expect(run.stderr()).not.toContain("connection failed");
    expect(run.stderr()).not.toMatch(/"level":"(warn|error)".*"msg":"discord/);
    expect(harness.openConnections).toBe(0);
  });

  it.skipIf(!built)("without a token and without a terminal, exits 2 with the config error", async () => {
    const run = runMain({ DATABASE_PATH: join(tempDir(), "bot.db") });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/DISCORD_TOKEN \(unset\)/);
  });

  it.skipIf(!built)("reports every configuration problem at once and exits 2", async () => {
    const run = runMain({ DISCORD_TOKEN: "nope", LOG_LEVEL: "chatty", HTTP_PORT: "http" });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/DISCORD_TOKEN \(set\)[\s\S]*LOG_LEVEL \("chatty"\)[\s\S]*HTTP_PORT \("http"\)/);
    expect(run.stderr()).not.toContain("nope");
  });

  it.skipIf(!built)("refuses to start with a bad catalog, naming the file, entry and field", async () => {
    const catalog = join(tempDir(), "catalog.json");
    writeFileSync(catalog, JSON.stringify({ version: 1, updated: "2026-01-01", papers: [{ id: "Bad Id" }] }));
    const run = runMain({ DISCORD_TOKEN: TEST_TOKEN, CATALOG_PATH: catalog, DATABASE_PATH: join(tempDir(), "bot.db") });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(catalog);
    expect(run.stderr()).toMatch(/entry Bad Id, field id/);
  });
});

describe("deploy-commands", () => {
  function io(env: Record<string, string>) {
    const out: string[] = [];
    const err: string[] = [];
    const value: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      stdin: async function* () {},
      env: testEnv(env),
    };
    return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
  }

  it("stays within Discord's limits, ASCII names, Japanese localizations", () => {
    const definitions = commands.map((command) => command.definition);
    expect(validateCommandPayload(definitions)).toEqual([]);
    for (const definition of definitions) {
      expect(definition.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(definition.description_localizations?.ja).toBeTruthy();
      for (const option of definition.options ?? []) expect(option.description_localizations?.ja).toBeTruthy();
    }
    expect(validateCommandPayload([{ name: "Bad Name", description: "x".repeat(101) }])).toHaveLength(3);
  });

  it("registers to one guild, and globally with the id read from the token's application", async () => {
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    const guild = io({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl });
    expect(await runCli(["deploy-commands", "--guild", "1200000000000000001"], guild.io)).toBe(0);
    const guildWrite = await harness.waitForRequest({ method: "PUT", path: "/applications/:app/guilds/:guild/commands" }, { since: 0 });
    expect((guildWrite.body as { name: string }[]).map((command) => command.name)).toEqual(commands.map((command) => command.name));
    expect(guild.stdout()).toMatch(new RegExp(`registered ${commands.length} commands in guild 1200000000000000001`));

    const global = io({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl });
    expect(await runCli(["deploy-commands"], global.io)).toBe(0);
    expect(harness.findRequests({ method: "GET", path: "/applications/@me" }).length).toBeGreaterThan(0);
    const globalWrite = await harness.waitForRequest({ method: "PUT", path: "/applications/:app/commands" }, { since: 0 });
    expect(globalWrite.params["app"]).toBe(harness.applicationId);
    const paper = (globalWrite.body as { name: string; options: { autocomplete?: boolean; max_length?: number }[] }[])[0];
    expect(paper?.options[0]).toMatchObject({ autocomplete: true, max_length: 200 });
  });

  it("with MODERATION_GUILD_IDS, the shared list's moderator commands go to those guilds only, the rest (with /digest) globally", async () => {
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    const home = "1200000000000000001";
    const run = io({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl, MODERATION_GUILD_IDS: home });
    expect(await runCli(["deploy-commands"], run.io)).toBe(0);
    const moderator = ["paper-add", "paper-edit", "paper-remove", "review", "watch"];
    const names = (body: unknown) => (body as { name: string }[]).map((command) => command.name).sort();
    const globalWrites = harness.findRequests({ method: "PUT", path: "/applications/:app/commands" });
    expect(globalWrites).toHaveLength(1);
    expect(names(globalWrites[0]?.body)).toEqual(
      commands
        .map((command) => command.name)
        .filter((name) => !moderator.includes(name))
        .sort(),
    );
    expect(names(globalWrites[0]?.body)).toContain("digest");
    const guildWrites = harness.findRequests({ method: "PUT", path: "/applications/:app/guilds/:guild/commands" });
    expect(guildWrites.map((request) => request.params["guild"])).toEqual([home]);
    expect(names(guildWrites[0]?.body)).toEqual(moderator);
    expect(run.stdout()).toMatch(
      new RegExp(
        `^registered 5 commands in guild ${home} .*: /watch, /paper-add, /paper-edit, /paper-remove, /review\nregistered ${commands.length - 5} commands globally`,
      ),
    );

    // A listed guild the bot is not in: Discord refuses (exit 4), and the global set is left as it was.
    const notIn = io({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl, MODERATION_GUILD_IDS: "1100000000000000555" });
    expect(await runCli(["deploy-commands"], notIn.io)).toBe(4);
    expect(notIn.stderr()).toMatch(/403.*guilds\/1100000000000000555\/commands/);
    expect(harness.findRequests({ method: "PUT", path: "/applications/:app/commands" })).toHaveLength(1);

    const dry = io({ MODERATION_GUILD_IDS: home });
    expect(await runCli(["deploy-commands", "--dry-run"], dry.io)).toBe(0);
    expect(dry.stderr()).toMatch(
      new RegExp(`/watch, /paper-add, /paper-edit, /paper-remove, /review would be registered in guild ${home} only`),
    );
    expect(JSON.parse(dry.stdout())).toHaveLength(commands.length);
  });

  it("prints the payload with --dry-run and needs a token otherwise", async () => {
    const dry = io({});
    expect(await runCli(["deploy-commands", "--dry-run"], dry.io)).toBe(0);
    expect(JSON.parse(dry.stdout())).toHaveLength(commands.length);
    const missing = io({});
    expect(await runCli(["deploy-commands"], missing.io)).toBe(2);
    expect(missing.stderr()).toMatch(/DISCORD_TOKEN/);
  });
});

describe("local console", () => {
  /** The services the console runs on, stopped (and the database closed) when the test ends. */
  async function consoleServices() {
    const app = createTestApp({ BUNDLE_DIR: join(tempDir(), "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" });
    onTestFinished(() => void app.close());
    const services = await startServices(app, {
      directMessenger: () => ({ send: async () => "unavailable" }),
      discordStatus: () => "disabled",
    });
    onTestFinished(() => services.stop());
    return services;
  }

  it("stops when asked (Ctrl+C) while waiting for input, and reads nothing after", async () => {
    const services = await consoleServices();
    const input = new PassThrough();
    const output = new PassThrough();
    const printed = collectOutput(output);
    const stop = new AbortController();
    let finished = false;
    const done = runConsole(services.ctx, { commands, components, input, output, locale: "en", signal: stop.signal }).then(
      () => void (finished = true),
    );
    input.write("/help\n");
    await printed.waitFor("/paper query:");
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false);
    stop.abort();
    await within(done, 2_000, "console after Ctrl+C");
    input.write("/paper lora\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(printed.text()).not.toContain("LoRA");
  });

  it("returns at once when the stop signal came before it started", async () => {
    const services = await consoleServices();
    const output = new PassThrough();
    const printed = collectOutput(output);
    await within(
      runConsole(services.ctx, { commands, components, input: new PassThrough(), output, locale: "en", signal: AbortSignal.abort() }),
      2_000,
      "console with an aborted signal",
    );
    expect(printed.text()).not.toContain(">");
  });

  it("takes the same slash commands as text and prints the replies", async () => {
    const services = await consoleServices();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const done = runConsole(services.ctx, { commands, components, input, output, locale: "en" });
    input.end(
      ["/paper lora", "/papers topic:retrieval", "/help", "/nope", "チンチラ", "/follow topic:retrieval", "/bundle"].join("\n") + "\n",
    );
    await within(done, 10_000, "console reading its input");
    expect(printed).toContain("set DISCORD_TOKEN");
    expect(printed).toContain("== LoRA: Low-Rank Adaptation of Large Language Models ==");
    expect(printed).toContain("[arXiv https://arxiv.org/abs/2106.09685]");
    expect(printed).toContain("LLM reading list · Retrieval");
    expect(printed).toContain("/paper query:");
    expect(printed).toMatch(/Unknown command nope/);
    expect(printed).toContain("Training Compute-Optimal Large Language Models");
    expect(printed).toContain("You'll also get alerts for new papers on Retrieval.");
    expect(printed).not.toContain("**");
    expect(printed).toMatch(/\[Download \([\d.]+ KB\) http:\/\/localhost:\d+\/bundle\/paperbot-llm-reading-list\.zip\?exp=\d+&sig=/);
  });
});
