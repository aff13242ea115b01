//! The `s3` backend end to end: the real binary against S3 and DynamoDB in the AWS emulator
//! (moto on loopback), with only the built-in `terraform_data` and `time_sleep` resources, so
//! no cloud is involved but the state's.
//!
//! Each test starts its own emulator and creates the bucket (and lock table) first, as a team
//! would before `init`.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::aws::AwsEmulator;
use common::s3::{self, BUCKET};
use common::{state_addresses, wait_until, Background, Project, Run};
use serde_json::Value as Json;

/// The default workspace's state object, its lock object, and the DynamoDB LockID.
const STATE_KEY: &str = "app/terraform.tfstate";
const LOCK_KEY: &str = "app/terraform.tfstate.tflock";
const LOCK_ID: &str = "team-state/app/terraform.tfstate";

const LOCKFILE: &str = "use_lockfile = true";
const DYNAMODB: &str = "dynamodb_table = \"terraform-locks\"";

fn backend_block(locking: &str) -> String {
    format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket = \"{BUCKET}\"\n    key    = \"{STATE_KEY}\"\n    {locking}\n  }}\n}}\n"
    )
}

/// Two resources; the second waits `wait` (the slow apply the lock tests hold the lock with).
fn resources(wait: &str) -> String {
    format!(
        r#"
resource "terraform_data" "first" {{
  input = "first-${{terraform.workspace}}"
}}

resource "time_sleep" "wait" {{
  create_duration = "{wait}"
  depends_on      = [terraform_data.first]
}}

output "first" {{
  value = terraform_data.first.output
}}
"#
    )
}

/// A project whose state lives in the emulator's S3.
struct S3Project {
    emu: Option<AwsEmulator>,
    dynamodb: bool,
    project: Project,
    env: Vec<(String, String)>,
}

impl S3Project {
    fn new(locking: &str, wait: &str) -> S3Project {
        let emu = AwsEmulator::start();
        s3::create_bucket(&emu);
        let dynamodb = locking.contains("dynamodb_table");
        if dynamodb {
            s3::create_lock_table(&emu);
        }
        let project = Project::with_files(&[
            ("backend.tf", &backend_block(locking)),
            ("main.tf", &resources(wait)),
        ]);
        let env = emu.env();
        S3Project {
            emu: Some(emu),
            dynamodb,
            project,
            env,
        }
    }

    fn emu(&self) -> &AwsEmulator {
        self.emu.as_ref().expect("the emulator is running")
    }

    fn run(&self, args: &[&str]) -> Run {
        self.project.run_env(args, &s3::env_of(&self.env))
    }

    fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut env = s3::env_of(&self.env);
        env.extend_from_slice(extra);
        self.project.run_env(args, &env)
    }

    fn spawn(&self, args: &[&str]) -> Background {
        self.project.spawn_env(args, &s3::env_of(&self.env))
    }

    fn init(&self) -> &Self {
        self.run(&["init"]).success();
        self
    }

    /// The lock as the backend wrote it (object or DynamoDB item), if it is held.
    fn lock_info(&self) -> Option<Json> {
        if !self.dynamodb {
            let text = s3::object(self.emu(), LOCK_KEY)?;
            return Some(serde_json::from_str(&text).expect("the lock object is JSON"));
        }
        let item = s3::item(self.emu(), LOCK_ID)?;
        Some(serde_json::from_str(&item["Info"]).expect("the lock item's Info is JSON"))
    }

    fn stored(&self) -> Json {
        s3::object_json(self.emu(), STATE_KEY)
    }
}

fn sorted_addresses(state: &Json) -> Vec<String> {
    let mut found = state_addresses(state);
    found.sort();
    found
}

