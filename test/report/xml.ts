/** An element of a parsed XML document. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const nameStart = '[A-Za-z_:]';
const nameChar = '[A-Za-z0-9_:.-]';
const namePattern = new RegExp(`^${nameStart}${nameChar}*`);
const attributePattern = new RegExp(`^\\s+(${nameStart}${nameChar}*)\\s*=\\s*("([^"<]*)"|'([^'<]*)')`);
// XML 1.0 Char production, as code points.
const validChar = (cp: number): boolean => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new Error(`bare & at ${at}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body]!;
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw new Error(`unknown entity &${body}; at ${at}`);
    const cp = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
    if (!validChar(cp)) throw new Error(`character reference to an invalid character at ${at}`);
    return String.fromCodePoint(cp);
  });
}

/**
 * A strict parser of the XML subset JUnit reports use (declaration, elements,
 * attributes, text, entity and character references). Throws on anything that
 * is not well-formed: unbalanced tags, duplicate attributes, `<` or bare `&` in
 * text or attributes, characters XML 1.0 does not allow, trailing content.
 */
export function parseXml(source: string): XmlElement {
  for (const ch of source) {
    const cp = ch.codePointAt(0)!;
    if (!validChar(cp) || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`invalid XML character U+${cp.toString(16)}`);
  }
  let pos = 0;
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>/.exec(source);
  if (declaration) pos = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt === -1 ? source.length : lt;
    const rawText = source.slice(pos, textEnd);
    if (rawText.includes('>') && rawText.includes(']]>')) throw new Error(`]]> in text at ${pos}`);
    const decoded = decode(rawText, pos);
    if (stack.length === 0) {
      if (decoded.trim() !== '') throw new Error(`text outside the root element at ${pos}`);
    } else stack[stack.length - 1]!.text += decoded;
    if (lt === -1) break;
    pos = lt;
    if (source.startsWith('</', pos)) {
      const name = namePattern.exec(source.slice(pos + 2))?.[0];
      const close = source.indexOf('>', pos);
      if (!name || close === -1 || source.slice(pos + 2 + name.length, close).trim() !== '') throw new Error(`bad end tag at ${pos}`);
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`end tag </${name}> does not match <${open?.name ?? ''}> at ${pos}`);
      if (stack.length === 0) root = open;
      pos = close + 1;
      continue;
    }
    const name = namePattern.exec(source.slice(pos + 1))?.[0];
    if (!name) throw new Error(`bad start tag at ${pos}`);
    if (root !== undefined && stack.length === 0) throw new Error(`second root element at ${pos}`);
    pos += 1 + name.length;
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
    for (;;) {
      const match = attributePattern.exec(source.slice(pos));
      if (!match) break;
      const key = match[1]!;
      if (key in attributes) throw new Error(`duplicate attribute ${key} at ${pos}`);
      const raw = match[3] ?? match[4] ?? '';
      // Attribute-value normalisation: literal whitespace becomes a space; references keep theirs.
      attributes[key] = decode(raw.replace(/[\t\n\r]/g, ' '), pos);
      pos += match[0].length;
    }
    const rest = /^\s*(\/?)>/.exec(source.slice(pos));
    if (!rest) throw new Error(`bad start tag <${name}> at ${pos}`);
    pos += rest[0].length;
    const element: XmlElement = { name, attributes, children: [], text: '' };
    stack[stack.length - 1]?.children.push(element);
    if (rest[1] === '/') {
      if (stack.length === 0) root = element;
    } else stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
