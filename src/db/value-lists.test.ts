// The database's CHECK constraints and the TypeScript value lists must name the same values.
import { describe, expect, test } from "bun:test";
import { openDatabase } from "./open.ts";
import { migrate } from "./migrate.ts";
import { ACCESSES, PLANS } from "../modules/workspaces/workspaces.schemas.ts";
import { KEY_MODES, SCOPES } from "../modules/keys/keys.schemas.ts";
import { FLOW_STATUSES } from "../modules/flows/flows.schemas.ts";
import { ENVIRONMENTS, OUTCOMES, SESSION_SOURCES, SESSION_STATES, SESSION_STEPS } from "../modules/sessions/sessions.schemas.ts";

const db = openDatabase(":memory:");
migrate(db);

function checkedValues(table: string, column: string): string[] {
  const { sql } = db.query("select sql from sqlite_master where type = 'table' and name = ?").get(table) as { sql: string };
  // Written `column in ('a', 'b')` or, on the tables every session write touches, `column = 'a' or column = 'b' …`.
  const list = new RegExp(`check \\(${column} in \\(([^)]*)\\)\\)`).exec(sql);
  if (list) return list[1].split(",").map((v) => v.trim().replace(/^'|'$/g, ""));
  const chain = new RegExp(`check \\(((?:${column} = '[^']*'(?: or )?)+)\\)`).exec(sql);
  if (!chain) throw new Error(`no check on ${table}.${column}`);
  return chain[1].split(" or ").map((v) => v.slice(`${column} = '`.length, -1));
}

describe("value lists match the schema's CHECK constraints", () => {
  test.each([
    ["workspaces", "plan", PLANS],
    ["workspaces", "access", ACCESSES],
    ["api_keys", "scope", SCOPES],
    ["api_keys", "mode", KEY_MODES],
    ["flows", "status", FLOW_STATUSES],
    ["sessions", "source", SESSION_SOURCES],
    ["sessions", "environment", ENVIRONMENTS],
    ["sessions", "state", SESSION_STATES],
    ["sessions", "step", SESSION_STEPS],
    ["sessions", "outcome", OUTCOMES],
  ] as const)("%s.%s", (table, column, values) => {
    expect(checkedValues(table, column)).toEqual([...values]);
  });
});
