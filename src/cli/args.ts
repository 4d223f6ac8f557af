// Argument parsing shared by the commands: node's parseArgs with friendly errors.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError, closest } from "./context.ts";

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "");
    // Unknown option '--nmae' … → add the nearest real option.
    const typed = /^Unknown option '(--[^']+)'/.exec(message)?.[1];
    const guess = typed ? closest(typed, [...Object.keys(options), "help"].map((o) => `--${o}`)) : null;
    throw new CliError(guess ? `${message.replace(/\. To specify a positional.*$/s, "")} (did you mean ${guess}?)` : message);
  }
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new CliError(`--${name} must be one of: ${allowed.join(", ")}`);
  return value as T;
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? "-" : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}

/**
 * The usage of a command group: on stdout with exit 0 when asked for, on stderr with exit 2 (usage) when the
 * subcommand is missing; null when there is a subcommand to run.
 */
export function groupUsage(sub: string | undefined, help: string, io: { out(t: string): void; err(t: string): void }): number | null {
  if (!sub) {
    io.err(help);
    return 2;
  }
  if (sub === "--help" || sub === "-h" || sub === "help") {
    io.out(help);
    return 0;
  }
  return null;
}
