const NEW_STYLE = String.raw`(\d{4}\.\d{4,5})`;
/** The archive is a short word (hep-th, cond-mat, chao-dyn): bounded, so an id fits a custom_id and a URL. */
const OLD_STYLE = String.raw`([a-z][a-z-]{0,15}(?:\.[A-Za-z]{2})?\/\d{7})`;
const VERSION = String.raw`(?:v\d+)?`;

const URL_FORM = new RegExp(
  String.raw`^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html|format)\/(?:${NEW_STYLE}|${OLD_STYLE})${VERSION}(?:\.pdf)?\/?(?:[?#].*)?$`,
  "i",
);
/** Pages about an arXiv paper on other sites: Hugging Face papers, alphaXiv, ar5iv, Semantic Scholar's arXiv links. */
const MIRROR_FORM = new RegExp(
  String.raw`^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co\/papers|alphaxiv\.org\/(?:abs|overview)|ar5iv\.(?:labs\.arxiv\.org|org)\/(?:abs|html)|(?:api\.)?semanticscholar\.org\/arxiv)\/(?:${NEW_STYLE}|${OLD_STYLE})${VERSION}\/?(?:[?#].*)?$`,
  "i",
);
/** arXiv's own DOI (printed on every abstract page), bare or as a link: 10.48550/arXiv.2106.09685. */
const DOI_FORM = new RegExp(
  String.raw`^(?:https?:\/\/)?(?:(?:dx\.)?doi\.org\/|doi:\s*)?10\.48550\/arxiv\.(?:${NEW_STYLE}|${OLD_STYLE})${VERSION}\/?(?:[?#].*)?$`,
  "i",
);
const BARE_FORM = new RegExp(String.raw`^(?:arxiv\s*[:.\s]\s*)?(?:${NEW_STYLE}|${OLD_STYLE})(?:v\d*)?$`, "i");
/** "arxiv 2305 18290": the dot typed as a space, only after the word arXiv. */
const SPACED_FORM = /^(arxiv\s*[:\s]\s*)(\d{4})\s+(\d{4,5})$/i;

/**
 * Extracts an arXiv id (without version) from what people paste: `1706.03762`, `arXiv:1706.03762v5`,
 * `arxiv 2106.09685`, abs/pdf/html URLs with or without scheme, and old-style ids such as `hep-th/9711200`.
 */
export function parseArxivReference(input: string): string | null {
  // NFKC: full-width digits and dots (what a Japanese IME types, １２０７．７２１４) read as the ASCII id.
  const text = input.normalize("NFKC").trim().replace(SPACED_FORM, "$1$2.$3");
  const match = URL_FORM.exec(text) ?? MIRROR_FORM.exec(text) ?? DOI_FORM.exec(text) ?? BARE_FORM.exec(text);
  if (!match) return null;
  const newStyle = match[1];
  if (newStyle) return isPlausibleNewStyle(newStyle) ? newStyle : null;
  const oldStyle = match[2];
  return oldStyle ? oldStyle.toLowerCase() : null;
}

/** An id as arXiv prints it, for echoing to people: the subject class in capitals (`cs.cl/0112017` → `cs.CL/0112017`). */
export function arxivDisplayId(id: string): string {
  return id.replace(
    /^([a-z][a-z-]*)\.([a-z]{2})\//i,
    (_, archive: string, subject: string) => `${archive.toLowerCase()}.${subject.toUpperCase()}/`,
  );
}

const EXACT_ID = new RegExp(String.raw`^(?:${NEW_STYLE}|${OLD_STYLE})$`);

/**
 * An arXiv id exactly as arXiv writes it, without version or prefix (`2401.01335`, `hep-th/9711200`): the id as
 * parseArxivReference gives it (so the CLI and the /review buttons take it back), or null for anything else.
 */
export function arxivIdOf(text: string): string | null {
  // A new-style id (every feed item's) is what parseArxivReference reads it as when plausible: its four forms and the
  // NFKC pass are skipped for the 2,000 ids of a large feed.
  if (NEW_STYLE_ID.test(text)) return isPlausibleNewStyle(text) ? text : null;
  return EXACT_ID.test(text) ? parseArxivReference(text) : null;
}

const NEW_STYLE_ID = new RegExp(String.raw`^${NEW_STYLE}$`);

/** No paper has anywhere near this many versions; a version past it is a broken or hostile record. */
export const MAX_ARXIV_VERSION = 1000;

/** The digits after an id's `v`, as arXiv writes them (no leading zero): 1 to MAX_ARXIV_VERSION, else null. */
export function arxivVersionOf(digits: string): number | null {
  if (!/^[1-9]\d{0,3}$/.test(digits)) return null;
  const version = Number(digits);
  return version <= MAX_ARXIV_VERSION ? version : null;
}

/** An arXiv id or link somewhere in a sentence: "paper 2310.04378 pls", "see abs/2312.06585". */
export function findArxivReference(text: string): string | null {
  return findArxivReferences(text)[0] ?? null;
}

/** Every distinct arXiv id or link in a text, in order (a query is at most a few hundred characters). */
export function findArxivReferences(text: string): string[] {
  const found: string[] = [];
  for (const word of text.split(/\s+/)) {
    const direct = parseArxivReference(word) ?? parseArxivReference(word.replace(/^(?:abs|pdf|html)\//i, ""));
    if (direct && !found.includes(direct)) found.push(direct);
  }
  return found;
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

/**
 * The month an arXiv id was assigned (its submission month), "YYYY-MM": `2401.01335` → "2024-01", `hep-th/9711200`
 * → "1997-11". Old-style ids run from 1991 to 2007, new-style ones from 2007 on. Null for anything else.
 */
export function arxivIdMonth(id: string): string | null {
  const match = /^(\d{2})(\d{2})\.\d{4,5}$/.exec(id) ?? /^[a-z][a-z-]*(?:\.[A-Za-z]{2})?\/(\d{2})(\d{2})\d{3}$/.exec(id);
  if (!match) return null;
  const [, yy = "", mm = ""] = match;
  const month = Number(mm);
  if (month < 1 || month > 12) return null;
  const century = id.includes("/") && Number(yy) >= 91 ? 1900 : 2000;
  return `${century + Number(yy)}-${mm}`;
}
