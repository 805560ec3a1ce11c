import { readFileSync } from "node:fs";
import { z } from "zod";
import { catalogPath } from "./app.js";

/**
 * How many papers data/catalog.json holds, read with JSON.parse rather than our catalog loader. Tests derive counts
 * from it, so adding a paper to the catalog changes one file (test/catalog/catalog.test.ts checks the reading list's size).
 */
export const catalogSize: number = z.object({ papers: z.array(z.unknown()) }).parse(JSON.parse(readFileSync(catalogPath, "utf8")))
  .papers.length;
