// Two processes starting on a fresh database at once (the bot and a shell command) both migrate it: each migration
// must run exactly once, and neither may fail on the tables the other just created.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/db/migrations.js";
import { repoRoot, tempDir } from "../support/app.js";
import { spawnNode, type Finished } from "../support/child.js";

const PROCESSES = 3;

/** Opens the database, waits for the common start time, migrates, and prints the versions it applied. */
const CHILD = `
const [connection, migrations] = await Promise.all([import(process.argv[1]), import(process.argv[2])]);
const db = connection.openDatabase(process.argv[3]);
const start = Number(process.argv[4]);
while (Date.now() < start) {}
console.log(JSON.stringify(migrations.migrate(db)));
db.close();
`;

function migrateInChild(path: string, start: number): Promise<Finished> {
  const module = (file: string) => pathToFileURL(join(repoRoot, "dist", "src", "db", file)).href;
  return spawnNode(["--input-type=module", "-e", CHILD, module("connection.js"), module("migrations.js"), path, String(start)]).done;
}

describe("migrations across processes", () => {
  it("three processes migrating one fresh database at the same moment apply each migration once, and all succeed", async () => {
    const dir = tempDir("paperbot-migrate-race-");
    for (const round of [1, 2, 3]) {
      const path = join(dir, `round-${round}.db`);
      // Far enough ahead that every process has loaded and opened the database before it.
      const start = Date.now() + 1500;
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => migrateInChild(path, start)));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const applied = results.flatMap((result) => JSON.parse(result.stdout) as number[]).sort((a, b) => a - b);
      // Each migration once (numbers are reserved per branch, so the list may have gaps).
      expect(applied).toEqual(MIGRATIONS.map((migration) => migration.version));
    }
  });
});
