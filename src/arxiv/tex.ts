import { combining, latex2unicode } from "unicode2latex";

/**
 * arXiv titles and abstracts are written in TeX (`agents $N$`, `\textbf{GAS}`, `$\tau^2$-bench`, `70.2\%`). They
 * are turned into readable text once, where they enter the bot (feed items, API answers), so every output (digest,
 * alerts, /paper, /review, web pages, CLI) shows `agents N`, `GAS`, `τ²-bench`, `70.2%`. Macro names map through
 * unicode2latex's latex2unicode table (the one BibTeX tools use); the scanning here is ours and bounded: a fixed
 * number of linear passes, math spans at most MATH_MAX characters, nesting unwrapped at most NESTING times.
 */

type Mapped = string | { readonly text?: string; readonly math?: string };
const TABLE: Readonly<Record<string, Mapped | undefined>> = latex2unicode;
const ACCENTS: Readonly<Record<string, string | undefined>> = { ...combining.tounicode, hat: "\u0302", widehat: "\u0302" };
/** Text-mode accents (`\"u`, `\'{e}`, `\c{c}`) as combining marks. */
export const TEXT_ACCENTS: Readonly<Record<string, string>> = {
  "`": "\u0300",
  "'": "\u0301",
  "^": "\u0302",
  "~": "\u0303",
  "=": "\u0304",
  ".": "\u0307",
  '"': "\u0308",
  u: "\u0306",
  r: "\u030a",
  H: "\u030b",
  v: "\u030c",
  c: "\u0327",
  k: "\u0328",
  d: "\u0323",
  b: "\u0331",
};

function accented(accent: string, letter: string): string {
  const base = letter === "\\i" ? "i" : letter === "\\j" ? "j" : letter;
  return `${base}${TEXT_ACCENTS[accent] ?? ""}`.normalize("NFC");
}

