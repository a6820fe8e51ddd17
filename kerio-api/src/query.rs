//! A builder that reads well for [`SearchQuery`], the filter, order and page of every
//! listing method: one type for every product that declares it alike (Kerio Control,
//! Connect and Operator do), so a query built once works against each of them.
//!
//! ```
//! use kerio_api::admin::{SearchQuery, SortDirection};
//!
//! let query = SearchQuery::new()
//!     .quick_search("novak")
//!     .order_by("fullName", SortDirection::Asc)
//!     .all_items();
//! assert_eq!(
//!     serde_json::to_value(&query).unwrap(),
//!     serde_json::json!({
//!         "conditions": [{"fieldName": "QUICKSEARCH", "comparator": "Like", "value": "novak"}],
//!         "limit": -1,
//!         "orderBy": [{"columnName": "fullName", "direction": "Asc", "caseSensitive": false}]
//!     })
//! );
//! ```

// The one query type of every product when the products share it (they do in the
// shipped spec set), else the Administration API's own.
#[cfg(not(kerio_type = "shared::SearchQuery"))]
use crate::admin::{
    CompareOperator, LogicalOperator, SearchQuery, SortDirection, SortOrder, SubCondition,
};
#[cfg(kerio_type = "shared::SearchQuery")]
use crate::shared::{
    CompareOperator, LogicalOperator, SearchQuery, SortDirection, SortOrder, SubCondition,
};

/// The field name that `Users.get` matches against login and full name at once.
pub const QUICKSEARCH: &str = "QUICKSEARCH";

impl SearchQuery {
    /// An empty query: every item, every field, the server's order and page size.
    /// Only what the builder sets is sent.
    pub fn new() -> Self {
        SearchQuery::default()
    }

    /// Returns only these fields of each item (the items of the result are then partial).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a condition `field comparator value`. Conditions are combined with AND unless
    /// [`any_condition`](Self::any_condition) is called; the server cannot mix the two.
    pub fn condition(
        mut self,
        field: impl Into<String>,
        comparator: CompareOperator,
        value: impl Into<String>,
    ) -> Self {
        self.conditions
            .get_or_insert_with(Vec::new)
            .push(SubCondition {
                field_name: Some(field.into()),
                comparator: Some(comparator),
                value: Some(value.into()),
            });
        self
    }

    /// Adds the condition `field == value`.
    pub fn eq(self, field: impl Into<String>, value: impl Into<String>) -> Self {
        self.condition(field, CompareOperator::Eq, value)
    }

    /// Adds the condition `field` contains `value` (the server's `Like`).
    pub fn like(self, field: impl Into<String>, value: impl Into<String>) -> Self {
        self.condition(field, CompareOperator::Like, value)
    }

    /// Adds the [`QUICKSEARCH`] condition: the text the web administration's search box
    /// looks for (in `Users.get`, the login name or the full name).
    pub fn quick_search(self, text: impl Into<String>) -> Self {
        self.condition(QUICKSEARCH, CompareOperator::Like, text)
    }

    /// Matches items that meet every condition (the default).
    pub fn all_conditions(mut self) -> Self {
        self.combining = Some(LogicalOperator::And);
        self
    }

    /// Matches items that meet at least one condition.
    pub fn any_condition(mut self) -> Self {
        self.combining = Some(LogicalOperator::Or);
        self
    }

    /// Sorts by `column` (case-insensitively); later calls add less significant keys.
    pub fn order_by(self, column: impl Into<String>, direction: SortDirection) -> Self {
        self.order_by_case(column, direction, false)
    }

    /// Sorts by `column`, choosing whether letter case matters.
    pub fn order_by_case(
        mut self,
        column: impl Into<String>,
        direction: SortDirection,
        case_sensitive: bool,
    ) -> Self {
        self.order_by.get_or_insert_with(Vec::new).push(SortOrder {
            column_name: Some(column.into()),
            direction: Some(direction),
            case_sensitive: Some(case_sensitive),
        });
        self
    }

    /// Returns every matching item in one reply (`limit: -1`). For long lists, prefer a
    /// listing method's `*_stream`, which fetches them page by page.
    pub fn all_items(self) -> Self {
        self.limit(-1)
    }

    /// A page: `start` and `limit` together.
    pub fn page(self, start: i64, limit: i64) -> Self {
        self.start(start).limit(limit)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_what_is_set_is_sent() {
        assert_eq!(serde_json::to_value(SearchQuery::new()).unwrap(), json!({}));
        assert_eq!(
            serde_json::to_value(SearchQuery::new().page(200, 100)).unwrap(),
            json!({"start": 200, "limit": 100})
        );
    }

    #[test]
    fn conditions_combining_and_order() {
        let query = SearchQuery::new()
            .fields(["id", "hostname"])
            .eq("type", "ActiveHostHost")
            .like("hostname", "build")
            .any_condition()
            .order_by_case("hostname", SortDirection::Desc, true)
            .order_by("ip", SortDirection::Asc);
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({
                "fields": ["id", "hostname"],
                "conditions": [
                    {"fieldName": "type", "comparator": "Eq", "value": "ActiveHostHost"},
                    {"fieldName": "hostname", "comparator": "Like", "value": "build"}
                ],
                "combining": "Or",
                "orderBy": [
                    {"columnName": "hostname", "direction": "Desc", "caseSensitive": true},
                    {"columnName": "ip", "direction": "Asc", "caseSensitive": false}
                ]
            })
        );
        assert_eq!(
            SearchQuery::new().all_conditions().combining,
            Some(LogicalOperator::And)
        );
    }
}
