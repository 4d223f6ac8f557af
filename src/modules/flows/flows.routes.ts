// Flows as code over HTTP: create and replace flows in RetainRabbit's step shape, publish, versions, roll back.
// (Listing and reading flows are RetainRabbit's own GET routes, in the retainrabbit module.)
import { Elysia } from "elysia";
import { z } from "zod";
import type { Deps } from "../../boot.ts";
import { apiKeyAuth } from "../../http/auth.ts";
import { idempotency } from "../../http/idempotency.ts";
import { AppError } from "../../lib/app-error.ts";
import { BOTH_KEYS, errors, responses } from "../../http/openapi-docs.ts";
import { isUuid } from "../../lib/crypto.ts";
import { assertWritable } from "../workspaces/workspaces.service.ts";
import { flowDetailSchema, flowWriteDocSchema } from "./flows.schemas.ts";
import { toFlowDetail } from "./flows.service.ts";

const TAGS = ["Flows"];
const envelope = <T extends z.ZodType>(data: T) => z.object({ data });
const iso = (ms: number) => new Date(ms).toISOString();

const versionInfoSchema = z.object({
  version: z.number(),
  publishedAt: z.string().describe("ISO 8601"),
  restoredFrom: z.number().nullable().describe("The older version this one re-published (a roll back)"),
  publishedBy: z.string().nullable().describe('Who published it: a dashboard user\'s e-mail, "API key hf_live_…" or "command line"; null when not recorded'),
  current: z.boolean().describe("Whether new sessions run this version"),
});
const versionDetailSchema = z.object({ version: z.number(), steps: z.array(z.record(z.string(), z.unknown())) });
const changeSchema = z.object({
  path: z.string().describe("e.g. steps[1].config.percentOff"),
  change: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
const publishDocSchema = z.object({
  version: z.number().int().optional().describe("Roll back: publish this older version again (as a new version). Omit to publish the draft."),
});

// JSON Schema is opaque to Elysia's OpenAPI types, as in http/openapi-docs.ts.
function jsonBody(schema: z.ZodType): any {
  return { required: true, content: { "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } } };
}

// A malformed id cannot be anyone's flow: the same 404 as a missing one.
function flowId(id: string): string {
  if (!isUuid(id)) throw new AppError(404, "Flow not found in this workspace");
  return id;
}

/** How a version published through the API names its publisher: the key's display prefix, never the key. */
const publisher = (apiKey: { prefix: string }) => `API key ${apiKey.prefix}…`;

function versionParam(raw: string, name = "version"): number {
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new AppError(400, `${name} must be a positive whole number`);
  return Number(raw);
}

export function flowRoutes(deps: Deps) {
  const { flowService, config } = deps;
  const hostedUrl = (workspaceId: string, id: string) => `${config.publicUrl}/flow/${workspaceId}/${id}`;
  const detail = (flow: Parameters<typeof toFlowDetail>[0]) => toFlowDetail(flow, hostedUrl(flow.workspaceId, flow.id));

  return new Elysia({ name: "flow-routes" })
    .use(apiKeyAuth(deps))
    .use(idempotency(deps))
    .post(
      "/api/v1/flows",
      async ({ body, workspace, apiKey, set }) => {
        assertWritable(workspace);
        const flow = await flowService.createFromInput(workspace.id, body, publisher(apiKey));
        set.status = 201;
        return { data: detail(flow) };
      },
      {
        apiKey: "read_write",
        // A retried create (a timeout, a CI job re-run) must not make a second flow with a "-2" slug.
        idempotent: true,
        parse: "json",
        detail: {
          tags: TAGS,
          summary: "Create a flow",
          description:
            "Creates a flow from steps in RetainRabbit's shape. The steps become the draft; with `publish: true` they are also published as version 1 (a flow needs a published version before sessions can run it). Validation errors name the step and field, e.g. `steps[1].config.percentOff must be between 1 and 100`; nothing is written unless the whole flow is valid.",
          security: BOTH_KEYS,
          requestBody: jsonBody(flowWriteDocSchema),
          responses: responses({ 201: [envelope(flowDetailSchema), "The new flow"], ...errors(400, 401, 402, 403, 409, 413, 415, 422, 429) }),
        },
      },
    )
    .put(
      "/api/v1/flows/:id",
      async ({ params, body, workspace, apiKey }) => {
        assertWritable(workspace);
        const { flow } = await flowService.updateFromInput(workspace.id, flowId(params.id), body, publisher(apiKey));
        return { data: detail(flow) };
      },
      {
        apiKey: "read_write",
        parse: "json",
        detail: {
          tags: TAGS,
          summary: "Replace a flow's steps",
          description:
            "Replaces the flow's draft (and its name or slug when given). With `publish: true` the steps are published as the next numbered version, unless they already are the published version (then nothing new is made, so re-applying the same file is harmless). Sessions already running keep the version they started on.",
          security: BOTH_KEYS,
          requestBody: jsonBody(flowWriteDocSchema.partial({ name: true })),
          responses: responses({ 200: [envelope(flowDetailSchema), "The flow"], ...errors(400, 401, 402, 403, 404, 409, 413, 415, 429) }),
        },
      },
    )
    .post(
      "/api/v1/flows/:id/publish",
      async ({ params, body, workspace, apiKey }) => {
        assertWritable(workspace);
        const id = flowId(params.id);
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b !== "object" || Array.isArray(b)) throw new AppError(400, "Request body must be a JSON object");
        const unknown = Object.keys(b).filter((k) => k !== "version");
        if (unknown.length) throw new AppError(400, `the body has an unknown field: ${unknown.join(", ")}`);
        if (b.version !== undefined && (typeof b.version !== "number" || !Number.isInteger(b.version) || b.version < 1))
          throw new AppError(400, "version must be a positive whole number");
        const by = publisher(apiKey);
        const result = b.version === undefined ? await flowService.publishDraft(workspace.id, id, by) : await flowService.rollback(workspace.id, id, b.version as number, by);
        return { data: { ...detail(result.flow), published: result.published } };
      },
      {
        apiKey: "read_write",
        parse: "json",
        detail: {
          tags: TAGS,
          summary: "Publish the draft, or roll back",
          description:
            "Without a body field, publishes the draft as the next numbered version. With `version`, publishes that older version again as a new version (a roll back; the draft becomes that copy too). `published` is false when the steps already were the live version.",
          security: BOTH_KEYS,
          requestBody: jsonBody(publishDocSchema),
          responses: responses({
            200: [envelope(flowDetailSchema.extend({ published: z.boolean() })), "The flow after publishing"],
            ...errors(400, 401, 402, 403, 404, 413, 415, 429),
          }),
        },
      },
    )
    .get(
      "/api/v1/flows/:id/versions",
      async ({ params, workspace }) => {
        const id = flowId(params.id);
        const flow = await flowService.get(workspace.id, id);
        const versions = await flowService.listVersions(workspace.id, id);
        return {
          data: versions.map((v) => ({ version: v.version, publishedAt: iso(v.publishedAt), restoredFrom: v.restoredFrom, publishedBy: v.publishedBy, current: v.version === flow?.version })),
        };
      },
      {
        apiKey: "read",
        detail: {
          tags: TAGS,
          summary: "List a flow's versions",
          description: "Every published version, newest first. Versions never change once published.",
          security: BOTH_KEYS,
          responses: responses({ 200: [envelope(z.array(versionInfoSchema)), "Versions, newest first"], ...errors(401, 404, 429) }),
        },
      },
    )
    .get(
      "/api/v1/flows/:id/versions/:version",
      async ({ params, workspace }) => {
        const id = flowId(params.id);
        const version = versionParam(params.version);
        return { data: { version, steps: await flowService.versionSteps(workspace.id, id, version) } };
      },
      {
        apiKey: "read",
        detail: {
          tags: TAGS,
          summary: "Get one version of a flow",
          description: "The steps exactly as that version published them.",
          security: BOTH_KEYS,
          responses: responses({ 200: [envelope(versionDetailSchema), "The version"], ...errors(400, 401, 404, 429) }),
        },
      },
    )
    .get(
      "/api/v1/flows/:id/diff",
      async ({ params, query, workspace }) => {
        const id = flowId(params.id);
        const side = (name: "from" | "to") => {
          const raw = (query as Record<string, string | undefined>)[name];
          if (raw === undefined) throw new AppError(400, `${name} is required (a version number or "draft")`);
          return raw === "draft" ? ("draft" as const) : versionParam(raw, name);
        };
        const from = side("from");
        const to = side("to");
        return { data: { from, to, changes: await flowService.diff(workspace.id, id, from, to) } };
      },
      {
        apiKey: "read",
        detail: {
          tags: TAGS,
          summary: "Compare two versions",
          description: 'Field-by-field changes between two versions (`?from=1&to=3`; `draft` names the unpublished draft).',
          security: BOTH_KEYS,
          responses: responses({
            200: [envelope(z.object({ from: z.union([z.number(), z.literal("draft")]), to: z.union([z.number(), z.literal("draft")]), changes: z.array(changeSchema) })), "The changes"],
            ...errors(400, 401, 404, 429),
          }),
        },
      },
    );
}
