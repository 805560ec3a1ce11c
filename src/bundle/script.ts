import type { Paper } from "../catalog/types.js";
import { arxivPdfUrl } from "../catalog/arxiv-id.js";
import { isoDate, oneLine, safeHttpUrl, slugify } from "./common.js";
import { t } from "../i18n/index.js";

/** Quotes a value for POSIX sh: single quotes, with embedded single quotes written as '\''. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Text safe for a `#` comment line: one line, no control characters. */
function comment(text: string): string {
  return oneLine(text).replace(/[\u0000-\u001f\u007f]/g, " ");
}

export interface PdfDownload {
  /** File name under ./pdfs/ (letters, digits, '.', '_', '-'; never a path). */
  fileName: string;
  url: string;
  title: string;
  arxiv: boolean;
}

/** What fetch-pdfs.sh downloads, in reading-list order, plus papers that have no https PDF link at all. */
export function pdfDownloads(ordered: readonly Paper[]): { downloads: PdfDownload[]; missing: Paper[] } {
  const downloads: PdfDownload[] = [];
  const missing: Paper[] = [];
  const names = new Set<string>();
  for (const paper of ordered) {
    let fileName: string;
    let url: string | null;
    if (paper.arxivId) {
      const stem = paper.arxivId.replace(/\//g, "_");
      fileName = `${/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stem) ? stem : slugify(paper.id)}.pdf`;
      url = safeHttpUrl(arxivPdfUrl(paper.arxivId));
    } else {
      fileName = `${slugify(paper.id)}.pdf`;
      url = safeHttpUrl(paper.pdfUrl);
    }
    if (!url || !url.startsWith("https://")) {
      missing.push(paper);
      continue;
    }
    if (names.has(fileName)) continue;
    names.add(fileName);
    downloads.push({ fileName, url, title: paper.title, arxiv: paper.arxivId !== null });
  }
  return { downloads, missing };
}

export function renderFetchScript(ordered: readonly Paper[], generatedAt: Date): string {
  const { downloads, missing } = pdfDownloads(ordered);
  const lines = [
    "#!/bin/sh",
    `# fetch-pdfs.sh: download the PDFs of the paperbot LLM reading list (${t("en", "count.papers", { count: ordered.length })}, generated ${isoDate(generatedAt)}).`,
    "#",
    "# Usage: sh fetch-pdfs.sh",
    "#",
    "# The PDFs are not part of this bundle: most arXiv licences do not permit redistribution, so this",
    "# script downloads them on your own machine into ./pdfs/ (next to this script).",
    "#  - arXiv papers come from https://arxiv.org/pdf/<id>. arXiv asks automated clients to make at most",
    "#    one request every 3 seconds, over a single connection: this script fetches one file at a time",
    "#    and sleeps 3 seconds between requests.",
    "#  - Papers that are not on arXiv (e.g. the OpenAI technical reports) are fetched from their own PDF",
    "#    URL, with the same pause.",
    "#  - Files that already exist are skipped, so it is safe to re-run after an interruption.",
    "set -eu",
    "",
    "USER_AGENT='paperbot-reading-list/1.0 (fetch-pdfs.sh; personal use)'",
    "DELAY=3",
    "",
    'cd "$(dirname -- "$0")"',
    "command -v curl >/dev/null 2>&1 || { echo 'fetch-pdfs.sh: curl is required' >&2; exit 1; }",
    "mkdir -p pdfs",
    "",
    "fetched=0",
    "skipped=0",
    "failed=0",
    "requests=0",
    "",
    "# fetch FILE URL: download URL to pdfs/FILE unless it is already there.",
    "fetch() {",
    '  out="pdfs/$1"',
    '  if [ -s "$out" ]; then',
    "    skipped=$((skipped + 1))",
    '    echo "skip   $1 (already downloaded)"',
    "    return 0",
    "  fi",
    '  if [ "$requests" -gt 0 ]; then',
    '    sleep "$DELAY"',
    "  fi",
    "  requests=$((requests + 1))",
    '  echo "fetch  $1 <- $2"',
    '  tmp="$out.part"',
    "  if curl --fail --location --silent --show-error --proto '=https' --proto-redir '=https' \\",
    '      --connect-timeout 30 --user-agent "$USER_AGENT" --output "$tmp" --url "$2"; then',
    '    magic=$(dd if="$tmp" bs=4 count=1 2>/dev/null || true)',
    '    if [ "$magic" = "%PDF" ]; then',
    '      mv -f "$tmp" "$out"',
    "      fetched=$((fetched + 1))",
    "      return 0",
    "    fi",
    '    echo "warning: $2 did not return a PDF; not saved" >&2',
    "  else",
    '    echo "warning: could not download $2" >&2',
    "  fi",
    '  rm -f "$tmp"',
    "  failed=$((failed + 1))",
    "  return 0",
    "}",
    "",
  ];
  for (const download of downloads) {
    lines.push(`# ${comment(download.title)}${download.arxiv ? "" : " (not on arXiv: publisher's own URL)"}`);
    lines.push(`fetch ${shQuote(download.fileName)} ${shQuote(download.url)}`);
  }
  for (const paper of missing) {
    const page = safeHttpUrl(paper.url);
    lines.push(`# ${comment(paper.title)}: no PDF link`);
    lines.push(`echo ${shQuote(`note   no PDF link for ${comment(paper.title)}${page ? `; see ${page}` : ""}`)}`);
  }
  lines.push(
    "",
    'echo "done: $fetched downloaded, $skipped already present, $failed failed (files are in ./pdfs/)"',
    '[ "$failed" -eq 0 ]',
    "",
  );
  return lines.join("\n");
}
