import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUNDLE_FILE_NAME,
  BUNDLE_FOLDER,
  BundleStore,
  buildBundle,
  newestAddedAt,
  toDosDateTime,
  writeZip,
} from "../../src/bundle/index.js";
import { tempDir } from "../support/temp.js";
import { unzipEntries, unzipInstalled } from "../support/zip.js";
import { attention, GENERATED_AT, gpt4, hasCommand, lora, PAPERS } from "../support/bundle-papers.js";

describe("zip writer", () => {
  it("encodes DOS date/time from UTC fields with 2-second resolution and clamps the range", () => {
    const { date, time } = toDosDateTime(new Date("2024-03-05T12:34:57Z"));
    expect(date).toBe(((2024 - 1980) << 9) | (3 << 5) | 5);
    expect(time).toBe((12 << 11) | (34 << 5) | 28);
    expect(toDosDateTime(new Date("1970-01-01T00:00:00Z"))).toEqual({ date: (1 << 5) | 1, time: 0 });
    expect(() => toDosDateTime(new Date(Number.NaN))).toThrow();
  });

  it("is read back by yauzl: entries sorted, UTF-8 names flagged, incompressible data stored, the rest deflated", async () => {
    const random = Buffer.from(createHash("sha512").update("x").digest());
    const zip = writeZip(
      [
        { name: "b/日本語.txt", data: Buffer.from("こんにちは".repeat(50)) },
        { name: "a.bin", data: random },
        { name: "empty", data: Buffer.alloc(0) },
      ],
      GENERATED_AT,
    );
    const entries = await unzipEntries(zip);
    expect(entries.map((entry) => entry.name)).toEqual(["a.bin", "b/日本語.txt", "empty"]);
    expect(entries[0]?.compressionMethod).toBe(0);
    expect(entries[0]?.data.equals(random)).toBe(true);
    expect(entries[1]?.compressionMethod).toBe(8);
    expect(entries[1]?.data.toString()).toBe("こんにちは".repeat(50));
    expect(entries[2]?.data).toHaveLength(0);
    expect(entries.every((entry) => (entry.generalPurposeBitFlag & 0x0800) !== 0)).toBe(true);
    expect(await unzipEntries(writeZip([], GENERATED_AT))).toEqual([]);
  });

  it("rejects unsafe or duplicate entry names", () => {
    const data = Buffer.from("x");
    for (const name of ["../x", "/abs", "a/../b", "a\\b", "a//b", "", "a/./b", "nul\0"]) {
      expect(() => writeZip([{ name, data }], GENERATED_AT), name).toThrow();
    }
    expect(() =>
      writeZip(
        [
          { name: "a", data },
          { name: "a", data },
        ],
        GENERATED_AT,
      ),
    ).toThrow(/duplicate/);
  });

  it("a flipped byte is caught by the independent check (so the checks above can fail)", async () => {
    const zip = writeZip([{ name: "a.txt", data: Buffer.from("hello hello hello hello hello") }], GENERATED_AT);
    const broken = Buffer.from(zip);
    broken[40] = (broken[40] ?? 0) ^ 0xff;
    await expect(unzipEntries(broken)).rejects.toThrow();
  });
});

