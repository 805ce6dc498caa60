//! `/api/docs`: the API's reference, drawn by the server from the same
//! OpenAPI document that `/api/v1/openapi.json` serves, so the two never
//! disagree. One page, no script: every operation with its parameters,
//! body, answers and a curl example for this instance.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use app::backend::AppState;
use app::components::markup::escape_html;

use super::openapi;

pub async fn page(State(state): State<AppState>) -> Response {
    let document = serde_json::to_value(openapi::document()).expect("the document is JSON");
    let stylesheet = app::stylesheet_href(&state.leptos_options);
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        render(&document, &state.auth.public_url, stylesheet),
    )
        .into_response()
}

/// A description's text with its `code` spans kept as code.
fn prose(text: &str) -> String {
    let mut out = String::new();
    for (index, part) in text.split('`').enumerate() {
        if index % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape_html(part));
        } else {
            out.push_str(&escape_html(part));
        }
    }
    out
}

/// The anchor of an operation: `get-items`.
fn anchor(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for part in path.trim_start_matches("/api/v1").split(['/', '{', '}']) {
        if !part.is_empty() {
            id.push('-');
            id.push_str(part);
        }
    }
    id
}

/// The schema a `$ref` points at, or the schema itself.
fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &document["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// A schema's type, said briefly: `string`, `integer | null`, `Item[]`,
/// `"now" | "next"`.
fn type_of(document: &Value, schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        let target = &document["components"]["schemas"][name];
        if let Some(values) = target["enum"].as_array() {
            return enum_values(values);
        }
        return name.to_owned();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            return options
                .iter()
                .map(|o| type_of(document, o))
                .collect::<Vec<_>>()
                .join(" | ");
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return enum_values(values);
    }
    let item = |t: &str| {
        if t == "array" {
            format!("{}[]", type_of(document, &schema["items"]))
        } else {
            let format = schema["format"]
                .as_str()
                .filter(|_| t != "null")
                .map(|f| format!(" ({f})"));
            format!("{t}{}", format.unwrap_or_default())
        }
    };
    match &schema["type"] {
        Value::String(t) => item(t),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .map(item)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".to_owned(),
    }
}

fn enum_values(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Limits a schema sets, said for people: `1–200 characters`, `from 1`.
fn limits(schema: &Value) -> String {
    let number = |key: &str| schema.get(key).map(|v| v.to_string());
    let range = |low: Option<String>, high: Option<String>, unit: &str| match (low, high) {
        (Some(low), Some(high)) => Some(format!("{low}–{high}{unit}")),
        (Some(low), None) => Some(format!("from {low}{unit}")),
        (None, Some(high)) => Some(format!("up to {high}{unit}")),
        (None, None) => None,
    };
    let mut parts = Vec::new();
    parts.extend(range(number("minimum"), number("maximum"), ""));
    parts.extend(range(
        number("minLength"),
        number("maxLength"),
        " characters",
    ));
    parts.extend(range(None, number("maxItems"), " of them"));
    let mut out: Vec<String> = parts.iter().map(|p| escape_html(p)).collect();
    if let Some(pattern) = schema["pattern"].as_str() {
        out.push(format!("matching <code>{}</code>", escape_html(pattern)));
    }
    out.join(", ")
}

/// A table of an object schema's fields.
fn fields(out: &mut String, document: &Value, schema: &Value) {
    let schema = resolve(document, schema);
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str(
        "<div class=\"table-scroll\"><table class=\"api-doc__table\"><thead><tr><th scope=\"col\">Field</th>\
         <th scope=\"col\">Type</th><th scope=\"col\">About</th></tr></thead><tbody>",
    );
    for (name, field) in properties {
        let about = field["description"].as_str().map(prose).unwrap_or_default();
        let limits = limits(field);
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{}</td><td><code>{}</code></td><td>{about}{}</td></tr>",
            escape_html(name),
            if required.contains(&name.as_str()) {
                " <span class=\"muted small\">required</span>"
            } else {
                ""
            },
            escape_html(&type_of(document, field)),
            if limits.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"muted small\">{limits}</span>")
            }
        );
    }
    out.push_str("</tbody></table></div>");
}

