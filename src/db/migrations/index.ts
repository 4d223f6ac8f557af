// The registry of migrations, in order. Each file is embedded in the binary as text.
import init from "./0001-init.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [{ version: 1, name: "init", sql: init }];
