//! Whether a field's name points at another product's key, by the naming conventions schemas
//! really use. Names are compared as word tokens (`ShipperID` → `shipper`, `id`), each token
//! singularised (`customers` → `customer`), so spelling conventions and plural table names do not
//! matter. Tokens such as `id`, `code` or `no` are *generic*: they say "this is a key" but not
//! whose.
//!
//! The patterns, strongest first (source field → target product.key):
//!
//! | pattern | example |
//! |---|---|
//! | [`NamePattern::SameName`] | `Invoice.CustomerId` → `Customer.CustomerId` |
//! | [`NamePattern::TableAndKey`] | `tracks.genre_id` → `genres.id` |
//! | [`NamePattern::NamesTable`] | `election.Party` → `party.Party_ID` |
//! | [`NamePattern::EndsWithKey`] | `Order_Deliveries.driver_employee_id` → `Employees.employee_id` |
//! | [`NamePattern::EndsWithTable`] | `Appointment.PrepNurse` → `Nurse.EmployeeID` |

use serde::Serialize;

use crate::relation_evidence::name_tokens;

/// Tokens that mark a key without saying whose it is.
const GENERIC: &[&str] = &["id", "key", "code", "no", "nr", "num", "number", "pk"];

/// How a source field's name points at a target key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NamePattern {
    /// The same words, and the key is not just `id`.
    SameName,
    /// The target product's name followed by its generic key (`genre_id` → `genres.id`); a
    /// suffix of a longer product name counts (`channel_id` → `TV_Channel.id`) at a lower score.
    TableAndKey,
    /// The field is named after the target product (`Party` → `party.Party_ID`).
    NamesTable,
    /// The field ends with the key's words after a role (`driver_employee_id` → `employee_id`),
    /// or has the key's words apart from generic ones (`CustomerCode` → `Customer_ID`).
    EndsWithKey,
    /// The field ends with the target product's name after a role (`PrepNurse` → `Nurse`).
    EndsWithTable,
}

/// A name match and how strongly it points (0–1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NameMatch {
    pub pattern: NamePattern,
    pub strength: f64,
}

/// A field or product name as singular word tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Words(Vec<String>);

impl Words {
    pub fn of(name: &str) -> Words {
        Words(name_tokens(name).iter().map(|t| singular(t)).collect())
    }

    /// The words that say whose key it is (generic ones removed).
    fn core(&self) -> Vec<&str> {
        self.0
            .iter()
            .map(String::as_str)
            .filter(|t| !GENERIC.contains(t))
            .collect()
    }

    fn all(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }

    /// Whether the last word is generic: the name says "this is a key".
    pub fn ends_generic(&self) -> bool {
        self.0.last().is_some_and(|t| GENERIC.contains(&t.as_str()))
    }

    /// Whether every word of `self` is also in `other` and `other` has more: `keyword` is part of
    /// `publication_keyword`.
    pub fn is_proper_part_of(&self, other: &Words) -> bool {
        self.0.len() < other.0.len() && self.0.iter().all(|t| other.0.contains(t))
    }
}

/// Whether a key field is named after its own product (`Customer.CustomerId`) or is just
/// generic (`customers.id`): the product owns the key rather than referring to another's.
pub(crate) fn owns(product: &Words, field: &Words) -> bool {
    let core = field.core();
    core.is_empty() || core == product.all()
}

