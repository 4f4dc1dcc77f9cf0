-- The long profile moves to its own table, so the catalogue's scans (counts, searches) read
-- narrow rows; the profile is fetched only for the rows shown.
CREATE TABLE innovation_profiles (
    innovation_id BIGINT PRIMARY KEY REFERENCES innovations(id),
    profile TEXT NOT NULL
);
INSERT INTO innovation_profiles (innovation_id, profile) SELECT id, profile FROM innovations;
ALTER TABLE innovations DROP COLUMN profile;
