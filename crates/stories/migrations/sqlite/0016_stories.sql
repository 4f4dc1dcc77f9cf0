-- Cilen: works with their authors, tags and chapters, the editorial history, kudos, bookmarks,
-- reading progress, comments, reports and collections; the search index is per backend.

CREATE TABLE story_authors (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    pen_name TEXT NOT NULL,
    bio TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE story_works (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    language TEXT NOT NULL,
    rating TEXT NOT NULL,
    complete BIGINT NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '',
    byline TEXT NOT NULL DEFAULT '[]',
    credit TEXT NOT NULL DEFAULT '',
    archive_code TEXT NOT NULL DEFAULT '',
    archive_description TEXT NOT NULL DEFAULT '',
    archive_institution TEXT NOT NULL DEFAULT '',
    cover TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    words BIGINT NOT NULL DEFAULT 0,
    chapters BIGINT NOT NULL DEFAULT 0,
    kudos BIGINT NOT NULL DEFAULT 0,
    reads BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT,
    -- OAI-PMH: when the harvestable record last changed; NULL until first published. A work
    -- published once stays harvestable as a deleted record when it leaves the site.
    oai_at BIGINT
);
CREATE INDEX story_works_state ON story_works(state, published_at);
CREATE INDEX story_works_category ON story_works(category, state, published_at);
CREATE INDEX story_works_language ON story_works(language, state, published_at);
CREATE INDEX story_works_oai ON story_works(oai_at, id);

CREATE TABLE story_work_authors (
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    position BIGINT NOT NULL,
    PRIMARY KEY (work_id, user_id)
);
CREATE INDEX story_work_authors_user ON story_work_authors(user_id);

CREATE TABLE story_tags (
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, work_id)
);

CREATE TABLE story_chapters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    words BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (work_id, position)
);

-- Editorial decisions as the author and librarians see them (also in the audit log).
CREATE TABLE story_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX story_history_work ON story_history(work_id, at);

-- Kudos once per account ('u:ID') or per device ('d:' + SHA-256 of the device cookie).
CREATE TABLE story_kudos (
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    giver TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (work_id, giver)
);

CREATE TABLE story_bookmarks (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    position BIGINT NOT NULL DEFAULT 1,
    note TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL,
    PRIMARY KEY (user_id, work_id)
);

CREATE TABLE story_progress (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (user_id, work_id)
);

CREATE TABLE story_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    position BIGINT NOT NULL DEFAULT 0,
    user_id BIGINT NOT NULL REFERENCES users(id),
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT
);
CREATE INDEX story_comments_work ON story_comments(work_id, state, at);
CREATE INDEX story_comments_state ON story_comments(state, at);

CREATE TABLE story_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    reporter TEXT NOT NULL,
    at BIGINT NOT NULL,
    resolved_by BIGINT REFERENCES users(id),
    resolved_at BIGINT,
    resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX story_reports_open ON story_reports(resolved_at, at);

CREATE TABLE story_collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE story_collection_works (
    collection_id BIGINT NOT NULL REFERENCES story_collections(id) ON DELETE CASCADE,
    work_id BIGINT NOT NULL REFERENCES story_works(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (collection_id, work_id)
);

-- Full-text search over published works: the application writes Snowball-Indonesian stems
-- (the algorithm of PostgreSQL's `indonesian` configuration), rowid = work id.
CREATE VIRTUAL TABLE story_fts USING fts5(
    title, summary, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Title weighs most, then summary and tags, then the chapters.
INSERT INTO story_fts(story_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)');
