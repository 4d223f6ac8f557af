// Flows: the default flow every workspace starts with, lookups, and offer matching.
import type { Clock } from "../../lib/clock.ts";
import { uuid } from "../../lib/crypto.ts";
import type { Flow, FlowStore } from "./flows.store.ts";
import type { Step } from "./flows.schemas.ts";

/** A flow that makes sense without editing: common reasons, each matched to the offer most likely to help. */
export function defaultFlowSteps(): Step[] {
  return [
    {
      type: "survey",
      label: "Why are you cancelling?",
      config: {
        options: [
          "Too expensive",
          "Not using it enough",
          "Missing a feature",
          "Switching to another product",
          "Technical problems",
          "Only needed it temporarily",
          "Other",
        ],
      },
    },
    {
      type: "offer",
      label: "Stay for 30% less",
      config: { kind: "discount", percentOff: 30, durationMonths: 3 },
      reasons: ["too expensive"],
    },
    {
      type: "offer",
      label: "Take a break instead",
      config: { kind: "pause", months: 2 },
      reasons: ["not using it enough", "only needed it temporarily"],
    },
    {
      type: "offer",
      label: "Tell us what is missing",
      config: { kind: "contact", url: null },
      reasons: ["missing a feature", "technical problems"],
    },
    {
      type: "confirmation",
      label: "Your subscription is canceled",
      config: { message: "Thanks for telling us why. You keep access until the end of the billing period." },
    },
  ];
}

export function createFlowService({ flowStore, clock }: { flowStore: FlowStore; clock: Clock }) {
  return {
    async createDefault(workspaceId: string): Promise<Flow> {
      const now = clock.now();
      const flow: Flow = {
        id: uuid(),
        workspaceId,
        name: "Default cancellation flow",
        slug: "default",
        status: "active",
        isDefault: true,
        steps: defaultFlowSteps(),
        createdAt: now,
        updatedAt: now,
      };
      await flowStore.insert(flow);
      return flow;
    },
    get: (workspaceId: string, id: string) => flowStore.findById(workspaceId, id),
    getDefault: (workspaceId: string) => flowStore.findDefault(workspaceId),
    getRef: (workspaceId: string, id: string) => flowStore.findRef(workspaceId, id),
    getDefaultId: (workspaceId: string) => flowStore.findDefaultId(workspaceId),
    list: (workspaceId: string) => flowStore.list(workspaceId),
  };
}

export type FlowService = ReturnType<typeof createFlowService>;