/** `M\"uller`, `Contrataci\'{o}n`, `\c{C}evik` → Müller, Contratación, Çevik. */
function textAccents(text: string): string {
  return text
    .replace(
      /\\([`'^~=."])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))/g,
      (_all, accent: string, braced?: string, bare?: string) => accented(accent, braced ?? bare ?? ""),
    )
    .replace(/\\([urHvckdb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))/g, (_all, accent: string, braced?: string, bare?: string) =>
      accented(accent, braced ?? bare ?? ""),
    );
}

const MATH_MAX = 200;
const NESTING = 4;

/** Commands whose argument is what readers should see (`\textbf{x}` → x). */
const KEEP_ARGUMENT =
  "textbf|textit|textsl|textsc|texttt|textrm|textsf|textup|textmd|textnormal|emph|underline|mbox|text|mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm|operatorname|textsuperscript|textsubscript|hbox|url|uppercase|lowercase";
/** Commands dropped with their argument: citations and cross-references mean nothing outside the paper. */
const DROP = "cite[tp]?|citep?|citet|citealp|citeauthor|citeyear|ref|eqref|autoref|cref|Cref|label|footnote|thanks|vspace|hspace";
/** Built once: `\textbf{x}` → x (text), with the math fonts too (math); `\cite{…}` and the like dropped with their argument. */
const KEEP_TEXT = new RegExp(`\\\\(?:${KEEP_ARGUMENT})\\s*\\{([^{}]*)\\}`, "g");
const KEEP_MATH = new RegExp(`\\\\(?:${KEEP_ARGUMENT}|mathbb|mathcal|mathfrak|mathscr)\\s*\\{([^{}]*)\\}`, "g");
const DROPPED = new RegExp(`[\\s~]*\\\\(?:${DROP})\\*?\\s*(?:\\[[^\\]]*\\]\\s*)*\\{[^{}]*\\}`, "g");
/** Whether DROPPED can match: it starts at any space, so it is tried only where one of its commands occurs. */
const MAY_DROP = new RegExp(`\\\\(?:${DROP})`);
/** Operator names written as words (`\log n` → log n). */
const OPERATORS = new Set([
  "log",
  "ln",
  "exp",
  "sin",
  "cos",
  "tan",
  "max",
  "min",
  "arg",
  "argmax",
  "argmin",
  "lim",
  "sup",
  "inf",
  "det",
  "dim",
  "deg",
  "Pr",
  "softmax",
  "poly",
  "polylog",
]);
const SPACES: Readonly<Record<string, string>> = { ",": " ", ";": " ", ":": " ", "!": "", " ": " ", quad: " ", qquad: " ", enspace: " " };

function lookup(key: string, mode: "text" | "math"): string | undefined {
  const value = TABLE[key];
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : (value[mode] ?? value.text ?? value.math);
}

/** `^{…}` / `_{…}` as Unicode superscripts or subscripts when every character has one, else `^(…)` / `_…`. */
function script(mark: "^" | "_", body: string): string {
  const chars = [...body.replace(/\s+/g, "")];
  const mapped = chars.map((char) => lookup(`${mark}{${char}}`, "math") ?? lookup(`${mark}${char}`, "math"));
  if (chars.length > 0 && mapped.every((char) => char !== undefined && [...char].length === 1)) return mapped.join("");
  if (mark === "_") return `_${body}`;
  return chars.length === 1 ? `^${body}` : `^(${body})`;
}

function macro(name: string, mode: "text" | "math"): string {
  if (name in SPACES) return SPACES[name] ?? " ";
  if (OPERATORS.has(name)) return `\u0002${name}`;
  const mapped = lookup(`\\${name}`, mode);
  if (mapped !== undefined && !mapped.includes("\\")) return mapped;
  // An unknown macro (an author's own `\lfts{}`): its name is the best reading there is.
  return name;
}

/** The inside of `$…$`: symbols, fonts, accents and scripts become Unicode; braces and spacing commands go. */
function mathText(source: string): string {
  let text = source;
  for (let pass = 0; pass < NESTING; pass += 1) {
    const before = text;
    text = text
      .replace(
        /\\(mathbb|mathcal|mathfrak|mathscr)\s*\{\s*([A-Za-z0-9])\s*\}/g,
        (_all, font: string, letter: string) => lookup(`\\${font}{${letter}}`, "math") ?? letter,
      )
      .replace(KEEP_MATH, "$1")
      .replace(/\\([A-Za-z]+)\s*\{([^{}]{1,3})\}/g, (all, name: string, body: string) => {
        const accent = ACCENTS[name];
        return accent && name !== "c" ? `${body}${accent}`.normalize("NFC") : all;
      })
      .replace(/\{([^{}]*)\}/g, (all, body: string, offset: number, whole: string) =>
        whole[offset - 1] === "^" || whole[offset - 1] === "_" ? all : body,
      );
    if (text === before) break;
  }
  return (
    text
      .replace(
        /([\^_])\{([^{}]*)\}|([\^_])(\\[A-Za-z]+|[A-Za-z0-9+\-*])/g,
        (_all, mark?: string, body?: string, bareMark?: string, bare?: string) => {
          const resolved = (bare ?? "").startsWith("\\") ? macro((bare ?? "").slice(1), "math") : (bare ?? "");
          return script((mark ?? bareMark ?? "^") as "^" | "_", body ?? resolved);
        },
      )
      .replace(/\\([A-Za-z]+)|\\([,;:! ])|\\([{}%&#$_|])/g, (_all, name?: string, space?: string, escaped?: string) =>
        name ? macro(name, "math") : space ? (SPACES[space] ?? " ") : (escaped ?? ""),
      )
      .replace(/[{}]/g, "")
      // An operator name reads as a word: `L\log L` is "L log L", `(\log n)` is "(log n)".
      .replace(/(?<=[\p{L}\p{N}])\u0002/gu, " ")
      .replace(/\u0002/g, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** Accents, dropped and kept arguments, named symbols and escapes: the passes that need a backslash in the text. */
function textCommands(input: string): string {
  let text = textAccents(input);
  if (MAY_DROP.test(text)) text = text.replace(DROPPED, "");
  if (text.includes("\\href")) text = text.replace(/\\href\s*\{[^{}]*\}\s*\{([^{}]*)\}/g, "$1");
  for (let pass = 0; pass < NESTING; pass += 1) {
    const before = text;
    text = text.replace(KEEP_TEXT, "$1").replace(/\{\\(?:bf|it|em|sc|tt|rm|sf)\s+([^{}]*)\}/g, "$1");
    if (text === before) break;
  }
  return text
    .replace(/\\(LaTeX|TeX)\b\s?(\{\})?/g, "$1")
    .replace(/\\(ldots|dots|textellipsis)\b\s?(\{\})?/g, "…")
    .replace(/\\\\/g, " ")
    .replace(/\\([%&#$_{}])/g, "\uE000$1")
    .replace(/\\([,;:! ])/g, (_all, space: string) => SPACES[space] ?? " ")
    .replace(/\\([A-Za-z]+)\s*(?:\{\})?/g, (_all, name: string) => macro(name, "text"));
}

const TIE_AFTER = /[\p{L}\p{N}.,;:)\]]$/u;
const NOT_SPACE = /\S/;

/**
 * A tie joins two words (`MS~MARCO`, `(i)~relying`); a tilde after a space or bracket is "about" (`(~65 hours)`).
 * Found with indexOf: a pattern that starts with a lookbehind is tried at every character of the abstract.
 */
function joinTies(text: string): string {
  let joined = "";
  let from = 0;
  for (let at = text.indexOf("~"); at >= 0; at = text.indexOf("~", at + 1)) {
    const next = text[at + 1];
    if (at === 0 || next === undefined || !NOT_SPACE.test(next) || !TIE_AFTER.test(text.slice(Math.max(0, at - 2), at))) continue;
    joined += `${text.slice(from, at)} `;
    from = at + 1;
  }
  return from === 0 ? text : joined + text.slice(from);
}

/** `$…$` spans (not `\$`), at most MATH_MAX characters, whose inside does not start or end with a space (so "$5 and $10" stays). */
const MATH_SPAN = new RegExp(`\\$(?!\\s)((?:\\\\\\$|[^$]){1,${MATH_MAX}}?)(?<![\\s\\\\])\\$`, "y");

/**
 * Each `$…$` span as readable text. The span is tried only at a `$` found with indexOf (a pattern starting with a
 * lookbehind is tried at every character), left to right as a global replace would.
 */
function mathSpans(text: string): string {
  let rendered = "";
  let from = 0;
  let at = text.indexOf("$");
  while (at >= 0) {
    MATH_SPAN.lastIndex = at;
    const span = text[at - 1] === "\\" ? null : MATH_SPAN.exec(text);
    if (span === null) {
      at = text.indexOf("$", at + 1);
      continue;
    }
    rendered += `${text.slice(from, at)}\u0000${mathText(span[1] ?? "")}\u0001`;
    from = MATH_SPAN.lastIndex;
    at = text.indexOf("$", from);
  }
  return from === 0 ? text : rendered + text.slice(from);
}

/** One character class and substring searches: an alternation would try each branch at every character. */
const TEX_MARK = /[$\\~{}]/;

/** TeX in arXiv text as readable Unicode text. Plain text (no `$`, `\`, `~`, `--`, braces) comes back unchanged. */
export function texToText(input: string): string {
  if (!TEX_MARK.test(input) && !input.includes("--") && !input.includes("``") && !input.includes("''")) return input;
  // Each pass runs only where its mark occurs: most abstracts that get here have one tie, dash or brace, and a
  // scan of the whole text per pass (the tie's lookbehind above all) cost more than everything else at ingest.
  let text = input;
  if (text.includes("\\(")) text = text.replace(/\\\(((?:[^\\]|\\(?!\)))*)\\\)/g, (_all, body: string) => `$${body}$`);
  if (text.includes("$")) text = mathSpans(text);
  // Most abstracts have no command at all (only `--`, a tie or a brace): the command passes are skipped for them.
  if (text.includes("\\")) text = textCommands(text);
  if (text.includes("{")) text = text.replace(/(?<!\uE000)\{([^{}]{0,60})\}/g, "$1");
  if (text.includes("--")) text = text.replace(/---/g, "—").replace(/--/g, "–");
  if (text.includes("``")) text = text.replace(/``/g, "“");
  if (text.includes("''")) text = text.replace(/''/g, "”");
  if (text.includes("~")) text = joinTies(text);
  if (text.includes("\uE000")) text = text.replace(/\uE000/g, "");
  if (text.includes("\u0000") || text.includes("\u0001")) text = text.replace(/\u0000|\u0001/g, "");
  return text.includes("  ") || text.includes("\t") ? text.replace(/[ \t]{2,}/g, " ") : text;
}
