-- The regency's certificate authority and the signers it certifies: people who sign (a unit
-- head, per unit) and electronic seals for the PDFs no person signs (festival certificates,
-- auction tickets). Documents carry PAdES signatures any standard validator checks against the
-- chain published at /.well-known/pki/.
-- Secrets are sealed with the installation's key; certificates are PEM. Rotation retires a row
-- and adds one, and what a retired key signed still validates.
CREATE TABLE pki_authorities (
    id BIGSERIAL PRIMARY KEY,
    subject TEXT NOT NULL,
    certificate TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- holder: 'person:<user id>:<organisation id>' or 'seal:<purpose>'.
CREATE TABLE pki_signers (
    id BIGSERIAL PRIMARY KEY,
    holder TEXT NOT NULL,
    authority_id BIGINT NOT NULL REFERENCES pki_authorities(id),
    subject TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    certificate TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE INDEX pki_signers_holder ON pki_signers(holder, retired_at);
CREATE INDEX pki_signers_fingerprint ON pki_signers(fingerprint);
