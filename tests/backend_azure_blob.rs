//! The `azurerm` state backend against Azurite: state round trips, the lease lock (refusal
//! with the holder's details, waiting, force-unlock of a dead run's lock), conditional writes,
//! workspaces, Azure AD sign-in over HTTPS, and credentials kept out of errors and files.
//!
//! The backend is driven through the library's `Backend` trait, and through the real binary
//! in the `cli` module at the end (`backend "azurerm"` with `ARM_ACCESS_KEY`).

#[path = "common/azurite.rs"]
mod azurite;
mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use azurite::{Azurite, TokenEndpoint, ACCOUNT_KEY};
use clusterform::state::azure_blob::AzureBlobBackend;
use clusterform::state::lock::{OPERATION_APPLY, OPERATION_PLAN};
use clusterform::state::{Backend, State, StateError};
use common::Project;

const CONTAINER: &str = "tfstate";
const KEY: &str = "dev.tfstate";

fn state_with(name: &str, value: &str) -> State {
    let json = serde_json::json!({
        "version": 4,
        "terraform_version": "1.9.0",
        "serial": 1,
        "lineage": "5f0c7a34-54a4-4b6e-9d0e-7a8f4a3e2b10",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "terraform_data",
            "name": name,
            "provider": "provider[\"terraform.io/builtin/terraform\"]",
            "instances": [{"schema_version": 0, "attributes": {"id": value, "input": value}}]
        }],
        "check_results": null
    });
    State::from_json(&json.to_string()).expect("a valid state")
}

fn started() -> Azurite {
    let azurite = Azurite::start();
    azurite.create_container(CONTAINER);
    azurite
}

#[test]
fn state_round_trips_and_a_lock_is_taken_and_given_back() {
    let azurite = started();
    let backend = azurite.backend(CONTAINER, KEY, "default");
    assert_eq!(
        backend.describe(),
        "blob tfstate/dev.tfstate in Azure storage account devstoreaccount1"
    );
    assert!(backend.read().unwrap().is_none(), "nothing stored yet");

    let lock = backend.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    let held = backend
        .current_lock()
        .unwrap()
        .expect("the lock is visible");
    assert_eq!(&held, lock.info());
    assert_eq!(held.path, "tfstate/dev.tfstate");
    // The lock made an empty blob to lease; it reads as no state.
    assert!(backend.read().unwrap().is_none());

    backend.write(&state_with("a", "one")).unwrap();
    let mut second = state_with("a", "two");
    second.bump_serial();
    backend.write(&second).unwrap();
    // A write while locked keeps the lock info the write would otherwise wipe.
    assert_eq!(backend.current_lock().unwrap().as_ref(), Some(&held));

    lock.release().unwrap();
    assert_eq!(backend.current_lock().unwrap(), None);

    let fresh = azurite.backend(CONTAINER, KEY, "default");
    let read = fresh.read().unwrap().expect("the state is stored");
    assert_eq!(read.to_json(), second.to_json());
}

#[test]
fn the_locks_own_bookkeeping_is_not_a_conflict() {
    let azurite = started();
    let backend = azurite.backend(CONTAINER, "fresh.tfstate", "default");
    // Read before locking (no blob yet), lock (which makes the blob and writes metadata),
    // write: the lock's own changes do not count as someone else's write.
    assert!(backend.read().unwrap().is_none());
    let lock = backend.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    backend.write(&state_with("a", "one")).unwrap();
    lock.release().unwrap();
    // Releasing clears the lock info; writing again without the lock still works.
    backend.write(&state_with("a", "two")).unwrap();

    let other = azurite.backend(CONTAINER, "fresh.tfstate", "default");
    assert!(other.read().unwrap().is_some());
    let lock = other.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    other.write(&state_with("a", "three")).unwrap();
    drop(lock);
    // The first backend's last read is stale now: a true conflict.
    let err = backend.write(&state_with("a", "four")).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
}

