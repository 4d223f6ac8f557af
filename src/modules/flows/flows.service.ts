// Flows: the default flow every workspace starts with, drafts and numbered versions, flows as code,
// lookups, and offer matching.
import type { Clock } from "../../lib/clock.ts";
import { uuid } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import type { Flow, FlowRef, FlowStore, FlowVersionInfo } from "./flows.store.ts";
import { validateFlowSteps, validateFlowWrite, type FlowDocument, type FlowWrite, type Step } from "./flows.schemas.ts";
import { diffSteps, type FlowChange } from "./flow-diff.ts";

/** A flow that makes sense without editing: common reasons, each matched to the offer most likely to help. */
export function defaultFlowSteps(): Step[] {
  // Through the validator so the stored key order is the one an export → import round trip produces.
  // It ships in the four languages of the hosted pages, so a subscriber never reads a mix.
  return validateFlowSteps([
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
      locales: {
        de: {
          label: "Warum kündigen Sie?",
          options: ["Zu teuer", "Ich nutze es zu wenig", "Mir fehlt eine Funktion", "Ich wechsle zu einem anderen Produkt", "Technische Probleme", "Nur vorübergehend gebraucht", "Sonstiges"],
        },
        fr: {
          label: "Pourquoi résiliez-vous ?",
          options: ["Trop cher", "Je ne l’utilise pas assez", "Il manque une fonctionnalité", "Je passe à un autre produit", "Problèmes techniques", "Besoin temporaire seulement", "Autre"],
        },
        es: {
          label: "¿Por qué cancelas?",
          options: ["Demasiado caro", "No lo uso lo suficiente", "Falta una función", "Me cambio a otro producto", "Problemas técnicos", "Solo lo necesitaba temporalmente", "Otro"],
        },
      },
    },
    {
      type: "offer",
      label: "Stay for 30% less",
      config: { kind: "discount", percentOff: 30, durationMonths: 3 },
      reasons: ["too expensive"],
      locales: { de: { label: "Bleiben Sie für 30 % weniger" }, fr: { label: "Restez pour 30 % de moins" }, es: { label: "Quédate por un 30 % menos" } },
    },
    {
      type: "offer",
      label: "Take a break instead",
      config: { kind: "pause", months: 2 },
      reasons: ["not using it enough", "only needed it temporarily"],
      locales: { de: { label: "Machen Sie lieber eine Pause" }, fr: { label: "Faites plutôt une pause" }, es: { label: "Tómate un descanso" } },
    },
    {
      type: "offer",
      label: "Tell us what is missing",
      config: { kind: "contact", url: null },
      reasons: ["missing a feature", "technical problems"],
      locales: { de: { label: "Sagen Sie uns, was fehlt" }, fr: { label: "Dites-nous ce qui manque" }, es: { label: "Cuéntanos qué falta" } },
    },
    {
      type: "confirmation",
      label: "Your subscription is canceled",
      config: { message: "Thanks for telling us why. You keep access until the end of the billing period." },
      locales: {
        de: { label: "Ihr Abo ist gekündigt", message: "Danke, dass Sie uns den Grund genannt haben. Sie behalten den Zugang bis zum Ende des Abrechnungszeitraums." },
        fr: { label: "Votre abonnement est résilié", message: "Merci de nous avoir dit pourquoi. Vous gardez l’accès jusqu’à la fin de la période de facturation." },
        es: { label: "Tu suscripción está cancelada", message: "Gracias por contarnos el motivo. Mantienes el acceso hasta el final del periodo de facturación." },
      },
    },
  ]);
}

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "flow";
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toFlowSummary(flow: Flow) {
  return { id: flow.id, name: flow.name, slug: flow.slug, status: flow.status, updatedAt: iso(flow.updatedAt) };
}

/** The public detail: the published steps (the draft before the first publish) with their version. */
export function toFlowDetail(flow: Flow, hostedUrl: string) {
  return {
    ...toFlowSummary(flow),
    isDefault: flow.isDefault,
    version: flow.version,
    hasUnpublishedChanges: flow.version !== null && JSON.stringify(flow.draft) !== JSON.stringify(flow.steps),
    steps: flow.steps,
    hostedUrl,
  };
}

const sameSteps = (a: Step[], b: Step[]) => JSON.stringify(a) === JSON.stringify(b);

// One message for "not yours" and "does not exist": the answer must not reveal that another workspace has the id.
const flowNotFound = () => new AppError(404, "Flow not found in this workspace");

export interface PublishResult {
  flow: Flow;
  /** False when the draft already was the published version: no new version was made. */
  published: boolean;
}

