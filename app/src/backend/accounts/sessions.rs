//! The signed-in user's sessions: where they are signed in, and ending them.

use crate::backend::accounts::log;
use crate::backend::auth::client::{ClientInfo, describe_browser};
use crate::backend::auth::session::Authenticated;
use crate::backend::db::security_events::EventKind;
use crate::backend::db::{now_ms, sessions};
use crate::backend::{AppState, format_time};
use crate::error::AppError;
use crate::model::SessionInfo;

/// The account's live sessions, this one marked.
pub async fn list(state: &AppState, auth: &Authenticated) -> Result<Vec<SessionInfo>, AppError> {
    let rows = sessions::list_live_for_user(
        &state.db,
        auth.user.id,
        now_ms(),
        state.auth.session_idle_ms,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            id: row.id,
            browser: describe_browser(&row.user_agent),
            ip: row.ip,
            created_at: format_time(row.created_at),
            last_seen_at: format_time(row.last_seen_at),
            is_current: row.id == auth.session_id,
        })
        .collect())
}

/// Ends one of the account's sessions (`NotFound` for any other's).
pub async fn revoke(
    state: &AppState,
    auth: &Authenticated,
    session_id: i64,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let ended = sessions::delete_one(&mut tx, auth.user.id, session_id).await?;
    tx.commit().await?;
    if !ended {
        return Err(AppError::NotFound);
    }
    log(
        state,
        EventKind::SessionRevoked,
        Some(auth.user.id),
        None,
        &auth.user.email,
        client,
        "",
    )
    .await;
    Ok(())
}

/// Ends every session of the account but this one; says how many.
pub async fn revoke_others(
    state: &AppState,
    auth: &Authenticated,
    client: &ClientInfo,
) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let ended = sessions::delete_all_for_user(&mut tx, auth.user.id, Some(auth.session_id)).await?;
    tx.commit().await?;
    log(
        state,
        EventKind::OtherSessionsRevoked,
        Some(auth.user.id),
        None,
        &auth.user.email,
        client,
        &format!("{ended} sessions"),
    )
    .await;
    Ok(ended)
}
