-- The REST API's rate limits: one row per caller (a token, or an address
-- for calls without a valid token), counting its requests in the current
-- fixed window. Kept in the database so that several instances count as
-- one.
CREATE TABLE api_rate_limits (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
);
