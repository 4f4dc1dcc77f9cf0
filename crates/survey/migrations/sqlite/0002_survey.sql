-- Satisfaction survey (SKM/IKM), PermenPANRB 14/2017.
CREATE TABLE survey_units (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id),
    services TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per questionnaire. Element answers by code (u1 = U1 persyaratan … u9 = U9 sarana),
-- NULL where not answered. No name, contact or address is ever stored.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    submitted_at BIGINT NOT NULL,
    channel TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    sex TEXT,
    age BIGINT,
    education TEXT,
    occupation TEXT,
    u1 BIGINT, u2 BIGINT, u3 BIGINT, u4 BIGINT, u5 BIGINT, u6 BIGINT, u7 BIGINT, u8 BIGINT, u9 BIGINT,
    comment TEXT NOT NULL DEFAULT '',
    client_key TEXT UNIQUE,
    entered_by BIGINT
);
CREATE INDEX survey_responses_unit_time ON survey_responses(org_id, submitted_at);

-- Daily rollups (WIB days since the epoch), kept in the same transaction as each response, so
-- any period's index is a sum over at most a few hundred rows per unit.
CREATE TABLE survey_tallies (
    org_id BIGINT NOT NULL,
    service TEXT NOT NULL,
    day BIGINT NOT NULL,
    n BIGINT NOT NULL,
    s1 BIGINT NOT NULL, s2 BIGINT NOT NULL, s3 BIGINT NOT NULL, s4 BIGINT NOT NULL, s5 BIGINT NOT NULL,
    s6 BIGINT NOT NULL, s7 BIGINT NOT NULL, s8 BIGINT NOT NULL, s9 BIGINT NOT NULL,
    c1 BIGINT NOT NULL, c2 BIGINT NOT NULL, c3 BIGINT NOT NULL, c4 BIGINT NOT NULL, c5 BIGINT NOT NULL,
    c6 BIGINT NOT NULL, c7 BIGINT NOT NULL, c8 BIGINT NOT NULL, c9 BIGINT NOT NULL,
    PRIMARY KEY (org_id, service, day)
);
CREATE INDEX survey_tallies_day ON survey_tallies(day);

CREATE TABLE survey_extra_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    text TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE survey_extra_answers (
    response_id BIGINT NOT NULL REFERENCES survey_responses(id),
    question_id BIGINT NOT NULL REFERENCES survey_extra_questions(id),
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
);

-- People served per unit and period (entered, until Petung Dadi counts them).
CREATE TABLE survey_served (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    served BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, period)
);

-- One-use survey links (sent after a service, e.g. when a Petung Dadi request closes).
CREATE TABLE survey_invitations (
    token_hash TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    service TEXT NOT NULL DEFAULT '',
    reference TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    response_id BIGINT
);
CREATE UNIQUE INDEX survey_invitations_reference ON survey_invitations(org_id, reference);

CREATE TABLE survey_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    element TEXT NOT NULL,
    period TEXT NOT NULL,
    action TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX survey_actions_unit ON survey_actions(org_id);
