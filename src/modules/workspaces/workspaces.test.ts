import { describe, expect, test } from "bun:test";
import { makeTestApp } from "../../../tests/helpers.ts";

describe("workspaces", () => {
  test("a new workspace gets a 32-byte signing secret and an active default flow", async () => {
    const t = await makeTestApp();
    const { workspace, signingSecret } = await t.deps.workspaceService.create({ name: "Acme" });
    expect(workspace).toMatchObject({ name: "Acme", plan: "core", access: "active", linkTtlMinutes: 60 });
    expect(Buffer.from(signingSecret.secret, "base64url").length).toBeGreaterThanOrEqual(32);
    const flow = await t.deps.flowService.getDefault(workspace.id);
    expect(flow).toMatchObject({ status: "active", isDefault: true, slug: "default" });
    expect(flow!.steps.map((s) => s.type)).toEqual(["survey", "offer", "offer", "offer", "confirmation"]);
  });

  test.each([
    [{ name: "" }, "name"],
    [{ name: "x", plan: "gold" as never }, "plan"],
    [{ name: "x", defaultReturnUrl: "javascript:alert(1)" }, "defaultReturnUrl"],
    [{ name: "x", allowedReturnUrls: ["http://evil.example.com/"] }, "allowedReturnUrls"],
    [{ name: "x", accentColor: "red" }, "accentColor"],
  ])("refuses bad input %j naming %s", async (input, field) => {
    const t = await makeTestApp();
    await expect(t.deps.workspaceService.create(input)).rejects.toThrow(field);
  });

  test("rotating the secret keeps the previous one verifying for the grace period only", async () => {
    const t = await makeTestApp();
    const { workspace, signingSecret } = await t.deps.workspaceService.create({ name: "Acme" });
    const next = await t.deps.workspaceService.rotateSecret(workspace.id);
    expect((await t.deps.workspaceService.currentSecret(workspace.id))!.id).toBe(next.id);
    expect(await t.deps.workspaceService.verificationSecret(signingSecret.id)).not.toBeNull();
    t.clock.advance(t.deps.config.signingSecretGraceMs + 1);
    expect(await t.deps.workspaceService.verificationSecret(signingSecret.id)).toBeNull();
    expect(await t.deps.workspaceService.verificationSecret(next.id)).not.toBeNull();
  });
});
