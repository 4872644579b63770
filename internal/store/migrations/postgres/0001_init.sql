-- pressbot schema v1 (PostgreSQL).
CREATE TABLE releases (
    id                TEXT PRIMARY KEY,
    lang              TEXT NOT NULL DEFAULT '',
    translation_key   TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL DEFAULT '',
    hash              TEXT NOT NULL,
    state             TEXT NOT NULL,
    source_commit     TEXT NOT NULL DEFAULT '',
    snapshot          TEXT NOT NULL,
    approved_hash     TEXT NOT NULL DEFAULT '',
    approved_snapshot TEXT NOT NULL DEFAULT '',
    first_seen        TIMESTAMPTZ NOT NULL,
    updated           TIMESTAMPTZ NOT NULL
);
CREATE INDEX releases_state ON releases (state);
CREATE INDEX releases_translation_key ON releases (translation_key);

CREATE TABLE approvals (
    release_id    TEXT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    hash          TEXT NOT NULL,
    approver_id   TEXT NOT NULL,
    approver_name TEXT NOT NULL DEFAULT '',
    actor_kind    TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    channels      TEXT NOT NULL,
    requested_at  TIMESTAMPTZ,
    PRIMARY KEY (release_id, hash, approver_id)
);

CREATE TABLE posts (
    release_id   TEXT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    channel      TEXT NOT NULL,
    hash         TEXT NOT NULL,
    gen          INTEGER NOT NULL DEFAULT 1,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    post         TEXT NOT NULL,
    scheduled_at TIMESTAMPTZ NOT NULL,
    job_id       BIGINT,
    receipt      TEXT,
    last_error   TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    updated      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (release_id, channel)
);
CREATE INDEX posts_state ON posts (state, updated);

CREATE TABLE audit (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    release_id TEXT NOT NULL,
    channel    TEXT,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    event      TEXT NOT NULL,
    actor      TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_release ON audit (release_id, id);
