-- The public vote ("Inovasi Favorit"): one vote per verified contact per edition. Contacts are
-- kept only as keyed digests; the client address and device only as digests for the fraud view.
CREATE TABLE festival_vote_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    contact_index TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX festival_vote_codes_contact ON festival_vote_codes(edition_id, contact_index);

CREATE TABLE festival_votes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    entry_id BIGINT NOT NULL REFERENCES festival_entries(id),
    contact_index TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    device_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    voided_at BIGINT,
    void_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (edition_id, contact_index)
);
CREATE INDEX festival_votes_entry ON festival_votes(edition_id, entry_id);
