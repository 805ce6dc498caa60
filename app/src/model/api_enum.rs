//! The names the REST API gives the model's enums — their `as_str` names
//! (`now`, `editor`, `tshirt`), the ones forms and URLs use — and their
//! OpenAPI schema. Server only. The model's own serde names stay the ones
//! the server functions have always sent (`Now`, `Editor`), so an API field
//! takes the names through this adapter:
//!
//! ```ignore
//! #[serde(with = "app::model::api_enum")]
//! pub horizon: Horizon,
//! #[serde(default, with = "app::model::api_enum::option")]
//! pub horizon: Option<Horizon>,
//! ```

use std::borrow::Cow;

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serializer};

use crate::model::{Horizon, Role, SortColumn, StatusCategory, ViewKind};
use crate::scoring::score::Scale;

/// An enum as the REST API names it.
pub trait ApiEnum: Copy + Sized + 'static {
    /// Every value, in the order the OpenAPI document lists them.
    const VALUES: &'static [Self];
    /// Their names, in the same order.
    const NAMES: &'static [&'static str];
    fn api_name(self) -> &'static str;
}

pub fn serialize<T: ApiEnum, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.api_name())
}

/// Refuses any other name with serde's own "unknown variant" message.
pub fn deserialize<'de, T: ApiEnum, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let name = Cow::<'de, str>::deserialize(deserializer)?;
    T::VALUES
        .iter()
        .copied()
        .find(|value| value.api_name() == name)
        .ok_or_else(|| D::Error::unknown_variant(&name, T::NAMES))
}

/// The same for an optional field (give it `#[serde(default)]` too).
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::ApiEnum;

    pub fn serialize<T: ApiEnum, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_some(value.api_name()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: ApiEnum, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        #[derive(Deserialize)]
        struct Named<T: ApiEnum>(#[serde(with = "super")] T);

        Ok(Option::<Named<T>>::deserialize(deserializer)?.map(|Named(value)| value))
    }
}

/// Implements [`ApiEnum`] and the OpenAPI schema named
/// `$schema` (a string, one of the names, described by `$description`).
macro_rules! api_enum {
    ($type:ty, $schema:literal, $description:literal, [$($name:literal),+ $(,)?]) => {
        impl ApiEnum for $type {
            const VALUES: &'static [Self] = &<$type>::ALL;
            const NAMES: &'static [&'static str] = &[$($name),+];
            fn api_name(self) -> &'static str {
                self.as_str()
            }
        }

        impl utoipa::PartialSchema for $type {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};

                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .description(Some($description))
                    .enum_values(Some(<$type as ApiEnum>::NAMES.iter().copied()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $type {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($schema)
            }
        }
    };
}

api_enum!(
    Horizon,
    "HorizonName",
    "Where an item sits on the roadmap.",
    ["now", "next", "later", "unplanned"]
);
api_enum!(
    SortColumn,
    "SortName",
    "How a list is sorted.",
    [
        "key", "title", "status", "assignee", "horizon", "start", "end", "tags", "updated", "score"
    ]
);
api_enum!(
    Scale,
    "ScaleName",
    "How a criterion is rated.",
    ["zero_to_ten", "percentage", "tshirt", "yes_no", "number"]
);
api_enum!(
    Role,
    "RoleName",
    "A member's role in a workspace.",
    ["owner", "editor", "contributor", "viewer"]
);
api_enum!(
    StatusCategory,
    "CategoryName",
    "What a status means: not started, under way, or finished.",
    ["planned", "active", "done"]
);
api_enum!(
    ViewKind,
    "ViewKindName",
    "Which page a saved view opens.",
    ["items", "board", "roadmap", "timeline", "chart"]
);

#[cfg(test)]
mod tests {
    use super::*;

    fn names_are_the_values_names<T: ApiEnum>() {
        let names: Vec<&str> = T::VALUES.iter().map(|v| v.api_name()).collect();
        assert_eq!(names, T::NAMES);
    }

    #[test]
    fn each_name_list_is_its_values_names_in_order() {
        names_are_the_values_names::<Horizon>();
        names_are_the_values_names::<SortColumn>();
        names_are_the_values_names::<Scale>();
        names_are_the_values_names::<Role>();
        names_are_the_values_names::<StatusCategory>();
        names_are_the_values_names::<ViewKind>();
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Field {
        #[serde(with = "super")]
        horizon: Horizon,
        #[serde(default, with = "super::option")]
        sort: Option<SortColumn>,
    }

    #[test]
    fn fields_take_the_api_names_and_refuse_others() {
        let field: Field = serde_json::from_str(r#"{"horizon":"next","sort":"score"}"#).unwrap();
        assert_eq!(
            field,
            Field {
                horizon: Horizon::Next,
                sort: Some(SortColumn::Score)
            }
        );
        assert_eq!(
            serde_json::to_string(&field).unwrap(),
            r#"{"horizon":"next","sort":"score"}"#
        );
        let field: Field = serde_json::from_str(r#"{"horizon":"later"}"#).unwrap();
        assert_eq!(field.sort, None);
        let refused = serde_json::from_str::<Field>(r#"{"horizon":"Next"}"#).unwrap_err();
        assert!(
            refused.to_string().starts_with(
                "unknown variant `Next`, expected one of `now`, `next`, `later`, `unplanned`"
            ),
            "{refused}"
        );
    }
}
