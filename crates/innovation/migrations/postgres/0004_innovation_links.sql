-- Live evidence: an innovation linked to the platform's own measurements (survey units now,
-- Petung Dadi services when that room exists).
CREATE TABLE innovation_links (
    innovation_id BIGINT NOT NULL REFERENCES innovations(id),
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (innovation_id, kind, target_id)
);