#[test]
fn a_second_lock_is_refused_with_the_holders_details() {
    let azurite = started();
    let ours = azurite.backend(CONTAINER, KEY, "default");
    let theirs = azurite.backend(CONTAINER, KEY, "default");
    let lock = ours.lock(OPERATION_APPLY, Duration::ZERO).unwrap();

    let started = Instant::now();
    let err = theirs.lock(OPERATION_PLAN, Duration::ZERO).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );
    let StateError::Locked { info, holder_gone } = &err else {
        panic!("expected Locked, got {err}");
    };
    assert_eq!(info.as_ref(), lock.info());
    assert!(!holder_gone);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "the state tfstate/dev.tfstate is locked by {} for OperationTypeApply since",
            lock.info().who
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("`clusterform force-unlock {}`", lock.info().id)),
        "{msg}"
    );

    // A write without the lock is refused too, naming the holder.
    let err = theirs.write(&state_with("x", "y")).unwrap_err();
    assert!(matches!(err, StateError::Locked { .. }), "{err}");
    lock.release().unwrap();
    drop(theirs.lock(OPERATION_PLAN, Duration::ZERO).unwrap());
}

#[test]
fn lock_timeout_waits_for_the_holder_and_then_gives_up() {
    let azurite = started();
    let first = azurite.backend(CONTAINER, KEY, "default");
    let second = azurite.backend(CONTAINER, KEY, "default");

    let held = first.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    let started = Instant::now();
    let err = second
        .lock(OPERATION_PLAN, Duration::from_millis(1200))
        .unwrap_err();
    assert!(matches!(err, StateError::Locked { .. }), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(1200));

    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        held.release().unwrap();
    });
    let started = Instant::now();
    let lock = second
        .lock(OPERATION_PLAN, Duration::from_secs(20))
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(600));
    releaser.join().unwrap();
    assert_eq!(
        second.current_lock().unwrap().unwrap().operation,
        OPERATION_PLAN
    );
    drop(lock);
}

#[test]
fn force_unlock_clears_a_dead_runs_lease_only_by_its_id() {
    let azurite = started();
    let dead = azurite.backend(CONTAINER, KEY, "default");
    let lock = dead.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    let id = lock.info().id.clone();
    // The run dies without releasing: an infinite lease stays behind.
    std::mem::forget(lock);

    let other = azurite.backend(CONTAINER, KEY, "default");
    assert_eq!(other.current_lock().unwrap().unwrap().id, id);
    let err = other.force_unlock("not-the-id").unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "has ID {id}, not not-the-id; nothing was unlocked"
        )),
        "{err}"
    );
    assert!(other.current_lock().unwrap().is_some());

    other.force_unlock(&id).unwrap();
    assert_eq!(other.current_lock().unwrap(), None);
    let err = other.force_unlock(&id).unwrap_err().to_string();
    assert!(err.contains("the state is not locked"), "{err}");
    drop(other.lock(OPERATION_APPLY, Duration::ZERO).unwrap());
}

#[test]
fn a_lock_removed_and_taken_by_another_run_is_not_released_by_the_first() {
    let azurite = started();
    let first = azurite.backend(CONTAINER, KEY, "default");
    let second = azurite.backend(CONTAINER, KEY, "default");
    let lock = first.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    second.force_unlock(&lock.info().id).unwrap();
    let theirs = second.lock(OPERATION_APPLY, Duration::ZERO).unwrap();

    // The first run's write now fails without touching the state: the lease is not its own.
    let err = first.write(&state_with("a", "b")).unwrap_err();
    assert!(matches!(err, StateError::LockLost { .. }), "{err}");

    let err = lock.release().unwrap_err();
    let StateError::LockLost { now, .. } = &err else {
        panic!("expected LockLost, got {err}");
    };
    assert_eq!(now, &theirs.info().id);
    assert_eq!(second.current_lock().unwrap().as_ref(), Some(theirs.info()));
    theirs.release().unwrap();
}

