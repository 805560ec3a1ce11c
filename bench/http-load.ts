import { spawn, type ChildProcess } from "node:child_process";

/**
 * An HTTP load generator in its own process, so the servers under test are alone in the bench process and
 * `process.cpuUsage()` there measures server work only (plus the little it takes to answer IPC).
 *
 * The client is plain node:http with one keep-alive agent (`concurrency` sockets per server, reused across rounds),
 * so both servers see the same connections, the same request bytes and a client that costs as little as possible.
 */
const CLIENT_SOURCE = String.raw`
"use strict";
const http = require("node:http");
const { performance } = require("node:perf_hooks");
let agent = null;
let halted = false;
function fetchOnce(options, size) {
  return new Promise((resolve) => {
    const req = http.get(options, (res) => {
      let received = 0;
      res.on("data", (chunk) => { received += chunk.length; });
      res.on("end", () => resolve(res.statusCode === 200 && (size === null || received === size)));
      res.on("error", () => resolve(false));
    });
    req.on("error", () => resolve(false));
  });
}
async function run(job) {
  agent ??= new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency, scheduling: "fifo" });
  const urls = (job.urls ?? [job.url]).map((each) => new URL(each));
  const optionsFor = (index) => {
    const url = urls[index % urls.length];
    return { host: url.hostname, port: Number(url.port), path: url.pathname + url.search, agent };
  };
  halted = false;
  let issued = 0, completed = 0, failures = 0;
  const started = performance.now();
  const deadline = started + (job.durationMs ?? Infinity);
  const worker = async () => {
    while (issued < job.requests && performance.now() < deadline && !halted) {
      const options = optionsFor(issued++);
      if (await fetchOnce(options, job.size ?? null)) completed++;
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return { completed, failures, elapsedMs: performance.now() - started };
}
process.on("message", (job) => {
  if (job === "halt") {
    halted = true;
    return;
  }
  if (job === "stop") {
    agent?.destroy();
    process.disconnect();
    return;
  }
  run(job).then((result) => process.send(result), (error) => process.send({ error: String(error) }));
});
`;

export interface LoadJob {
  /** Full URL; the same path and query are sent on every request... */
  url: string;
  /** ...or these, in turn (the same server). */
  urls?: string[];
  /** Expected body length of a good (200) response; null: any length. */
  size: number | null;
  concurrency: number;
  /** Stop after issuing this many requests... */
  requests: number;
  /** ...or after this long, whichever comes first. */
  durationMs?: number;
}

export interface LoadResult {
  /** Good responses (200 with the expected length). */
  completed: number;
  failures: number;
  /** Wall-clock time of the round, in the client. */
  elapsedMs: number;
  /** CPU time (user + system, all threads) this process (the servers') spent during the round, ms. */
  serverCpuMs: number;
}

export interface LoadClient {
  run(job: LoadJob): Promise<LoadResult>;
  /** Ends the round in progress early (its `run` then resolves). */
  halt(): void;
  close(): Promise<void>;
}

/** Starts the client process; `close()` ends it (also call it when a round throws). */
export function startLoadClient(): LoadClient {
  const child: ChildProcess = spawn(process.execPath, ["-e", CLIENT_SOURCE], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let pending: { resolve: (value: unknown) => void; reject: (error: Error) => void } | null = null;
  child.on("message", (message) => {
    const waiting = pending;
    pending = null;
    waiting?.resolve(message);
  });
  child.once("exit", (code, signal) => {
    const waiting = pending;
    pending = null;
    waiting?.reject(new Error(`load client exited (code ${code}, signal ${signal})`));
  });

  return {
    async run(job) {
      if (pending) throw new Error("load client: one round at a time");
      const reply = new Promise<unknown>((resolve, reject) => (pending = { resolve, reject }));
      const cpuBefore = process.cpuUsage();
      child.send(job);
      const message = (await reply) as { completed?: number; failures?: number; elapsedMs?: number; error?: string };
      const cpu = process.cpuUsage(cpuBefore);
      if (message.error !== undefined) throw new Error(`load client: ${message.error}`);
      return {
        completed: message.completed ?? 0,
        failures: message.failures ?? 0,
        elapsedMs: message.elapsedMs ?? 0,
        serverCpuMs: (cpu.user + cpu.system) / 1000,
      };
    },
    halt() {
      if (child.connected) child.send("halt");
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.send("stop");
        const timer = setTimeout(() => child.kill(), 2000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
