// The one workspace input schema (CLI now, dashboard later): branding rules that keep pages and CSP safe.
import { describe, expect, test } from "bun:test";
import { parseWorkspaceInput, workspaceInputSchema } from "./workspaces.schemas.ts";

describe("logoUrl", () => {
  test.each(["https://cdn.example.com/logo.png", "https://cdn.example.com:8443/a/b.svg?v=2", "/assets/favicon.svg", "/logo.png", "/"])("accepts %s", (logoUrl) => {
    expect(workspaceInputSchema.safeParse({ logoUrl }).success).toBe(true);
  });
  test.each(["//evil.example/x.png", "/\\evil.example/x.png", "\\\\evil.example", "http://cdn.example.com/x.png", "https://user:pw@cdn.example.com/x.png", "javascript:alert(1)", "data:image/png;base64,AAAA", "logo.png", "/a b.png", '/a".png', "https:/cdn.example.com/x.png", "HTTPS://"])(
    "refuses %j",
    (logoUrl) => {
      expect(workspaceInputSchema.safeParse({ logoUrl }).success).toBe(false);
    },
  );
});

describe("frameAncestors", () => {
  test.each([
    ["https://app.example.com", "https://app.example.com"],
    ["https://App.Example.COM:8443", "https://app.example.com:8443"],
    ["http://localhost:5173", "http://localhost:5173"],
  ])("accepts %s as %s", (origin, stored) => {
    expect(parseWorkspaceInput({ frameAncestors: [origin] }).frameAncestors).toEqual([stored]);
  });
  test.each(["https://app.example.com/", "https://app.example.com/x", "https://a.example.com;script-src *", "https://a.example.com https://b.example.com", "https://*.example.com", "http://app.example.com", "'self'", "*", "https://a.example.com:99999", "https://user@a.example.com", "app.example.com"])(
    "refuses %j",
    (origin) => {
      expect(() => parseWorkspaceInput({ frameAncestors: [origin] })).toThrow("frameAncestors must be origins only");
    },
  );
});

describe("parseWorkspaceInput", () => {
  test("names the field and never echoes the value", () => {
    expect(() => parseWorkspaceInput({ accentColor: "ZZQ" })).toThrow(/^accentColor must be a hex colour like #4f46e5$/);
    expect(() => parseWorkspaceInput({ allowedReturnUrls: ["https://ok.example.com/", "ftp://ZZQ"] })).toThrow(/^allowedReturnUrls must be an https URL \(http only for localhost\)$/);
    expect(() => parseWorkspaceInput({ linkTtlMinutes: 0 })).toThrow("linkTtlMinutes must be a whole number from 1 to 10080");
    expect(() => parseWorkspaceInput({ plan: "gold" })).toThrow("plan must be core or advanced");
  });

  test("trims names and keeps null to clear optional fields", () => {
    expect(parseWorkspaceInput({ name: "  Acme  ", displayName: null, logoUrl: null })).toEqual({ name: "Acme", displayName: null, logoUrl: null });
  });
});
