// The SVG allowlist: plain drawings pass (re-serialized), anything that can run, load or expand is refused.
import { describe, expect, test } from "bun:test";
import { SvgRefused, sanitizeSvg } from "./svg-sanitize.ts";

const ok = `<?xml version="1.0"?><!-- logo --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32"><defs><linearGradient id="g"><stop offset="0" stop-color="#4f46e5"/></linearGradient></defs><title>Acme</title><rect width="32" height="32" rx="6" fill="url(#g)"/><path d="M8 24 L16 8 L24 24 Z" fill="#fff"/></svg>`;

describe("sanitizeSvg", () => {
  test("a plain drawing passes, without the XML declaration and comments", () => {
    const out = sanitizeSvg(ok);
    expect(out).toStartWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"');
    expect(out).toContain('fill="url(#g)"');
    expect(out).not.toContain("<!--");
    expect(out).not.toContain("<?xml");
  });

  const refused: [string, string][] = [
    ["a script element", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`],
    ["an event handler", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`],
    ["an external link", `<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>`],
    ["xlink:href on an allowed element", `<svg xmlns="http://www.w3.org/2000/svg"><rect xlink:href="javascript:alert(1)"/></svg>`],
    ["foreignObject", `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>`],
    ["a style element", `<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css)</style></svg>`],
    ["a style attribute", `<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:red"/></svg>`],
    ["an outside url() reference", `<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/#g)"/></svg>`],
    ["a DOCTYPE with entities", `<!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`],
    ["an unknown entity", `<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`],
    ["CDATA", `<svg xmlns="http://www.w3.org/2000/svg"><text><![CDATA[x]]></text></svg>`],
    ["an unterminated element", `<svg xmlns="http://www.w3.org/2000/svg"><g>`],
    ["a non-svg root", `<html><svg/></html>`],
    ["content after the root", `<svg xmlns="http://www.w3.org/2000/svg"></svg><script>x</script>`],
    ["an animate element (can set href)", `<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href" to="javascript:alert(1)"/></svg>`],
  ];
  for (const [name, svg] of refused) test(`refuses ${name}`, () => expect(() => sanitizeSvg(svg)).toThrow(SvgRefused));

  test("text is escaped on the way out", () => {
    expect(sanitizeSvg(`<svg xmlns="http://www.w3.org/2000/svg"><text>a &lt;b&gt; &amp; c</text></svg>`)).toBe('<svg xmlns="http://www.w3.org/2000/svg"><text>a &lt;b&gt; &amp; c</text></svg>');
  });
});
