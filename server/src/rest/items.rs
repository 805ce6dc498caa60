//! `/api/v1/workspaces/{slug}/items`: a workspace's items, their comments
//! and their scores.

use axum::Json;
use axum::extract::State;
use axum::http::header::{ETAG, IF_MATCH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::access::{self, WorkspaceAccess};
use app::backend::items::{self as domain, ItemInput, MAX_PAGE_SIZE, PAGE_SIZE, input};
use app::backend::scoring::{self, scale_rule};
use app::backend::{AppState, rfc3339};
use app::error::AppError;
use app::model::{
    self, Horizon, ItemDetail, ItemQuery, MAX_BODY, MAX_QUERY_TEXT, MAX_TAGS, MAX_TITLE,
    Permission, ScoreBound, SortColumn, parse_tag,
};
use app::scoring::score::Scale;

use super::{ApiError, ApiPath, ApiQuery, Caller, JsonBody};

/// A member of the workspace, as an item names them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    /// Their user id: what `assignee_id` and the `assignee` filter take.
    pub id: i64,
    pub name: String,
}

/// An item in a list: everything but its description and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemBrief {
    /// The workspace's prefix, a dash and a number: `WAY-12`.
    pub key: String,
    pub title: String,
    pub status_id: i64,
    pub assignee: Option<Person>,
    #[serde(with = "app::model::api_enum")]
    pub horizon: Horizon,
    /// `YYYY-MM-DD`
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, not before the start.
    pub end_date: Option<String>,
    /// Lower-case, sorted.
    pub tags: Vec<String>,
    pub archived: bool,
    /// Counts up with every change; `PATCH` takes it back in `If-Match`.
    pub version: i64,
    /// The priority score, once enough is rated.
    pub score: Option<f64>,
    /// Some criterion that counts is not rated yet.
    pub partly_rated: bool,
    /// Why the workspace's formula gives the item no score although every
    /// criterion it reads is rated: `Effort is 0, and the formula divides
    /// by it`. `null` otherwise.
    pub no_score_reason: Option<String>,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// The item's page.
    pub url: String,
}

/// One item, whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct Item {
    #[serde(flatten)]
    pub brief: ItemBrief,
    /// Markdown.
    pub description: String,
    /// The description rendered and sanitised, as the item's page shows it.
    pub description_html: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub created_by: String,
    pub updated_by: String,
}

/// A page of items, in the order asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemList {
    pub items: Vec<ItemBrief>,
    /// How many items match the filter in all.
    pub total: i64,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

pub(super) fn item_url(state: &AppState, slug: &str, key: &str) -> String {
    format!("{}/w/{slug}/items/{key}", state.auth.public_url)
}

pub(super) fn brief(state: &AppState, slug: &str, item: &model::ItemSummary) -> ItemBrief {
    ItemBrief {
        key: item.key.clone(),
        title: item.title.clone(),
        status_id: item.status_id,
        assignee: item.assignee.as_ref().map(|p| Person {
            id: p.id,
            name: p.name.clone(),
        }),
        horizon: item.horizon,
        start_date: item.start_date.clone(),
        end_date: item.end_date.clone(),
        tags: item.tags.clone(),
        archived: item.archived,
        version: item.version,
        score: item.score,
        partly_rated: item.partly_rated,
        no_score_reason: item.no_score_reason.clone(),
        updated_at: rfc3339(item.updated_ms),
        url: item_url(state, slug, &item.key),
    }
}

fn whole(state: &AppState, slug: &str, detail: ItemDetail) -> Item {
    Item {
        brief: brief(state, slug, &detail.summary),
        description: detail.description,
        description_html: detail.description_html,
        created_at: rfc3339(detail.created_ms),
        created_by: detail.created_by,
        updated_by: detail.updated_by,
    }
}

/// An item with its version as the `ETag`.
fn tagged(status: StatusCode, item: Item, location: Option<String>) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", item.brief.version))
        .expect("a number is a header value");
    let mut response = (status, Json(item)).into_response();
    response.headers_mut().insert(ETAG, etag);
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(LOCATION, location);
    }
    response
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    Asc,
    Desc,
}

