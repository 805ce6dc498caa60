//! The API's description, OpenAPI 3.1, generated from the handlers'
//! annotations and the request and response types: served at
//! `/api/v1/openapi.json` and read by the reference page at `/api/docs`.

use std::sync::OnceLock;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Server};
use utoipa::{Modify, OpenApi};

use super::{items, workspaces};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waymark API",
        version = "1",
        description = "The REST API of a Waymark instance. Every request carries an API token \
            (`Authorization: Bearer wm_…`), made in Settings → API tokens; a read token reads, \
            a read-write token also writes, and either acts with its user's role in each \
            workspace. Errors are `{\"error\": {\"code\", \"message\", \"details\"}}`.",
        license(name = "MIT"),
    ),
    paths(
        workspaces::list,
        workspaces::get,
        workspaces::statuses,
        workspaces::members,
        workspaces::views,
        workspaces::view_detail,
        workspaces::view_items,
        items::list,
        items::create,
        items::get,
        items::update,
        items::delete,
        items::comments,
        items::add_comment,
        items::scores_of,
        items::rate,
    ),
    modifiers(&Token, &Refusals),
    security(("token" = [])),
    tags(
        (name = "workspaces", description = "Workspaces, their statuses and members"),
        (name = "items", description = "Items: list with filters, get, create, change, delete"),
        (name = "comments", description = "Comments on an item"),
        (name = "scores", description = "An item's ratings and score"),
        (name = "views", description = "Saved views and their items"),
    )
)]
pub struct ApiDoc;

/// The bearer token every operation names as `token`.
struct Token;

impl Modify for Token {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("wm_…")
                    .description(Some("An API token from Settings → API tokens"))
                    .build(),
            ),
        );
    }
}

/// What every operation may answer before its handler runs: 401 without a
/// valid token, 429 over the rate limit.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, document: &mut Document) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

        let error_body = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };

        let refusal = ResponseBuilder::new()
            .description("Over the rate limit: wait `Retry-After` seconds")
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(utoipa::openapi::schema::Object::with_type(
                        utoipa::openapi::schema::Type::Integer,
                    ))
                    .description(Some("Seconds until the limit's window starts again"))
                    .build(),
            )
            .content("application/json", error_body())
            .build();
        let unauthorized = ResponseBuilder::new()
            .description("No valid API token")
            .content("application/json", error_body())
            .build();
        for item in document.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                responses.insert("401".to_owned(), unauthorized.clone().into());
                responses.insert("429".to_owned(), refusal.clone().into());
            }
        }
    }
}

/// The document, built once. Its one server is `/`: the paths are the
/// instance's own, wherever it is reached.
pub fn document() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = ApiDoc::openapi();
        document.servers = Some(vec![Server::new("/")]);
        document
    })
}

/// `GET /api/v1/openapi.json`: open to anyone, like any API's reference.
pub async fn json() -> Response {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| document().to_pretty_json().expect("the document is JSON"));
    (
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        body.as_str(),
    )
        .into_response()
}
