// A strict allowlist for uploaded SVG logos: shapes, paths, gradients and plain presentation attributes only.
// Anything else (script, foreignObject, external references, event handlers, style sheets, entities) refuses
// the whole file instead of being stripped, and the output is re-serialized from what was checked.

const ELEMENTS = new Set([
  "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "lineargradient",
  "radialgradient", "stop", "title", "desc", "clippath", "text", "tspan",
]);

const ATTRIBUTES = new Set([
  "xmlns", "version", "viewbox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
  "d", "points", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
  "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "transform", "id",
  "offset", "stop-color", "stop-opacity", "gradientunits", "gradienttransform", "spreadmethod", "fx", "fy",
  "clip-path", "clip-rule", "clippathunits", "preserveaspectratio", "font-family", "font-size", "font-weight",
  "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy", "role", "aria-label", "aria-hidden",
]);

// Only local references (url(#id)); no external resources, no javascript:, no CSS expressions.
const SAFE_VALUE = /^[^<>&"]*$/;
const URL_REF = /url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi;

export class SvgRefused extends Error {}

const escapeAttr = (v: string) => v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
const escapeText = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function decodeEntities(value: string): string {
  // Only the five XML entities and numeric ones; anything else (a DTD's entity) is refused upstream.
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const lower = e.toLowerCase();
    if (lower === "amp") return "&";
    if (lower === "lt") return "<";
    if (lower === "gt") return ">";
    if (lower === "quot") return '"';
    if (lower === "apos") return "'";
    const code = lower.startsWith("#x") ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

function checkValue(name: string, raw: string): string {
  if (/&(?!(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);)/i.test(raw)) throw new SvgRefused(`attribute ${name} uses an entity`);
  const value = decodeEntities(raw);
  if (!SAFE_VALUE.test(value.replace(/&/g, ""))) throw new SvgRefused(`attribute ${name} has unsafe characters`);
  if (/javascript:|data:|expression\s*\(|@import/i.test(value)) throw new SvgRefused(`attribute ${name} has an unsafe value`);
  for (const m of value.matchAll(URL_REF)) if (!m[2].startsWith("#")) throw new SvgRefused(`attribute ${name} references an outside resource`);
  return value;
}

/** The sanitized SVG text, or throws SvgRefused saying what was not allowed. */
export function sanitizeSvg(input: string): string {
  let s = input.replace(/^\uFEFF/, "").trim();
  s = s.replace(/^<\?xml[^?]*\?>\s*/, "");
  if (/<!DOCTYPE|<!ENTITY|<!\[CDATA\[|<\?/i.test(s)) throw new SvgRefused("DOCTYPE, entities, CDATA and processing instructions are not allowed");
  const out: string[] = [];
  const stack: string[] = [];
  let i = 0;
  let sawRoot = false;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  const attr = /\s+([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  while (i < s.length) {
    if (s.startsWith("<!--", i)) {
      const end = s.indexOf("-->", i + 4);
      if (end < 0) throw new SvgRefused("unterminated comment");
      i = end + 3; // comments are dropped
      continue;
    }
    if (s[i] === "<") {
      tag.lastIndex = i;
      const m = tag.exec(s);
      if (!m) throw new SvgRefused("malformed markup");
      const [whole, closing, rawName, attrs, selfClosing] = m;
      const name = rawName.toLowerCase();
      if (!ELEMENTS.has(name)) throw new SvgRefused(`element <${rawName}> is not allowed`);
      if (closing) {
        if (stack.pop() !== name) throw new SvgRefused("mismatched closing tag");
        out.push(`</${rawName}>`);
      } else {
        if (!sawRoot && name !== "svg") throw new SvgRefused("the file must start with <svg>");
        if (sawRoot && stack.length === 0) throw new SvgRefused("content after the root element");
        sawRoot = true;
        const kept: string[] = [];
        for (const a of attrs.matchAll(attr)) {
          const attrName = a[1];
          const lower = attrName.toLowerCase();
          if (lower.startsWith("xmlns:")) {
            // Namespace declarations are harmless on their own; only the SVG namespace's elements are allowed anyway.
            kept.push(` ${attrName}="${escapeAttr(checkValue(attrName, a[2] ?? a[3]))}"`);
            continue;
          }
          if (!ATTRIBUTES.has(lower)) throw new SvgRefused(`attribute ${attrName} is not allowed`);
          kept.push(` ${attrName}="${escapeAttr(checkValue(attrName, a[2] ?? a[3]))}"`);
        }
        out.push(`<${rawName}${kept.join("")}${selfClosing ? "/" : ""}>`);
        if (!selfClosing) stack.push(name);
      }
      i += whole.length;
      continue;
    }
    const next = s.indexOf("<", i);
    const text = s.slice(i, next < 0 ? s.length : next);
    if (stack.length === 0 && text.trim()) throw new SvgRefused("text outside the root element");
    if (/&(?!(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);)/i.test(text)) throw new SvgRefused("text uses an entity");
    out.push(escapeText(decodeEntities(text)));
    i = next < 0 ? s.length : next;
  }
  if (!sawRoot || stack.length) throw new SvgRefused("the file is not a complete <svg> element");
  return out.join("");
}
