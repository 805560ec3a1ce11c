/**
 * The XML parser thread's script (see xml-worker.ts). Plain CommonJS run with `eval`: the worker cannot import our
 * TypeScript (tests run the sources), so it is self-contained and requires rss-parser by an absolute path.
 *
 * One thread serves many parses, one at a time: a message { id, xml, limits, reasons, customFields, pick, batch } is answered
 * with { id, kind: "items" } batches, then { id, kind: "ok" }, or one { id, kind: "limit" | "invalid" }. The body is
 * scanned for its structure (depth, element and item counts) before it is parsed, so what no arXiv feed or API answer
 * looks like is refused without building it. A parser per set of custom fields is kept warm (its JIT-compiled code is
 * most of what a reused thread saves), lean or not (see LeanParser); one that failed is replaced, as xml2js keeps state after an error.
 */
export const XML_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const path = require("node:path");
const Parser = require(workerData.parserPath);
const { getContent } = require(path.join(path.dirname(workerData.parserPath), "lib", "utils.js"));
const parsers = new Map();

/**
 * rss-parser derives two fields of every RSS item from others: a plain-text snippet of the description (HTML stripped,
 * entities decoded: a sixth of a feed's parse) and an ISO date. A parser for callers whose pick reads neither leaves
 * them out; every other field is rss-parser's own.
 */
class LeanParser extends Parser {
  parseItemRss(xmlItem, itemFields) {
    const description = xmlItem.description;
    if (description === undefined) return super.parseItemRss(xmlItem, itemFields);
    xmlItem.description = undefined;
    const item = super.parseItemRss(xmlItem, itemFields);
    item.content = getContent(description[0]);
    return item;
  }
  setISODate() {}
}

/**
 * sax counts lines and columns at every character, only for its error messages, of which the caller keeps the first
 * line (without them): about a tenth of a parse. xml2js makes a new sax parser at each reset, so its reset is wrapped.
 */
function withoutPositions(parser) {
  const xml = parser.xmlParser;
  const reset = xml.reset;
  xml.reset = () => {
    reset();
    xml.saxParser.trackPosition = false;
  };
  xml.reset();
  return parser;
}

function parserFor(customFields, pick) {
  const lean = pick !== null && !pick.includes("contentSnippet") && !pick.includes("isoDate");
  const key = JSON.stringify([customFields, lean]);
  let parser = parsers.get(key);
  if (parser === undefined) {
    if (parsers.size >= 8) parsers.clear();
    parser = withoutPositions(lean ? new LeanParser({ customFields }) : new Parser({ customFields }));
    parsers.set(key, parser);
  }
  return { key, parser };
}

function skipTo(xml, from, end) {
  const at = xml.indexOf(end, from);
  return at < 0 ? xml.length : at + end.length;
}

/** Depth, element and item counts by a linear scan; the first limit passed (its reason), or null. */
function structureProblem(xml, limits, reasons) {
  let depth = 0, elements = 0, items = 0, at = 0;
  const itemOpen = "<" + limits.itemTag;
  for (;;) {
    const open = xml.indexOf("<", at);
    if (open < 0) return null;
    const next = xml[open + 1];
    if (next === "!") {
      at = xml.startsWith("<![CDATA[", open) ? skipTo(xml, open, "]]>") : xml.startsWith("<!--", open) ? skipTo(xml, open, "-->") : skipTo(xml, open, ">");
      continue;
    }
    if (next === "?") { at = skipTo(xml, open, "?>"); continue; }
    const close = xml.indexOf(">", open);
    at = close < 0 ? xml.length : close + 1;
    if (next === "/") { depth -= 1; continue; }
    elements += 1;
    if (elements > limits.maxElements) return reasons.elements;
    if (xml.startsWith(itemOpen, open) && /[\s/>]/.test(xml[open + itemOpen.length] || "")) {
      items += 1;
      if (items > limits.maxItems) return reasons.items;
    }
    if (close > 0 && xml[close - 1] === "/") continue;
    depth += 1;
    if (depth > limits.maxDepth) return reasons.depth;
  }
}

/** Only the fields the caller reads go back: cloning the rest (snippets, dates, links) costs both threads. */
function picked(item, pick) {
  if (pick === null || typeof item !== "object" || item === null) return item;
  const out = {};
  for (const key of pick) if (item[key] !== undefined) out[key] = item[key];
  return out;
}

parentPort.on("message", ({ id, xml, limits, reasons, customFields, pick, batch }) => {
  const problem = structureProblem(xml, limits, reasons);
  if (problem !== null) { parentPort.postMessage({ id, kind: "limit", reason: problem }); return; }
  const { key, parser } = parserFor(customFields, pick);
  // xml2js resets its sax parser when a parse ends, at the root's end tag; sax then reads on to the end of the body
  // and marks an error after the root (trailing text) on the new one, which would hide the next parse's first error.
  parser.xmlParser.reset();
  parser.parseString(xml).then(
    (output) => {
      // In batches: each message is read back on the main thread as a task of its own, with turns of the loop between.
      const { items, ...rest } = output;
      const all = Array.isArray(items) ? items : [];
      for (let at = 0; at < all.length; at += batch) {
        const chunk = all.slice(at, at + batch);
        parentPort.postMessage({ id, kind: "items", items: pick === null ? chunk : chunk.map((item) => picked(item, pick)) });
      }
      parentPort.postMessage({ id, kind: "ok", output: rest, items: Array.isArray(items) });
    },
    (error) => {
      parsers.delete(key);
      parentPort.postMessage({ id, kind: "invalid", reason: String((error && error.message) || error).split("\n")[0] });
    },
  );
});
`;
