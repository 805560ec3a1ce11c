/**
 * Test tags (declared in vitest.config.ts). A skipped test fails the run (test/support/summary-reporter.ts) unless it
 * carries UNLICENSED_CAPTURE: it reads material from ../shared that we may not redistribute (a capture without an
 * Apache-2.0/MIT licence, or the seed reading list), so a plain clone cannot run it.
 */
export const UNLICENSED_CAPTURE = "unlicensed-capture";

export const TAGS = [
  {
    name: UNLICENSED_CAPTURE,
    description:
      "Reads a capture from ../shared/fixtures/real (or the seed) that has no licence to commit; the only skip allowed, when ../shared is absent.",
  },
];
