//! Where a spec item's facts come from, as its doc records it: a paragraph that starts
//! with `Source:` (or `Source for …:`), on the item itself or on the nearest item that
//! holds it (a param's method, a method's interface, a field's type).

/// Longest evidence text shown on one report line.
const MAX_CHARS: usize = 220;

/// The first `Source` paragraph of the first doc that has one, on one line and
/// shortened to [`MAX_CHARS`]; `None` when no doc records a source.
pub(super) fn of<'a>(docs: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    docs.into_iter().flatten().find_map(source_paragraph)
}

fn source_paragraph(doc: &str) -> Option<String> {
    let para = doc
        .split("\n\n")
        .map(str::trim)
        .find(|p| p.starts_with("Source:") || p.starts_with("Source for "))?;
    let line = para.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_CHARS {
        return Some(line);
    }
    let cut: String = line.chars().take(MAX_CHARS).collect();
    Some(format!("{cut}…"))
}

/// The first paragraph starting with `Corrects the catalog` in the first doc that has
/// one and names `item` in backticks: the spec's reason to differ from the catalog on
/// that item, on one line and shortened to [`MAX_CHARS`].
pub(super) fn correction<'a>(
    item: &str,
    docs: impl IntoIterator<Item = Option<&'a str>>,
) -> Option<String> {
    let quoted = format!("`{item}`");
    docs.into_iter().flatten().find_map(|doc| {
        let para = doc
            .split("\n\n")
            .map(str::trim)
            .find(|p| p.starts_with("Corrects the catalog") && p.contains(&quoted))?;
        let line = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.chars().count() <= MAX_CHARS {
            return Some(line);
        }
        let cut: String = line.chars().take(MAX_CHARS).collect();
        Some(format!("{cut}…"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_source_paragraph() {
        let method = Some("Does things.\n\nSource: seen in the web\n administration (a.js:1).");
        let iface = Some("An interface.\n\nSource: a catalog.");
        assert_eq!(
            of([method, iface]).as_deref(),
            Some("Source: seen in the web administration (a.js:1).")
        );
        assert_eq!(
            of([Some("No source."), iface]).as_deref(),
            Some("Source: a catalog.")
        );
        assert_eq!(of([None, Some("Mentions Source: inline only.")]), None);
        let fixed =
            Some("A user.\n\nCorrects the catalog: `effectiveRole` nests the role (x.go:7).");
        assert_eq!(
            correction("effectiveRole", [None, fixed]).as_deref(),
            Some("Corrects the catalog: `effectiveRole` nests the role (x.go:7).")
        );
        assert_eq!(correction("userRole", [fixed]), None);
        let long = format!("Source: {}", "x".repeat(400));
        assert!(of([Some(long.as_str())]).is_some_and(|s| s.ends_with('…')));
    }
}
