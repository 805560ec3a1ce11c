import { describe, expect, it } from "vitest";
import { paperIdSchema } from "../../src/catalog/schema.js";
import { paperSlug } from "../../src/moderation/papers.js";

const free = () => false;

describe("paperSlug: ids of added papers are cut at a word boundary", () => {
  it("keeps whole words within 48 characters (inelastic-effects-in-molecular-transport, not …-junctio)", () => {
    const id = paperSlug("Inelastic effects in molecular transport junctions: the polaron problem", "0901.00001", free);
    expect(id).toBe("inelastic-effects-in-molecular-transport");
    expect(paperIdSchema.safeParse(id).success).toBe(true);
  });

  it("short titles are unchanged", () => {
    expect(paperSlug("Attention Is All You Need", "1706.03762", free)).toBe("attention-is-all-you-need");
  });

  it("a taken id gets the arXiv id after whole words, within 64 characters", () => {
    const taken = new Set(["inelastic-effects-in-molecular-transport"]);
    const id = paperSlug("Inelastic effects in molecular transport junctions", "cond-mat/0901001", (candidate) => taken.has(candidate));
    expect(id).toBe("inelastic-effects-in-molecular-transport-cond-mat-0901001");
    expect(id.length).toBeLessThanOrEqual(64);
    expect(paperIdSchema.safeParse(id).success).toBe(true);
  });

  it("every cut ends on a whole word of the title, for titles of many lengths", () => {
    const title = "Pneumonoultramicroscopic silicovolcanoconiosis characterization through hyperspectral interferometric spectroscopy";
    const words = new Set(title.toLowerCase().split(" "));
    for (const taken of [free, (id: string) => !id.includes("-", id.length - 12)]) {
      const id = paperSlug(title, "2401.01335", taken);
      expect(id.length).toBeLessThanOrEqual(64);
      expect(paperIdSchema.safeParse(id).success).toBe(true);
      for (const part of id.split("-").filter((part) => !/^\d+$/.test(part))) expect(words.has(part), `${id}: ${part}`).toBe(true);
    }
  });

  it("a single word longer than the limit is the only thing ever cut", () => {
    const id = paperSlug("x".repeat(80), "2401.01335", free);
    expect(id).toBe("x".repeat(48));
  });
});
