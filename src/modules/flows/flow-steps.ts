// Pure reads of a flow's steps (which survey, which offer for a reason): shared by services, the flow walk and views.
import type { ConfirmationStep, OfferStep, Step, SurveyStep } from "./flows.schemas.ts";

/** The survey option that asks for a written reason. */
export const OTHER_REASON = "other";

export function normalizeReason(reason: string): string {
  return reason.trim().toLowerCase().replace(/\s+/g, " ");
}

export function surveyStep(flow: { steps: Step[] }): SurveyStep | null {
  return (flow.steps.find((s) => s.type === "survey") as SurveyStep | undefined) ?? null;
}

export function confirmationStep(flow: { steps: Step[] }): ConfirmationStep | null {
  return (flow.steps.find((s) => s.type === "confirmation") as ConfirmationStep | undefined) ?? null;
}

/** The first offer matched to this reason, if any. */
export function offerForReason(flow: { steps: Step[] }, reason: string | null): OfferStep | null {
  if (!reason) return null;
  const wanted = normalizeReason(reason);
  const offer = flow.steps.find((s) => s.type === "offer" && s.reasons.map(normalizeReason).includes(wanted));
  return (offer as OfferStep | undefined) ?? null;
}
