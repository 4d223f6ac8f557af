// Embedded assets: gzip for clients that take it (the OpenAPI viewer's 3.5 MB script above all), Vary, ETags per form.
import { describe, expect, test } from "bun:test";
import { makeTestApp } from "../../tests/helpers.ts";
import { ASSETS, acceptsGzip } from "./assets.ts";

describe("compressed assets", () => {
  test.each(["/swagger/scalar.js", "/assets/holdfast.css", "/assets/flow.js", "/assets/favicon.svg"])("%s: gzip when accepted, identical once decoded", async (path) => {
    const t = await makeTestApp();
    const original = new Uint8Array(await Bun.file(ASSETS[path].path).arrayBuffer());
    const plain = await t.request("GET", path);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toBe("Accept-Encoding");
    expect(new Uint8Array(await plain.arrayBuffer())).toEqual(original);

    const zipped = await t.request("GET", path, { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toBe("Accept-Encoding");
    const body = new Uint8Array(await zipped.arrayBuffer());
    expect(body.byteLength).toBeLessThan(original.byteLength);
    expect(Bun.gunzipSync(body)).toEqual(original);

    // Each form has its own ETag, and each revalidates to a 304.
    const gzEtag = zipped.headers.get("etag")!;
    expect(gzEtag).not.toBe(plain.headers.get("etag"));
    const again = await t.request("GET", path, { headers: { "accept-encoding": "gzip", "if-none-match": gzEtag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("vary")).toBe("Accept-Encoding");
  });

  test("the viewer script shrinks to well under half", async () => {
    const t = await makeTestApp();
    const zipped = await t.request("GET", "/swagger/scalar.js", { headers: { "accept-encoding": "gzip" } });
    const size = (await zipped.arrayBuffer()).byteLength;
    expect(size).toBeLessThan(Bun.file(ASSETS["/swagger/scalar.js"].path).size / 2);
  });

  test.each([
    ["gzip", true],
    ["br, gzip;q=0.5", true],
    ["*", true],
    ["gzip;q=0", false],
    ["br", false],
    ["identity", false],
    [null, false],
  ] as const)("Accept-Encoding %s → gzip %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
