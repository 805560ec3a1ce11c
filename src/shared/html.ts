/**
 * Auto-escaping templates for HTML and XML. Every interpolated value is escaped as text unless it is markup built
 * by the same kind of template (or marked trusted with `raw()` / `rawXml()`), so a feed title can never become markup.
 */

/** Bidirectional overrides and isolates: they can make text read differently from what it is. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** Characters XML 1.0 does not allow at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SPECIAL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and quoted attribute values (HTML and XML alike), dropping bidi controls. */
export function escapeText(text: string): string {
  return text.replace(BIDI_CONTROLS, "").replace(SPECIAL, (char) => ENTITIES[char] ?? char);
}

/** A fragment of HTML that is safe to insert as markup. */
export class SafeHtml {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

/** A fragment of XML that is safe to insert as markup. HTML fragments are text to XML (escaped), as Atom wants. */
export class SafeXml {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

/** What a template accepts: text (escaped), numbers, fragments (as is), lists of these (concatenated), nothing. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];
export type XmlValue = string | number | SafeXml | SafeHtml | null | undefined | false | readonly XmlValue[];

function renderHtmlValue(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.toString();
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeText(value);
  let out = "";
  for (const item of value) out += renderHtmlValue(item);
  return out;
}

function renderXmlValue(value: XmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeXml) return value.toString();
  if (typeof value === "number") return String(value);
  if (typeof value === "string" || value instanceof SafeHtml) return escapeText(value.toString()).replace(XML_INVALID, "");
  let out = "";
  for (const item of value) out += renderXmlValue(item);
  return out;
}

function assemble<V>(strings: TemplateStringsArray, values: readonly V[], render: (value: V) => string): string {
  let out = strings[0] ?? "";
  for (let index = 0; index < values.length; index += 1) out += render(values[index] as V) + (strings[index + 1] ?? "");
  return out;
}

/** `html\`<p>${text}</p>\``: interpolated strings are escaped; SafeHtml (from `html` or `raw`) is inserted as is. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  return new SafeHtml(assemble(strings, values, renderHtmlValue));
}

/** `xml\`<title>${text}</title>\``: strings and HTML fragments are escaped as text; SafeXml is inserted as is. */
export function xml(strings: TemplateStringsArray, ...values: readonly XmlValue[]): SafeXml {
  return new SafeXml(assemble(strings, values, renderXmlValue));
}

/** Trusted markup written by us (a style sheet, a fixed notice): never pass text that came from outside. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** Trusted XML written by us. */
export function rawXml(trusted: string): SafeXml {
  return new SafeXml(trusted);
}

/** Fragments joined by a separator (itself markup), e.g. one line per list item. */
export function joinHtml(parts: readonly HtmlValue[], separator = ""): SafeHtml {
  return new SafeHtml(parts.map(renderHtmlValue).join(separator));
}

export function joinXml(parts: readonly XmlValue[], separator = ""): SafeXml {
  return new SafeXml(parts.map(renderXmlValue).join(separator));
}