#[test]
fn a_write_behind_the_backends_back_is_a_conflict_and_nothing_is_overwritten() {
    let azurite = started();
    let ours = azurite.backend(CONTAINER, KEY, "default");
    let intruder = azurite.backend(CONTAINER, KEY, "default");
    ours.write(&state_with("a", "original")).unwrap();

    assert!(ours.read().unwrap().is_some());
    intruder.read().unwrap();
    let theirs = state_with("a", "theirs");
    intruder.write(&theirs).unwrap();

    let err = ours.write(&state_with("a", "ours")).unwrap_err();
    let StateError::Conflict {
        expected, found, ..
    } = &err
    else {
        panic!("expected Conflict, got {err}");
    };
    assert_ne!(expected, found);
    assert!(
        err.to_string().contains(
            "blob tfstate/dev.tfstate in Azure storage account devstoreaccount1 changed since \
             this run read it"
        ),
        "{err}"
    );
    let stored = azurite.backend(CONTAINER, KEY, "default").read().unwrap();
    assert_eq!(stored.unwrap().to_json(), theirs.to_json());

    // Creating: both saw no blob; the second to write loses.
    let key = "new.tfstate";
    let a = azurite.backend(CONTAINER, key, "default");
    let b = azurite.backend(CONTAINER, key, "default");
    assert!(a.read().unwrap().is_none() && b.read().unwrap().is_none());
    a.write(&state_with("a", "a")).unwrap();
    let err = b.write(&state_with("b", "b")).unwrap_err();
    assert!(
        matches!(&err, StateError::Conflict { expected, .. } if expected == "no blob"),
        "{err}"
    );
}

#[test]
fn workspaces_are_separate_blobs_listed_and_deleted_terraforms_way() {
    let azurite = started();
    let default = azurite.backend(CONTAINER, KEY, "default");
    let blue = azurite.backend(CONTAINER, KEY, "blue");
    assert_eq!(blue.blob_name(), "dev.tfstateenv:blue");
    assert_eq!(default.workspaces().unwrap(), ["default"]);

    default.write(&state_with("d", "default")).unwrap();
    blue.write(&state_with("b", "blue")).unwrap();
    azurite
        .backend(CONTAINER, KEY, "green")
        .write(&state_with("g", "green"))
        .unwrap();
    // Another key's blobs are not this configuration's workspaces.
    azurite
        .backend(CONTAINER, "dev.tfstate.other", "default")
        .write(&state_with("o", "other"))
        .unwrap();

    assert_eq!(default.workspaces().unwrap(), ["blue", "default", "green"]);
    let read = |b: &AzureBlobBackend| b.read().unwrap().unwrap().to_json();
    assert_eq!(read(&default), state_with("d", "default").to_json());
    assert_eq!(read(&blue), state_with("b", "blue").to_json());

    // A locked workspace cannot be deleted.
    let lock = blue.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    let err = default.delete_workspace("blue").unwrap_err();
    assert!(matches!(err, StateError::Locked { .. }), "{err}");
    lock.release().unwrap();

    default.delete_workspace("blue").unwrap();
    assert_eq!(default.workspaces().unwrap(), ["default", "green"]);
    assert!(azurite
        .backend(CONTAINER, KEY, "blue")
        .read()
        .unwrap()
        .is_none());
    assert!(default.delete_workspace("default").is_err());
}

#[test]
fn snapshot_keeps_the_previous_state() {
    let azurite = started();
    let mut settings = azurite.settings_with_key(CONTAINER, KEY);
    settings.insert("snapshot".into(), "true".into());
    let backend = AzureBlobBackend::new(&settings, "default").unwrap();
    backend.write(&state_with("a", "one")).unwrap();
    backend.write(&state_with("a", "two")).unwrap();
    assert_eq!(
        backend.read().unwrap().unwrap().to_json(),
        state_with("a", "two").to_json()
    );
}

