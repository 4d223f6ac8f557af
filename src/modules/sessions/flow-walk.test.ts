// The flow walk, table-driven: every action from every position, and the page each position shows.
import { describe, expect, test } from "bun:test";
import { defaultFlowSteps } from "../flows/flows.service.ts";
import type { Step } from "../flows/flows.schemas.ts";
import { actionFromForm, pageFor, walk, type FlowAction, type WalkPosition, type WalkResult } from "./flow-walk.ts";

const STEPS = defaultFlowSteps();
const DISCOUNT = { kind: "discount", percentOff: 30, durationMonths: 3 } as const;
const NO_OFFERS: Step[] = STEPS.filter((s) => s.type !== "offer");
const NO_SURVEY: Step[] = STEPS.filter((s) => s.type !== "survey");

const at = (p: Partial<WalkPosition> = {}): WalkPosition => ({ state: "opened", step: "survey", reason: null, feedback: null, outcome: "pending", offer: null, ...p });

describe("walk", () => {
  const cases: [string, Step[], WalkPosition, FlowAction, WalkResult][] = [
    ["a reason with an offer moves to the offer", STEPS, at(), { type: "survey", reason: "Too expensive", feedback: null }, { kind: "move", step: "offer", reason: "too expensive", feedback: null }],
    ["a reason without an offer moves to confirm", STEPS, at(), { type: "survey", reason: "Switching to another product", feedback: " tried X " }, { kind: "move", step: "confirm", reason: "switching to another product", feedback: "tried X" }],
    ["reasons match whatever their case and spacing", STEPS, at(), { type: "survey", reason: "  NOT using  it enough ", feedback: null }, { kind: "move", step: "offer", reason: "not using it enough", feedback: null }],
    ["no reason is refused", STEPS, at(), { type: "survey", reason: null, feedback: "hi" }, { kind: "refuse", error: "reason_required", reason: null, feedback: "hi" }],
    ["an unlisted reason is refused", STEPS, at(), { type: "survey", reason: "because", feedback: null }, { kind: "refuse", error: "unknown_reason", reason: "because", feedback: null }],
    ["Other needs feedback", STEPS, at(), { type: "survey", reason: "Other", feedback: "   " }, { kind: "refuse", error: "feedback_required", reason: "other", feedback: null }],
    ["Other with feedback moves on", STEPS, at(), { type: "survey", reason: "Other", feedback: "price\u0000 and\nthings" }, { kind: "move", step: "confirm", reason: "other", feedback: "price and\nthings" }],
    ["feedback is cut at 2000 characters", STEPS, at(), { type: "skip", feedback: "x".repeat(2500) }, { kind: "move", step: "confirm", reason: null, feedback: "x".repeat(2000) }],
    ["skip goes to confirm without a reason", STEPS, at(), { type: "skip", feedback: null }, { kind: "move", step: "confirm", reason: null, feedback: null }],
    ["accept on the offer saves with the offer", STEPS, at({ step: "offer", reason: "too expensive" }), { type: "accept" }, { kind: "finish", outcome: "saved", offer: DISCOUNT }],
    ["accept anywhere else does nothing", STEPS, at({ step: "confirm", reason: "too expensive" }), { type: "accept" }, { kind: "stay" }],
    ["accept without a matched offer does nothing", STEPS, at({ step: "offer", reason: "other" }), { type: "accept" }, { kind: "stay" }],
    ["decline moves to confirm, keeping the answer", STEPS, at({ step: "offer", reason: "too expensive", feedback: "f" }), { type: "decline" }, { kind: "move", step: "confirm", reason: "too expensive", feedback: "f" }],
    ["back returns to the survey, keeping the answer", STEPS, at({ step: "confirm", reason: "too expensive" }), { type: "back" }, { kind: "move", step: "survey", reason: "too expensive", feedback: null }],
    ["confirm cancels", STEPS, at({ step: "confirm" }), { type: "confirm" }, { kind: "finish", outcome: "canceled", offer: null }],
    ["keep saves without an offer", STEPS, at({ step: "confirm" }), { type: "keep" }, { kind: "finish", outcome: "saved", offer: null }],
    ["a completed session never changes", STEPS, at({ state: "completed", step: "done", outcome: "canceled" }), { type: "keep" }, { kind: "stay" }],
    ["an expired session never changes", STEPS, at({ state: "expired" }), { type: "confirm" }, { kind: "stay" }],
    ["a flow without offers goes straight to confirm", NO_OFFERS, at(), { type: "survey", reason: "Too expensive", feedback: null }, { kind: "move", step: "confirm", reason: "too expensive", feedback: null }],
  ];
  test.each(cases)("%s", (_name, steps, position, action, expected) => {
    expect(walk(steps, position, action)).toEqual(expected);
  });
});