describe("buildBundle", () => {
  it("is deterministic: same input (in any order) gives the same bytes", () => {
    const first = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    const second = buildBundle([lora, attention, gpt4], { generatedAt: new Date(GENERATED_AT.getTime()) });
    expect(second.sha256).toBe(first.sha256);
    expect(second.zip.equals(first.zip)).toBe(true);
    expect(first.sha256).toBe(createHash("sha256").update(first.zip).digest("hex"));
    expect(first.paperCount).toBe(3);
    expect(first.generatedAt).toBe(GENERATED_AT.toISOString());
  });

  it("changes when any content changes", () => {
    const base = buildBundle(PAPERS, { generatedAt: GENERATED_AT }).sha256;
    const edited = { ...lora, summary: { ...lora.summary, ja: lora.summary.ja + "！" } };
    expect(buildBundle([attention, gpt4, edited], { generatedAt: GENERATED_AT }).sha256).not.toBe(base);
    expect(buildBundle(PAPERS, { generatedAt: new Date("2024-03-06T00:00:00Z") }).sha256).not.toBe(base);
  });

  it("contains exactly the six files under the top folder, with the same timestamp and an executable script", async () => {
    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    const entries = await unzipEntries(result.zip);
    const names = ["README.md", "fetch-pdfs.sh", "index.html", "papers.bib", "papers.csv", "papers.json"].map(
      (name) => `${BUNDLE_FOLDER}/${name}`,
    );
    expect(entries.map((entry) => entry.name)).toEqual(names);
    expect(result.files).toEqual(entries.map((entry) => ({ name: entry.name, size: entry.data.length })));
    const dos = toDosDateTime(GENERATED_AT);
    for (const entry of entries) {
      expect(entry.lastModFileDate).toBe(dos.date);
      expect(entry.lastModFileTime).toBe(dos.time);
      expect(entry.versionMadeBy >> 8).toBe(3);
      expect(entry.mode).toBe(entry.name.endsWith(".sh") ? 0o755 : 0o644);
    }
    expect(entries.some((entry) => entry.name.endsWith(".pdf"))).toBe(false);
  });

  it("rejects duplicate ids and invalid dates; handles an empty list", async () => {
    expect(() => buildBundle([attention, { ...attention }], { generatedAt: GENERATED_AT })).toThrow(/duplicate/);
    expect(() => buildBundle(PAPERS, { generatedAt: new Date("nope") })).toThrow();
    const empty = buildBundle([], { generatedAt: GENERATED_AT });
    expect(empty.paperCount).toBe(0);
    expect(await unzipEntries(empty.zip)).toHaveLength(6);
  });

  it("newestAddedAt picks the latest addedAt", () => {
    expect(newestAddedAt(PAPERS)?.toISOString()).toBe("2024-03-05T12:34:56.000Z");
    expect(newestAddedAt([])).toBeNull();
  });

  it.skipIf(!unzipInstalled)("passes `unzip -t`, and `unzip -l` lists the six files with their sizes", () => {
    const dir = tempDir();
    const path = join(dir, "bundle.zip");
    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    writeFileSync(path, result.zip);
    const output = execFileSync("unzip", ["-t", path], { encoding: "utf8" });
    expect(output).toMatch(/No errors detected/);
    const listed = execFileSync("unzip", ["-l", path], { encoding: "utf8" })
      .split("\n")
      .map((line) => /^\s*(\d+)\s+\S+\s+\S+\s+(\S.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ name: match[2], size: Number(match[1]) }));
    expect(listed).toEqual(result.files);
    execFileSync("unzip", ["-q", path, "-d", join(dir, "out")]);
    expect(readdirSync(join(dir, "out", BUNDLE_FOLDER)).sort()).toEqual([
      "README.md",
      "fetch-pdfs.sh",
      "index.html",
      "papers.bib",
      "papers.csv",
      "papers.json",
    ]);
    expect(statSync(join(dir, "out", BUNDLE_FOLDER, "fetch-pdfs.sh")).mode & 0o111).not.toBe(0);
  });

  it("passes `python3 -m zipfile -t` when python3 is installed", (context) => {
    if (!hasCommand("python3", ["--version"])) return context.skip();
    const dir = tempDir();
    const path = join(dir, "bundle.zip");
    writeFileSync(path, buildBundle(PAPERS, { generatedAt: GENERATED_AT }).zip);
    const test = spawnSync("python3", ["-m", "zipfile", "-t", path], { encoding: "utf8" });
    expect(test.status).toBe(0);
    const names = spawnSync("python3", ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", path], {
      encoding: "utf8",
    });
    expect(names.status).toBe(0);
    expect(names.stdout.trim().split("\n")).toHaveLength(6);
  });
});

