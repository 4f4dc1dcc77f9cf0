-- Exhibition stands: a number, the agency, its position on the floor plan (grid cells), and the
-- entries it shows.
CREATE TABLE festival_stands (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    number TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    x BIGINT NOT NULL,
    y BIGINT NOT NULL,
    UNIQUE (edition_id, number)
);