export function createFlowService({ flowStore, clock }: { flowStore: FlowStore; clock: Clock }) {
  async function must(workspaceId: string, id: string): Promise<Flow> {
    const flow = await flowStore.findById(workspaceId, id);
    if (!flow) throw flowNotFound();
    return flow;
  }

  async function freeSlug(workspaceId: string, wanted: string, exceptId?: string): Promise<string> {
    if (!(await flowStore.slugTaken(workspaceId, wanted, exceptId))) return wanted;
    for (let n = 2; ; n++) {
      const candidate = `${wanted.slice(0, 95)}-${n}`;
      if (!(await flowStore.slugTaken(workspaceId, candidate, exceptId))) return candidate;
    }
  }

  async function create(workspaceId: string, input: { name: string; slug?: string; steps: Step[]; publish: boolean; publishedBy?: string | null }): Promise<Flow> {
    if (input.slug && (await flowStore.slugTaken(workspaceId, input.slug))) throw new AppError(409, "slug: another flow of this workspace has it");
    const now = clock.now();
    const flow: Flow = {
      id: uuid(),
      workspaceId,
      name: input.name,
      slug: input.slug ?? (await freeSlug(workspaceId, slugify(input.name))),
      status: input.publish ? "active" : "draft",
      isDefault: false,
      steps: input.steps,
      version: input.publish ? 1 : null,
      draft: input.steps,
      draftUpdatedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await flowStore.insert(flow, { publish: input.publish, publishedBy: input.publishedBy ?? null });
    return flow;
  }

  /** `publishedBy`: who publishes, recorded with the version (see FlowVersionInfo). */
  async function update(workspaceId: string, id: string, input: FlowWrite, publishedBy: string | null = null): Promise<PublishResult> {
    const flow = await must(workspaceId, id);
    if (input.slug && input.slug !== flow.slug && (await flowStore.slugTaken(workspaceId, input.slug, id)))
      throw new AppError(409, "slug: another flow of this workspace has it");
    const fields = { name: input.name ?? flow.name, slug: input.slug ?? flow.slug, draft: input.steps, at: clock.now() };
    // Publishing what is already live makes no new version: re-applying the same file is a no-op.
    const publish = input.publish && (flow.version === null || !sameSteps(flow.steps, input.steps));
    if (publish) await flowStore.saveAndPublish(workspaceId, id, { ...fields, publishedBy });
    else await flowStore.saveDraft(workspaceId, id, fields);
    return { flow: await must(workspaceId, id), published: publish };
  }

  return {
    async createDefault(workspaceId: string): Promise<Flow> {
      const flow = await create(workspaceId, { name: "Default cancellation flow", slug: "default", steps: defaultFlowSteps(), publish: true });
      await flowStore.setDefault(workspaceId, flow.id, flow.createdAt);
      return { ...flow, isDefault: true };
    },
    get: (workspaceId: string, id: string) => flowStore.findById(workspaceId, id),
    /** The admin CLI names a flow by its id alone (operators have every workspace). */
    workspaceOf: (id: string) => flowStore.findWorkspaceId(id),
    getDefault: (workspaceId: string) => flowStore.findDefault(workspaceId),
    getRef: (workspaceId: string, id: string): Promise<FlowRef | null> => flowStore.findRef(workspaceId, id),
    getDefaultRef: (workspaceId: string): Promise<FlowRef | null> => flowStore.findDefaultRef(workspaceId),
    async getDefaultId(workspaceId: string): Promise<string | null> {
      return (await flowStore.findDefaultRef(workspaceId))?.id ?? null;
    },
    list: (workspaceId: string) => flowStore.list(workspaceId),

    /**
     * The flow as a session saw it: the steps of the version the session started on (a later publish
     * never changes a running or finished session's copy).
     */
    async getForSession(workspaceId: string, id: string, version: number | null): Promise<Flow | null> {
      const flow = await flowStore.findById(workspaceId, id);
      if (!flow || version === null || version === flow.version) return flow;
      const steps = await flowStore.versionSteps(workspaceId, id, version);
      return steps ? { ...flow, steps, version } : flow;
    },

    /** POST /api/v1/flows and `flow import` of a new slug: validated whole before anything is written. */
    async createFromInput(workspaceId: string, body: unknown, publishedBy: string | null = null): Promise<Flow> {
      const input = validateFlowWrite(body, { creating: true });
      return create(workspaceId, { name: input.name!, slug: input.slug, steps: input.steps, publish: input.publish, publishedBy });
    },

    /** PUT /api/v1/flows/:id: replaces the draft (name and slug when given), publishing it when asked. */
    async updateFromInput(workspaceId: string, id: string, body: unknown, publishedBy: string | null = null): Promise<PublishResult> {
      await must(workspaceId, id); // 404 before 400: another workspace's id reveals nothing, not even validation
      return update(workspaceId, id, validateFlowWrite(body, { creating: false }), publishedBy);
    },

    /** Creates a flow from a copy of another's draft (the editor's "duplicate"). */
    async copy(workspaceId: string, id: string, name: string): Promise<Flow> {
      const source = await must(workspaceId, id);
      return create(workspaceId, { name, steps: source.draft, publish: false });
    },

    async createFromDefault(workspaceId: string, name: string): Promise<Flow> {
      return create(workspaceId, { name, steps: defaultFlowSteps(), publish: false });
    },

    async saveDraft(workspaceId: string, id: string, steps: unknown): Promise<Flow> {
      const flow = await must(workspaceId, id);
      return (await update(workspaceId, id, { steps: validateFlowSteps(steps), publish: false, name: flow.name })).flow;
    },

    /** Publishes the draft as the next numbered version (nothing new when it already is the live one). */
    async publishDraft(workspaceId: string, id: string, publishedBy: string | null = null): Promise<PublishResult> {
      const flow = await must(workspaceId, id);
      return update(workspaceId, id, { steps: flow.draft, publish: true }, publishedBy);
    },

    /** Roll back = publish an old version again, as a new version; the draft becomes that copy too. */
    async rollback(workspaceId: string, id: string, version: number, publishedBy: string | null = null): Promise<PublishResult> {
      const flow = await must(workspaceId, id);
      const steps = await flowStore.versionSteps(workspaceId, id, version);
      if (!steps) throw new AppError(404, `version ${version} does not exist for this flow`);
      if (flow.version !== null && sameSteps(flow.steps, steps)) {
        await flowStore.saveDraft(workspaceId, id, { name: flow.name, slug: flow.slug, draft: steps, at: clock.now() });
        return { flow: await must(workspaceId, id), published: false };
      }
      await flowStore.saveAndPublish(workspaceId, id, { name: flow.name, slug: flow.slug, draft: steps, at: clock.now(), restoredFrom: version, publishedBy });
      return { flow: await must(workspaceId, id), published: true };
    },

    async listVersions(workspaceId: string, id: string): Promise<FlowVersionInfo[]> {
      await must(workspaceId, id);
      return flowStore.listVersions(workspaceId, id);
    },

    async versionSteps(workspaceId: string, id: string, version: number): Promise<Step[]> {
      await must(workspaceId, id);
      const steps = await flowStore.versionSteps(workspaceId, id, version);
      if (!steps) throw new AppError(404, `version ${version} does not exist for this flow`);
      return steps;
    },

    /** Field-by-field changes from one version to another ("draft" names the unpublished draft). */
    async diff(workspaceId: string, id: string, from: number | "draft", to: number | "draft"): Promise<FlowChange[]> {
      const flow = await must(workspaceId, id);
      const stepsOf = async (v: number | "draft") => (v === "draft" ? flow.draft : this.versionSteps(workspaceId, id, v));
      return diffSteps(await stepsOf(from), await stepsOf(to));
    },

    async rename(workspaceId: string, id: string, name: string): Promise<void> {
      await must(workspaceId, id);
      const clean = name.trim();
      if (!clean || clean.length > 200) throw new AppError(400, "name must be between 1 and 200 characters");
      await flowStore.rename(workspaceId, id, clean, clock.now());
    },

    async archive(workspaceId: string, id: string): Promise<void> {
      const flow = await must(workspaceId, id);
      if (flow.isDefault) throw new AppError(409, "The workspace default flow cannot be archived: make another flow the default first");
      await flowStore.setStatus(workspaceId, id, "archived", clock.now());
    },

    async unarchive(workspaceId: string, id: string): Promise<void> {
      const flow = await must(workspaceId, id);
      await flowStore.setStatus(workspaceId, id, flow.version === null ? "draft" : "active", clock.now());
    },

    async setDefault(workspaceId: string, id: string): Promise<void> {
      const flow = await must(workspaceId, id);
      if (flow.status !== "active") throw new AppError(409, "Only a published, active flow can be the workspace default");
      await flowStore.setDefault(workspaceId, id, clock.now());
    },

    /** The flow as code: name, slug and steps (the published version, or the draft with `draft`). */
    async exportDocument(workspaceId: string, id: string, opts: { draft?: boolean } = {}): Promise<FlowDocument> {
      const flow = await must(workspaceId, id);
      return { name: flow.name, slug: flow.slug, steps: opts.draft ? flow.draft : flow.steps };
    },

    /**
     * Applies a flow document: the flow with its slug is updated, or created when there is none.
     * With `publish` the steps become a new version unless they already are the live one.
     */
    async importDocument(workspaceId: string, doc: unknown, opts: { publish: boolean; publishedBy?: string | null }): Promise<{ flow: Flow; created: boolean; published: boolean }> {
      const input = validateFlowWrite(doc, { creating: true });
      const slug = input.slug ?? slugify(input.name!);
      const existing = await flowStore.findIdBySlug(workspaceId, slug);
      if (existing) {
        const result = await update(workspaceId, existing, { ...input, slug, publish: opts.publish }, opts.publishedBy ?? null);
        return { flow: result.flow, created: false, published: result.published };
      }
      const flow = await create(workspaceId, { name: input.name!, slug, steps: input.steps, publish: opts.publish, publishedBy: opts.publishedBy });
      return { flow, created: true, published: opts.publish };
    },
  };
}

export type FlowService = ReturnType<typeof createFlowService>;
