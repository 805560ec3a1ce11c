import { createTask, type ScheduledTask } from "node-cron";
import type { Logger } from "./logger.js";

export interface Job {
  name: string;
  /** A cron expression (minute hour day month weekday), in UTC. */
  schedule: string;
  run(): Promise<void> | void;
}

/** Runs jobs on their cron schedules; start() and stop() are idempotent, and stop() waits for running jobs. */
export class Scheduler {
  private readonly tasks: { job: Job; task: ScheduledTask }[] = [];
  private readonly running = new Set<Promise<void>>();
  private started = false;

  constructor(
    jobs: readonly Job[],
    private readonly logger: Logger,
  ) {
    for (const job of jobs) {
      const task = createTask(job.schedule, () => this.runNow(job.name), { name: job.name, noOverlap: true, timezone: "Etc/UTC" });
      this.tasks.push({ job, task });
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const { task } of this.tasks) void task.start();
  }

  /** Runs a job immediately (also used at start-up); errors are logged, never thrown. */
  runNow(name: string): Promise<void> {
    const entry = this.tasks.find(({ job }) => job.name === name);
    if (!entry) return Promise.reject(new Error(`No job named ${name}`));
    const run = (async () => {
      try {
        await entry.job.run();
      } catch (error) {
        this.logger.error("scheduled job failed", { job: name, error });
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const { task } of this.tasks) await task.destroy();
    await Promise.allSettled([...this.running]);
  }
}
