/** Counts event-loop turns (a setImmediate chain) until stopped: a loop held by synchronous work gets none meanwhile. */
export function countTurns(): { stop(): number } {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return turns;
    },
  };
}
