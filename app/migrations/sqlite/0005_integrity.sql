-- Roles may only be one of the four, and every foreign key that a delete
-- follows or a join uses has an index. SQLite cannot add a CHECK to a
-- table, so the two tables with a role are rebuilt (nothing refers to
-- them).

CREATE TABLE memberships_checked (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'contributor', 'viewer')),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
INSERT INTO memberships_checked (workspace_id, user_id, role, created_at, last_used_at)
    SELECT workspace_id, user_id, role, created_at, last_used_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_checked RENAME TO memberships;
CREATE INDEX memberships_user_id ON memberships (user_id);

CREATE TABLE invitations_checked (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- SHA-256 of the link's token; the token itself is never stored.
    token_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'contributor', 'viewer')),
    -- Whom it is for, as a note for the owner (not enforced).
    email TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
);
INSERT INTO invitations_checked
    SELECT id, workspace_id, token_hash, role, email, created_by, created_at, expires_at,
           accepted_by, accepted_at, revoked_at FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_checked RENAME TO invitations;
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);
CREATE INDEX invitations_workspace_id ON invitations (workspace_id);

CREATE INDEX invitations_created_by ON invitations (created_by);
CREATE INDEX invitations_accepted_by ON invitations (accepted_by);
CREATE INDEX workspaces_created_by ON workspaces (created_by);
CREATE INDEX workspace_old_slugs_workspace_id ON workspace_old_slugs (workspace_id);
CREATE INDEX password_resets_user_id ON password_resets (user_id);
CREATE INDEX password_resets_created_by ON password_resets (created_by);
CREATE INDEX security_events_user_id ON security_events (user_id);
CREATE INDEX security_events_actor_id ON security_events (actor_id);
CREATE INDEX two_factor_challenges_user_id ON two_factor_challenges (user_id);
