-- Awards of an edition: winners 1–3 and the public favourite (computed), and the regent's special
-- attention (chosen); each with a code for its certificate's public verification page.
CREATE TABLE festival_awards (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    category TEXT NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES festival_entries(id),
    code TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    UNIQUE (edition_id, category, entry_id)
);
