-- The citizen finds their requests again by the phone or e-mail they gave: keyed digests of
-- the normalised contact, never the contact itself (filled for older rows at start).
ALTER TABLE desk_requests ADD COLUMN phone_index TEXT NOT NULL DEFAULT '';
ALTER TABLE desk_requests ADD COLUMN email_index TEXT NOT NULL DEFAULT '';
CREATE INDEX desk_requests_phone_index ON desk_requests(phone_index) WHERE phone_index <> '';
CREATE INDEX desk_requests_email_index ON desk_requests(email_index) WHERE email_index <> '';
CREATE INDEX desk_requests_created_by ON desk_requests(created_by) WHERE created_by IS NOT NULL;
-- A complaint is followed by its own code, shown once; only its hash is kept.
ALTER TABLE desk_complaints ADD COLUMN tracking_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX desk_complaints_tracking ON desk_complaints(tracking_hash) WHERE tracking_hash <> '';
