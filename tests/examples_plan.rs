//! The plan each committed example shows a new user, as a reviewed snapshot: run against the
//! local AWS and ARM emulators, exactly as `scripts/examples.sh` runs them (`init` first, with
//! the bucket `examples/shared-state-s3` keeps its state in).

mod common;

use common::aws::AwsEmulator;
use common::azure::AzureEmulator;
use common::Project;

#[test]
fn every_example_plans_as_its_snapshot_shows() {
    let aws = AwsEmulator::start();
    common::s3::create_bucket_named(&aws, "clusterform-example-state");
    let azure = AzureEmulator::start();
    let env: Vec<(String, String)> = aws.env().into_iter().chain(azure.env()).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let names = common::example_names();
    assert!(
        names.len() >= 10,
        "expected the committed examples, found {names:?}"
    );
    for name in names {
        let p = Project::example(&name);
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
