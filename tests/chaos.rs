//! Crash safety by force: applies and destroys killed with SIGKILL at random moments, against
//! both emulators, then run again. After every kill the state file and its backup must parse
//! and validate against `state/schema.json`; the next run must converge (a plan after it is
//! empty); the emulator must hold exactly what the state declares, nothing leaked and nothing
//! doubled; and a second state with the same names beside it must never take an object over.
//! A killed run's lock never needs `force-unlock`.
//!
//! The moments are drawn from a seeded generator; the seed is printed, and
//! `CLUSTERFORM_CHAOS_SEED=N` replays a run. `CLUSTERFORM_CHAOS_ROUNDS` asks for more rounds
//! than the 30 per cloud the suite always runs.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::aws::AwsEmulator;
use common::azure::AzureEmulator;
use common::state_schema::errors_for;
use common::{attributes, state_addresses, Project, Run};
use serde_json::Value as Json;

const ROUNDS: usize = 30;

/// splitmix64: small, seedable, and good enough to spread kill moments.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A moment within `span`, to the millisecond.
    fn within(&mut self, span: Duration) -> Duration {
        let ms = span.as_millis().max(1) as u64;
        Duration::from_millis(self.next() % ms)
    }
}

fn seed(cloud: &str) -> u64 {
    let seed = std::env::var("CLUSTERFORM_CHAOS_SEED")
        .ok()
        .map(|s| s.parse().expect("CLUSTERFORM_CHAOS_SEED is a number"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_nanos() as u64
        });
    eprintln!("chaos {cloud}: seed {seed} (replay with CLUSTERFORM_CHAOS_SEED={seed})");
    seed
}

