-- Petung Dadi's contact codes move to the kernel's one limiter for one-time codes.
DROP TABLE desk_contact_codes;

-- Resident registers: name, birth place and date, sex, RT/RW and hamlet are sealed like NIK, KK
-- and address (together they identify a person). The server seals the rows stored before this.
ALTER TABLE desk_residents ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX desk_residents_unsealed ON desk_residents(id) WHERE sealed = 0;