/// The filter bar's filters, the sort, and the page. An unknown or
/// repeated parameter is refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ItemListParams {
    /// Words that must all appear in the title, description or tags.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// A status id (see `/statuses`).
    #[param(minimum = 1)]
    pub status: Option<i64>,
    /// One tag.
    #[param(min_length = 1, max_length = 32)]
    pub tag: Option<String>,
    /// A member's user id, or `none` for items nobody is assigned.
    #[param(pattern = r"^(none|[1-9][0-9]{0,17})$")]
    pub assignee: Option<String>,
    #[param(inline)]
    #[serde(default, with = "app::model::api_enum::option")]
    pub horizon: Option<Horizon>,
    /// Only items scored at least this (unscored items are left out).
    #[param(minimum = -1e14, maximum = 1e14)]
    pub score_min: Option<f64>,
    /// Only items scored at most this (unscored items are left out).
    #[param(minimum = -1e14, maximum = 1e14)]
    pub score_max: Option<f64>,
    /// `true`: archived items instead of the others.
    pub archived: Option<bool>,
    /// Default `updated`.
    #[param(inline)]
    #[serde(default, with = "app::model::api_enum::option")]
    pub sort: Option<SortColumn>,
    /// Default: `desc` for `updated`, `key` and `score`, else `asc`.
    #[param(inline)]
    pub dir: Option<SortDirection>,
    /// The previous page's `next_cursor`, with the same filter and sort.
    #[param(max_length = 300)]
    pub cursor: Option<String>,
    /// Items per page, 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// A list's page size, checked.
pub(super) fn page_size(limit: Option<i64>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE as i64).contains(&n) => Ok(n as usize),
        Some(_) => Err(ApiError::invalid(
            "limit",
            format!("from 1 to {MAX_PAGE_SIZE} items a page"),
        )),
    }
}

/// The API's cursor: the page's own cursor behind the sort it belongs to
/// (`title.asc.<cursor>`), so that one passed with another sort is refused
/// rather than read as a place in the wrong order.
fn wrap_cursor(inner: String, sort: SortColumn, descending: bool) -> String {
    format!("{}.{}.{inner}", sort.as_str(), direction(descending))
}

fn direction(descending: bool) -> &'static str {
    if descending { "desc" } else { "asc" }
}

/// A page's cursor, checked against the sort it continues.
pub(super) fn cursor(
    text: Option<String>,
    sort: SortColumn,
    descending: bool,
) -> Result<Option<String>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    let prefix = format!("{}.{}.", sort.as_str(), direction(descending));
    text.strip_prefix(&prefix)
        .filter(|inner| text.len() <= 300 && domain::cursor_fits(inner, sort))
        .map(|inner| Some(inner.to_owned()))
        .ok_or_else(|| {
            ApiError::invalid(
                "cursor",
                "not a cursor of this sort: pass a `next_cursor` as it came, with the same filter and sort",
            )
        })
}

fn bound(name: &str, value: Option<f64>) -> Result<Option<ScoreBound>, ApiError> {
    value
        .map(|v| {
            (v.is_finite() && v.abs() <= 1e14)
                .then(|| ScoreBound::parse(&v.to_string()))
                .flatten()
                .ok_or_else(|| ApiError::invalid(name, "a number from -10^14 to 10^14"))
        })
        .transpose()
}

impl ItemListParams {
    /// The same query the filter bar makes, with every value checked.
    fn query(self) -> Result<(ItemQuery, usize), ApiError> {
        let text = self.q.unwrap_or_default();
        if text.chars().count() > MAX_QUERY_TEXT {
            return Err(ApiError::invalid(
                "q",
                format!("at most {MAX_QUERY_TEXT} characters"),
            ));
        }
        if self.status.is_some_and(|id| id < 1) {
            return Err(ApiError::invalid("status", "a status id, from 1"));
        }
        let tag = self
            .tag
            .map(|tag| parse_tag(&tag).map_err(|m| ApiError::invalid("tag", m)))
            .transpose()?;
        let assignee = match self.assignee.as_deref() {
            None => None,
            Some("none") => Some(0),
            Some(text) => Some(
                text.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| ApiError::invalid("assignee", "a user id, or none"))?,
            ),
        };
        let sort = self.sort.unwrap_or_default();
        let descending = match self.dir {
            Some(SortDirection::Asc) => false,
            Some(SortDirection::Desc) => true,
            None => sort.first_descending(),
        };
        let query = ItemQuery {
            text,
            status: self.status,
            tag,
            assignee,
            horizon: self.horizon,
            score_min: bound("score_min", self.score_min)?,
            score_max: bound("score_max", self.score_max)?,
            archived: self.archived.unwrap_or(false),
            sort,
            descending,
            after: cursor(self.cursor, sort, descending)?,
            view: None,
        };
        Ok((query, page_size(self.limit)?))
    }
}