fn rounds() -> usize {
    std::env::var("CLUSTERFORM_CHAOS_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(ROUNDS, |n: usize| n.max(ROUNDS))
}

/// One cloud's side of the test: its configuration, its environment and what it holds.
trait Cloud {
    fn name(&self) -> &'static str;
    fn env(&self) -> Vec<(String, String)>;
    /// The objects the emulator holds, as `kind:id`.
    fn inventory(&self) -> BTreeSet<String>;
    /// The objects a state declares, as `kind:id`, in the inventory's terms.
    fn declared(&self, state: &Json) -> BTreeSet<String>;
    /// The neighbour's configuration: the same names, given what the victim made.
    fn neighbour(&self, victim: &Json) -> String;
}

struct Chaos {
    env: Vec<(String, String)>,
    moments: Moments,
    kills: usize,
    landed: usize,
    /// Converging runs that resumed a create, deleted what one left, or took a lock over.
    resumed: usize,
    cleaned: usize,
    took_over: usize,
}

impl Chaos {
    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn run(&self, p: &Project, args: &[&str]) -> Run {
        p.run_env(args, &self.env())
    }

    /// Starts `args` and kills it after a random moment within `span`; true when the kill
    /// landed while it still ran.
    fn kill_during(&mut self, p: &Project, args: &[&str], span: Duration) -> bool {
        let at = self.moments.within(span);
        let mut bg = p.spawn_env(args, &self.env());
        let started = Instant::now();
        let mut running = true;
        while started.elapsed() < at {
            if bg.exited() {
                running = false;
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        bg.kill();
        self.kills += 1;
        self.landed += usize::from(running);
        running
    }

    /// The state and its backup, where they exist, are whole and valid.
    #[track_caller]
    fn check_files(&self, p: &Project, context: &str) {
        for file in ["terraform.tfstate", "terraform.tfstate.backup"] {
            if !p.exists(file) {
                continue;
            }
            let text = p.read(file);
            let doc: Json = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{context}: {file} is not JSON ({e}):\n{text}"));
            let errors = errors_for(&doc);
            assert!(
                errors.is_empty(),
                "{context}: {file} does not validate: {errors:?}"
            );
        }
    }

    #[track_caller]
    fn converged(&mut self, p: &Project, args: &[&str], context: &str) -> Json {
        let run = self.run(p, args);
        assert_eq!(
            run.code,
            Some(0),
            "{context}: `{}` did not converge\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
        self.resumed += usize::from(run.stderr.contains("finishing it"));
        self.cleaned += usize::from(run.stdout.contains("found it by its creation id"));
        self.took_over += usize::from(run.stderr.contains("clusterform took it over"));
        let state = p.state();
        assert!(
            state["pending_creates"].is_null(),
            "{context}: pending creates left after a converged run: {}",
            state["pending_creates"]
        );
        state
    }
}

/// Measures one full apply and destroy, then runs the kill rounds.
fn chaos(cloud: &dyn Cloud, config: &[(&str, &str)]) {
    let mut c = Chaos {
        env: cloud.env(),
        moments: Moments(seed(cloud.name())),
        kills: 0,
        landed: 0,
        resumed: 0,
        cleaned: 0,
        took_over: 0,
    };
    let victim = Project::with_files(config);
    let neighbour = Project::empty();
    let before = cloud.inventory();

    let started = Instant::now();
    c.converged(&victim, &["apply", "--auto-approve"], "first apply");
    let apply_time = started.elapsed();
    let started = Instant::now();
    c.converged(&victim, &["destroy", "--auto-approve"], "first destroy");
    let destroy_time = started.elapsed();
    assert_eq!(cloud.inventory(), before, "the first destroy left objects");

    let n = rounds();
    for round in 1..=n {
        let context = format!("{} round {round}", cloud.name());
        // Kills land anywhere from before the first call to after the last state write.
        c.kill_during(
            &victim,
            &["apply", "--auto-approve"],
            apply_time + apply_time / 4,
        );
        c.check_files(&victim, &format!("{context}, killed apply"));
        if round % 2 == 1 {
            // Every other round gives up on the killed apply: the destroy must find what its
            // interrupted creates made.
            let state = c.converged(&victim, &["destroy", "--auto-approve"], &context);
            assert!(state_addresses(&state).is_empty(), "{context}: {state}");
            assert_eq!(
                cloud.inventory(),
                before,
                "{context}: a destroy after a killed apply left objects"
            );
        }
        let state = c.converged(&victim, &["apply", "--auto-approve"], &context);
        let plan = c.run(&victim, &["plan", "--detailed-exitcode"]);
        assert_eq!(
            plan.code,
            Some(0),
            "{context}: the plan after the apply is not empty\n{}",
            plan.stdout
        );
        // The group lists the rule its own resource made: no news, so no drift report.
        assert!(
            !plan.stdout.contains("changed outside"),
            "{context}: spurious drift\n{}",
            plan.stdout
        );
        let declared = cloud.declared(&state);
        let mut expected = before.clone();
        expected.extend(declared.iter().cloned());
        assert_eq!(
            cloud.inventory(),
            expected,
            "{context}: the emulator does not hold exactly what the state declares"
        );

        // The neighbour wants the same names: it is refused, and takes nothing.
        neighbour.write("main.tf", &cloud.neighbour(&state));
        let refused = c.run(&neighbour, &["apply", "--auto-approve"]);
        refused.failure().stderr_has(&["already exists", "import"]);
        if neighbour.exists("terraform.tfstate") {
            let theirs = neighbour.state();
            assert!(
                state_addresses(&theirs).is_empty(),
                "{context}: the neighbour took over {:?}",
                state_addresses(&theirs)
            );
        }
        assert_eq!(
            cloud.inventory(),
            expected,
            "{context}: the neighbour changed the cloud"
        );
        assert_eq!(cloud.declared(&victim.state()), declared);

        c.kill_during(
            &victim,
            &["destroy", "--auto-approve"],
            destroy_time + destroy_time / 4,
        );
        c.check_files(&victim, &format!("{context}, killed destroy"));
        let state = c.converged(&victim, &["destroy", "--auto-approve"], &context);
        assert!(
            state_addresses(&state).is_empty(),
            "{context}: destroy left {:?}",
            state_addresses(&state)
        );
        assert_eq!(cloud.inventory(), before, "{context}: destroy left objects");
        assert!(!victim.exists(common::LOCK), "{context}: a lock was left");
    }
    eprintln!(
        "chaos {}: {} kill rounds ({} kills, {} while the run was still going; {} creates resumed, {} left objects deleted by a destroy, {} locks taken over); apply {:?}, destroy {:?}",
        cloud.name(),
        n,
        c.kills,
        c.landed,
        c.resumed,
        c.cleaned,
        c.took_over,
        apply_time,
        destroy_time
    );
    assert!(
        c.landed * 2 >= c.kills,
        "most kills should land while the run still goes ({} of {})",
        c.landed,
        c.kills
    );
}

// ---- AWS ----

const AWS_CONFIG: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_security_group" "api" {
  name   = "api"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.api.id
  cidr_ipv4         = "10.0.0.0/16"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_eks_cluster" "dev" {
  name     = "dev"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids              = [aws_subnet.a.id, aws_subnet.b.id]
    security_group_ids      = [aws_security_group.api.id]
    endpoint_private_access = true
  }
}
"#;

struct Aws {
    emu: AwsEmulator,
}

impl Cloud for Aws {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn env(&self) -> Vec<(String, String)> {
        self.emu.env()
    }

    fn inventory(&self) -> BTreeSet<String> {
        self.emu.inventory()
    }

    fn declared(&self, state: &Json) -> BTreeSet<String> {
        let id = |addr: &str| {
            attributes(state, addr)["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{addr} has no id"))
                .to_string()
        };
        let mut out = BTreeSet::from([
            format!("vpc:{}", id("aws_vpc.main")),
            format!("subnet:{}", id("aws_subnet.a")),
            format!("subnet:{}", id("aws_subnet.b")),
            format!("sg:{}", id("aws_security_group.api")),
            format!("rule:{}", id("aws_vpc_security_group_ingress_rule.https")),
        ]);
        let cluster = attributes(state, "aws_eks_cluster.dev");
        let name = cluster["name"].as_str().expect("cluster name");
        out.insert(format!("eks:{name}"));
        // EKS makes a security group of its own for every cluster, and deletes it with it.
        let own = cluster["vpc_config"][0]["cluster_security_group_id"]
            .as_str()
            .expect("the cluster's own security group");
        out.insert(format!("sg:{own}"));
        out
    }

    fn neighbour(&self, victim: &Json) -> String {
        let subnets = ["aws_subnet.a", "aws_subnet.b"]
            .map(|a| {
                format!(
                    "\"{}\"",
                    attributes(victim, a)["id"].as_str().unwrap_or_default()
                )
            })
            .join(", ");
        format!(
            r#"provider "aws" {{
  region = "us-east-1"
}}

resource "aws_eks_cluster" "dev" {{
  name     = "dev"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {{
    subnet_ids = [{subnets}]
  }}
}}
"#
        )
    }
}

