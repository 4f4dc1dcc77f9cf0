-- What the coordinator sets up for an edition beyond its phases: its stages (rooms) and its
-- speakers, each with a public page, linked to the sessions they speak at or moderate.
CREATE TABLE festival_stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    name TEXT NOT NULL,
    stream_url TEXT NOT NULL DEFAULT '',
    UNIQUE (edition_id, name)
);

CREATE TABLE festival_speakers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id BIGINT NOT NULL REFERENCES festival_editions(id),
    name TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    -- The digest of a public file (kernel files), or '' without a photo.
    photo TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX festival_speakers_edition ON festival_speakers(edition_id);

-- role: speaker or moderator.
CREATE TABLE festival_session_people (
    session_id BIGINT NOT NULL REFERENCES festival_sessions(id),
    speaker_id BIGINT NOT NULL REFERENCES festival_speakers(id),
    role TEXT NOT NULL,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX festival_session_people_speaker ON festival_session_people(speaker_id);
