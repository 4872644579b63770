-- The newsroom's "updated" time of a release is its latest update of
-- published posts: find those without reading the whole audit log.
CREATE INDEX audit_updates ON audit (release_id, at) WHERE event = 'update';