/// A curl command for the operation, against this instance.
fn curl(public_url: &str, method: &str, path: &str, operation: &Value) -> String {
    let path = path
        .replace("{slug}", "demo")
        .replace("{key}", "DEMO-12")
        .replace("{id}", "1")
        .replace("{criterion_id}", "1");
    let mut command = String::from("curl");
    if method != "get" {
        let _ = write!(command, " -X {}", method.to_uppercase());
    }
    let _ = write!(command, " {public_url}{path}");
    command.push_str(" \\\n  -H \"Authorization: Bearer $WAYMARK_TOKEN\"");
    let header_params = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "header");
    for parameter in header_params {
        let _ = write!(
            command,
            " \\\n  -H '{}: \"4\"'",
            parameter["name"].as_str().unwrap_or("")
        );
    }
    if operation.get("requestBody").is_some() {
        let example = match (
            method,
            path.ends_with("/comments"),
            path.contains("/scores/"),
        ) {
            (_, true, _) => r#"{"body": "Customers ask for this weekly"}"#,
            (_, _, true) => r#"{"value": 8}"#,
            ("patch", _, _) => r#"{"horizon": "next", "tags": ["mobile"]}"#,
            _ => r#"{"title": "Dark mode", "tags": ["ui"], "horizon": "now"}"#,
        };
        let _ = write!(
            command,
            " \\\n  -H 'Content-Type: application/json' \\\n  -d '{example}'"
        );
    }
    command
}

fn render(document: &Value, public_url: &str, stylesheet: &str) -> String {
    let mut out = String::new();
    let title = escape_html(document["info"]["title"].as_str().unwrap_or("API"));
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title} reference</title>\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"{}\"></head><body>\
         <main class=\"page api-doc\" id=\"main\"><h1>{title} reference</h1>",
        escape_html(stylesheet)
    );
    let _ = write!(
        out,
        "<p>{}</p>\
         <p>The machine-readable description: <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a> \
         (OpenAPI 3.1). Tokens are made in <a href=\"/settings/tokens\">Settings → API tokens</a>.</p>\
         <h2>Conventions</h2><ul>\
         <li>Every request carries <code>Authorization: Bearer wm_…</code>. A session cookie is ignored.</li>\
         <li>A workspace you are not a member of answers 404, the same as one that does not exist.</li>\
         <li>Lists come a page at a time: pass the answer's <code>next_cursor</code> as <code>cursor</code> for the next page; \
         <code>null</code> means the last page. Items made or moved while you page are never listed twice.</li>\
         <li><code>PATCH</code> takes <code>If-Match</code> with the <code>ETag</code> of your last read; a change made meanwhile answers 412 and writes nothing.</li>\
         <li>Each token may make {} requests a minute (calls without a valid token: a tenth of that per address). \
         Every answer carries <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code>, <code>RateLimit-Reset</code> and \
         <code>RateLimit-Policy</code>; one too many answers 429 with <code>Retry-After</code>.</li>\
         <li>Times are RFC 3339 in UTC; dates are <code>YYYY-MM-DD</code>.</li>\
         <li>Every error is <code>{{\"error\": {{\"code\": \"…\", \"message\": \"…\", \"details\": {{\"field\": \"…\"}} | null}}}}</code>, \
         with a stable <code>code</code>.</li></ul>",
        prose(document["info"]["description"].as_str().unwrap_or_default()),
        // The documented default; the page does not reveal the setting.
        crate::config::DEFAULT_API_RATE_LIMIT,
    );
    let paths = document["paths"].as_object().cloned().unwrap_or_default();
    let tags = document["tags"].as_array().cloned().unwrap_or_default();
    out.push_str("<nav aria-label=\"Operations\"><ul class=\"api-doc__index\">");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            out,
            "<li><strong>{}</strong><ul>",
            escape_html(&capitalised(name))
        );
        for (path, operations) in &paths {
            for (method, operation) in operations.as_object().into_iter().flatten() {
                if operation["tags"][0] != *name {
                    continue;
                }
                let _ = write!(
                    out,
                    "<li><a href=\"#{}\">{}</a></li>",
                    anchor(method, path),
                    escape_html(operation["summary"].as_str().unwrap_or(path))
                );
            }
        }
        out.push_str("</ul></li>");
    }
    out.push_str("<li><strong><a href=\"#webhooks\">Webhooks</a></strong></li></ul></nav>");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            out,
            "<section class=\"api-doc__tag\"><h2>{}</h2><p class=\"muted\">{}</p>",
            escape_html(&capitalised(name)),
            prose(tag["description"].as_str().unwrap_or_default())
        );
        for (path, operations) in &paths {
            for (method, operation) in operations.as_object().into_iter().flatten() {
                if operation["tags"][0] != *name {
                    continue;
                }
                operation_html(&mut out, document, public_url, method, path, operation);
            }
        }
        out.push_str("</section>");
    }
    out.push_str(WEBHOOKS);
    out.push_str("</main></body></html>");
    out
}

