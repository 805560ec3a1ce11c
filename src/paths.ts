import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The folder holding paperbot's package.json, whether running from src/ (tests) or dist/src/ (built). */
export function packageRoot(from: string = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const bundledCatalogPath = (): string => join(packageRoot(), "data", "catalog.json");
