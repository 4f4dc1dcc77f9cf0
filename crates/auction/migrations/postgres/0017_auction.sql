-- Lion: ports (TPI) and their levy rules, the species catalogue, fishers and their boats,
-- buyers verified by a port, lots, auction sessions with their command journal (the one
-- ordered stream each session is replayed from), and the sales it produced.

CREATE TABLE auction_ports (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    org_id BIGINT REFERENCES organisations(id),
    min_buyers BIGINT NOT NULL DEFAULT 3,
    levy TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE auction_species (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    local_name TEXT NOT NULL,
    english_name TEXT NOT NULL,
    scientific_name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE auction_fishers (
    id BIGSERIAL PRIMARY KEY,
    port_id BIGINT NOT NULL REFERENCES auction_ports(id),
    user_id BIGINT REFERENCES users(id),
    name TEXT NOT NULL,
    phone_enc TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE auction_boats (
    id BIGSERIAL PRIMARY KEY,
    fisher_id BIGINT NOT NULL REFERENCES auction_fishers(id),
    name TEXT NOT NULL,
    gt_tenths BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE auction_buyers (
    id BIGSERIAL PRIMARY KEY,
    port_id BIGINT NOT NULL REFERENCES auction_ports(id),
    user_id BIGINT REFERENCES users(id),
    name TEXT NOT NULL,
    business TEXT NOT NULL DEFAULT '',
    phone_enc TEXT,
    nik_enc TEXT,
    identity_checked BIGINT NOT NULL DEFAULT 0,
    deposit BIGINT NOT NULL DEFAULT 0,
    credit_limit BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    verified_by BIGINT REFERENCES users(id),
    verified_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (port_id, user_id)
);
CREATE INDEX auction_buyers_user ON auction_buyers (user_id);

CREATE TABLE auction_sessions (
    id BIGSERIAL PRIMARY KEY,
    port_id BIGINT NOT NULL REFERENCES auction_ports(id),
    day TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    auctioneer_id BIGINT REFERENCES users(id),
    format TEXT NOT NULL,
    rules TEXT NOT NULL,
    state TEXT NOT NULL,
    seq BIGINT NOT NULL DEFAULT 0,
    last_event BIGINT NOT NULL DEFAULT 0,
    opened_at BIGINT,
    closed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX auction_sessions_port_day ON auction_sessions (port_id, day);

CREATE TABLE auction_lots (
    id BIGSERIAL PRIMARY KEY,
    port_id BIGINT NOT NULL REFERENCES auction_ports(id),
    session_id BIGINT REFERENCES auction_sessions(id),
    species_id BIGINT NOT NULL REFERENCES auction_species(id),
    fisher_id BIGINT NOT NULL REFERENCES auction_fishers(id),
    boat_id BIGINT REFERENCES auction_boats(id),
    grams BIGINT NOT NULL,
    grade TEXT NOT NULL,
    landed_at BIGINT NOT NULL,
    start_price BIGINT NOT NULL,
    reserve BIGINT,
    photo TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    price BIGINT,
    buyer_id BIGINT REFERENCES auction_buyers(id),
    sold_grams BIGINT NOT NULL DEFAULT 0,
    bids BIGINT NOT NULL DEFAULT 0,
    ends_at BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX auction_lots_session ON auction_lots (session_id);
CREATE INDEX auction_lots_port_landed ON auction_lots (port_id, landed_at);

-- The ordered command stream of a session: appended, never changed.
CREATE TABLE auction_journal (
    session_id BIGINT NOT NULL REFERENCES auction_sessions(id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    command TEXT NOT NULL,
    by_user BIGINT,
    node TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE auction_sales (
    event_n BIGINT NOT NULL,
    id BIGSERIAL PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES auction_sessions(id),
    lot_id BIGINT NOT NULL REFERENCES auction_lots(id),
    buyer_id BIGINT NOT NULL REFERENCES auction_buyers(id),
    grams BIGINT NOT NULL,
    price BIGINT NOT NULL,
    value BIGINT NOT NULL,
    at BIGINT NOT NULL,
    ticket_no TEXT UNIQUE,
    ticket_code TEXT UNIQUE,
    seller_levy BIGINT,
    buyer_levy BIGINT,
    levy TEXT,
    paid_at BIGINT,
    paid_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (session_id, event_n)
);
CREATE INDEX auction_sales_lot ON auction_sales (lot_id);
CREATE INDEX auction_sales_buyer ON auction_sales (buyer_id, paid_at);
