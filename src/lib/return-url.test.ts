import { describe, expect, test } from "bun:test";
import { isAllowlisted } from "./return-url.ts";

const allow = ["https://app.example.com/billing/", "http://localhost:4000/back"];

describe("isAllowlisted", () => {
  test.each([
    "https://app.example.com/billing/",
    "https://app.example.com/billing/cancel/callback?x=1",
    "http://localhost:4000/back",
    "http://localhost:4000/back/deeper",
  ])("accepts %s", (url) => expect(isAllowlisted(url, allow)).toBe(true));

  test.each([
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://app.example.com@evil.example.com/billing/",
    "https://ok@app.example.com/billing/",
    "https://app.example.com.evil.example.com/billing/",
    "//evil.example.com/billing/",
    "/billing/",
    "http://app.example.com/billing/",
    "https://app.example.com/other/",
    "https://app.example.com/billing/../admin",
    "https://app.example.com:8443/billing/",
    "http://localhost:4000/backdoor",
    "http://localhost:4001/back",
    "not a url",
  ])("refuses %s", (url) => expect(isAllowlisted(url, allow)).toBe(false));
});
