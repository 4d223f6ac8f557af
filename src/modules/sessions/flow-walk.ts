// The flow walk, as pure functions: which page a session shows, and what each subscriber action does
// (survey → offer → confirm → done; keep / accept / decline / skip / back). The hosted pages call it today;
// the flow editor's preview and A/B tests can call the same code with a flow's steps and a made-up position.
import { OTHER_REASON, confirmationStep, normalizeReason, offerForReason, surveyStep } from "../flows/flow-steps.ts";
import type { OfferConfig, OfferStep, Step, SurveyStep } from "../flows/flows.schemas.ts";
import type { FinalOutcome, Outcome, SessionState, SessionStep } from "./sessions.schemas.ts";

export const FLOW_ACTIONS = ["survey", "skip", "accept", "decline", "confirm", "keep", "back"] as const;
export type FlowActionType = (typeof FLOW_ACTIONS)[number];

export type FlowAction =
  | { type: "survey"; reason: string | null; feedback: string | null }
  | { type: "skip"; feedback: string | null }
  | { type: "accept" | "decline" | "confirm" | "keep" | "back" };

/** Where a session stands in its flow: the parts of a session the walk reads. */
export interface WalkPosition {
  state: SessionState;
  step: SessionStep;
  reason: string | null;
  feedback: string | null;
  outcome: Outcome;
  offer: OfferConfig | null;
}

/** Why a survey answer was refused (the page shows the matching message). */
export const SURVEY_ERRORS = ["reason_required", "unknown_reason", "feedback_required"] as const;
export type SurveyError = (typeof SURVEY_ERRORS)[number];

export type WalkResult =
  /** Save this position and show its page. */
  | { kind: "move"; step: SessionStep; reason: string | null; feedback: string | null }
  /** Record the outcome (once). */
  | { kind: "finish"; outcome: FinalOutcome; offer: OfferConfig | null }
  /** Show the survey again with this error, keeping what was typed. */
  | { kind: "refuse"; error: SurveyError; reason: string | null; feedback: string | null }
  /** Nothing to do (an action that does not fit the page, or a session already decided). */
  | { kind: "stay" };

export const FEEDBACK_MAX = 2000;

function cleanFeedback(feedback: string | null): string | null {
  // Control characters other than line breaks and tabs have no place in a message to the team.
  const text = feedback?.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim();
  return text ? text.slice(0, FEEDBACK_MAX) : null;
}

/** What an action does from a position. A completed session never changes: every action stays. */
export function walk(steps: Step[], at: WalkPosition, action: FlowAction): WalkResult {
  if (at.state === "completed" || at.state === "expired") return { kind: "stay" };
  const flow = { steps };
  switch (action.type) {
    case "survey":
    case "skip": {
      const feedback = cleanFeedback(action.feedback);
      const typed = action.type === "survey" ? action.reason : null;
      if (action.type === "survey" && !typed) return { kind: "refuse", error: "reason_required", reason: null, feedback };
      const reason = typed ? normalizeReason(typed) : null;
      const options = (surveyStep(flow)?.config.options ?? []).map(normalizeReason);
      if (reason !== null && !options.includes(reason)) return { kind: "refuse", error: "unknown_reason", reason, feedback };
      if (reason === OTHER_REASON && !feedback) return { kind: "refuse", error: "feedback_required", reason, feedback };
      return { kind: "move", step: offerForReason(flow, reason) ? "offer" : "confirm", reason, feedback };
    }
    case "accept": {
      const offer = offerForReason(flow, at.reason);
      if (at.step !== "offer" || !offer) return { kind: "stay" };
      return { kind: "finish", outcome: "saved", offer: offer.config };
    }
    case "decline":
      return { kind: "move", step: "confirm", reason: at.reason, feedback: at.feedback };
    case "back":
      return { kind: "move", step: "survey", reason: at.reason, feedback: at.feedback };
    case "confirm":
      return { kind: "finish", outcome: "canceled", offer: null };
    case "keep":
      return { kind: "finish", outcome: "saved", offer: null };
  }
}

export type FlowPage =
  | { page: "survey"; survey: SurveyStep; step: number; totalSteps: number }
  | { page: "offer"; offer: OfferStep; step: number; totalSteps: number }
  | { page: "confirm"; step: number; totalSteps: number }
  | { page: "done"; outcome: FinalOutcome; offer: OfferConfig | null; message: string | null; contactUrl: string | null }
  | { page: "expired" };

/** The page a session shows at its position, with "step n of m" for the progress line. */
export function pageFor(steps: Step[], at: WalkPosition): FlowPage {
  const flow = { steps };
  if (at.state === "expired") return { page: "expired" };
  if (at.state === "completed") {
    const contact = at.offer?.kind === "contact" ? offerForReason(flow, at.reason) : null;
    return {
      page: "done",
      outcome: at.outcome as FinalOutcome,
      offer: at.offer,
      message: confirmationStep(flow)?.config.message ?? null,
      contactUrl: contact?.config.kind === "contact" ? contact.config.url : null,
    };
  }
  // Survey, then an offer when the flow has any, then confirmation.
  const total = steps.some((s) => s.type === "offer") ? 3 : 2;
  const offer = offerForReason(flow, at.reason);
  if (at.step === "offer" && offer) return { page: "offer", offer, step: 2, totalSteps: total };
  if (at.step === "confirm" || at.step === "offer") {
    const count = offer ? total : 2; // no offer on this path: survey → confirm
    return { page: "confirm", step: count, totalSteps: count };
  }
  const survey = surveyStep(flow);
  if (!survey) return { page: "confirm", step: total, totalSteps: total };
  return { page: "survey", survey, step: 1, totalSteps: total };
}

/** The action a submitted form asks for, or null for anything else. */
export function actionFromForm(form: { action: string | null; reason: string | null; feedback: string | null }): FlowAction | null {
  switch (form.action) {
    case "survey":
      return { type: "survey", reason: form.reason, feedback: form.feedback };
    case "skip":
      return { type: "skip", feedback: form.feedback };
    case "accept":
    case "decline":
    case "confirm":
    case "keep":
    case "back":
      return { type: form.action };
    default:
      return null;
  }
}
