import { describe, expect, it } from "vitest";
import { clipText } from "../../src/shared/safe-text.js";

describe("clipText", () => {
  it("leaves text that fits, and cuts longer text to exactly max code points ending in an ellipsis", () => {
    expect(clipText("LoRA", 4)).toBe("LoRA");
    expect(clipText("Low-Rank Adaptation", 8)).toBe("Low-Ran…");
    expect([...clipText("Low-Rank Adaptation", 8)]).toHaveLength(8);
  });

  it("counts characters outside the BMP as one and never splits them", () => {
    const text = "𝐀𝐁𝐂𝐃𝐄";
    expect(clipText(text, 5)).toBe(text);
    expect(clipText(text, 3)).toBe("𝐀𝐁…");
  });

  it("drops the spaces the cut leaves before the ellipsis", () => {
    expect(clipText("attention is all", 11)).toBe("attention…");
  });
});
