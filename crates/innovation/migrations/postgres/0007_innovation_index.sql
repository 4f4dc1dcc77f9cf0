-- The catalogue's filter by owner looks up verified innovations per organisation.
CREATE INDEX innovations_org_status ON innovations(org_id, status);
