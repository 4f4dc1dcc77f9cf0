-- Proposals per the edition's sections, blind review, and sign-up for agenda sessions.
ALTER TABLE festival_editions ADD COLUMN blind_review BIGINT NOT NULL DEFAULT 0;

-- The edition's proposal sections in order (title and word limit), as JSON; empty means the
-- national competition's default sections.
ALTER TABLE festival_editions ADD COLUMN proposal_sections TEXT NOT NULL DEFAULT '';

CREATE TABLE festival_proposals (
    entry_id BIGINT NOT NULL REFERENCES festival_entries(id),
    section TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, section)
);

CREATE TABLE festival_signups (
    session_id BIGINT NOT NULL REFERENCES festival_sessions(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX festival_signups_user ON festival_signups(user_id);
