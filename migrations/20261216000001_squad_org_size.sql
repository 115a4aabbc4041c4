-- A squad's organisation size (section 7.3 keys), beside its industry, for
-- the current editions' benchmarks. Optional: squads made before it have none.
ALTER TABLE squads ADD COLUMN org_size TEXT;
