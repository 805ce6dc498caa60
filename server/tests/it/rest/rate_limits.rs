//! Rate limits: one per token, counted across instances; calls without a
//! token counted by network.

use super::{Api, make_token};
use crate::support::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn each_token_has_its_own_rate_limit_counted_across_instances() {
    for app in TestApp::each_backend_with_api_rate_limit(20).await {
        let admin = app.admin().await;
        admin.create_workspace("Api limits", "api-limits").await;
        let token = make_token(&admin, "write").await;
        let busy = Api::new(&app, Some(token.clone()));
        let other = Api::new(&app, Some(make_token(&admin, "read").await));
        // Half the requests through this instance, half through another on
        // the same database: one count.
        let (elsewhere_address, _elsewhere) = app.another_instance().await;
        let elsewhere = Api {
            client: crate::support::new_client(),
            address: elsewhere_address,
            token: Some(token),
        };
        // All of it within one minute's window.
        let into_minute = crate::support::now_secs() % 60;
        if into_minute > 50 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - into_minute) as u64)).await;
        }
        for n in 1..=20_i64 {
            let api = if n % 2 == 0 { &busy } else { &elsewhere };
            let answer = api.get("/workspaces").await;
            assert_eq!(answer.status, 200, "request {n}: {}", answer.body);
            assert_eq!(answer.headers["ratelimit-limit"], "20");
            assert_eq!(
                answer.headers["ratelimit-remaining"],
                (20 - n).to_string().as_str()
            );
            assert_eq!(answer.headers["ratelimit-policy"], "20;w=60");
            let reset: i64 = answer.headers["ratelimit-reset"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&reset));
        }
        // One too many: refused before its handler runs (nothing is made).
        let refused = busy
            .json(
                Method::POST,
                "/workspaces/api-limits/items",
                json!({ "title": "Over the limit" }),
            )
            .await;
        assert_eq!((refused.status, refused.code()), (429, "too_many_requests"));
        let wait: i64 = refused.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait));
        assert_eq!(refused.headers["ratelimit-remaining"], "0");
        assert_eq!(elsewhere.get("/workspaces").await.status, 429);
        let items = other.get("/workspaces/api-limits/items").await;
        assert_eq!(items.status, 200, "another token counts on its own");
        assert_eq!(items.body["total"], 0);

        // Calls without a valid token are counted by address, at a tenth
        // of a token's limit (never below 10).
        let nobody = Api::new(&app, Some("wm_nonsense".to_owned()));
        let into_minute = crate::support::now_secs() % 60;
        if into_minute > 55 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - into_minute) as u64)).await;
        }
        for _ in 0..10 {
            assert_eq!(nobody.get("/workspaces").await.status, 401);
        }
        let refused = nobody.get("/workspaces").await;
        assert_eq!(refused.status, 429);
        assert_eq!(refused.headers["ratelimit-limit"], "10");
        // The description is never counted.
        assert_eq!(nobody.get("/openapi.json").await.status, 200);
    }
}

#[tokio::test]
async fn calls_without_a_token_count_by_ipv6_network_not_by_address() {
    let setup = crate::support::Setup {
        api_rate_limit: Some(20),
        behind_proxy: true,
        ..crate::support::Setup::default()
    };
    for app in TestApp::each_backend_with(setup).await {
        // One client hopping across the addresses of its /64, as any
        // IPv6 host can: each call from a new address, all counted as one.
        let from = |n: u32| format!("2001:db8:1:2::{n:x}");
        let client = crate::support::new_client();
        let call = |address: String| {
            let request = client
                .get(app.url("/api/v1/workspaces"))
                .header("authorization", "Bearer wm_nonsense")
                .header("x-forwarded-for", address);
            async move { request.send().await.unwrap().status().as_u16() }
        };
        let into_minute = crate::support::now_secs() % 60;
        if into_minute > 55 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - into_minute) as u64)).await;
        }
        for n in 1..=10 {
            assert_eq!(call(from(n)).await, 401, "call {n}");
        }
        assert_eq!(call(from(11)).await, 429, "the /64 is out of calls");
        // Another network still has its own.
        assert_eq!(call("2001:db8:1:3::1".to_owned()).await, 401);
    }
}
