//! The `instance_settings` table: small key/value facts about the instance.

use sqlx::Row;

use super::{Db, now_ms};

/// When this instance first ran its migrations, in Unix milliseconds.
pub const CREATED_AT: &str = "instance.created_at";

/// Present when a migration asks for every item to be scored again (the
/// engine changed how it scores): `backend::scoring::rescore_if_asked`.
pub const RESCORE_ALL: &str = "scoring.rescore_all";

/// Whether the instance has any account yet, and a setting's value: what
/// every page a visitor opens asks, in one round trip (and without counting
/// the users).
pub async fn get_with_has_users(db: &Db, key: &str) -> Result<(bool, Option<String>), sqlx::Error> {
    let (has_users, value): (i64, Option<String>) = sqlx::query_as(
        "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM users) THEN 1 ELSE 0 END AS BIGINT), \
                (SELECT value FROM instance_settings WHERE key = $1)",
    )
    .bind(key)
    .fetch_one(db.reader())
    .await?;
    Ok((has_users != 0, value))
}

pub async fn get(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db.reader())
        .await
}

/// A random secret of the instance, made on first use. Safe when several
/// instances ask at once: the first insert wins and everyone reads it.
pub async fn secret(db: &Db, key: &str) -> Result<Vec<u8>, sqlx::Error> {
    use rand::RngCore;

    let mut fresh = [0_u8; 32];
    rand::rng().fill_bytes(&mut fresh);
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(data_encoding::HEXLOWER.encode(&fresh))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let stored: String = sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1")
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    data_encoding::HEXLOWER
        .decode(stored.as_bytes())
        .map_err(|err| sqlx::Error::Decode(format!("setting {key} is not hex: {err}").into()))
}

pub async fn set(db: &Db, key: &str, value: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Claims the turn to do a periodic chore named `key` if nobody has done it
/// within `every_ms` of `now`: true for exactly one caller per period, also
/// among instances sharing a database (the claim is one conditional
/// upsert; a second claimer waits for the first's row and then finds it
/// fresh).
pub async fn claim_turn(db: &Db, key: &str, every_ms: i64, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let claimed: Option<String> = sqlx::query_scalar(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, '', $2) \
         ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at \
         WHERE instance_settings.updated_at <= $3 \
         RETURNING key",
    )
    .bind(key)
    .bind(now)
    .bind(now - every_ms)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claimed.is_some())
}

/// Records the first start; later starts leave the value alone.
pub(super) async fn record_first_start(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(CREATED_AT)
    .bind(now.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn remove(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM instance_settings WHERE key = $1")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Every setting with the time it last changed, ordered by key.
pub async fn all(db: &Db) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let rows = sqlx::query("SELECT key, value, updated_at FROM instance_settings ORDER BY key")
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect()
}
