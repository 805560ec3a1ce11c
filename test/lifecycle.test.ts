import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { commands, components } from "../commands/index.js";
import { runCli, type CliIo } from "../src/cli.js";
import { runConsole } from "../src/discord/console.js";
import { startServices } from "../src/services.js";
import { validateCommandPayload } from "../src/discord/deploy.js";
import { startDiscordHarness } from "./support/harness/index.js";
import { chatInput, option } from "./support/interactions.js";
import { createTestApp, repoRoot, tempDir, testEnv } from "./support/app.js";
import { startTestBot, TEST_TOKEN } from "./support/bot.js";

const mainJs = join(repoRoot, "dist", "src", "main.js");
const built = existsSync(mainJs);

function runMain(env: Record<string, string>, stdin: "pipe" | "ignore" = "ignore") {
  const child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: [stdin, "pipe", "pipe"],
    cwd: tempDir(),
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe("start and stop", () => {
  it("finishes an in-flight interaction before closing discord.js and SQLite", async () => {
    const t = await startTestBot();
    const payload = chatInput({ name: "paper", options: [option.string("query", "lora")] });
    const path = `/interactions/${payload.id}/${payload.token}/callback`;
    t.harness.respondWith({ method: "POST", path }, { status: 204 }, { times: 1, delayMs: 400 });
    const arrived = t.harness.waitForRequest({ method: "POST", path });
    t.harness.dispatchInteraction(payload);
    await arrived;
    await t.close();
    expect(t.bot.app.db.open).toBe(false);
    expect(t.logs.records.filter((record) => record["level"] === "error")).toEqual([]);
    expect(t.logs.records.map((record) => record["msg"])).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
  });

  it.skipIf(!built)("exits 0 on SIGTERM, closing the gateway connection", async () => {
    const harness = await startDiscordHarness();
    const run = runMain({
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: join(tempDir(), "bot.db"),
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
    });
    await harness.waitForReady({ timeoutMs: 20_000 });
    await new Promise<void>((resolve) => {
      const check = () => (run.stderr().includes('"msg":"ready"') ? resolve() : setTimeout(check, 20));
      check();
    });
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('"msg":"stopped"');
    expect(harness.openConnections).toBe(0);
    await harness.close();
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
    const value: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env: testEnv(env) };
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
    const guild = io({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl });
    expect(await runCli(["deploy-commands", "--guild", "1200000000000000001"], guild.io)).toBe(0);
    const guildWrite = await harness.waitForRequest({ method: "PUT", path: "/applications/:app/guilds/:guild/commands" }, { since: 0 });
    expect((guildWrite.body as { name: string }[]).map((command) => command.name)).toEqual(["paper", "papers", "follow", "unfollow", "following", "bundle", "watch", "help"]);
    expect(guild.stdout()).toMatch(/registered 8 commands in guild 1200000000000000001/);

    const global = io({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl });
    expect(await runCli(["deploy-commands"], global.io)).toBe(0);
    expect(harness.findRequests({ method: "GET", path: "/applications/@me" }).length).toBeGreaterThan(0);
    const globalWrite = await harness.waitForRequest({ method: "PUT", path: "/applications/:app/commands" }, { since: 0 });
    expect(globalWrite.params["app"]).toBe(harness.applicationId);
    const paper = (globalWrite.body as { name: string; options: { autocomplete?: boolean; max_length?: number }[] }[])[0];
    expect(paper?.options[0]).toMatchObject({ autocomplete: true, max_length: 200 });
    await harness.close();
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
  it("stops when asked (Ctrl+C), even while waiting for input", async () => {
    const app = createTestApp({ BUNDLE_DIR: join(tempDir(), "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" });
    const services = await startServices(app, { directMessenger: () => ({ send: async () => "unavailable" }), discordStatus: () => "disabled" });
    const stop = new AbortController();
    const done = runConsole(services.ctx, { commands, components, input: new PassThrough(), output: new PassThrough(), locale: "ja", signal: stop.signal });
    stop.abort();
    await done;
    await services.stop();
    app.close();
  });

  it("takes the same slash commands as text and prints the replies", async () => {
    const app = createTestApp({ BUNDLE_DIR: join(tempDir(), "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" });
    const services = await startServices(app, { directMessenger: () => ({ send: async () => "unavailable" }), discordStatus: () => "disabled" });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const done = runConsole(services.ctx, { commands, components, input, output, locale: "en" });
    input.end(["/paper lora", "/papers topic:retrieval", "/help", "/nope", "チンチラ", "/follow topic:retrieval", "/bundle"].join("\n") + "\n");
    await done;
    await services.stop();
    app.close();
    expect(printed).toContain("set DISCORD_TOKEN");
    expect(printed).toContain("== LoRA: Low-Rank Adaptation of Large Language Models ==");
    expect(printed).toContain("[arXiv https://arxiv.org/abs/2106.09685]");
    expect(printed).toContain("LLM reading list · Retrieval");
    expect(printed).toContain("/paper query:");
    expect(printed).toMatch(/Unknown command nope/);
    expect(printed).toContain("Training Compute-Optimal Large Language Models");
    expect(printed).toContain("You'll also get alerts for new papers on **Retrieval**");
    expect(printed).toMatch(/\[Download \([\d.]+ KB\) http:\/\/localhost:\d+\/bundle\/paperbot-llm-reading-list\.zip\?exp=\d+&sig=/);
  });
});
