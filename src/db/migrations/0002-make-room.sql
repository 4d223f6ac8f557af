-- The result token a completed session first redirected with: reloads and double submits reuse it, never mint anew.
alter table sessions add column result_token text;
