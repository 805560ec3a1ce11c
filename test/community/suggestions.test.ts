/** Members' suggestions on an in-memory database: the queue, the sliding rate limit, dedupe, notices, labels, expiry. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSuggestions, SUGGESTION_WINDOW_MS, type SuggestionRequest } from "../../src/community/suggestions.js";
import { MAX_SUGGESTION_WEIGHT, suggestionLabels, suggestionWeight } from "../../src/community/suggestion-labels.js";
import { candidateStore } from "../../src/db/candidates.js";
import { suggestionStore } from "../../src/db/suggestions.js";
import { corpusStore } from "../../src/db/corpus.js";
import { createModeration } from "../../src/moderation/index.js";
import { apiEntry, startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { reviewCandidate } from "../support/candidates.js";

const ALICE = "1300000000000000301";
const BOB = "1300000000000000302";

describe("suggestions", () => {
  let arxiv: ArxivApiServer;
  let app: ReturnType<typeof createTestApp>;
  let clock: ReturnType<typeof fixedClock>;
  let suggestions: ReturnType<typeof createSuggestions>;
  let sources: Parameters<ReturnType<typeof createSuggestions>["suggest"]>[1];

  beforeEach(async () => {
    arxiv = await startArxivApiServer();
    clock = fixedClock(new Date("2026-12-07T00:00:00Z"));
    app = createTestApp({ ARXIV_API_URL: arxiv.url, ARXIV_REQUEST_INTERVAL_MS: "0" }, clock);
    suggestions = createSuggestions(app.db, clock);
    sources = { papers: app.catalog.papers, has: (id) => app.catalog.get(id) !== undefined, arxiv: createModeration(app).arxiv };
  });
  afterEach(async () => {
    app?.db.close();
    await arxiv?.close();
  });

  const request = (userId: string, reference: string, note = ""): SuggestionRequest => ({
    reference,
    note,
    userId,
    userName: `user-${userId.slice(-3)}`,
    locale: "en",
    guildId: null,
  });

  it("a new paper becomes a pending candidate ahead of better-scored ones, below the score threshold too", async () => {
    candidateStore(app.db).insert(reviewCandidate("2406.20001", "A watch candidate", 0.99), clock.now());
    arxiv.queue.push({ status: 200, body: apiEntry("2409.01234", "Tiny adapters") });
    expect(await suggestions.suggest(request(ALICE, "2409.01234", "worth it"), sources)).toEqual({
      kind: "recorded",
      title: "Tiny adapters",
      arxivId: "2409.01234",
    });
    const pending = candidateStore(app.db).pending(0.9, 10);
    expect(pending.map((candidate) => [candidate.arxivId, candidate.score])).toEqual([
      ["2409.01234", 0],
      ["2406.20001", 0.99],
    ]);
    expect(candidateStore(app.db).pendingCount(0.9)).toBe(2);
  });

  it("rate limit: a sliding 24-hour window, not a calendar day", async () => {
    const store = candidateStore(app.db);
    for (let index = 0; index < 7; index += 1) store.insert(reviewCandidate(`2410.0000${index}`, `Paper ${index}`, 0.5), clock.now());
    const start = clock.now().getTime();
    for (let index = 0; index < 5; index += 1) {
      expect((await suggestions.suggest(request(ALICE, `2410.0000${index}`), sources)).kind).toBe("supported");
      clock.advance(3600_000);
    }
    // 05:00 UTC: a new calendar day would not help; the first suggestion ages out at 00:00 the next day.
    expect(await suggestions.suggest(request(ALICE, "2410.00005"), sources)).toEqual({
      kind: "rateLimited",
      nextAt: new Date(start + SUGGESTION_WINDOW_MS),
    });
    clock.advance(SUGGESTION_WINDOW_MS - 5 * 3600_000 - 1);
    expect((await suggestions.suggest(request(ALICE, "2410.00005"), sources)).kind).toBe("rateLimited");
    clock.advance(1);
    expect((await suggestions.suggest(request(ALICE, "2410.00005"), sources)).kind).toBe("supported");
    expect(suggestions.nextAllowed(ALICE, clock.now())).toEqual(new Date(start + 3600_000 + SUGGESTION_WINDOW_MS));
    expect(arxiv.requests).toEqual([]);
  });

  it("dedupe: one candidate, supporters counted; decided papers are not suggested again", async () => {
    expect((await suggestions.suggest(request(ALICE, "1207.7214"), sources)).kind).toBe("recorded");
    expect(await suggestions.suggest(request(BOB, "https://arxiv.org/abs/1207.7214v2"), sources)).toMatchObject({
      kind: "supported",
      supporters: 2,
    });
    expect((await suggestions.suggest(request(ALICE, "1207.7214"), sources)).kind).toBe("alreadyYours");
    expect(arxiv.requests).toHaveLength(1);
    candidateStore(app.db).decide("1207.7214", false, "mina", clock.now());
    expect(await suggestions.suggest(request("1300000000000000303", "1207.7214"), sources)).toMatchObject({
      kind: "decidedBefore",
      approved: false,
    });
  });

  it("an expired candidate comes back; a suggestion keeps it from expiring for the retention period", async () => {
    const store = candidateStore(app.db);
    store.insert(reviewCandidate("2401.00001", "Old watch paper", 0.95), new Date("2026-01-01T00:00:00Z"));
    expect(store.expireBefore(new Date("2026-06-01T00:00:00Z"))).toBe(1);
    expect((await suggestions.suggest(request(ALICE, "2401.00001"), sources)).kind).toBe("supported");
    expect(store.get("2401.00001")?.status).toBe("undecided");
    expect(store.expireBefore(new Date("2026-12-01T00:00:00Z"))).toBe(0);
    expect(store.expireBefore(new Date("2026-12-08T00:00:00Z"))).toBe(1);
  });

  it("decision notices: each sent once, in the member's language; not tried (no Discord) is given back; anonymised never sent", async () => {
    const store = candidateStore(app.db);
    for (const id of ["2410.00001", "2410.00002", "2410.00003"]) store.insert(reviewCandidate(id, `Paper ${id}`, 0.5), clock.now());
    await suggestions.suggest({ ...request(ALICE, "2410.00001"), locale: "ja" }, sources);
    await suggestions.suggest(request(BOB, "2410.00002"), sources);
    await suggestions.suggest(request("1300000000000000303", "2410.00003"), sources);
    suggestions.anonymise("1300000000000000303");
    for (const id of ["2410.00001", "2410.00002", "2410.00003"]) store.decide(id, false, "mina", clock.now());

    const offline = { send: async () => "unavailable" };
    expect(await suggestions.sendDecisionNotices(offline, app.logger)).toBe(0);
    const sent: { userId: string; content: string }[] = [];
    const online = {
      send: async (userId: string, body: { content?: string }) => (sent.push({ userId, content: body.content ?? "" }), "sent"),
    };
    expect(await suggestions.sendDecisionNotices(online, app.logger)).toBe(2);
    expect(await suggestions.sendDecisionNotices(online, app.logger)).toBe(0);
    expect(sent).toEqual([
      { userId: ALICE, content: expect.stringMatching(/^あなたが推薦した \*\*Paper 2410\.00001\*\*/) },
      { userId: BOB, content: expect.stringMatching(/^The moderators looked at the paper you suggested, \*\*Paper 2410\.00002\*\*/) },
    ]);
  });

  it("weak labels: undecided suggestions only, weighted by supporters, always below a moderator's approval", async () => {
    const store = candidateStore(app.db);
    for (const id of ["2410.00001", "2410.00002", "2410.00003"]) store.insert(reviewCandidate(id, `Paper ${id}`, 0.5), clock.now());
    for (let user = 0; user < 9; user += 1)
      await suggestions.suggest(request(`13000000000000004${String(user).padStart(2, "0")}`, "2410.00001"), sources);
    await suggestions.suggest(request(ALICE, "2410.00002"), sources);
    await suggestions.suggest(request(BOB, "2410.00003"), sources);
    store.decide("2410.00003", false, "mina", clock.now());
    expect(suggestionLabels(app.db)).toEqual([
      { arxivId: "2410.00001", weight: MAX_SUGGESTION_WEIGHT },
      { arxivId: "2410.00002", weight: 0.3 },
    ]);
    expect([0, 1, 2, 4, 100].map(suggestionWeight)).toEqual([0, 0.3, 0.4, 0.6, 0.6]);
    // Nor are they the relevance model's negatives (the stream's ordinary papers), unless moderators rejected them.
    store.insert(reviewCandidate("2410.00004", "An ordinary stream paper", 0.5), clock.now());
    expect(
      corpusStore(app.db)
        .background(100)
        .map((paper) => paper.arxivId),
    ).toEqual(["2410.00003", "2410.00004"]);
  });

  it("the export lists a member's suggestions with what became of them; anonymising empties it but keeps the count", async () => {
    await suggestions.suggest(request(ALICE, "1207.7214", "the Higgs paper"), sources);
    expect(suggestions.byUser(ALICE)).toEqual([
      {
        arxivId: "1207.7214",
        title: expect.stringMatching(/^Observation of a new particle/),
        note: "the Higgs paper",
        suggestedAt: "2026-12-07T00:00:00.000Z",
        state: "pending",
        notifiedAt: null,
      },
    ]);
    expect(suggestions.anonymise(ALICE)).toBe(1);
    expect(suggestions.byUser(ALICE)).toEqual([]);
    expect(suggestionStore(app.db).forPaper("1207.7214")).toMatchObject({
      supporters: 1,
      first: [{ userId: null, note: "", locale: null }],
    });
  });
});
