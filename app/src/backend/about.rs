//! What the about page shows: the running version and the database behind it.

use crate::backend::AppState;
use crate::backend::db::settings;
use crate::error::AppError;
use crate::model::InstanceInfo;

pub async fn instance_info(state: &AppState) -> Result<InstanceInfo, AppError> {
    let db = &state.db;
    let schema_version = db.schema_version().await?;
    let created_at = settings::get(db, settings::CREATED_AT)
        .await?
        .and_then(|ms| ms.parse::<i64>().ok())
        .map(format_ms_as_rfc3339)
        .unwrap_or_default();
    Ok(InstanceInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: db.kind(),
        schema_version,
        created_at,
    })
}

fn format_ms_as_rfc3339(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_milliseconds_as_utc() {
        assert_eq!(super::format_ms_as_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            super::format_ms_as_rfc3339(1_795_000_000_123),
            "2026-11-18T11:06:40Z"
        );
    }
}
