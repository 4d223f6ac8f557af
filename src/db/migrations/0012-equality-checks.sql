-- The sessions and analytics_rollups tables were rebuilt by this migration's code step (equality-checks.ts):
-- their CHECK lists became chains of equalities, which SQLite evaluates without building a table per statement.
select 1;