/// How `field` points at `key` of the product named `target`; `None` when no pattern applies.
pub(crate) fn name_match(field: &Words, key: &Words, target: &Words) -> Option<NameMatch> {
    let (f, k, t) = (field.all(), key.all(), target.all());
    let (f_core, k_core) = (field.core(), key.core());
    let found = |pattern, strength| Some(NameMatch { pattern, strength });
    if f == k && !k_core.is_empty() {
        return found(NamePattern::SameName, 1.0);
    }
    if k_core.is_empty() && !k.is_empty() {
        // A generic key: the field must say whose it is.
        let (role, generic) = f.split_at(f.len().saturating_sub(k.len()));
        if generic == k.as_slice() && !role.is_empty() {
            if role == t.as_slice() {
                return found(NamePattern::TableAndKey, 1.0);
            }
            if t.ends_with(role) {
                return found(NamePattern::TableAndKey, 0.9);
            }
        }
    }
    if !f_core.is_empty() && (f_core == t || t.ends_with(&f_core)) {
        return found(NamePattern::NamesTable, 0.9);
    }
    if !k_core.is_empty() && (f.len() > k.len() && f.ends_with(&k) || f_core == k_core) {
        return found(NamePattern::EndsWithKey, 0.8);
    }
    if k_core.is_empty() && f.len() > t.len() + k.len() && f.ends_with(&[t.as_slice(), &k].concat())
    {
        return found(NamePattern::EndsWithKey, 0.8);
    }
    if f_core.len() > t.len() && f_core.ends_with(&t) {
        return found(NamePattern::EndsWithTable, 0.8);
    }
    None
}

/// `customers` → `customer`, `categories` → `category`, `addresses` → `address`; words of three
/// letters or fewer and words ending in `ss` or `us` (`status`, `campus`) stay as they are.
fn singular(word: &str) -> String {
    if word.ends_with("us") || word.ends_with("ss") {
        return word.to_owned();
    }
    if word.len() > 4
        && let Some(stem) = word.strip_suffix("ies")
    {
        return format!("{stem}y");
    }
    if word.len() > 4
        && let Some(stem) = word.strip_suffix("sses")
    {
        return format!("{stem}ss");
    }
    if word.len() > 4
        && let Some(stem) = word.strip_suffix("ses")
    {
        return format!("{stem}s");
    }
    match word.strip_suffix('s') {
        Some(stem) if word.len() > 3 => stem.to_owned(),
        _ => word.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(field: &str, key: &str, target: &str) -> Option<NamePattern> {
        name_match(&Words::of(field), &Words::of(key), &Words::of(target)).map(|m| m.pattern)
    }

    #[test]
    fn singular_handles_common_plurals() {
        for (plural, one) in [
            ("customers", "customer"),
            ("categories", "category"),
            ("addresses", "address"),
            ("classes", "class"),
            ("status", "status"),
            ("campuses", "campus"),
            ("id", "id"),
            ("ss", "ss"),
        ] {
            assert_eq!(singular(plural), one, "singular of {plural}");
        }
    }

    #[test]
    fn real_schema_conventions_are_recognised() {
        use NamePattern::*;
        let cases = [
            ("CustomerId", "CustomerId", "Customer", Some(SameName)),
            ("customer_id", "CustomerID", "Customers", Some(SameName)),
            ("genre_id", "id", "genres", Some(TableAndKey)),
            ("channel_id", "id", "TV_Channel", Some(TableAndKey)),
            ("CountryCode", "Code", "country", Some(TableAndKey)),
            ("Party", "Party_ID", "party", Some(NamesTable)),
            ("Campus", "Id", "Campuses", Some(NamesTable)),
            (
                "driver_employee_id",
                "employee_id",
                "Employees",
                Some(EndsWithKey),
            ),
            ("Host_city_ID", "City_ID", "city", Some(EndsWithKey)),
            ("manager_staff_id", "id", "staff", Some(EndsWithKey)),
            ("PrepNurse", "EmployeeID", "Nurse", Some(EndsWithTable)),
            // Names that say nothing about the target.
            ("ShipVia", "ShipperID", "Shippers", None),
            ("ReportsTo", "EmployeeId", "Employee", None),
            ("id", "id", "orders", None),
            ("Title", "AlbumId", "Album", None),
        ];
        for (field, key, target, expected) in cases {
            assert_eq!(
                pattern(field, key, target),
                expected,
                "{field} → {target}.{key}"
            );
        }
    }

    #[test]
    fn ownership_follows_the_product_name() {
        let customer = Words::of("Customers");
        assert!(owns(&customer, &Words::of("CustomerId")));
        assert!(owns(&customer, &Words::of("id")));
        assert!(!owns(&customer, &Words::of("SupportRepId")));
        assert!(Words::of("keyword").is_proper_part_of(&Words::of("publication_keyword")));
        assert!(!Words::of("keyword").is_proper_part_of(&Words::of("keyword")));
    }
}