describe("BundleStore", () => {
  it("returns null when empty, writes atomically and reports the current bundle", async () => {
    const dir = join(tempDir(), "store");
    let elapsed = 0;
    const store = new BundleStore(dir, { clock: { now: () => new Date("2024-04-01T00:00:00.000Z") }, elapsedMs: () => elapsed });
    expect(store.current()).toBeNull();
    expect(store.snapshot()).toBeNull();

    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    const info = store.write(result);
    expect(info).toEqual({
      path: join(dir, BUNDLE_FILE_NAME),
      fileName: BUNDLE_FILE_NAME,
      size: result.zip.length,
      sha256: result.sha256,
      paperCount: 3,
      builtAt: "2024-04-01T00:00:00.000Z",
      generatedAt: GENERATED_AT.toISOString(),
    });
    expect(store.current()).toEqual(info);
    expect(readFileSync(info.path).equals(result.zip)).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const metadata: unknown = JSON.parse(readFileSync(join(dir, `${BUNDLE_FILE_NAME}.meta.json`), "utf8"));
    expect(metadata).toMatchObject({ sha256: result.sha256, size: result.zip.length, paperCount: 3, builtAt: "2024-04-01T00:00:00.000Z" });

    const snapshot = store.snapshot();
    expect(snapshot?.info).toEqual(info);
    expect(snapshot?.bytes.equals(result.zip)).toBe(true);
    expect(snapshot?.etag).toBe(`"${result.sha256}"`);
    expect(snapshot?.lastModified).toBe("Mon, 01 Apr 2024 00:00:00 GMT");
    // A store that did not write the bundle (another process) loads the same bytes from disk.
    expect(new BundleStore(dir).snapshot()?.bytes.equals(result.zip)).toBe(true);

    // Replacing: a second store instance (another process) sees the new bundle. The bytes in memory are served for
    // up to recheckMs (1 s) before the metadata file is looked at again.
    const next = buildBundle([attention], { generatedAt: GENERATED_AT });
    new BundleStore(dir).write(next);
    expect(store.current()?.sha256).toBe(next.sha256);
    expect(store.current()?.paperCount).toBe(1);
    elapsed += 999;
    expect(store.snapshot()?.bytes.equals(result.zip)).toBe(true);
    elapsed += 1;
    expect(store.snapshot()?.bytes.equals(next.zip)).toBe(true);
    expect(store.snapshot()?.info.sha256).toBe(next.sha256);
    expect(readdirSync(dir).sort()).toEqual([BUNDLE_FILE_NAME, `${BUNDLE_FILE_NAME}.meta.json`]);
  });

  it("refuses a result whose sha256 does not match and ignores corrupt metadata", async () => {
    const dir = tempDir();
    let elapsed = 0;
    const store = new BundleStore(dir, { elapsedMs: () => elapsed });
    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    expect(() => store.write({ ...result, sha256: "0".repeat(64) })).toThrow(/sha256/);
    store.write(result);
    writeFileSync(join(dir, `${BUNDLE_FILE_NAME}.meta.json`), "{ not json");
    expect(store.current()).toBeNull();
    elapsed += 1000;
    expect(store.snapshot()).toBeNull();
    expect(new BundleStore(dir).snapshot()).toBeNull();
  });

  it("does not serve a zip that does not match its metadata", async () => {
    const dir = tempDir();
    const store = new BundleStore(dir);
    store.write(buildBundle(PAPERS, { generatedAt: GENERATED_AT }));
    writeFileSync(join(dir, BUNDLE_FILE_NAME), "truncated");
    expect(new BundleStore(dir).snapshot()).toBeNull();
    // Same size, different bytes: caught by the sha256.
    const other = buildBundle([attention], { generatedAt: GENERATED_AT });
    const fresh = new BundleStore(dir);
    fresh.write(other);
    const bytes = readFileSync(join(dir, BUNDLE_FILE_NAME));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(join(dir, BUNDLE_FILE_NAME), bytes);
    expect(new BundleStore(dir).snapshot()).toBeNull();
  });
});