/// How webhook deliveries look and how to check them.
const WEBHOOKS: &str = r#"<section class="api-doc__tag" id="webhooks"><h2>Webhooks</h2>
<p>Editors and owners add webhooks in a workspace's settings (Settings → Webhooks): an address and the events it wants —
<code>item.created</code>, <code>item.updated</code>, <code>item.deleted</code>, <code>item.status_changed</code>,
<code>comment.added</code>. Each event is queued in the same transaction as the change, so a change that is rolled back
sends nothing and a restart loses nothing. The last 50 deliveries of each webhook, with the answer's status and time, are
listed there.</p>
<h3>A delivery</h3>
<p>A <code>POST</code> of JSON with the headers <code>Waymark-Event</code> (the event), <code>Waymark-Delivery</code>
(its id, the same on every retry) and <code>Waymark-Signature</code>. Any 2xx answer delivers it; anything else (or no
answer within 10 seconds) is tried again after 10 seconds, then three times longer each time, eight attempts in all.
Redirects are not followed. Addresses that resolve to loopback, private or link-local addresses are refused unless the
instance sets <code>WAYMARK_WEBHOOKS_ALLOW_PRIVATE=true</code>.</p>
<pre class="api-doc__example"><code>{
  "event": "item.status_changed",
  "occurred_at": "2026-12-01T09:30:00.000Z",
  "workspace": {"slug": "demo", "name": "Demo"},
  "actor": {"id": 1, "name": "Ada"},
  "item": {"key": "DEMO-12", "title": "Dark mode", "status_id": 3, "version": 5,
           "url": "https://roadmap.example.com/w/demo/items/DEMO-12"},
  "status": {"from": 2, "to": 3}
}</code></pre>
<p><code>comment.added</code> also carries <code>"comment": {"id", "body"}</code>.</p>
<h3>Checking the signature</h3>
<p><code>Waymark-Signature: t=1764581400,v1=5f0c…</code>: <code>v1</code> is the hex HMAC-SHA256, keyed with the webhook's
secret (<code>whsec_…</code>, shown once when it is made), of the timestamp, a full stop, and the raw body. Compute it over
the bytes you received, compare in constant time, and refuse a timestamp more than five minutes old.</p>
<pre class="api-doc__example"><code>import hashlib, hmac, time

def verify(secret: str, header: str, body: bytes) -&gt; bool:
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = fields["t"]
    if abs(time.time() - int(timestamp)) &gt; 300:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])</code></pre>
