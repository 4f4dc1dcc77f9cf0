-- Innovation registry. The profile is kept as the validated form (JSON) plus the columns the
-- catalogue filters on; every saved state is a version.
CREATE TABLE innovations (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    stage TEXT NOT NULL,
    kind TEXT NOT NULL,
    form TEXT NOT NULL,
    affair TEXT NOT NULL,
    year BIGINT NOT NULL,
    status TEXT NOT NULL,
    profile TEXT NOT NULL,
    search TEXT NOT NULL,
    review_note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    verified_at BIGINT
);
CREATE INDEX innovations_status ON innovations(status, name);
CREATE INDEX innovations_org ON innovations(org_id);

CREATE TABLE innovation_partners (
    id BIGSERIAL PRIMARY KEY,
    innovation_id BIGINT NOT NULL REFERENCES innovations(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT ''
);
CREATE INDEX innovation_partners_innovation ON innovation_partners(innovation_id);

CREATE TABLE innovation_versions (
    innovation_id BIGINT NOT NULL REFERENCES innovations(id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    profile TEXT NOT NULL,
    actor_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (innovation_id, version)
);
