import { Events, GatewayDispatchEvents, type Client, type Interaction } from "discord.js";
import type { Logger } from "../logger.js";

/** What the gateway packet says about an interaction that discord.js's objects no longer carry with lean caches. */
export interface InteractionFacts {
  /** The invoking member's role ids as Discord sent them (null outside servers). */
  memberRoleIds: string[] | null;
}

/** Interactions seen but not yet handed over (a bound, in case discord.js drops one it cannot type). */
const MAX_PENDING = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function memberRoleIds(data: Record<string, unknown>): string[] | null {
  const member = data["member"];
  if (!isRecord(member) || !Array.isArray(member["roles"])) return null;
  return member["roles"].filter((id): id is string => typeof id === "string");
}

/**
 * discord.js builds interaction objects in its InteractionCreate action. It is internal (typed private), so it is
 * looked up at run time; without it interactions simply wait for every shard, as before.
 */
function interactionBuilder(client: Client): ((data: Record<string, unknown>) => void) | null {
  const actions: unknown = Reflect.get(client, "actions");
  const action = isRecord(actions) ? actions["InteractionCreate"] : undefined;
  const handle = isRecord(action) ? action["handle"] : undefined;
  if (typeof handle !== "function") return null;
  return (data) => {
    handle.call(action, data);
  };
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_PENDING) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/**
 * Hands every interaction to `onInteraction` exactly once, as soon as its shard delivers it.
 *
 * discord.js holds every gateway event until all shards of the client are ready (54 s at 10,000 servers, nearly
 * 5 minutes at 50,000), so commands sent to an already connected shard in the meantime would miss Discord's 3 s.
 * Until the client is ready, interactions are built from the raw packet at once; the copy discord.js replays at
 * ready is recognised by its id and skipped.
 */
export function routeInteractions(
  client: Client,
  onInteraction: (interaction: Interaction, facts: InteractionFacts) => void,
  logger: Logger,
): void {
  const build = interactionBuilder(client);
  if (!build) logger.warn("this discord.js version does not expose its interaction builder: commands wait until every shard is connected");
  const answeredEarly = new Set<string>();
  const facts = new Map<string, InteractionFacts>();
  client.on(Events.Raw, (packet: unknown) => {
    if (!isRecord(packet) || packet["t"] !== GatewayDispatchEvents.InteractionCreate) return;
    const data = packet["d"];
    if (!isRecord(data) || typeof data["id"] !== "string") return;
    const id = data["id"];
    remember(facts, id, { memberRoleIds: memberRoleIds(data) });
    // Same test as discord.js's own queue (WebSocketManager#handlePacket), in the same tick.
    if (client.isReady() || !build) return;
    build(data);
    if (answeredEarly.size >= MAX_PENDING) answeredEarly.clear();
    answeredEarly.add(id);
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (answeredEarly.delete(interaction.id)) return;
    const known = facts.get(interaction.id);
    facts.delete(interaction.id);
    onInteraction(interaction, known ?? { memberRoleIds: null });
  });
}