</section>"#;

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn operation_html(
    out: &mut String,
    document: &Value,
    public_url: &str,
    method: &str,
    path: &str,
    operation: &Value,
) {
    let _ = write!(
        out,
        "<article class=\"api-doc__operation\" id=\"{}\"><h3>{}</h3>\
         <p><code class=\"api-doc__method\">{}</code> <code>{}</code></p>",
        anchor(method, path),
        escape_html(operation["summary"].as_str().unwrap_or_default()),
        method.to_uppercase(),
        escape_html(path)
    );
    if let Some(description) = operation["description"].as_str() {
        let _ = write!(out, "<p>{}</p>", prose(description));
    }
    if let Some(parameters) = operation["parameters"].as_array() {
        out.push_str(
            "<h4>Parameters</h4><div class=\"table-scroll\"><table class=\"api-doc__table\"><thead><tr>\
             <th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Type</th>\
             <th scope=\"col\">About</th></tr></thead><tbody>",
        );
        for parameter in parameters {
            let limits = limits(&parameter["schema"]);
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td><code>{}</code></td><td>{}{}</td></tr>",
                escape_html(parameter["name"].as_str().unwrap_or_default()),
                if parameter["required"] == true {
                    " <span class=\"muted small\">required</span>"
                } else {
                    ""
                },
                escape_html(parameter["in"].as_str().unwrap_or_default()),
                escape_html(&type_of(document, &parameter["schema"])),
                prose(parameter["description"].as_str().unwrap_or_default()),
                if limits.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"muted small\">{limits}</span>")
                }
            );
        }
        out.push_str("</tbody></table></div>");
    }
    if let Some(body) = operation["requestBody"]["content"]["application/json"]["schema"]
        .as_object()
        .map(|_| &operation["requestBody"]["content"]["application/json"]["schema"])
    {
        let _ = write!(
            out,
            "<h4>Body <span class=\"muted small\">application/json, {}</span></h4>",
            escape_html(&type_of(document, body))
        );
        fields(out, document, body);
    }
    out.push_str("<h4>Answers</h4><ul class=\"api-doc__answers\">");
    for (status, response) in operation["responses"].as_object().into_iter().flatten() {
        let schema = &response["content"]["application/json"]["schema"];
        let body = if schema.is_null() {
            String::new()
        } else {
            format!(" <code>{}</code>", escape_html(&type_of(document, schema)))
        };
        let _ = write!(
            out,
            "<li><strong>{}</strong>{body} {}</li>",
            escape_html(status),
            prose(response["description"].as_str().unwrap_or_default())
        );
    }
    out.push_str("</ul>");
    let _ = write!(
        out,
        "<h4>Example</h4><pre class=\"api-doc__example\"><code>{}</code></pre>",
        escape_html(&curl(public_url, method, path, operation))
    );
    let success = operation["responses"]
        .as_object()
        .and_then(|r| r.iter().find(|(s, _)| s.starts_with('2')))
        .map(|(_, r)| &r["content"]["application/json"]["schema"]);
    if let Some(schema) = success.filter(|s| !s.is_null()) {
        let _ = write!(
            out,
            "<details><summary>{} fields</summary>",
            escape_html(&type_of(document, schema))
        );
        fields(out, document, schema);
        out.push_str("</details>");
    }
    out.push_str("</article>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_on_the_page_with_an_example() {
        let document = serde_json::to_value(openapi::document()).unwrap();
        let html = render(&document, "https://roadmap.example.com", "/pkg/waymark.css");
        let mut operations = 0;
        for (path, methods) in document["paths"].as_object().unwrap() {
            for method in methods.as_object().unwrap().keys() {
                operations += 1;
                assert!(
                    html.contains(&format!("id=\"{}\"", anchor(method, path))),
                    "{method} {path}"
                );
            }
        }
        assert!(operations >= 16);
        // One example per operation, and the webhooks' body and check.
        assert_eq!(
            html.matches("<pre class=\"api-doc__example\">").count(),
            operations + 2
        );
        assert!(html.contains("id=\"webhooks\""));
        assert!(html.contains(
            "curl -X PATCH https://roadmap.example.com/api/v1/workspaces/demo/items/DEMO-12"
        ));
        assert!(html.contains("If-Match"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(prose("a `<b>` & c"), "a <code>&lt;b&gt;</code> &amp; c");
    }
}
