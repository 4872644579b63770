-- A release whose file was renamed keeps its record under its new ID
-- (RenameRelease). The old ID stays known here, so that `pressbot status
-- OLD` and the newsroom's old page address lead to the new one. A chain
-- of renames points every old ID at the latest.
CREATE TABLE renames (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL,
    at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX renames_new ON renames (new_id);
-- Ingest looks a new release file's hash up (Store.Kin) to tell a
-- renamed file, or a copy, of a release it knows.
CREATE INDEX releases_hash ON releases (hash);
