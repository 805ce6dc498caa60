//! The `api_tokens` table: bearer tokens for the REST API, each its user's.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, now_ms};
use crate::model::TokenScope;

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub token_hash: String,
    pub scope: TokenScope,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

const SELECT: &str = "SELECT id, user_id, name, token_hash, scope, created_at, last_used_at, expires_at FROM api_tokens";

fn from_row(row: &AnyRow) -> Result<TokenRow, sqlx::Error> {
    let scope: String = row.try_get("scope")?;
    Ok(TokenRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        token_hash: row.try_get("token_hash")?,
        scope: TokenScope::parse(&scope)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown scope {scope:?}").into()))?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub scope: TokenScope,
    /// `None`: it does not expire.
    pub expires_at: Option<i64>,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewToken<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.name)
    .bind(new.token_hash)
    .bind(new.scope.as_str())
    .bind(now_ms())
    .bind(new.expires_at)
    .fetch_one(&mut **tx)
    .await
}

/// The user's tokens, expired ones too, newest first.
pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT} WHERE user_id = $1 ORDER BY id DESC"))
        .bind(user_id)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The live token with this hash: not revoked (its row is gone then) and
/// not expired at `now`.
pub async fn find_live(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<TokenRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2)"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn count_for_user(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
}

/// Records a use; one write a minute at most per token.
pub async fn touch(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Revokes one of the user's tokens; false if there is no such token of
/// theirs.
pub async fn delete(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND id = $2")
        .bind(user_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Revokes every token of the user (their password was replaced: whoever
/// held the account may hold its tokens); how many there were.
pub async fn delete_all_for_user(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}
