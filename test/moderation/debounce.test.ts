/** The bundle rebuild's debouncer (src/moderation/debounce.ts) on a fake clock: one run per burst, none after. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debounced } from "../../src/moderation/debounce.js";

describe("debounced", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once, delayMs after the first request of a burst, and nothing is left pending", () => {
    const work = vi.fn();
    const rebuild = debounced(15_000, work, () => undefined);
    for (let index = 0; index < 10; index += 1) rebuild.schedule();
    expect(rebuild.pending).toBe(true);
    vi.advanceTimersByTime(14_999);
    expect(work).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(work).toHaveBeenCalledTimes(1);
    expect({ pending: rebuild.pending, runs: rebuild.runs, timers: vi.getTimerCount() }).toEqual({ pending: false, runs: 1, timers: 0 });
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it("with delay 0 (what the e2e tests use), a burst in one tick is still one run", () => {
    const work = vi.fn();
    const rebuild = debounced(0, work, () => undefined);
    for (let index = 0; index < 10; index += 1) rebuild.schedule();
    vi.runAllTimers();
    expect({ calls: work.mock.calls.length, pending: rebuild.pending, timers: vi.getTimerCount() }).toEqual({
      calls: 1,
      pending: false,
      timers: 0,
    });
  });

  it("flush() runs a pending rebuild now; stop() cancels it; an error goes to onError and the next burst runs again", () => {
    const errors: unknown[] = [];
    let fail = true;
    const work = vi.fn(() => {
      if (fail) throw new Error("disk full");
    });
    const rebuild = debounced(1_000, work, (error) => errors.push(error));
    rebuild.schedule();
    rebuild.flush();
    expect(work).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([new Error("disk full")]);
    rebuild.flush();
    expect(work).toHaveBeenCalledTimes(1);
    fail = false;
    rebuild.schedule();
    rebuild.stop();
    vi.runAllTimers();
    expect({ calls: work.mock.calls.length, pending: rebuild.pending }).toEqual({ calls: 1, pending: false });
    rebuild.schedule();
    vi.runAllTimers();
    expect(rebuild.runs).toBe(2);
  });
});
