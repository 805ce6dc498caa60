//! Scoring rounds as pages and server functions pass them: a round's
//! items, criteria and participants, the viewer's own ratings while it is
//! open, and every rating's summary once it is revealed.

use serde::{Deserialize, Serialize};

use crate::model::CriterionInfo;
use crate::scoring::round::Summary;

/// The most items, criteria and participants a round takes, and the
/// longest name.
pub const MAX_ROUND_ITEMS: usize = 30;
pub const MAX_ROUND_CRITERIA: usize = 10;
pub const MAX_ROUND_NAME: usize = 100;
pub const MAX_ROUND_PARTICIPANTS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundState {
    /// Participants rate; nobody sees another's ratings.
    Open,
    /// Everyone in it sees the ratings and how far they agree.
    Revealed,
    /// The agreed values are the items' ratings.
    Applied,
}

impl RoundState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Revealed => "revealed",
            Self::Applied => "applied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Open, Self::Revealed, Self::Applied]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Rating",
            Self::Revealed => "Revealed",
            Self::Applied => "Applied",
        }
    }
}

/// A round in the workspace's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundSummary {
    pub id: i64,
    pub name: String,
    pub state: RoundState,
    pub items: i64,
    pub participants: i64,
    pub finished: i64,
    pub created_by: String,
    pub created: String,
    /// Whether the viewer takes part.
    pub mine: bool,
}

/// Someone taking part, and whether they have said they are done; never
/// what they rated before the reveal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: i64,
    pub name: String,
    pub finished: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundItem {
    pub key: String,
    pub title: String,
}

/// One round as its page shows it to the viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundView {
    pub id: i64,
    pub name: String,
    pub state: RoundState,
    pub created_by: String,
    pub created: String,
    pub items: Vec<RoundItem>,
    pub criteria: Vec<CriterionInfo>,
    pub participants: Vec<Participant>,
    /// Whether the viewer takes part, and whether they said they finished.
    pub participant: bool,
    pub finished: bool,
    /// Whether the viewer may reveal and apply (an editor).
    pub can_manage: bool,
    /// The viewer's own ratings, `[item][criterion]`.
    pub mine: Vec<Vec<Option<f64>>>,
    /// After the reveal, each rating's summary `[item][criterion]`
    /// (`None` where nobody rated); empty before.
    pub revealed: Vec<Vec<Option<Summary>>>,
}

/// Someone the editor can ask to take part: a member who may rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
}

/// What the form that starts a round offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RoundChoices {
    /// The workspace's items, highest score first (at most 200).
    pub items: Vec<RoundItem>,
    pub criteria: Vec<CriterionInfo>,
    pub members: Vec<Candidate>,
}
