//! A workspace's webhooks as its settings show them, and the events they
//! can ask for.

use serde::{Deserialize, Serialize};

/// What a webhook can be told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HookEvent {
    ItemCreated,
    ItemUpdated,
    ItemDeleted,
    StatusChanged,
    CommentAdded,
}

impl HookEvent {
    pub const ALL: [HookEvent; 5] = [
        Self::ItemCreated,
        Self::ItemUpdated,
        Self::ItemDeleted,
        Self::StatusChanged,
        Self::CommentAdded,
    ];

    /// As a delivery's `event` and its `Waymark-Event` header name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ItemCreated => "item.created",
            Self::ItemUpdated => "item.updated",
            Self::ItemDeleted => "item.deleted",
            Self::StatusChanged => "item.status_changed",
            Self::CommentAdded => "comment.added",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ItemCreated => "Item created",
            Self::ItemUpdated => "Item updated",
            Self::ItemDeleted => "Item deleted",
            Self::StatusChanged => "Status changed",
            Self::CommentAdded => "Comment added",
        }
    }
}

/// The most webhooks one workspace may have.
pub const MAX_WEBHOOKS: usize = 20;
/// The longest URL a webhook may have.
pub const MAX_WEBHOOK_URL: usize = 2_000;
/// How many deliveries a webhook's log shows.
pub const DELIVERIES_SHOWN: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInfo {
    pub id: i64,
    pub url: String,
    pub events: Vec<HookEvent>,
    pub created: String,
    /// Its latest deliveries, newest first.
    pub deliveries: Vec<DeliveryInfo>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Not sent yet, or to be tried again.
    Pending,
    Delivered,
    /// Given up after the last retry.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryInfo {
    pub id: i64,
    pub event: String,
    pub state: DeliveryState,
    pub attempts: i64,
    /// The HTTP status of the last attempt, if one was answered.
    pub status: Option<i64>,
    pub error: Option<String>,
    pub latency_ms: Option<i64>,
    pub created: String,
}

/// A webhook just made: its secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub webhook: WebhookInfo,
    pub secret: String,
}

/// The webhooks page: the workspace's webhooks, and the secret of the one
/// this browser made in the last five minutes (after a form post without
/// JavaScript, the page shows it once more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookInfo>,
    pub new_secret: Option<String>,
}
