import { parse, type DefaultTreeAdapterMap } from "parse5";
import { SaxesParser } from "saxes";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

export interface HtmlReading {
  /** Every element's tag name, in document order. */
  tags: string[];
  /** Every attribute as name=value. */
  attributes: { tag: string; name: string; value: string }[];
  /** The text of the whole document, as a browser would read it. */
  text: string;
}

/** Reads an HTML document with parse5 (the WHATWG parsing algorithm), independently of our templates. */
export function readHtml(document: string, fragment = false): HtmlReading {
  const reading: HtmlReading = { tags: [], attributes: [], text: "" };
  const walk = (node: Node): void => {
    if (node.nodeName === "#text" && "value" in node) reading.text += node.value;
    if ("tagName" in node) {
      const element = node as Element;
      reading.tags.push(element.tagName);
      for (const attribute of element.attrs)
        reading.attributes.push({ tag: element.tagName, name: attribute.name, value: attribute.value });
    }
    const children =
      "content" in node && node.nodeName === "template" ? node.content.childNodes : "childNodes" in node ? node.childNodes : [];
    for (const child of children) walk(child);
  };
  walk(parse(fragment ? `<!doctype html><body>${document}` : document));
  return reading;
}

export interface XmlElement {
  name: string;
  uri: string;
  attributes: Record<string, string>;
  text: string;
}

/** Reads an XML document with saxes (strict, namespace-aware: any well-formedness error throws). */
export function readXml(document: string): XmlElement[] {
  const parser = new SaxesParser({ xmlns: true });
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  let failure: Error | null = null;
  parser.on("error", (error) => {
    failure ??= error;
  });
  parser.on("opentag", (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, attribute] of Object.entries(tag.attributes))
      attributes[name] = typeof attribute === "string" ? attribute : attribute.value;
    const element: XmlElement = { name: tag.local ?? tag.name, uri: tag.uri ?? "", attributes, text: "" };
    elements.push(element);
    open.push(element);
  });
  parser.on("text", (text) => {
    const current = open.at(-1);
    if (current) current.text += text;
  });
  parser.on("cdata", (text) => {
    const current = open.at(-1);
    if (current) current.text += text;
  });
  parser.on("closetag", () => void open.pop());
  parser.write(document).close();
  if (failure) throw failure;
  return elements;
}
