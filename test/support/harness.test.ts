/**
 * Proves test/support/harness/ against the real discord.js 14 Client: gateway handshake,
 * REST interaction responses, overrides, resume, and the real captured payloads from ../shared.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type Interaction,
  type Message,
  type TextChannel,
} from "discord.js";
import type { APIMessage, RESTPostAPIInteractionCallbackWithResponseResult } from "discord-api-types/v10";
import { DEFAULT_BOT_USER, DEFAULT_GUILD, DEFAULT_USER, startDiscordHarness, type DiscordHarness } from "./harness/index.js";
import { autocomplete, button, chatInput, option } from "./interactions.js";
import { dmMessageCreate } from "./messages.js";
import { completeLegacyInteraction, loadRealInteractionFixture } from "./real-interactions.js";
import { readsUnlicensedCapture } from "./real-fixtures.js";

const TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.harness.fake-token";
const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages];
const CALLBACK = { method: "POST", path: "/interactions/:id/:token/callback" } as const;

function nextInteraction(client: Client): Promise<Interaction> {
  return new Promise((resolve) => client.once(Events.InteractionCreate, resolve));
}

async function loggedInClient(harness: DiscordHarness, partials: Partials[] = []): Promise<Client<true>> {
  const client = new Client({ intents: INTENTS, partials, rest: { api: harness.apiUrl } });
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(TOKEN);
  return ready;
}

function callbackBody(body: unknown): { type: number; data: Record<string, unknown> } {
  expect(body).toMatchObject({ type: expect.any(Number) });
  const record = body as { type: number; data?: Record<string, unknown> };
  return { type: record.type, data: record.data ?? {} };
}

describe("discord harness + real discord.js Client", () => {
  let harness: DiscordHarness;
  let client: Client<true> | null = null;

  beforeEach(async () => {
    harness = await startDiscordHarness();
  });

  afterEach(async () => {
    await client?.destroy();
    client = null;
    await harness.close();
  });

  it("logs in: gateway/bot over REST, IDENTIFY with intents, READY + GUILD_CREATE fill the cache", async () => {
    client = await loggedInClient(harness);

    expect(client.user.tag).toBe(DEFAULT_BOT_USER.username);
    expect(client.user.bot).toBe(true);
    expect(client.application.id).toBe(harness.applicationId);
    const guild = client.guilds.cache.get(DEFAULT_GUILD.id);
    expect(guild?.name).toBe(DEFAULT_GUILD.name);
    expect(guild?.channels.cache.get("1200000000000000011")?.name).toBe("papers");
    expect(guild?.members.me?.id).toBe(DEFAULT_BOT_USER.id);
    expect(guild?.roles.everyone.id).toBe(DEFAULT_GUILD.id);

    const identify = await harness.waitForIdentify();
    expect(identify.token).toBe(TOKEN);
    expect(identify.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.DirectMessages);
    expect(identify.compress).toBe(false);
    expect(identify.shard).toEqual([0, 1]);
    expect(identify.properties).toMatchObject({ browser: expect.stringContaining("@discordjs/ws") });

    const gateway = harness.findRequests({ method: "GET", path: "/gateway/bot" });
    expect(gateway.length).toBeGreaterThanOrEqual(1);
    expect(gateway[0]?.headers["authorization"]).toBe(`Bot ${TOKEN}`);
    expect(gateway[0]?.headers["user-agent"]).toMatch(/^DiscordBot \(https:\/\/discord\.js\.org/);

    const connection = harness.connections[0];
    expect(connection?.query.get("v")).toBe("10");
    expect(connection?.query.get("encoding")).toBe("json");
    expect(connection?.query.has("compress")).toBe(false);
    expect(harness.unmatchedRequests).toEqual([]);
  });

  it("chatInput → ChatInputCommandInteraction; reply() is callback type 4", async () => {
    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    const payload = harness.dispatchInteraction(chatInput({ name: "paper", options: [option.string("id", "1706.03762")], locale: "ja" }));
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error(`expected a chat input command, got type ${interaction.type}`);
    expect(interaction.commandName).toBe("paper");
    expect(interaction.options.getString("id")).toBe("1706.03762");
    expect(interaction.locale).toBe("ja");
    expect(interaction.inCachedGuild()).toBe(true);
    expect(interaction.user.id).toBe(DEFAULT_USER.id);

    const callback = harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` });
    await interaction.reply({ content: "Attention Is All You Need" });
    const request = await callback;
    expect(request.query.get("with_response")).toBe("false");
    expect(request.headers["authorization"]).toBeUndefined();
    expect(request.response.status).toBe(204);
    expect(callbackBody(request.body)).toEqual({ type: 4, data: expect.objectContaining({ content: "Attention Is All You Need" }) });
    expect(harness.interaction(payload.id)?.original).toMatchObject({
      type: 20,
      content: "Attention Is All You Need",
      webhook_id: harness.applicationId,
    });
  });

  it("deferReply + editReply → callback type 5 then PATCH /webhooks/:app/:token/messages/@original", async () => {
    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    const payload = harness.dispatchInteraction(chatInput({ name: "summary" }));
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");

    const since = harness.requests.length;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const edited = await interaction.editReply({ content: "Summary ready" });

    const deferred = await harness.waitForRequest(CALLBACK, { since });
    expect(callbackBody(deferred.body)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const patch = await harness.waitForRequest({ method: "PATCH", path: "/webhooks/:app/:token/messages/@original" }, { since });
    expect(patch.params).toEqual({ app: harness.applicationId, token: payload.token, message: "@original" });
    expect(patch.body).toMatchObject({ content: "Summary ready" });
    expect(patch.response.status).toBe(200);
    expect(edited.content).toBe("Summary ready");
    expect(edited.flags.has(MessageFlags.Ephemeral)).toBe(true);
    expect(edited.flags.has(MessageFlags.Loading)).toBe(false);

    const followUp = await interaction.followUp({ content: "one more thing" });
    expect(followUp.content).toBe("one more thing");
    expect(harness.interaction(payload.token)?.followups).toHaveLength(1);
  });

  it("multipart bodies: payload_json is parsed and attached files are listed", async () => {
    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    const payload = harness.dispatchInteraction(chatInput({ name: "bundle" }));
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
    const callback = harness.waitForRequest(CALLBACK);
    const markdown = Buffer.from("# Reading list\n- 1706.03762\n");
    await interaction.reply({ content: "Your bundle", files: [{ attachment: markdown, name: "bundle.md" }] });
    const request = await callback;
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.body).toMatchObject({ type: 4, data: { content: "Your bundle", attachments: [{ id: "0" }] } });
    expect(request.files).toEqual([expect.objectContaining({ field: "files[0]", name: "bundle.md", size: markdown.length })]);
    expect(request.files[0]?.data.toString()).toBe(markdown.toString());
    expect(harness.interaction(payload.id)?.original?.attachments).toEqual([
      expect.objectContaining({ filename: "bundle.md", size: markdown.length }),
    ]);
  });

  it("autocomplete → AutocompleteInteraction; respond() is callback type 8 with the choices", async () => {
    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    const payload = harness.dispatchInteraction(autocomplete({ name: "paper", options: [option.focused("id", "attent")] }));
    const interaction = await received;
    if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
    expect(interaction.options.getFocused(true)).toMatchObject({ name: "id", value: "attent" });

    const callback = harness.waitForRequest(CALLBACK);
    await interaction.respond([{ name: "Attention Is All You Need", value: "1706.03762" }]);
    const request = await callback;
    expect(callbackBody(request.body)).toEqual({
      type: 8,
      data: { choices: [{ name: "Attention Is All You Need", value: "1706.03762" }] },
    });
    expect(harness.interaction(payload.id)?.choices).toHaveLength(1);
  });

  it("a button on the bot's reply → ButtonInteraction; update() is callback type 7", async () => {
    client = await loggedInClient(harness);
    const first = nextInteraction(client);
    harness.dispatchInteraction(chatInput({ name: "follow" }));
    const command = await first;
    if (!command.isChatInputCommand()) throw new Error("expected a chat input command");
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("follow:1706.03762").setLabel("Follow").setStyle(ButtonStyle.Primary),
    );
    const replied = harness.waitForRequest(CALLBACK);
    const response = await command.reply({ content: "Follow this paper?", components: [row], withResponse: true });
    expect(response.resource?.message?.content).toBe("Follow this paper?");
    const raw = (await replied).response.body as RESTPostAPIInteractionCallbackWithResponseResult;
    const message: APIMessage | undefined = raw.resource?.message;
    if (!message) throw new Error("callback with_response=true should return resource.message");

    const second = nextInteraction(client);
    const press = harness.dispatchInteraction(button({ customId: "follow:1706.03762", message }));
    const interaction = await second;
    if (!interaction.isButton()) throw new Error("expected a button interaction");
    expect(interaction.customId).toBe("follow:1706.03762");
    expect(interaction.message.id).toBe(message.id);

    const callback = harness.waitForRequest(CALLBACK);
    await interaction.update({ content: "Following 1706.03762", components: [] });
    expect(callbackBody((await callback).body)).toEqual({
      type: 7,
      data: expect.objectContaining({ content: "Following 1706.03762", components: [] }),
    });
    expect(harness.interaction(press.id)?.original).toMatchObject({ id: message.id, content: "Following 1706.03762" });
  });

  // Discord4J's capture is LGPL-3.0, not committed: read from ../shared.
  it("a real captured INTERACTION_CREATE (Discord4J, 2021) dispatched raw arrives as an interaction", readsUnlicensedCapture, async () => {
    const fixture = loadRealInteractionFixture("Discord4J-discord-json__InteractionCreate.gateway.type2");
    if (!fixture) throw new Error("fixture missing although ../shared is present");
    expect(fixture.gatewayEnvelope).toBe(true);
    // The 2021 capture predates fields discord.js 14.28 dereferences unconditionally; see completeLegacyInteraction.
    expect(completeLegacyInteraction(fixture.interaction, harness.applicationId)).toEqual([
      "application_id",
      "entitlements",
      "authorizing_integration_owners",
      "data.type",
    ]);

    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    harness.dispatch("INTERACTION_CREATE", fixture.interaction);
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
    expect(interaction.id).toBe("817819131540668417");
    expect(interaction.commandName).toBe("payload");
    expect(interaction.options.getString("string")).toBe("hello");
    expect(interaction.options.getInteger("integer")).toBe(52);
    expect(interaction.options.getBoolean("boolean")).toBe(false);
    expect(interaction.options.getUser("user")?.username).toBe("Shadbot-Bêta");
    expect(interaction.guildId).toBe("339318275320184833");

    const callback = harness.waitForRequest({ method: "POST", path: "/interactions/817819131540668417/hunter2/callback" });
    await interaction.reply({ content: "pong" });
    expect((await callback).response.status).toBe(204);
  });

  it("a real captured button press (Discord docs) arrives as a ButtonInteraction", async () => {
    const fixture = loadRealInteractionFixture("discord-api-docs__message-components_sample-component-interaction_button.type3.json");
    if (!fixture) throw new Error("discord-api-docs button capture missing from test/fixtures/real/discord");
    completeLegacyInteraction(fixture.interaction, harness.applicationId);
    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    harness.dispatch("INTERACTION_CREATE", fixture.interaction);
    const interaction = await received;
    if (!interaction.isButton()) throw new Error("expected a button");
    expect(interaction.customId).toBe("click_one");
    expect(interaction.message.content).toBe("This is a message with components.");
    const callback = harness.waitForRequest(CALLBACK);
    await interaction.deferUpdate();
    expect(callbackBody((await callback).body).type).toBe(6);
  });

  it("DMs: MESSAGE_CREATE in a DM reaches messageCreate (with Partials.Channel) and reply() posts to the DM channel", async () => {
    client = await loggedInClient(harness, [Partials.Channel]);
    const received = new Promise<Message>((resolve) => client?.once(Events.MessageCreate, resolve));
    const data = dmMessageCreate({ content: "hello bot" });
    expect(harness.dispatch("MESSAGE_CREATE", data)).toBe(1);
    const message = await received;
    expect(message.channel.type).toBe(ChannelType.DM);
    expect(message.content).toBe("hello bot");

    const post = harness.waitForRequest({ method: "POST", path: `/channels/${data.channel_id}/messages` });
    const reply = await message.reply("hi!");
    expect((await post).body).toMatchObject({ content: "hi!", message_reference: { message_id: data.id } });
    expect(reply.author.id).toBe(DEFAULT_BOT_USER.id);
    expect(harness.messagesIn(data.channel_id).map((m) => m.content)).toEqual(["hello bot", "hi!"]);
  });

  it("respondWith: 403 50007 for a closed DM surfaces as DiscordAPIError; a 429 is retried", async () => {
    client = await loggedInClient(harness);
    const user = await client.users.fetch(DEFAULT_USER.id);
    harness.respondWith(
      { method: "POST", path: "/channels/:id/messages" },
      { status: 403, body: { code: 50007, message: "Cannot send messages to this user" } },
      { times: 1 },
    );
    const error = await user.send("new papers today").then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error instanceof DiscordAPIError ? error.code : null).toBe(50007);
    expect(harness.findRequests({ method: "POST", path: "/users/@me/channels" })[0]?.body).toEqual({ recipient_id: DEFAULT_USER.id });

    const channel = client.channels.cache.get("1200000000000000011") as TextChannel;
    const limited = harness.respondWith(
      { method: "POST", path: `/channels/${channel.id}/messages` },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 0.05, global: false } },
      { times: 1 },
    );
    const since = harness.requests.length;
    const sent = await channel.send("after the rate limit");
    expect(sent.content).toBe("after the rate limit");
    expect(limited.hits).toBe(1);
    expect(
      harness.findRequests((r) => r.index >= since && r.path === `/channels/${channel.id}/messages`).map((r) => r.response.status),
    ).toEqual([429, 200]);
  });

  it("validates like Discord: over-long content is a 50035 form error; unknown routes are recorded 404s", async () => {
    client = await loggedInClient(harness);
    const received = nextInteraction(client);
    harness.dispatchInteraction(chatInput({ name: "summary" }));
    const interaction = await received;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
    const error = await interaction.reply({ content: "x".repeat(2001) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error instanceof DiscordAPIError ? [error.code, error.message] : error).toEqual([
      50035,
      expect.stringContaining("data.content[BASE_TYPE_MAX_LENGTH]"),
    ]);

    const unknown = await client.rest.get("/guilds/1200000000000000001/audit-logs").catch((e: unknown) => e);
    expect(unknown instanceof DiscordAPIError ? unknown.status : unknown).toBe(404);
    expect(harness.unmatchedRequests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /guilds/1200000000000000001/audit-logs"]);
  });

  it("application commands: PUT is echoed with ids and stored", async () => {
    client = await loggedInClient(harness);
    const commands = await client.application.commands.set([
      {
        name: "paper",
        description: "Look a paper up",
        options: [{ type: 3, name: "id", description: "arXiv id or title", required: true, autocomplete: true }],
      },
    ]);
    expect(commands.first()?.name).toBe("paper");
    const application = await client.application.fetch();
    expect(application.name).toBe(DEFAULT_BOT_USER.username);
    expect(application.owner?.id).toBe(DEFAULT_USER.id);
    expect(harness.registeredCommands()[0]).toMatchObject({
      name: "paper",
      application_id: harness.applicationId,
      id: expect.stringMatching(/^\d{17,20}$/),
    });
    expect(harness.lastCommandPayload()).toEqual([expect.objectContaining({ name: "paper", description: "Look a paper up" })]);

    const bad = await client.application.commands.set([{ name: "Paper", description: "upper case is invalid" }]).catch((e: unknown) => e);
    expect(bad instanceof DiscordAPIError ? bad.code : bad).toBe(50035);
  });

  it("op 7 RECONNECT → discord.js RESUMEs on resume_gateway_url and keeps receiving dispatches", async () => {
    client = await loggedInClient(harness);
    const resumed = harness.waitForResume();
    harness.requestReconnect();
    const resume = await resumed;
    expect(resume.accepted).toBe(true);
    expect(harness.connections.at(-1)?.url.startsWith("/resume?v=10&encoding=json")).toBe(true);
    expect(harness.identifies).toHaveLength(1);

    const received = nextInteraction(client);
    const payload = harness.dispatchInteraction(chatInput({ name: "paper" }));
    expect((await received).id).toBe(payload.id);
  });

  it("destroy() closes the gateway cleanly with 1000 and close() leaves nothing open", async () => {
    client = await loggedInClient(harness);
    await client.destroy();
    client = null;
    expect(harness.connections[0]).toMatchObject({ closedBy: "client", closeCode: 1000 });
    expect(harness.openConnections).toBe(0);
    expect(() => harness.dispatch("TYPING_START", {})).toThrow(/no gateway session/);
    await harness.close();
    // No socket or server of ours may outlive close(): wait (event-driven, bounded) for the TCP handles to go.
    const deadline = performance.now() + 2000;
    const tcpHandles = (): string[] => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP"));
    while (tcpHandles().length > 0 && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(tcpHandles()).toEqual([]);
  });
});

describe("heartbeats", () => {
  it("op 1 heartbeats are answered with op 11", async () => {
    const harness = await startDiscordHarness({ heartbeatIntervalMs: 25 });
    const client = new Client({ intents: INTENTS, rest: { api: harness.apiUrl } });
    try {
      const acked = new Promise<void>((resolve) => {
        client.on(Events.Debug, (line) => {
          if (line.includes("Heartbeat acknowledged")) resolve();
        });
      });
      await client.login(TOKEN);
      const beat = await harness.waitForGatewayPayload((p) => p.op === 1, { since: 0 });
      expect(beat.d === null || typeof beat.d === "number").toBe(true);
      await acked;
    } finally {
      await client.destroy();
      await harness.close();
    }
  });
});
