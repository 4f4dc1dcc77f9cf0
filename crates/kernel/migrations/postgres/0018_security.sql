-- Security: access classes and sealing of stored files, one limiter for one-time codes, a
-- tamper-evident audit log, and accounts activated by a link.

-- A file is public (a cover, a published photo: served by its digest to anyone) or private
-- (a letter, a request's attachment, evidence: served only by the room that holds it, to those
-- allowed). Private files are sealed at rest; the server seals those stored before this. The rooms
-- that show files publicly mark theirs in their own migrations.
ALTER TABLE files ADD COLUMN access TEXT NOT NULL DEFAULT 'private';
ALTER TABLE files ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX files_unsealed ON files(sha256) WHERE access = 'private' AND sealed = 0;

-- One-time codes of every purpose; what was sent and missed is counted in rate_counters.
CREATE TABLE one_time_codes (
    purpose TEXT NOT NULL,
    subject TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (purpose, subject)
);

-- The audit log becomes tamper-evident: each entry gets a keyed hash chained to the previous
-- one (written by the server right after the entry commits), and the triggers refuse every
-- other change: UPDATE, DELETE, TRUNCATE, and an INSERT over an existing entry (UPSERT).
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT;
CREATE INDEX audit_log_unchained ON audit_log(id) WHERE chain_hash IS NULL;
DROP TRIGGER audit_log_no_change ON audit_log;
CREATE FUNCTION audit_log_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new entry, never one over an existing id. An entry arriving with its link (a
        -- pg_restore of a backup) is accepted: a forged link is caught by `audit verify`.
        IF NOT EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL
            AND (to_jsonb(NEW) - 'chain_hash') = (to_jsonb(OLD) - 'chain_hash') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- A self-registered account waits for the link sent to its contact before it can sign in, so
-- registration never tells whether a contact already has an account.
CREATE TABLE account_activations (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_activations_user ON account_activations(user_id);
