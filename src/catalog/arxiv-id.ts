const NEW_STYLE = String.raw`(\d{4}\.\d{4,5})`;
const OLD_STYLE = String.raw`([a-z][a-z-]*(?:\.[A-Za-z]{2})?\/\d{7})`;
const VERSION = String.raw`(?:v\d+)?`;

const URL_FORM = new RegExp(
  String.raw`^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html|format)\/(?:${NEW_STYLE}|${OLD_STYLE})${VERSION}(?:\.pdf)?\/?(?:[?#].*)?$`,
  "i",
);
/** Pages about an arXiv paper on other sites: Hugging Face papers, alphaXiv, ar5iv, Semantic Scholar's arXiv links. */
const MIRROR_FORM = new RegExp(
  String.raw`^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co\/papers|alphaxiv\.org\/(?:abs|overview)|ar5iv\.(?:labs\.arxiv\.org|org)\/(?:abs|html)|api\.semanticscholar\.org\/arxiv)\/(?:${NEW_STYLE}|${OLD_STYLE})${VERSION}\/?(?:[?#].*)?$`,
  "i",
);
const BARE_FORM = new RegExp(String.raw`^(?:arxiv\s*[:\s]\s*)?(?:${NEW_STYLE}|${OLD_STYLE})${VERSION}$`, "i");

/**
 * Extracts an arXiv id (without version) from what people paste: `1706.03762`, `arXiv:1706.03762v5`,
 * `arxiv 2106.09685`, abs/pdf/html URLs with or without scheme, and old-style ids such as `hep-th/9711200`.
 */
export function parseArxivReference(input: string): string | null {
  const text = input.trim();
  const match = URL_FORM.exec(text) ?? MIRROR_FORM.exec(text) ?? BARE_FORM.exec(text);
  if (!match) return null;
  const newStyle = match[1];
  if (newStyle) return isPlausibleNewStyle(newStyle) ? newStyle : null;
  const oldStyle = match[2];
  return oldStyle ? oldStyle.toLowerCase() : null;
}

/** An arXiv id or link somewhere in a sentence: "paper 2310.04378 pls", "see abs/2312.06585". */
export function findArxivReference(text: string): string | null {
  for (const word of text.split(/\s+/)) {
    const direct = parseArxivReference(word) ?? parseArxivReference(word.replace(/^(?:abs|pdf|html)\//i, ""));
    if (direct) return direct;
  }
  return null;
}

/** YYMM must be a real month; ids after 1501 have five digits after the dot. */
function isPlausibleNewStyle(id: string): boolean {
  const month = Number(id.slice(2, 4));
  if (month < 1 || month > 12) return false;
  const serialLength = id.length - 5;
  const yymm = Number(id.slice(0, 4));
  return yymm >= 1501 ? serialLength === 5 : serialLength === 4;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}
