-- Workspaces, who belongs to them in which role, and invitations to join.

CREATE TABLE workspaces (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Item keys are PREFIX-NUMBER, e.g. WAY-12.
    key_prefix TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX workspaces_slug_key ON workspaces (slug);

-- Slugs a workspace had before, so old links keep working for members.
CREATE TABLE workspace_old_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE
);

CREATE TABLE memberships (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- owner, editor, contributor or viewer
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user_id ON memberships (user_id);

CREATE TABLE invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- SHA-256 of the link's token; the token itself is never stored.
    token_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    -- Whom it is meant for, if the owner said; then only that email may use it.
    email TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);
CREATE INDEX invitations_workspace_id ON invitations (workspace_id);
