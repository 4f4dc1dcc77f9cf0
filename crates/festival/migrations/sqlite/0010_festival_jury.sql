-- The jury: a rubric per scored phase, juror assignments, and reviews.
CREATE TABLE festival_rubrics (
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    phase TEXT NOT NULL,
    weight BIGINT NOT NULL,
    aggregation TEXT NOT NULL,
    normalise BIGINT NOT NULL,
    rubric TEXT NOT NULL,
    PRIMARY KEY (edition_id, phase)
);

CREATE TABLE festival_assignments (
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    phase TEXT NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES festival_entries(id),
    juror_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (edition_id, phase, entry_id, juror_id)
);

CREATE TABLE festival_reviews (
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    phase TEXT NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES festival_entries(id),
    juror_id BIGINT NOT NULL REFERENCES users(id),
    scores TEXT NOT NULL,
    comment TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (edition_id, phase, entry_id, juror_id)
);
