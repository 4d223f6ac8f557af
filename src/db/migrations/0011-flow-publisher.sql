-- Who published each flow version (a dashboard user's e-mail, "API key hf_live_…", "command line"), for the
-- editor's version list. Versions published before this column existed say nothing (null).
alter table flow_versions add column published_by text;