pub(super) fn item_list(
    state: &AppState,
    slug: &str,
    query: &ItemQuery,
    page: model::ItemPage,
) -> ItemList {
    ItemList {
        items: page
            .items
            .iter()
            .map(|item| brief(state, slug, item))
            .collect(),
        total: page.total,
        next_cursor: page
            .next
            .map(|next| wrap_cursor(next, query.sort, query.descending)),
    }
}

/// List items
///
/// The items that match the filter, a page at a time. Pages follow each
/// other by `next_cursor`: an item made or changed while a client pages
/// through is never listed twice, and nothing that stays in place is
/// skipped.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/items",
    tag = "items",
    params(("slug" = String, Path, description = "The workspace's address", example = "demo"), ItemListParams),
    responses(
        (status = 200, body = ItemList),
        (status = 400, body = super::ErrorBody, description = "An unknown parameter"),
        (status = 404, body = super::ErrorBody, description = "No such workspace, or not a member"),
        (status = 422, body = super::ErrorBody, description = "A parameter's value is wrong"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(params): ApiQuery<ItemListParams>,
) -> Result<Json<ItemList>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let (query, limit) = params.query()?;
    let page = domain::list_page(&state, &access.workspace, &query, limit).await?;
    Ok(Json(item_list(
        &state,
        &access.workspace.slug,
        &query,
        page,
    )))
}

/// Get an item
///
/// The `ETag` is the item's version, for `If-Match` on a later `PATCH`.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/items/{key}",
    tag = "items",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-12"),
    ),
    responses(
        (status = 200, body = Item, headers(("ETag" = String, description = "The item's version"))),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let detail = domain::detail(&state, &access, &key).await?;
    Ok(tagged(
        StatusCode::OK,
        whole(&state, &access.workspace.slug, detail),
        None,
    ))
}

/// What a new item is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// One line, 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, up to 20,000 characters.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Default: the workspace's first status.
    pub status_id: Option<i64>,
    /// Up to 20 tags of 1 to 32 characters: letters, digits, spaces and
    /// `- _ . / + #`.
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    /// A member's user id; none by default.
    pub assignee_id: Option<i64>,
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, not before the start.
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// Default `unplanned`.
    #[serde(default, with = "app::model::api_enum::option")]
    pub horizon: Option<Horizon>,
}

fn check_text(field: &str, text: &str, most: usize) -> Result<(), ApiError> {
    if text.chars().count() > most {
        return Err(ApiError::invalid(
            field,
            format!("at most {most} characters"),
        ));
    }
    Ok(())
}

/// Tags given one by one: at most [`MAX_TAGS`] before duplicates are
/// dropped, each checked on its own (a comma in one cannot split it).
fn tag_list(tags: Vec<String>) -> Result<Vec<String>, ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    Ok(input::tags(tags.iter().map(String::as_str))?)
}

impl NewItem {
    fn input(self) -> Result<ItemInput, ApiError> {
        check_text("title", &self.title, MAX_TITLE)?;
        if let Some(description) = &self.description {
            check_text("description", description, MAX_BODY)?;
        }
        let tags = self.tags.map(tag_list).transpose()?;
        Ok(ItemInput {
            title: Some(input::title(&self.title)?),
            description: self
                .description
                .as_deref()
                .map(input::description)
                .transpose()?,
            status_id: self.status_id,
            tags,
            assignee: self.assignee_id.map(Some),
            start_date: date("start_date", self.start_date)?,
            end_date: date("end_date", self.end_date)?,
            horizon: self.horizon,
            archived: None,
        })
    }
}

/// A date field: absent leaves it, as does `null` on a new item.
fn date(field: &'static str, text: Option<String>) -> Result<Option<Option<String>>, ApiError> {
    Ok(text.map(|text| input::date(field, &text)).transpose()?)
}

/// Create an item
///
/// The new item goes to the top of its status's column and of its roadmap
/// lane. Needs a read-write token and the editor role.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{slug}/items",
    tag = "items",
    params(("slug" = String, Path, description = "The workspace's address", example = "demo")),
    request_body = NewItem,
    responses(
        (status = 201, body = Item, headers(
            ("ETag" = String, description = "The item's version"),
            ("Location" = String, description = "The new item in the API"),
        )),
        (status = 400, body = super::ErrorBody, description = "Malformed JSON"),
        (status = 403, body = super::ErrorBody, description = "A read token, or a role below editor"),
        (status = 404, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody, description = "A field is wrong, unknown or missing"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(slug): ApiPath<String>,
    JsonBody(body): JsonBody<NewItem>,
) -> Result<Response, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::Edit).await?;
    let key = domain::create(&state, &access, body.input()?).await?;
    let detail = domain::detail(&state, &access, &key).await?;
    let slug = &access.workspace.slug;
    let location = format!(
        "{}/api/v1/workspaces/{slug}/items/{key}",
        state.auth.public_url
    );
    Ok(tagged(
        StatusCode::CREATED,
        whole(&state, slug, detail),
        Some(location),
    ))
}

