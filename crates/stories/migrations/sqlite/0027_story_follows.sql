-- A reader follows an author and is told when a new work of theirs is published.
CREATE TABLE story_follows (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES story_authors(user_id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    PRIMARY KEY (user_id, author_id)
);
CREATE INDEX story_follows_author ON story_follows(author_id);
