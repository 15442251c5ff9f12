// The XML writer of the RSS and Atom feeds and the OPML list. Every text and attribute value is
// escaped here, and HTML goes into CDATA sections with every `]]>` split, so no text can end an
// element, an attribute or a section early, and a parser reads back exactly the text that was
// given (what the `feed` package could not promise: it split only the first `]]>` of a section
// and turned `&amp;` into `&`).

export interface XmlElement {
  name: string;
  attributes: Record<string, string | undefined>;
  children: XmlChild[];
}

/** Text kept readable in a CDATA section (HTML): the same characters as text, fewer bytes. */
export interface XmlCdata {
  cdata: string;
}

/** An element, a CDATA section, or text. */
export type XmlChild = XmlElement | XmlCdata | string;

/** An element; attributes left `undefined` are not written. */
export function element(name: string, attributes: XmlElement['attributes'] = {}, ...children: XmlChild[]): XmlElement {
  return { name, attributes, children };
}

export function cdata(text: string): XmlCdata {
  return { cdata: text };
}

/** A whole document: the declaration, then the root indented by four spaces per level. */
export function renderXmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${renderElement(root, '')}`;
}

function renderElement({ name, attributes, children }: XmlElement, indent: string): string {
  const attributeText = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(value, ATTRIBUTE_ESCAPES)}"`)
    .join('');
  const open = `${indent}<${name}${attributeText}`;
  if (children.length === 0) return `${open}/>`;
  // Text stays on the element's line: indentation inside it would become part of the text.
  if (children.every((child) => !isElement(child))) return `${open}>${children.map((child) => renderChild(child, '')).join('')}</${name}>`;
  const lines = children.map((child) => renderChild(child, `${indent}    `));
  return `${open}>\n${lines.join('\n')}\n${indent}</${name}>`;
}

function isElement(child: XmlChild): child is XmlElement {
  return typeof child === 'object' && 'name' in child;
}

function renderChild(child: XmlChild, indent: string): string {
  if (isElement(child)) return renderElement(child, indent);
  if (typeof child === 'string') return indent + escapeXml(child, TEXT_ESCAPES);
  // `]]>` ends a section: split it across two. A carriage return goes between sections as a
  // reference, or a parser's line-end handling turns it into a newline.
  const text = child.cdata.replace(NOT_XML, '').replace(/]]>/g, ']]]]><![CDATA[>').replace(/\r/g, ']]>&#13;<![CDATA[');
  return `${indent}<![CDATA[${text}]]>`;
}

// Characters XML 1.0 cannot carry at all, even as references (§2.2): C0 controls other than tab,
// newline and carriage return, lone surrogates, U+FFFE and U+FFFF. They are left out.
const NOT_XML = /[^\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]/gu;

// A carriage return is written as a reference, or a parser's line-end handling turns it into a
// newline; in attributes, tab and newline too, or attribute normalisation turns them into spaces.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };

function escapeXml(text: string, escapes: Record<string, string>): string {
  return text.replace(NOT_XML, '').replace(/[&<>"\t\n\r]/g, (char) => escapes[char] ?? char);
}
