//! Items, laid out as their pages are: the table, one item's page, the
//! board. Who may call each function is checked in `access_matrix.rs`.

mod board;
mod item;
mod table;

use crate::support::{Visitor, lane_keys};
use serde_json::Value;

async fn list(visitor: &Visitor, slug: &str, params: &str) -> Value {
    let response = visitor
        .call("w/items", &[("slug", slug), ("params", params)])
        .await;
    assert_eq!(response.status(), 200, "w/items?{params}");
    response.json().await.expect("a page of items")
}

fn keys(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn board(visitor: &Visitor, slug: &str) -> Value {
    visitor
        .call_json("w/board", &[("slug", slug), ("params", "")])
        .await
}

/// The keys of each column, top to bottom.
pub(crate) fn columns(board: &Value) -> Vec<Vec<String>> {
    lane_keys(board)
}