#[test]
fn wrong_key_and_missing_container_fail_in_words_without_the_key() {
    let azurite = started();
    let mut settings = azurite.settings(CONTAINER, KEY);
    let wrong = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmcta2V5LXdyb25nLWtleQ==";
    settings.insert("access_key".into(), wrong.into());
    let backend = AzureBlobBackend::new(&settings, "default").unwrap();
    let err = backend.read().unwrap_err().to_string();
    assert!(
        err.starts_with("GET blob tfstate/dev.tfstate failed: "),
        "{err}"
    );
    assert!(
        err.contains("AuthorizationFailure") || err.contains("AuthenticationFailed"),
        "{err}"
    );
    assert!(err.contains("hint: check the credential"), "{err}");
    assert!(!err.contains(wrong) && !err.contains(ACCOUNT_KEY), "{err}");

    let backend = azurite.backend("missing", KEY, "default");
    let err = backend
        .lock(OPERATION_APPLY, Duration::ZERO)
        .unwrap_err()
        .to_string();
    assert!(err.contains("ContainerNotFound"), "{err}");
    assert!(
        err.contains("az storage container create --account-name devstoreaccount1 --name missing"),
        "{err}"
    );
}

#[test]
fn an_unreachable_endpoint_is_named_after_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut settings = BTreeMap::new();
    for (k, v) in [
        ("storage_account_name", "devstoreaccount1".to_string()),
        ("container_name", CONTAINER.into()),
        ("key", KEY.into()),
        (
            "blob_endpoint",
            format!("http://127.0.0.1:{port}/devstoreaccount1"),
        ),
        ("access_key", ACCOUNT_KEY.into()),
    ] {
        settings.insert(k.to_string(), v);
    }
    let backend = AzureBlobBackend::new(&settings, "default").unwrap();
    let err = backend.read().unwrap_err().to_string();
    assert!(
        err.starts_with("GET blob tfstate/dev.tfstate failed: "),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: check that http://127.0.0.1:{port}/devstoreaccount1 is reachable"
        )),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_from_inside_a_multi_thread_runtime() {
    let azurite = started();
    let backend = azurite.backend(CONTAINER, KEY, "default");
    let lock = backend.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    backend.write(&state_with("a", "rt")).unwrap();
    let from_blocking = {
        let settings = azurite.settings_with_key(CONTAINER, KEY);
        tokio::task::spawn_blocking(move || {
            AzureBlobBackend::new(&settings, "default")
                .unwrap()
                .read()
                .unwrap()
        })
        .await
        .unwrap()
    };
    assert!(from_blocking.is_some());
    lock.release().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn works_from_inside_a_current_thread_runtime() {
    let azurite = started();
    let backend = azurite.backend(CONTAINER, KEY, "default");
    backend.write(&state_with("a", "ct")).unwrap();
    assert!(backend.read().unwrap().is_some());
    drop(backend.lock(OPERATION_PLAN, Duration::ZERO).unwrap());
}

/// Azure AD end to end: Azurite over HTTPS with `--oauth basic`, tokens from a stand-in
/// token endpoint, the CA trusted through `SSL_CERT_FILE`.
#[test]
fn azure_ad_sign_in_over_https() {
    let azurite = Azurite::start_https_oauth();
    let secret = "azure-ad-client-secret-for-tests";
    let tokens = TokenEndpoint::start(secret);
    let mut settings = azurite.settings(CONTAINER, KEY);
    settings.insert("use_azuread_auth".into(), "true".into());
    let env = |secret: &str| -> Vec<(String, String)> {
        [
            (
                "ARM_TENANT_ID",
                "00000000-0000-0000-0000-0000000000b2".to_string(),
            ),
            (
                "ARM_CLIENT_ID",
                "00000000-0000-0000-0000-0000000000c3".to_string(),
            ),
            ("ARM_CLIENT_SECRET", secret.to_string()),
            ("ARM_AUTHORITY_HOST", tokens.authority_host()),
            ("SSL_CERT_FILE", azurite.ca_file().display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    };
    let backend =
        AzureBlobBackend::from_settings(Azurite::resolve(&settings, &env(secret)), "default")
            .unwrap();
    backend.create_container().unwrap();
    let lock = backend.lock(OPERATION_APPLY, Duration::ZERO).unwrap();
    backend.write(&state_with("a", "aad")).unwrap();
    assert!(backend.read().unwrap().is_some());
    lock.release().unwrap();
    assert_eq!(backend.workspaces().unwrap(), ["default"]);
    assert_eq!(
        tokens.requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one token, reused"
    );
    let body = tokens.bodies.lock().unwrap()[0].clone();
    assert!(body.contains("grant_type=client_credentials"), "{body}");
    assert!(
        body.contains("scope=https%3A%2F%2Fstorage.azure.com%2F.default"),
        "{body}"
    );

    // A wrong secret: the token endpoint's words, never the secret.
    let wrong = "wrong-secret-value";
    let backend =
        AzureBlobBackend::from_settings(Azurite::resolve(&settings, &env(wrong)), "default")
            .unwrap();
    let err = backend.read().unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "GET blob tfstate/dev.tfstate: requesting an Azure AD token from {}/",
            tokens.authority_host()
        )),
        "{err}"
    );
    assert!(err.contains("AADSTS7000215"), "{err}");
    assert!(!err.contains(wrong) && !err.contains(secret), "{err}");

    // Without the CA the HTTPS endpoint is not trusted, and the message says it is TLS.
    let mut no_ca = env(secret);
    no_ca.retain(|(k, _)| *k != "SSL_CERT_FILE");
    let backend =
        AzureBlobBackend::from_settings(Azurite::resolve(&settings, &no_ca), "default").unwrap();
    let err = backend.read().unwrap_err().to_string();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

/// The project's ARM emulator as the token endpoint: the request clusterform makes is the one
/// Entra ID expects (the emulator checks the grant and the secret), and Azurite's refusal of
/// the emulator's opaque token comes back in the service's words.
#[test]
fn azure_ad_token_from_the_arm_emulator() {
    let arm = common::azure::AzureEmulator::start();
    let azurite = Azurite::start_https_oauth();
    let mut settings = azurite.settings(CONTAINER, KEY);
    settings.insert("use_azuread_auth".into(), "true".into());
    let mut env: Vec<(String, String)> = arm
        .env()
        .into_iter()
        .filter(|(k, _)| k.starts_with("ARM_"))
        .collect();
    env.push((
        "SSL_CERT_FILE".into(),
        azurite.ca_file().display().to_string(),
    ));
    let backend =
        AzureBlobBackend::from_settings(Azurite::resolve(&settings, &env), "default").unwrap();
    let err = backend.read().unwrap_err().to_string();
    assert!(
        err.starts_with("GET blob tfstate/dev.tfstate failed: AuthenticationFailed"),
        "{err}"
    );
    assert!(!err.contains(common::azure::CLIENT_SECRET), "{err}");
}

/// The binary, end to end: `backend "azurerm"` in the configuration, the key in
/// `ARM_ACCESS_KEY` (or given once to `init --backend-config`).
mod cli {
    use super::*;
    use common::{wait_until, Run};

    const ENV: &[(&str, &str)] = &[("ARM_ACCESS_KEY", ACCOUNT_KEY)];

    /// A project keeping its state in `azurite`, initialised with the key in the environment.
    fn project(azurite: &Azurite, sleep: &str) -> Project {
        let project = project_files(azurite, sleep);
        project.run_env(&["init"], ENV).success();
        project
    }

    /// The configuration alone: the azurerm backend, a `terraform_data` and a `time_sleep`
    /// that takes `sleep` to create.
    fn project_files(azurite: &Azurite, sleep: &str) -> Project {
        let main = format!(
            r#"terraform {{
  backend "azurerm" {{
    storage_account_name = "devstoreaccount1"
    container_name       = "{CONTAINER}"
    key                  = "{KEY}"
    blob_endpoint        = "{}"
  }}
}}

resource "terraform_data" "a" {{
  input = "hello"
}}

resource "time_sleep" "wait" {{
  create_duration = "{sleep}"
}}
"#,
            azurite.endpoint()
        );
        Project::with_files(&[("main.tf", &main)])
    }

    /// Neither the account key nor its decoded bytes' base64 appear in `runs`' output, in any
    /// file under the project, or in anything Azurite stored.
    fn assert_no_key_anywhere(project: &Project, azurite: &Azurite, runs: &[&Run]) {
        for run in runs {
            assert!(
                !run.stdout.contains(ACCOUNT_KEY) && !run.stderr.contains(ACCOUNT_KEY),
                "the key was printed:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        for dir in [project.path().to_path_buf(), azurite.data_dir()] {
            for file in files_under(&dir) {
                let bytes = std::fs::read(&file).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(ACCOUNT_KEY),
                    "{} holds the account key",
                    file.display()
                );
            }
        }
    }

    fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return out;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    fn lock_holder(azurite: &Azurite) -> Option<clusterform::state::LockInfo> {
        azurite
            .backend(CONTAINER, KEY, "default")
            .current_lock()
            .unwrap()
    }

    #[test]
    fn apply_plan_and_state_list_round_trip() {
        let azurite = started();
        // The key given once to init, as Terraform users do; it must not be recorded.
        let p = project_files(&azurite, "1s");
        let init = p.run(&[
            "init",
            "--backend-config",
            &format!("access_key={ACCOUNT_KEY}"),
        ]);
        init.success();
        assert!(
            init.stdout.contains(
                "Initializing the backend: blob tfstate/dev.tfstate in Azure storage account \
                 devstoreaccount1"
            ),
            "{}",
            init.stdout
        );
        let apply = p.run_env(&["apply", "-auto-approve"], ENV);
        apply.success();
        assert!(
            apply.stdout.contains("Apply complete! Resources: 2 added"),
            "{}",
            apply.stdout
        );
        let plan = p.run_env(&["plan"], ENV);
        plan.success().stdout_has(&["No changes."]);
        let list = p.run_env(&["state", "list"], ENV);
        list.success();
        assert_eq!(list.stdout, "terraform_data.a\ntime_sleep.wait\n");
        assert!(!p.exists(common::STATE), "no local state file");

        let stored = azurite
            .backend(CONTAINER, KEY, "default")
            .read()
            .unwrap()
            .expect("the state is in the blob");
        assert_eq!(stored.resources.len(), 2);
        assert_eq!(lock_holder(&azurite), None, "the lock was given back");
        assert_no_key_anywhere(&p, &azurite, &[&init, &apply, &plan, &list]);
    }

    #[test]
    fn of_two_concurrent_applies_exactly_one_proceeds() {
        let azurite = started();
        let p = project(&azurite, "4s");
        let slow = p.spawn_env(&["apply", "-auto-approve"], ENV);
        wait_until(Duration::from_secs(20), "the first apply's lock", || {
            lock_holder(&azurite).is_some()
        });
        let holder = lock_holder(&azurite).unwrap();

        let second = p.run_env(&["apply", "-auto-approve"], ENV);
        second.failure();
        assert!(
            second.elapsed < Duration::from_secs(4),
            "refused at once, not after {:?}",
            second.elapsed
        );
        second.stderr_has(&[
            "Error acquiring the state lock",
            &format!(
                "the state tfstate/dev.tfstate is locked by {} for OperationTypeApply since {} \
                 (lock ID {})",
                holder.who, holder.created, holder.id
            ),
            &format!("clusterform force-unlock {}", holder.id),
        ]);

        let first = slow.finish(Duration::from_secs(30));
        first.success();
        assert!(
            first.stdout.contains("Resources: 2 added"),
            "{}",
            first.stdout
        );
        // Nothing was lost: the state has both resources and a plan finds nothing to do.
        p.run_env(&["plan"], ENV)
            .success()
            .stdout_has(&["No changes."]);
        assert_eq!(lock_holder(&azurite), None);
    }

    #[test]
    fn lock_timeout_waits_for_the_running_apply() {
        let azurite = started();
        let p = project(&azurite, "3s");
        let slow = p.spawn_env(&["apply", "-auto-approve"], ENV);
        wait_until(Duration::from_secs(20), "the first apply's lock", || {
            lock_holder(&azurite).is_some()
        });
        let waited = p.run_env(&["plan", "--lock-timeout", "25s"], ENV);
        waited.success().stdout_has(&["No changes."]);
        assert!(
            waited.elapsed >= Duration::from_millis(1000),
            "it waited: {:?}",
            waited.elapsed
        );
        slow.finish(Duration::from_secs(30)).success();
    }

    #[test]
    fn a_killed_apply_leaves_a_lock_that_force_unlock_clears() {
        let azurite = started();
        let p = project(&azurite, "60s");
        let mut doomed = p.spawn_env(&["apply", "-auto-approve"], ENV);
        wait_until(Duration::from_secs(20), "the apply's lock", || {
            lock_holder(&azurite).is_some()
        });
        doomed.kill();
        let stale = lock_holder(&azurite).expect("the lease outlives its process");

        let plan = p.run_env(&["plan"], ENV);
        plan.failure().stderr_has(&[
            &format!(
                "for OperationTypeApply since {} (lock ID {})",
                stale.created, stale.id
            ),
            &format!("clusterform force-unlock {}", stale.id),
        ]);
        p.run_env(
            &[
                "force-unlock",
                "--force",
                "00000000-0000-0000-0000-000000000000",
            ],
            ENV,
        )
        .failure()
        .stderr_has(&[&format!(
            "the lock in blob tfstate/dev.tfstate has ID {}, not \
                 00000000-0000-0000-0000-000000000000; nothing was unlocked",
            stale.id
        )]);
        assert!(lock_holder(&azurite).is_some());

        p.run_env(&["force-unlock", "--force", &stale.id], ENV)
            .success()
            .stdout_has(&["successfully unlocked"]);
        assert_eq!(lock_holder(&azurite), None);
        p.run_env(&["plan"], ENV).success();
    }

    #[test]
    fn workspaces_keep_their_own_state() {
        let azurite = started();
        let p = project(&azurite, "1s");
        p.run_env(&["apply", "-auto-approve"], ENV).success();
        p.run_env(&["workspace", "new", "blue"], ENV).success();
        let list = p.run_env(&["state", "list"], ENV);
        assert_eq!(list.success().stdout, "", "a new workspace starts empty");
        p.run_env(&["apply", "-auto-approve"], ENV).success();
        p.run_env(&["workspace", "list"], ENV)
            .success()
            .stdout_has(&["* blue", "  default"]);

        // Terraform's blob names: the key for default, `<key>env:<name>` for the others.
        let blue = azurite.backend(CONTAINER, KEY, "blue");
        assert_eq!(blue.blob_name(), "dev.tfstateenv:blue");
        let blue_state = blue.read().unwrap().expect("blue has state");
        let default_state = azurite
            .backend(CONTAINER, KEY, "default")
            .read()
            .unwrap()
            .expect("default has state");
        assert_ne!(blue_state.lineage, default_state.lineage);

        p.run_env(&["workspace", "select", "default"], ENV)
            .success();
        p.run_env(&["workspace", "delete", "--force", "blue"], ENV)
            .success();
        assert_eq!(
            azurite
                .backend(CONTAINER, KEY, "default")
                .workspaces()
                .unwrap(),
            ["default"]
        );
        let list = p.run_env(&["state", "list"], ENV);
        assert_eq!(list.success().stdout, "terraform_data.a\ntime_sleep.wait\n");
    }
}