/// A field that may be absent (left as it is) or `null` (cleared).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// What to change; a field left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemChanges {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub status_id: Option<i64>,
    /// Replaces every tag.
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    /// `null` for nobody.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
    /// `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Option<String>>,
    /// `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<Option<String>>,
    #[serde(default, with = "app::model::api_enum::option")]
    pub horizon: Option<Horizon>,
    pub archived: Option<bool>,
}

impl ItemChanges {
    fn input(self) -> Result<ItemInput, ApiError> {
        if let Some(title) = &self.title {
            check_text("title", title, MAX_TITLE)?;
        }
        if let Some(description) = &self.description {
            check_text("description", description, MAX_BODY)?;
        }
        let tags = self.tags.map(tag_list).transpose()?;
        Ok(ItemInput {
            title: self.title.as_deref().map(input::title).transpose()?,
            description: self
                .description
                .as_deref()
                .map(input::description)
                .transpose()?,
            status_id: self.status_id,
            tags,
            assignee: self.assignee_id,
            start_date: date("start_date", self.start_date.map(Option::unwrap_or_default))?,
            end_date: date("end_date", self.end_date.map(Option::unwrap_or_default))?,
            horizon: self.horizon,
            archived: self.archived,
        })
    }
}

/// The version an `If-Match` header names: `"7"` (as the `ETag` came),
/// `W/"7"` or `7`; `*` for whatever version the item has now.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let value = headers.get(IF_MATCH).ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "send If-Match with the item's ETag, so that a change made meanwhile is not overwritten",
        )
    })?;
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let text = text.strip_prefix("W/").unwrap_or(text);
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    Some(text)
        .filter(|t| (1..=18).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|version| *version > 0)
        .map(Some)
        .ok_or_else(|| ApiError::invalid("If-Match", "the item's ETag, as GET gave it"))
}

/// Change an item
///
/// Only the fields sent change. `If-Match` must carry the version the
/// change was made from (the `ETag` of the last `GET`): if the item changed
/// since, nothing is written and the answer is 412.
#[utoipa::path(
    patch,
    path = "/api/v1/workspaces/{slug}/items/{key}",
    tag = "items",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-12"),
        ("If-Match" = String, Header, description = "The item's ETag, or `*` for any version", pattern = r#"^(\*|(W/)?("[0-9]{1,18}"|[0-9]{1,18}))$"#, example = "\"1\""),
    ),
    request_body = ItemChanges,
    responses(
        (status = 200, body = Item, headers(("ETag" = String, description = "The new version"))),
        (status = 400, body = super::ErrorBody, description = "Malformed JSON"),
        (status = 403, body = super::ErrorBody, description = "A read token, or a role below editor"),
        (status = 404, body = super::ErrorBody),
        (status = 412, body = super::ErrorBody, description = "The item changed since that version"),
        (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody, description = "A field is wrong or unknown"),
        (status = 428, body = super::ErrorBody, description = "No If-Match"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key)): ApiPath<(String, String)>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ItemChanges>,
) -> Result<Response, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::Edit).await?;
    let version = match if_match(&headers)? {
        Some(version) => version,
        None => domain::detail(&state, &access, &key).await?.summary.version,
    };
    let input = body.input()?;
    domain::update(&state, &access, &key, version, input)
        .await
        .map_err(|error| match error {
            AppError::Conflict(message) => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                message,
            ),
            other => other.into(),
        })?;
    let detail = domain::detail(&state, &access, &key).await?;
    Ok(tagged(
        StatusCode::OK,
        whole(&state, &access.workspace.slug, detail),
        None,
    ))
}

