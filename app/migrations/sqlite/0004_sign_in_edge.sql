-- The sign-in edge: refusals that repeat are one security-log row with a
-- count, and every table that grows with traffic has an index its purge
-- uses.

ALTER TABLE security_events ADD COLUMN repeats BIGINT NOT NULL DEFAULT 1;
-- When the last of the repeats happened (the first is `at`).
ALTER TABLE security_events ADD COLUMN last_at BIGINT;
UPDATE security_events SET last_at = at;
CREATE INDEX security_events_repeats ON security_events (kind, ip, at);

CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at);
CREATE INDEX two_factor_challenges_expires_at ON two_factor_challenges (expires_at);
