/**
 * Runs `work` once, `delayMs` after the first of a burst of requests: ten approvals in a row make one bundle
 * rebuild. stop() cancels a pending run (SIGTERM); flush() runs a pending one now.
 */
export function debounced(delayMs: number, work: () => void, onError: (error: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let runs = 0;
  const run = () => {
    timer = undefined;
    runs += 1;
    try {
      work();
    } catch (error) {
      onError(error);
    }
  };
  return {
    schedule(): void {
      timer ??= setTimeout(run, delayMs);
    },
    flush(): void {
      if (timer === undefined) return;
      clearTimeout(timer);
      run();
    },
    stop(): void {
      clearTimeout(timer);
      timer = undefined;
    },
    get pending(): boolean {
      return timer !== undefined;
    },
    get runs(): number {
      return runs;
    },
  };
}