/// Delete an item
///
/// With its comments, ratings and history. Needs a read-write token and
/// the editor role.
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{slug}/items/{key}",
    tag = "items",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-300"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::Edit).await?;
    domain::delete(&state, &access, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A comment on an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    /// The author's name, or "A former member".
    pub author: String,
    /// Markdown.
    pub body: String,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub edited: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentList {
    /// Oldest first.
    pub comments: Vec<Comment>,
}

fn comment(view: model::CommentView) -> Comment {
    Comment {
        id: view.id,
        author: view.author,
        body: view.body,
        body_html: view.body_html,
        created_at: rfc3339(view.created_ms),
        edited: view.edited,
    }
}

/// List an item's comments
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/items/{key}/comments",
    tag = "comments",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-12"),
    ),
    responses(
        (status = 200, body = CommentList),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn comments(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key)): ApiPath<(String, String)>,
) -> Result<Json<CommentList>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let detail = domain::detail(&state, &access, &key).await?;
    Ok(Json(CommentList {
        comments: detail.comments.into_iter().map(comment).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// Markdown, 1 to 20,000 characters.
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

/// Comment on an item
///
/// Needs a read-write token and the contributor role.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{slug}/items/{key}/comments",
    tag = "comments",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-12"),
    ),
    request_body = NewComment,
    responses(
        (status = 201, body = Comment),
        (status = 400, body = super::ErrorBody, description = "Malformed JSON"),
        (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody),
    )
)]
pub async fn add_comment(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key)): ApiPath<(String, String)>,
    JsonBody(body): JsonBody<NewComment>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::Contribute).await?;
    check_text("body", &body.body, MAX_BODY)?;
    let id = domain::add_comment(&state, &access, &key, &body.body).await?;
    let made = domain::detail(&state, &access, &key)
        .await?
        .comments
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(comment(made))))
}

/// One criterion of the workspace's framework and the item's rating of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rating {
    pub criterion_id: i64,
    pub criterion: String,
    #[serde(with = "app::model::api_enum")]
    pub scale: Scale,
    /// What the scale takes, for people.
    pub rule: String,
    /// 0 for a criterion that does not count.
    pub weight: f64,
    /// `null`: not rated.
    pub value: Option<f64>,
}

/// An item's ratings and the score they give.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemScores {
    pub score: Option<f64>,
    /// Some criterion that counts is not rated yet.
    pub partly_rated: bool,
    /// Why the workspace's formula gives the item no score although every
    /// criterion it reads is rated; `null` otherwise.
    pub no_score_reason: Option<String>,
    /// In the framework's order.
    pub ratings: Vec<Rating>,
}

fn scores(scoring: model::ItemScoring) -> ItemScores {
    ItemScores {
        score: scoring.score,
        partly_rated: scoring.partly_rated,
        no_score_reason: scoring.no_score_reason,
        ratings: scoring
            .framework
            .criteria
            .iter()
            .zip(scoring.ratings.iter().chain(std::iter::repeat(&None)))
            .map(|(info, value)| Rating {
                criterion_id: info.id,
                criterion: info.name.clone(),
                scale: info.criterion.scale,
                rule: scale_rule(info.criterion.scale).to_owned(),
                weight: info.criterion.weight,
                value: *value,
            })
            .collect(),
    }
}

async fn scored(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
) -> Result<Json<ItemScores>, ApiError> {
    Ok(Json(scores(
        scoring::item_scoring(state, access, key).await?,
    )))
}

/// Get an item's scores
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/items/{key}/scores",
    tag = "scores",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-12"),
    ),
    responses(
        (status = 200, body = ItemScores),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn scores_of(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key)): ApiPath<(String, String)>,
) -> Result<Json<ItemScores>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    scored(&state, &access, &key).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRating {
    /// The rating, as the criterion's scale takes it; `null` takes the
    /// rating away.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub value: Option<Option<f64>>,
}

/// Rate an item on one criterion
///
/// Sets (or, with `null`, takes away) one rating; the item's score, and
/// where a number scale's largest rating moved every item's, follow in the
/// same transaction. Needs a read-write token and the editor role.
#[utoipa::path(
    put,
    path = "/api/v1/workspaces/{slug}/items/{key}/scores/{criterion_id}",
    tag = "scores",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("key" = String, Path, description = "The item's key, e.g. `DEMO-12`", example = "DEMO-12"),
        ("criterion_id" = i64, Path, description = "A criterion of the workspace's framework", example = 1),
    ),
    request_body = NewRating,
    responses(
        (status = 200, body = ItemScores),
        (status = 400, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody, description = "Not a criterion of the framework, or a value its scale does not take"),
    )
)]
pub async fn rate(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, key, criterion_id)): ApiPath<(String, String, i64)>,
    JsonBody(body): JsonBody<NewRating>,
) -> Result<Json<ItemScores>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::Edit).await?;
    let value = body.value.unwrap_or(None);
    if value.is_some_and(|v| !v.is_finite()) {
        return Err(ApiError::invalid("value", "a finite number"));
    }
    let rated = scoring::rate(&state, &access, &key, &[(criterion_id, value)])
        .await
        .map_err(|error| match error {
            AppError::Invalid { message, .. } => ApiError::invalid("value", message),
            other => other.into(),
        })?;
    Ok(Json(scores(rated)))
}
