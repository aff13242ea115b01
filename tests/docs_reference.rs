//! The provider references in docs/providers/ are generated from the schemas; this test fails
//! when they are out of date (regenerate with `UPDATE_DOCS=1 cargo test --test docs_reference`).

use clusterform::providers::Registry;
use clusterform::render::reference::provider_reference;

#[test]
fn provider_references_match_the_schemas() {
    let registry = Registry::builtin();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/providers");
    let mut stale = Vec::new();
    for name in registry.names() {
        let schema = registry
            .schema(name)
            .expect("listed providers have schemas");
        let text = provider_reference(name, schema);
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
