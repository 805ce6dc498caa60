//! The REST API's resources: items (list with the filter bar's filters and
//! a cursor, get, create, change under `If-Match`, delete), comments,
//! scores, statuses, members and saved views; every fault of a request
//! answered with the one JSON error shape and a 4xx; and the access rule of
//! the pages, capped by the token's scope, for every operation the OpenAPI
//! document lists.

mod access;
mod errors;
mod items;
mod rate_limits;
mod views;

use crate::support::{TestApp, Visitor};
use reqwest::Method;
use serde_json::Value;

pub(crate) async fn make_token(visitor: &Visitor, scope: &str) -> String {
    let made: Value = visitor
        .call_ok(
            "account/tokens/create",
            &[("name", "Script"), ("scope", scope), ("days", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    made["token"].as_str().unwrap().to_owned()
}

/// A client of the API holding one token, without cookies.
pub(crate) struct Api {
    client: reqwest::Client,
    address: String,
    token: Option<String>,
}

pub(crate) struct Answer {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Api {
    fn new(app: &TestApp, token: Option<String>) -> Self {
        Self {
            client: crate::support::new_client(),
            address: app.address.clone(),
            token,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}/api/v1{path}", self.address))
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.request(Method::GET, path)).await
    }

    async fn json(&self, method: Method, path: &str, body: Value) -> Answer {
        self.send(self.request(method, path).json(&body)).await
    }

    async fn patch(&self, path: &str, if_match: Option<&str>, body: Value) -> Answer {
        let mut request = self.request(Method::PATCH, path).json(&body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.send(request).await
    }
}

/// Saves a view of the items; returns its id.
pub(crate) async fn create_view(
    visitor: &Visitor,
    slug: &str,
    name: &str,
    kind: &str,
    params: &str,
) -> i64 {
    let response = visitor
        .call_ok(
            "w/views/create",
            &[
                ("slug", slug),
                ("name", name),
                ("kind", kind),
                ("params", params),
            ],
        )
        .await;
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

pub(crate) fn keys(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
