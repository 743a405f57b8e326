//! How alike two field names are, from 0 to 1, ignoring spelling conventions.
//!
//! Names are split into lower-case tokens at `_`, spaces, punctuation, camel-case humps and
//! letter/digit boundaries (`ShipperID` → `shipper`, `id`; `customer_id` → `customer`, `id`).
//! The score is the mean of the tokens' Jaccard overlap and the Jaro-Winkler similarity of the
//! tokens run together, so `CustomerId` vs `customer_id` scores 1.0 while `ShipVia` vs
//! `ShipperID`, which share only a prefix, stays near 0.4.

pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (ta, tb) = (tokens(a), tokens(b));
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    let shared = ta.iter().filter(|t| tb.contains(t)).count();
    let union = ta.len() + tb.len() - shared;
    let jaccard = shared as f64 / union as f64;
    let jaro_winkler = strsim::jaro_winkler(&ta.concat(), &tb.concat());
    (jaccard + jaro_winkler) / 2.0
}

/// Lower-case word tokens of a field or product name (see the module doc for the boundaries).
pub(crate) fn tokens(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut tokens = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut tokens, &mut current);
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = match prev {
            Some(p) if p.is_alphanumeric() => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_ascii_digit() != c.is_ascii_digit())
                    // The last capital of an acronym starts a word: `HTTPServer` → http, server.
                    || (p.is_uppercase() && c.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            }
            _ => false,
        };
        if boundary {
            flush(&mut tokens, &mut current);
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut tokens, &mut current);
    tokens
}

fn flush(tokens: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        tokens.push(std::mem::take(current));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_ignore_spelling_conventions() {
        assert_eq!(tokens("ShipperID"), ["shipper", "id"]);
        assert_eq!(tokens("customer_id"), ["customer", "id"]);
        assert_eq!(tokens("HTTPServer2"), ["http", "server", "2"]);
        assert_eq!(tokens("Unit Price"), ["unit", "price"]);
    }

    #[test]
    fn same_words_score_one_and_different_words_score_low() {
        assert_eq!(name_similarity("CustomerId", "customer_id"), 1.0);
        assert!(name_similarity("ShipVia", "ShipperID") < 0.5);
        assert!(name_similarity("SupportRepId", "EmployeeId") < 0.5);
    }
}