fn md5_hex(text: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn round_trip_with_a_lock_object() {
    let s = S3Project::new(LOCKFILE, "0s");
    s.run(&["plan"])
        .failure()
        .stderr_has(&["Backend initialization required", "run clusterform init"]);
    s.run(&["init"]).success().stdout_has(&[
        "Initializing the backend: s3 backend, state in s3://team-state/app/terraform.tfstate",
    ]);

    s.run(&["apply", "--auto-approve"])
        .success()
        .stdout_has(&["Apply complete! Resources: 2 added, 0 changed, 0 destroyed."]);
    s.run(&["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);
    let list = s.run(&["state", "list"]);
    list.success();
    assert_eq!(list.stdout, "terraform_data.first\ntime_sleep.wait\n");

    let stored = s.stored();
    let pulled = s.run(&["state", "pull"]);
    pulled.success();
    assert_eq!(
        serde_json::from_str::<Json>(&pulled.stdout).unwrap(),
        stored
    );
    assert_eq!(
        s3::keys(s.emu()),
        [STATE_KEY],
        "no lock object is left behind"
    );
    assert!(
        !s.project.exists("terraform.tfstate"),
        "nothing is kept locally"
    );
}

#[test]
fn round_trip_with_a_dynamodb_lock_and_digest() {
    let s = S3Project::new(DYNAMODB, "0s");
    s.init();
    s.run(&["apply", "--auto-approve"]).success();
    s.run(&["plan", "--detailed-exitcode"]).success();
    assert_eq!(
        sorted_addresses(&s.stored()),
        ["terraform_data.first", "time_sleep.wait"]
    );
    assert!(
        s3::item(s.emu(), LOCK_ID).is_none(),
        "the lock item is gone"
    );
    assert_eq!(s3::keys(s.emu()), [STATE_KEY]);

    // Terraform's digest item holds the MD5 of the state object.
    let text = s3::object(s.emu(), STATE_KEY).unwrap();
    let digest = s3::item(s.emu(), &format!("{LOCK_ID}-md5")).expect("a digest item");
    assert_eq!(digest["Digest"], md5_hex(&text));

    // An object that is not what was last written is noticed.
    s3::put_object(
        s.emu(),
        STATE_KEY,
        &text.replace("first-default", "tampered"),
    );
    s.run(&["plan"]).failure().stderr_has(&[
        "but the digest item team-state/app/terraform.tfstate-md5 in DynamoDB table terraform-locks says",
        "hint: if the object was restored by hand on purpose",
    ]);
}

/// Starts a slow apply and waits until it holds the lock and is in the middle of its wait.
fn slow_apply(s: &S3Project) -> (Background, Json) {
    let apply = s.spawn(&["apply", "--auto-approve"]);
    wait_until(Duration::from_secs(30), "the apply to wait", || {
        apply
            .stderr_so_far()
            .contains("time_sleep.wait: Creating...")
    });
    let info = s.lock_info().expect("the running apply holds the lock");
    (apply, info)
}

fn second_apply_fails_at_once_and_nothing_is_lost(locking: &str) {
    let s = S3Project::new(locking, "4s");
    s.init();
    let (first, info) = slow_apply(&s);
    let id = info["ID"].as_str().unwrap().to_string();
    assert_eq!(info["Operation"], "OperationTypeApply");
    assert_eq!(info["Path"], LOCK_ID);

    let second = s.run(&["apply", "--auto-approve"]);
    second.failure().stderr_has(&[
        "Error acquiring the state lock",
        &format!(
            "the state {LOCK_ID} is locked by {} for OperationTypeApply since",
            info["Who"].as_str().unwrap()
        ),
        &format!("(lock ID {id})"),
        &format!("clusterform force-unlock {id}"),
    ]);
    assert!(
        !second.stdout.contains("Apply complete"),
        "{}",
        second.stdout
    );
    assert_eq!(
        s.lock_info().map(|l| l["ID"].clone()),
        Some(Json::from(id.as_str())),
        "the second run failed while the first still held its lock"
    );

    first
        .finish(Duration::from_secs(60))
        .success()
        .stdout_has(&["Apply complete! Resources: 2 added, 0 changed, 0 destroyed."]);
    assert!(s.lock_info().is_none());
    assert_eq!(
        sorted_addresses(&s.stored()),
        ["terraform_data.first", "time_sleep.wait"]
    );
    s.run(&["plan", "--detailed-exitcode"]).success();
}

#[test]
fn a_second_apply_fails_at_once_with_the_holder_lock_object() {
    second_apply_fails_at_once_and_nothing_is_lost(LOCKFILE);
}

#[test]
fn a_second_apply_fails_at_once_with_the_holder_dynamodb() {
    second_apply_fails_at_once_and_nothing_is_lost(DYNAMODB);
}

#[test]
fn lock_timeout_waits_for_the_holder() {
    let s = S3Project::new(LOCKFILE, "3s");
    s.init();
    let (first, _) = slow_apply(&s);
    let second = s.run(&["apply", "--auto-approve", "--lock-timeout", "60s"]);
    second
        .success()
        .stdout_has(&["Apply complete! Resources: 0 added, 0 changed, 0 destroyed."]);
    first.finish(Duration::from_secs(60)).success();
    assert!(s.lock_info().is_none());
}

fn killed_holder_leaves_a_lock_that_force_unlock_clears(locking: &str) {
    let s = S3Project::new(locking, "60s");
    s.init();
    let (mut apply, info) = slow_apply(&s);
    let id = info["ID"].as_str().unwrap().to_string();
    apply.kill();

    let plan = s.run(&["plan"]);
    plan.failure().stderr_has(&[
        &format!("(lock ID {id})"),
        &format!("(pid {}) is no longer running on this host", info["Pid"]),
        &format!("clusterform force-unlock {id}"),
    ]);
    s.run(&[
        "force-unlock",
        "--force",
        "00000000-0000-0000-0000-000000000000",
    ])
    .failure()
    .stderr_has(&[&format!("has ID {id}"), "nothing was unlocked"]);
    assert!(s.lock_info().is_some());

    s.run(&["force-unlock", "--force", &id])
        .success()
        .stdout_has(&["clusterform state has been successfully unlocked!"]);
    assert!(s.lock_info().is_none());
    s.run(&["force-unlock", "--force", &id])
        .failure()
        .stderr_has(&["the state is not locked"]);
    // What completed before the kill was saved, and the create it was in is pending.
    let list = s.run(&["state", "list"]);
    assert_eq!(
        list.stdout,
        "terraform_data.first\ntime_sleep.wait (pending create)\n"
    );
}

#[test]
fn a_killed_holder_leaves_a_lock_object_that_force_unlock_clears() {
    killed_holder_leaves_a_lock_that_force_unlock_clears(LOCKFILE);
}

#[test]
fn a_killed_holder_leaves_a_dynamodb_lock_that_force_unlock_clears() {
    killed_holder_leaves_a_lock_that_force_unlock_clears(DYNAMODB);
}

#[test]
fn storage_going_away_mid_apply_leaves_errored_state_and_push_restores_it() {
    let mut s = S3Project::new(LOCKFILE, "3s");
    s.init();
    let (apply, _) = slow_apply(&s);
    // The first resource was saved before the wait began.
    let before = s.stored();
    assert_eq!(state_addresses(&before), ["terraform_data.first"]);
    drop(s.emu.take());

    let run = apply.finish(Duration::from_secs(120));
    run.failure().stderr_has(&[
        "time_sleep.wait: Creation complete after",
        "Error: Failed to save the state to the backend",
        "was written to errored.tfstate so that nothing is lost",
        "Once the backend works again, push the saved state:",
        "    clusterform state push errored.tfstate",
        "Failed to release the state lock",
    ]);
    let errored = s.project.read("errored.tfstate");
    let errored: Json = serde_json::from_str(&errored).unwrap();
    assert_eq!(
        sorted_addresses(&errored),
        ["terraform_data.first", "time_sleep.wait"]
    );
    assert_eq!(errored["lineage"], before["lineage"]);

    // The storage comes back with what it held before the failure.
    let emu = AwsEmulator::start();
    s3::create_bucket(&emu);
    s3::put_object(&emu, STATE_KEY, &before.to_string());
    s.env = emu.env();
    s.emu = Some(emu);

    s.run(&["state", "push", "errored.tfstate"])
        .success()
        .stdout_has(&[
            "Pushed errored.tfstate to s3 backend, state in s3://team-state/app/terraform.tfstate",
        ]);
    assert_eq!(s.stored(), errored);
    s.run(&["plan", "--detailed-exitcode"]).success();
}

#[test]
fn a_write_based_on_an_old_read_is_refused() {
    use clusterform::state::s3::S3Backend;
    use clusterform::state::{Backend, State, StateError};

    let emu = AwsEmulator::start();
    s3::create_bucket(&emu);
    let settings: BTreeMap<String, String> = [
        ("bucket", BUCKET),
        ("key", STATE_KEY),
        ("region", "us-east-1"),
        ("endpoints.s3", &emu.url()),
        ("access_key", "testing"),
        ("secret_key", "testing"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let a = S3Backend::new(&settings, "default").unwrap();
    let b = S3Backend::new(&settings, "default").unwrap();
    assert_eq!(a.read().unwrap(), None);
    assert_eq!(b.read().unwrap(), None);

    let theirs = State::new();
    b.write(&theirs).unwrap();
    let ours = State::new();
    let err = a.write(&ours).unwrap_err();
    assert!(
        matches!(&err, StateError::Conflict { expected, found, .. }
            if expected == "no object" && found.starts_with("ETag ")),
        "{err:?}"
    );
    assert!(err.to_string().contains("nothing was overwritten"), "{err}");
    assert_eq!(a.read().unwrap(), Some(theirs.clone()), "theirs is kept");

    // Having read theirs, a write goes through; b's next write, based on its old read, does not.
    let mut next = theirs.clone();
    next.bump_serial();
    a.write(&next).unwrap();
    let mut stale = theirs;
    stale.serial = 7;
    assert!(matches!(
        b.write(&stale).unwrap_err(),
        StateError::Conflict { .. }
    ));
    assert_eq!(a.read().unwrap(), Some(next));
}

#[test]
fn concurrent_writers_without_locks_conflict_instead_of_overwriting() {
    let a = S3Project::new(LOCKFILE, "0s");
    a.init();
    a.run(&["apply", "--auto-approve", "--lock=false"])
        .success();
    // A second copy of the configuration sharing the state, whose wait is shorter.
    let b = Project::with_files(&[
        ("backend.tf", &backend_block(LOCKFILE)),
        ("main.tf", &resources("1s").replace("first-", "second-")),
    ]);
    let b_run = |args: &[&str]| b.run_env(args, &s3::env_of(&a.env));
    b_run(&["init"]).success();

    // A replaces its wait (slowly), without the lock; B changes the state meanwhile.
    a.project.edit("main.tf", "\"0s\"", "\"6s\"");
    a.project.edit(
        "main.tf",
        "depends_on",
        "triggers = { v = \"2\" }\n  depends_on",
    );
    let slow = a.spawn(&["apply", "--auto-approve", "--lock=false"]);
    wait_until(Duration::from_secs(30), "A's wait to start", || {
        slow.stderr_so_far()
            .contains("time_sleep.wait: Creating...")
    });
    b_run(&["apply", "--auto-approve", "--lock=false"]).success();
    let theirs = a.stored();

    let run = slow.finish(Duration::from_secs(60));
    run.failure().stderr_has(&[
        "changed since this run read it",
        "nothing was overwritten",
        "clusterform state push errored.tfstate",
    ]);
    assert_eq!(a.stored(), theirs, "B's state was not overwritten");

    // Pushing A's copy over B's newer state is refused.
    a.run(&["state", "push", "errored.tfstate"])
        .failure()
        .stderr_has(&[
            "Refusing to push this state",
            "older than the stored state's serial",
        ]);
    assert_eq!(a.stored(), theirs);
    a.run(&["state", "push", "--force", "errored.tfstate"])
        .success();
    let forced = a.stored();
    assert_eq!(
        forced["serial"].as_u64().unwrap(),
        theirs["serial"].as_u64().unwrap() + 1,
        "a forced push moves the serial past the state it replaced"
    );
}

#[test]
fn migration_local_to_s3_and_back_keeps_resources_lineage_and_serial() {
    let emu = AwsEmulator::start();
    s3::create_bucket(&emu);
    let env = emu.env();
    let env = s3::env_of(&env);
    let p = Project::with_files(&[("main.tf", &resources("0s"))]);
    p.run(&["apply", "--auto-approve"]).success();
    let local = p.state();

    p.write("backend.tf", &backend_block(LOCKFILE));
    p.run_env(&["plan"], &env)
        .failure()
        .stderr_has(&["Backend initialization required"]);
    p.run_env(&["init"], &env).failure().stderr_has(&[
        "Backend configuration changed",
        "this directory has local state",
        "clusterform init -migrate-state",
    ]);
    p.run_env(&["init", "-migrate-state"], &env)
        .success()
        .stdout_has(&["Workspace \"default\": copied 2 resource(s)"]);
    let in_s3 = s3::object_json(&emu, STATE_KEY);
    assert_eq!(in_s3["lineage"], local["lineage"]);
    assert_eq!(in_s3["serial"], local["serial"]);
    assert_eq!(in_s3["resources"], local["resources"]);
    p.run_env(&["plan", "--detailed-exitcode"], &env).success();

    // A change made while the state is in S3.
    p.edit("main.tf", "first-${terraform.workspace}", "changed");
    p.run_env(&["apply", "--auto-approve"], &env).success();
    let changed = s3::object_json(&emu, STATE_KEY);
    assert!(changed["serial"].as_u64().unwrap() > local["serial"].as_u64().unwrap());

    // Back to the local file.
    std::fs::remove_file(p.path().join("backend.tf")).unwrap();
    p.run_env(&["plan"], &env)
        .failure()
        .stderr_has(&["Backend configuration changed", "init -migrate-state"]);
    p.run_env(&["init", "--migrate-state"], &env).success();
    let back = p.state();
    assert_eq!(back["lineage"], local["lineage"]);
    assert_eq!(back["serial"], changed["serial"]);
    assert_eq!(back["resources"], changed["resources"]);
    assert!(!p.exists(".terraform/terraform.tfstate"));
    p.run_env(&["plan", "--detailed-exitcode"], &env).success();
}

#[test]
fn migration_refuses_to_replace_an_unrelated_state() {
    let s = S3Project::new(LOCKFILE, "0s");
    s.init();
    s.run(&["apply", "--auto-approve"]).success();
    let theirs = s.stored();

    let p = Project::with_files(&[("main.tf", &resources("0s"))]);
    p.run(&["apply", "--auto-approve"]).success();
    let ours = p.state();
    p.write("backend.tf", &backend_block(LOCKFILE));
    p.run_env(&["init", "--migrate-state"], &s3::env_of(&s.env))
        .failure()
        .stderr_has(&[
            "The new backend already holds a different state for workspace \"default\"",
            &format!("lineage {}", theirs["lineage"].as_str().unwrap()),
            &format!("has lineage {}", ours["lineage"].as_str().unwrap()),
        ]);
    assert_eq!(s.stored(), theirs, "the state in S3 is untouched");
    assert_eq!(p.state(), ours, "the local state is untouched");

    // -reconfigure takes the new backend as it is: its state, not ours.
    p.run_env(&["init", "-reconfigure"], &s3::env_of(&s.env))
        .success();
    p.run_env(&["state", "pull"], &s3::env_of(&s.env))
        .success()
        .stdout_has(&[&format!(
            "\"lineage\": \"{}\"",
            theirs["lineage"].as_str().unwrap()
        )]);
}

#[test]
fn workspaces_isolate_state_in_s3() {
    let s = S3Project::new(LOCKFILE, "0s");
    s.init();
    s.run(&["apply", "--auto-approve"]).success();

    s.run(&["workspace", "new", "dev"])
        .success()
        .stdout_has(&["Created and switched to workspace \"dev\"!"]);
    assert_eq!(s.run(&["workspace", "show"]).stdout, "dev\n");
    assert_eq!(s.run(&["workspace", "list"]).stdout, "  default\n* dev\n");
    assert_eq!(s.run(&["state", "list"]).stdout, "", "dev starts empty");
    s.run(&["apply", "--auto-approve"])
        .success()
        .stdout_has(&["first = \"first-dev\""]);
    assert_eq!(
        s3::keys(s.emu()),
        ["app/terraform.tfstate", "env:/dev/app/terraform.tfstate"]
    );
    let dev = s3::object_json(s.emu(), "env:/dev/app/terraform.tfstate");
    assert_ne!(dev["lineage"], s.stored()["lineage"]);

    s.run(&["workspace", "select", "default"]).success();
    s.run(&["output", "first"])
        .success()
        .stdout_has(&["\"first-default\""]);
    s.run_with(&["output", "first"], &[("TF_WORKSPACE", "dev")])
        .success()
        .stdout_has(&["\"first-dev\""]);

    s.run(&["workspace", "delete", "dev"])
        .failure()
        .stderr_has(&["Workspace \"dev\" is not empty", "terraform_data.first"]);
    s.run(&["workspace", "delete", "--force", "dev"])
        .success()
        .stdout_has(&["Deleted workspace \"dev\"!"]);
    assert_eq!(s3::keys(s.emu()), [STATE_KEY]);
    assert_eq!(s.run(&["workspace", "list"]).stdout, "* default\n");
}

/// Every file under `dir`, recursively, with its bytes.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push((entry.path(), std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}

#[test]
fn partial_configuration_is_remembered_without_its_secrets() {
    let emu = AwsEmulator::start();
    s3::create_bucket(&emu);
    let env = emu.env();
    let env = s3::env_of(&env);
    let p = Project::with_files(&[
        (
            "backend.tf",
            "terraform {\n  backend \"s3\" {\n    key          = \"app/terraform.tfstate\"\n    use_lockfile = true\n  }\n}\n",
        ),
        ("main.tf", &resources("0s")),
        ("backend.hcl", "bucket = \"team-state\"\nregion = \"us-east-1\"\n"),
    ]);
    p.run_env(&["init"], &env).failure().stderr_has(&[
        "\"bucket\" is not set",
        "clusterform init --backend-config bucket=VALUE",
    ]);
    p.run_env(&["init", "--backend-config", "nonsense=1"], &env)
        .failure()
        .stderr_has(&["The s3 backend has no argument named \"nonsense\""]);

    const KEY_ID: &str = "AKIAEXAMPLEKEYID0001";
    const SECRET: &str = "example-secret-from-backend-config";
    p.run_env(
        &[
            "init",
            "-backend-config=backend.hcl",
            "--backend-config",
            &format!("access_key={KEY_ID}"),
            "--backend-config",
            &format!("secret_key={SECRET}"),
        ],
        &env,
    )
    .success()
    .stderr_has(&[
        "warning: Credentials from --backend-config are not saved",
        "access_key, secret_key were used for this init only",
    ]);
    let recorded = p.read(".terraform/terraform.tfstate");
    assert!(
        recorded.contains("\"bucket\": \"team-state\""),
        "{recorded}"
    );
    for (path, bytes) in files_under(p.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(SECRET) && !text.contains(KEY_ID),
            "{} holds a credential",
            path.display()
        );
    }

    // Later commands use what init recorded (credentials from the environment).
    p.run_env(&["apply", "--auto-approve"], &env).success();
    assert_eq!(state_addresses(&s3::object_json(&emu, STATE_KEY)).len(), 2);
    // init again without --backend-config keeps what was given before, as Terraform does.
    p.run_env(&["init"], &env)
        .success()
        .stdout_has(&["s3://team-state/app/terraform.tfstate"]);
    // Another bucket is another backend: init says so rather than switching silently.
    p.run_env(
        &[
            "init",
            "--backend-config",
            "backend.hcl",
            "--backend-config",
            "bucket=other-bucket",
        ],
        &env,
    )
    .failure()
    .stderr_has(&["Backend configuration changed", "-reconfigure"]);
}
