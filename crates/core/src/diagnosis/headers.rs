//! Small header-list readers used by the diagnosis (Fetch: "get" a header = all values joined by ", ").

use crate::model::HeaderList;

/// All values of `name` (case-insensitive), in wire order.
pub fn all_values<'a>(headers: &'a HeaderList, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim_matches([' ', '\t']))
}

/// Fetch "get": the values joined with `", "`, or `None` when absent.
pub fn combined(headers: &HeaderList, name: &str) -> Option<String> {
    let values: Vec<&str> = all_values(headers, name).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Whether the header is present at all.
pub fn has_header(headers: &HeaderList, name: &str) -> bool {
    all_values(headers, name).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> HeaderList {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn combines_duplicates_case_insensitively() {
        let h = list(&[
            ("Access-Control-Allow-Origin", "a"),
            ("access-control-allow-origin", " b "),
        ]);
        assert_eq!(
            combined(&h, "ACCESS-CONTROL-ALLOW-ORIGIN").as_deref(),
            Some("a, b")
        );
        assert_eq!(combined(&h, "vary"), None);
        assert!(has_header(&h, "access-control-allow-origin"));
    }
}
