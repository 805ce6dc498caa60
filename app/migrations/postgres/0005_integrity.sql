-- Roles may only be one of the four, and every foreign key that a delete
-- follows or a join uses has an index.

ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('owner', 'editor', 'contributor', 'viewer'));
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check
    CHECK (role IN ('owner', 'editor', 'contributor', 'viewer'));

CREATE INDEX invitations_created_by ON invitations (created_by);
CREATE INDEX invitations_accepted_by ON invitations (accepted_by);
CREATE INDEX workspaces_created_by ON workspaces (created_by);
CREATE INDEX workspace_old_slugs_workspace_id ON workspace_old_slugs (workspace_id);
CREATE INDEX password_resets_user_id ON password_resets (user_id);
CREATE INDEX password_resets_created_by ON password_resets (created_by);
CREATE INDEX security_events_user_id ON security_events (user_id);
CREATE INDEX security_events_actor_id ON security_events (actor_id);
CREATE INDEX two_factor_challenges_user_id ON two_factor_challenges (user_id);
