-- Regional innovation index (IID): a catalogue per year, held as data and edited by the
-- coordinator; self-assessment answers per innovation (subject 'innovation:ID') and for the
-- regency as a whole (subject 'regency'), each reviewed.
CREATE TABLE iid_catalogues (
    year BIGINT PRIMARY KEY,
    government_share BIGINT NOT NULL,
    very_innovative BIGINT NOT NULL,
    innovative BIGINT NOT NULL,
    less_innovative BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE iid_indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year BIGINT NOT NULL REFERENCES iid_catalogues(year),
    code TEXT NOT NULL,
    aspect TEXT NOT NULL,
    variable TEXT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL,
    levels TEXT NOT NULL,
    UNIQUE (year, code)
);

CREATE TABLE iid_answers (
    subject TEXT NOT NULL,
    indicator_id BIGINT NOT NULL REFERENCES iid_indicators(id),
    level BIGINT NOT NULL,
    evidence TEXT,
    review TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (subject, indicator_id)
);