#[test]
fn aws_applies_and_destroys_killed_at_random_moments_recover() {
    let aws = Aws {
        emu: AwsEmulator::start(),
    };
    chaos(&aws, &[("main.tf", AWS_CONFIG)]);
}

// ---- Azure ----

fn aks(label: &str, name: &str, private: bool) -> String {
    let private = if private {
        "  private_cluster_enabled = true\n"
    } else {
        ""
    };
    format!(
        r#"
resource "azurerm_kubernetes_cluster" "{label}" {{
  name                = "{name}"
  location            = "westeurope"
  resource_group_name = "rg-dev"
  dns_prefix          = "{name}"
{private}
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 1
  }}

  identity {{
    type = "SystemAssigned"
  }}
}}
"#
    )
}

const AZURERM: &str = "provider \"azurerm\" {\n  features {}\n}\n";

struct Azure {
    emu: AzureEmulator,
}

impl Cloud for Azure {
    fn name(&self) -> &'static str {
        "azure"
    }

    fn env(&self) -> Vec<(String, String)> {
        self.emu.env()
    }

    fn inventory(&self) -> BTreeSet<String> {
        self.emu.inventory()
    }

    fn declared(&self, state: &Json) -> BTreeSet<String> {
        [
            "azurerm_kubernetes_cluster.private",
            "azurerm_kubernetes_cluster.public",
        ]
        .iter()
        .map(|a| {
            let id = attributes(state, a)["id"].as_str().expect("cluster id");
            format!("aks:{}", id.to_lowercase())
        })
        .collect()
    }

    fn neighbour(&self, _victim: &Json) -> String {
        format!("{AZURERM}{}", aks("private", "aks-private", true))
    }
}

#[test]
fn azure_applies_and_destroys_killed_at_random_moments_recover() {
    let azure = Azure {
        emu: AzureEmulator::start(),
    };
    let config = format!(
        "{AZURERM}{}{}",
        aks("private", "aks-private", true),
        aks("public", "aks-public", false)
    );
    chaos(&azure, &[("main.tf", &config)]);
}
