//! The provider references in docs/providers/ are generated from the schemas; this test fails
//! when they are out of date (regenerate with `UPDATE_DOCS=1 cargo test --test docs_reference`).

use clusterform::providers::Registry;
use clusterform::render::reference::provider_reference;

// The conformance table says which resource types are supported (pure data, shared with
// tests/conformance.rs).
#[path = "conformance/table.rs"]
#[allow(dead_code)]
mod table;

#[test]
fn provider_references_match_the_schemas() {
    let registry = Registry::builtin();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/providers");
    let mut stale = Vec::new();
    for name in registry.names() {
        let schema = registry
            .schema(name)
            .expect("listed providers have schemas");
        let text = provider_reference(name, schema, &table::supported());
        let path = root.join(format!("{name}.md"));
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &text).expect("write the reference");
            continue;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != text {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (run UPDATE_DOCS=1 cargo test --test docs_reference): {stale:?}"
    );
}

/// The dependency graph in docs/concepts.md is `clusterform graph --format mermaid` of the
/// multi-cloud example, kept current the same way.
#[test]
fn the_graph_picture_in_the_concepts_guide_is_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/multi-cloud");
    let (config, diags) = clusterform::config::load(&example, &example);
    assert!(!diags.has_errors(), "the example loads");
    let (graph, diags) = clusterform::graph::build(&config.expect("config"));
    assert!(!diags.has_errors(), "the example's graph builds");
    let chart = graph.to_mermaid();
    let doc_path = root.join("docs/concepts.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/concepts.md");
    let (start, end) = (
        "<!-- graph:multi-cloud -->\n```mermaid\n",
        "```\n<!-- /graph -->",
    );
    let from = doc
        .find(start)
        .expect("the graph marker in docs/concepts.md")
        + start.len();
    let to = from + doc[from..].find(end).expect("the end marker");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{chart}{}", &doc[..from], &doc[to..]);
        std::fs::write(&doc_path, updated).expect("write docs/concepts.md");
        return;
    }
    assert_eq!(
        doc[from..to],
        chart,
        "out of date (run UPDATE_DOCS=1 cargo test --test docs_reference)"
    );
}
