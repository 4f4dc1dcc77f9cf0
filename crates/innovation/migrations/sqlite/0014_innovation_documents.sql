-- Evidence (bukti dukung) of an innovation: documents filed under a section of the regent's method
-- (vision, regulation, partners, execution) and photos with a caption, each a stored file.
-- The rules (sections, photo types, at most six photos) live in the innovation domain.
CREATE TABLE innovation_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    innovation_id BIGINT NOT NULL REFERENCES innovations(id),
    kind TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    section TEXT,
    title TEXT NOT NULL,
    file_sha256 TEXT NOT NULL REFERENCES files(sha256),
    mime TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX innovation_documents_by_innovation ON innovation_documents (innovation_id, kind, id);
