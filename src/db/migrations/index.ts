// The registry of migrations, in order. Each file is embedded in the binary as text.
import init from "./0001-init.sql" with { type: "text" };
import dashboard from "./0004-dashboard.sql" with { type: "text" };
import analytics from "./0006-analytics.sql" with { type: "text" };
import reports from "./0007-reports.sql" with { type: "text" };
import stripe from "./0008-stripe.sql" with { type: "text" };
import flowVersions from "./0009-flow-versions.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  { version: 1, name: "init", sql: init },
  { version: 4, name: "dashboard", sql: dashboard },
  { version: 6, name: "analytics", sql: analytics },
  { version: 7, name: "reports", sql: reports },
  { version: 8, name: "stripe", sql: stripe },
  { version: 9, name: "flow-versions", sql: flowVersions },
];
