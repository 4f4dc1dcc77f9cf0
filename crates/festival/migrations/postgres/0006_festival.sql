-- The Trenggalek Innovation Festival: editions with their phases, entries, and the agenda.
CREATE TABLE festival_editions (
    id BIGSERIAL PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    theme TEXT NOT NULL,
    venue TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    mode TEXT NOT NULL,
    entry_limit BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE festival_phases (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    kind TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    voting BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX festival_phases_edition ON festival_phases(edition_id, starts_at);

CREATE TABLE festival_entries (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    innovation_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    created_at BIGINT NOT NULL,
    UNIQUE (edition_id, innovation_id)
);

CREATE TABLE festival_sessions (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    stream_url TEXT NOT NULL DEFAULT '',
    speakers TEXT NOT NULL DEFAULT '',
    moderator TEXT NOT NULL DEFAULT '',
    capacity BIGINT
);
CREATE INDEX festival_sessions_edition ON festival_sessions(edition_id, starts_at);
