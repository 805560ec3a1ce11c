/** Bounded waits for tests: every wait has a deadline and says what it was waiting for. */

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Collects what a stream prints, and waits (bounded) for a piece of text to appear. */
export function collectOutput(stream: NodeJS.ReadableStream): {
  text(): string;
  waitFor(piece: string, timeoutMs?: number): Promise<void>;
} {
  let printed = "";
  const listeners = new Set<() => void>();
  stream.on("data", (chunk: Buffer | string) => {
    printed += chunk.toString();
    for (const listener of [...listeners]) listener();
  });
  return {
    text: () => printed,
    waitFor(piece, timeoutMs = 5_000) {
      const seen = new Promise<void>((resolve) => {
        const check = () => {
          if (!printed.includes(piece)) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      });
      return within(seen, timeoutMs, `waiting for ${JSON.stringify(piece)} in:\n${printed}`);
    },
  };
}
