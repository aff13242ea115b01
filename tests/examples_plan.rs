//! The plan each committed example shows a new user, as a reviewed snapshot: run against the
//! local AWS and ARM emulators, exactly as `scripts/examples.sh` runs them (`init` first, with
//! the bucket `examples/shared-state-s3` keeps its state in).

mod common;

use std::path::{Path, PathBuf};

use common::aws::AwsEmulator;
use common::azure::AzureEmulator;
use common::Project;

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("the examples directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read example") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn every_example_plans_as_its_snapshot_shows() {
    let aws = AwsEmulator::start();
    common::s3::create_bucket_named(&aws, "clusterform-example-state");
    let azure = AzureEmulator::start();
    let env: Vec<(String, String)> = aws.env().into_iter().chain(azure.env()).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let dirs = examples();
    assert!(
        dirs.len() >= 10,
        "expected the committed examples, found {dirs:?}"
    );
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let p = Project::empty();
        copy_dir(&dir, p.path());
        p.run_env(&["init"], &env).success();
        let run = p.run_env(&["plan", "--no-color"], &env);
        run.success();
        let text = format!(
            "$ clusterform plan\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        );
        let mut settings = p.snapshot_settings();
        settings.set_snapshot_suffix(name.clone());
        settings.bind(|| insta::assert_snapshot!("example_plan", text));
    }
}
