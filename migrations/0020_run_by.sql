-- Who ran an LLM run or an alignment run, where the database that made it keeps that: a team
-- server stamps each with its login, and a snapshot of the server keeps it. NULL for runs made
-- on this database (its reviewer ran them).
ALTER TABLE llm_runs ADD COLUMN run_by TEXT;
ALTER TABLE alignment_runs ADD COLUMN run_by TEXT;
