-- An edit of a published post in flight. The approvers' chat of serve and
-- the command line (pressbot update) can both update a release's posts;
-- the claim keeps the second from editing the same post again, which on X
-- would post a second correction reply.
CREATE TABLE post_edits (
    release_id TEXT NOT NULL,
    channel    TEXT NOT NULL,
    hash       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    since      TEXT NOT NULL,
    PRIMARY KEY (release_id, channel),
    FOREIGN KEY (release_id, channel) REFERENCES posts (release_id, channel) ON DELETE CASCADE
);
