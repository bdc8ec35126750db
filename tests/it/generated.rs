//! `schemas/` and `skill.json` are generated from the code; this test fails
//! on any difference. `GANDI_SKILL_REGENERATE=1 cargo test` rewrites them.

use std::path::Path;

#[test]
fn schemas_and_manifest_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regenerate = std::env::var("GANDI_SKILL_REGENERATE").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    let files = gandi_skill::schema::generated_files();
    for (path, content) in &files {
        let full = root.join(path);
        let current = std::fs::read_to_string(&full).unwrap_or_default();
        if current != *content {
            if regenerate {
                std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
                std::fs::write(&full, content).expect("write");
            } else {
                stale.push(path.clone());
            }
        }
    }
    // No generated file may linger for an action that no longer exists.
    let expected: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    if let Ok(dir) = std::fs::read_dir(root.join("schemas/actions")) {
        for entry in dir.flatten() {
            let rel = format!("schemas/actions/{}", entry.file_name().to_string_lossy());
            if !expected.contains(&rel.as_str()) {
                if regenerate {
                    std::fs::remove_file(entry.path()).expect("remove");
                } else {
                    stale.push(rel);
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}; run GANDI_SKILL_REGENERATE=1 cargo test --test it generated"
    );
}

#[test]
fn skill_md_lists_exactly_the_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("SKILL.md");
    let text = std::fs::read_to_string(&path).expect("SKILL.md");
    let fresh =
        gandi_skill::schema::with_fresh_skill_table(&text).unwrap_or_else(|e| panic!("{e}"));
    if fresh != text && std::env::var("GANDI_SKILL_REGENERATE").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("write SKILL.md");
        return;
    }
    assert!(
        fresh == text,
        "SKILL.md's action table differs from the catalog; run GANDI_SKILL_REGENERATE=1 cargo test --test it generated"
    );
}

#[test]
fn every_action_in_the_manifest_has_its_schemas() {
    let manifest = gandi_skill::schema::skill_manifest();
    for action in manifest["actions"].as_array().expect("actions") {
        let name = action["name"].as_str().expect("name");
        assert!(action["permission"].is_string(), "{name}");
        assert!(action["params"].is_object(), "{name}");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/actions");
        for part in ["params", "result"] {
            let path = dir.join(format!("{name}.{part}.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
            assert!(
                jsonschema::validator_for(&schema).is_ok(),
                "{} is not a valid JSON Schema",
                path.display()
            );
        }
    }
}
