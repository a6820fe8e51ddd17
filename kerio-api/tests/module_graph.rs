//! The hand-written modules of the runtime depend on each other in one direction only:
//! no module reaches, through `crate::` paths, a module that reaches it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules of `src/` (file stems) and the modules each one names in code (comments
/// left out), either directly (`crate::wire::...`) or through an item the crate root
/// re-exports (`crate::Session` is a dependency on `session`).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("read src/") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().expect("file name").to_string_lossy();
            let text = std::fs::read_to_string(&path).expect("read a source file");
            sources.insert(stem.into_owned(), code_only(&text));
        }
    }
    let root = sources.remove("lib").expect("src/lib.rs");
    let reexports = reexported_items(&root);
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, code)| {
            let mut uses = BTreeSet::new();
            for name in crate_paths(code) {
                let target = if modules.contains(&name) {
                    Some(name)
                } else {
                    reexports.get(&name).cloned()
                };
                if let Some(target) = target.filter(|t| t != module) {
                    uses.insert(target);
                }
            }
            (module.clone(), uses)
        })
        .collect()
}

/// The text without `//` comments (doc links are not dependencies).
fn code_only(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segment after every `crate::`, expanding `use crate::{a, b::c}` groups.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                names.push(identifier(part.trim()));
            }
        } else {
            names.push(identifier(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Item name → module, from the root's `pub use module::{A, B};` lines.
fn reexported_items(root: &str) -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    for statement in root.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = path.split_once("::") else {
            continue;
        };
        let names = names.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            let name = identifier(name.trim());
            if !name.is_empty() {
                items.insert(name, module.trim().to_owned());
            }
        }
    }
    items
}

/// A cycle through `start`, as a list of modules, if there is one.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((module, path)) = stack.pop() {
        for next in graph.get(&module).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn runtime_modules_import_each_other_without_cycles() {
    let graph = module_graph();
    assert!(
        graph.get("session").is_some_and(|u| u.contains("auth")),
        "the graph is read: session uses auth ({graph:?})"
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_through(&graph, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_reader_finds_a_cycle_when_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_owned(), uses.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        cycle_through(&graph, "a").map(|c| c.join(" -> ")),
        Some("a -> b -> c -> a".to_owned())
    );
    assert_eq!(cycle_through(&graph, "d"), None);
    assert_eq!(
        crate_paths("use crate::{error::Error, wire}; x = crate::Session::new();"),
        ["error", "wire", "Session"]
    );
}
