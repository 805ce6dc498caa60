//! Plain data shared by the server and the browser.

mod account;
#[cfg(feature = "ssr")]
pub mod api_enum;
mod api_token;
mod chart;
mod email;
mod instance;
mod item;
mod item_query;
mod round;
mod scoring;
mod theme;
mod timeline;
mod view;
mod webhook;
mod workspace;

pub use account::{
    AccountsState, CurrentUser, SecurityEvent, SessionInfo, SignUpMode, TwoFactorSetup,
    TwoFactorStatus, UserSummary, WorkspaceLink,
};
pub use api_token::{
    ApiTokenInfo, ApiTokenList, MAX_API_TOKENS, MAX_TOKEN_DAYS, MAX_TOKEN_NAME, NewApiToken,
    TokenScope,
};
pub use chart::{ChartData, ChartPoint, MAX_CHART_POINTS};
pub use email::{Email, parse_display_name};
pub use instance::{DatabaseKind, InstanceInfo};
pub use item::{
    ActivityEntry, BoardColumn, CommentView, Horizon, ItemChoices, ItemDetail, ItemForm, ItemPage,
    ItemSummary, ItemTitle, MAX_BODY, MAX_TAGS, MAX_TITLE, Person, RoadmapLane, Status,
    StatusCategory, key_of, number_of, parse_body, parse_date, parse_tag, parse_tag_list,
    parse_tags, parse_title, split_key,
};
pub use item_query::{ItemQuery, MAX_QUERY_TEXT, ScoreBound, SortColumn, query_pairs};
pub use round::{
    Candidate, MAX_ROUND_CRITERIA, MAX_ROUND_ITEMS, MAX_ROUND_NAME, MAX_ROUND_PARTICIPANTS,
    Participant, RoundChoices, RoundItem, RoundState, RoundSummary, RoundView,
};
pub use scoring::{
    CriterionInfo, CriterionInput, FrameworkPreview, ItemScoring, PreviewRow, ScoringFramework,
    UnfitRatings, show_score,
};
pub use theme::Theme;
pub use timeline::{MAX_TIMELINE_ITEMS, TimelineData, UNSCHEDULED_SHOWN};
pub use view::{
    MAX_SAVED_VIEWS, MAX_SHARE_DAYS, MAX_SHARE_LINKS, MAX_VIEW_NAME, NewShareLink, OpenedView,
    SavedView, ShareLinkInfo, ViewKind, join_params, parse_view_name,
};
pub use webhook::{
    DELIVERIES_SHOWN, DeliveryInfo, DeliveryState, HookEvent, MAX_WEBHOOK_URL, MAX_WEBHOOKS,
    NewWebhook, WebhookInfo, WebhookList,
};
pub use workspace::{
    InvitationInfo, InvitationPreview, MemberInfo, MembersPage, Permission, Role, Slug,
    WorkspaceSummary, WorkspaceView, key_prefix_from_name, parse_key_prefix, parse_slug,
    slug_from_name,
};
