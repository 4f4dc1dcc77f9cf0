-- Petung Dadi: services with their standard, form and letter template; resident registers;
-- requests with their history, letters and signing keys; holidays; complaints; Open311 keys.
-- Personal data (NIK, KK, names on requests, phones, e-mail, addresses, answers) is sealed by
-- the application; *_index columns are keyed blind indexes for exact lookups.

CREATE TABLE desk_services (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    days BIGINT NOT NULL,
    cost BIGINT NOT NULL DEFAULT 0,
    needs_resident BIGINT NOT NULL DEFAULT 0,
    standard TEXT NOT NULL,
    form TEXT NOT NULL,
    letter TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX desk_services_org ON desk_services(org_id);

CREATE TABLE desk_residents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    nik_index TEXT NOT NULL,
    nik TEXT NOT NULL,
    kk TEXT NOT NULL,
    name TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    address TEXT NOT NULL,
    rt TEXT NOT NULL DEFAULT '',
    rw TEXT NOT NULL DEFAULT '',
    hamlet TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, nik_index)
);

CREATE TABLE desk_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id BIGINT NOT NULL REFERENCES desk_services(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    tracking_hash TEXT NOT NULL UNIQUE,
    tracking TEXT NOT NULL,
    applicant TEXT NOT NULL,
    nik TEXT NOT NULL DEFAULT '',
    nik_index TEXT NOT NULL DEFAULT '',
    resident_id BIGINT REFERENCES desk_residents(id),
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    lat TEXT NOT NULL DEFAULT '',
    lon TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT NOT NULL,
    submitted_on TEXT NOT NULL,
    days BIGINT NOT NULL,
    paused_days BIGINT NOT NULL DEFAULT 0,
    paused_since TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    completed_on TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    reminded BIGINT NOT NULL DEFAULT 0,
    api_client BIGINT,
    created_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
CREATE INDEX desk_requests_org_state ON desk_requests(org_id, state);
CREATE INDEX desk_requests_service ON desk_requests(service_id, submitted_at);
CREATE INDEX desk_requests_submitted ON desk_requests(submitted_at);

CREATE TABLE desk_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES desk_requests(id),
    at BIGINT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX desk_events_request ON desk_events(request_id);

CREATE TABLE desk_signing_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    public_key TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE INDEX desk_signing_keys_user ON desk_signing_keys(user_id, org_id);

CREATE TABLE desk_letters (
    request_id BIGINT PRIMARY KEY REFERENCES desk_requests(id),
    code TEXT NOT NULL UNIQUE,
    number TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    subject TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    scheme TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id BIGINT REFERENCES desk_signing_keys(id),
    signer_name TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    file_sha TEXT NOT NULL REFERENCES files(sha256),
    issued_at BIGINT NOT NULL
);
CREATE INDEX desk_letters_sha ON desk_letters(sha256);

CREATE TABLE desk_letter_counters (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE desk_holidays (
    day TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE desk_complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    service_id BIGINT REFERENCES desk_services(id),
    request_id BIGINT REFERENCES desk_requests(id),
    body TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    lapor_ref TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    response TEXT NOT NULL DEFAULT '',
    responded_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_complaints_org ON desk_complaints(org_id, responded_at);

CREATE TABLE desk_api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- One-time codes that prove a citizen owns the phone or e-mail a request will follow.
CREATE TABLE desk_contact_codes (
    contact_index TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL
);