describe("pageFor", () => {
  const offerStep = STEPS.find((s) => s.type === "offer" && s.reasons.includes("too expensive"));
  const survey = STEPS.find((s) => s.type === "survey");
  const cases: [string, Step[], WalkPosition, unknown][] = [
    ["a new session shows the survey, step 1 of 3", STEPS, at(), { page: "survey", survey, step: 1, totalSteps: 3 }],
    ["the offer is step 2 of 3", STEPS, at({ step: "offer", reason: "too expensive" }), { page: "offer", offer: offerStep, step: 2, totalSteps: 3 }],
    ["confirm after an offer is step 3 of 3", STEPS, at({ step: "confirm", reason: "too expensive" }), { page: "confirm", step: 3, totalSteps: 3 }],
    ["confirm on a path without an offer is step 2 of 2", STEPS, at({ step: "confirm", reason: "switching to another product" }), { page: "confirm", step: 2, totalSteps: 2 }],
    ["an offer step with no matching offer shows confirm", STEPS, at({ step: "offer", reason: "other" }), { page: "confirm", step: 2, totalSteps: 2 }],
    ["a flow without a survey starts at confirm", NO_SURVEY, at(), { page: "confirm", step: 3, totalSteps: 3 }],
    ["a flow without offers counts two steps", NO_OFFERS, at(), { page: "survey", survey, step: 1, totalSteps: 2 }],
    ["expired", STEPS, at({ state: "expired" }), { page: "expired" }],
    [
      "done, saved with an offer, shows the confirmation message",
      STEPS,
      at({ state: "completed", step: "done", outcome: "saved", offer: DISCOUNT, reason: "too expensive" }),
      { page: "done", outcome: "saved", offer: DISCOUNT, message: "Thanks for telling us why. You keep access until the end of the billing period.", contactUrl: null },
    ],
    [
      "done with a contact offer carries its URL",
      STEPS.map((s) => (s.type === "offer" && s.config.kind === "contact" ? { ...s, config: { kind: "contact" as const, url: "https://help.example.com" } } : s)),
      at({ state: "completed", step: "done", outcome: "saved", offer: { kind: "contact", url: "https://help.example.com" }, reason: "missing a feature" }),
      { page: "done", outcome: "saved", offer: { kind: "contact", url: "https://help.example.com" }, message: expect.any(String), contactUrl: "https://help.example.com" },
    ],
  ];
  test.each(cases)("%s", (_name, steps, position, expected) => {
    expect(pageFor(steps, position)).toEqual(expected as never);
  });
});

describe("actionFromForm", () => {
  test.each([
    [{ action: "survey", reason: "r", feedback: "f" }, { type: "survey", reason: "r", feedback: "f" }],
    [{ action: "skip", reason: "r", feedback: "f" }, { type: "skip", feedback: "f" }],
    [{ action: "accept", reason: null, feedback: null }, { type: "accept" }],
    [{ action: "keep", reason: null, feedback: null }, { type: "keep" }],
    [{ action: "delete-everything", reason: null, feedback: null }, null],
    [{ action: null, reason: null, feedback: null }, null],
  ])("%o → %o", (form, expected) => {
    expect(actionFromForm(form)).toEqual(expected as FlowAction | null);
  });
});
