// What changed between two versions of a flow's steps, field by field, named like validation errors.
export interface FlowChange {
  /** e.g. `steps[1].config.percentOff` */
  path: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function walk(path: string, before: unknown, after: unknown, out: FlowChange[]): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) return void out.push({ path, change: "added", after });
  if (after === undefined) return void out.push({ path, change: "removed", before });
  if (Array.isArray(before) && Array.isArray(after)) {
    // Lists of plain values (reasons, options) read best as one change; lists of steps go element by element.
    if (!before.some(isObject) && !after.some(isObject)) {
      if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, change: "changed", before, after });
      return;
    }
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(`${path}[${i}]`, before[i], after[i], out);
    return;
  }
  if (isObject(before) && isObject(after)) {
    // A step whose type or offer kind changed is a different thing: report it whole.
    if (before.type !== after.type || before.kind !== after.kind) return void out.push({ path, change: "changed", before, after });
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) walk(path ? `${path}.${k}` : k, before[k], after[k], out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, change: "changed", before, after });
}

export function diffSteps(before: unknown[], after: unknown[]): FlowChange[] {
  const out: FlowChange[] = [];
  walk("steps", before, after, out);
  return out;
}
