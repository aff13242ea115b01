//! The in-memory state: Terraform's state format version 4, field for field.
//!
//! Owns the shape of the state and the operations on it — look up, set and remove instances,
//! and put everything in the one order the file is written in. Field order in the structs is
//! the order Terraform writes, so files diff cleanly against Terraform's. No I/O here: the
//! JSON text is `file.rs`, storage is `local.rs`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr};

/// The only state format version clusterform reads and writes.
pub const STATE_VERSION: u32 = 4;

/// A whole state file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Always [`STATE_VERSION`].
    pub version: u32,
    /// The version of the tool that last changed the state (ours: clusterform's version).
    #[serde(default)]
    pub terraform_version: String,
    /// Goes up by one every time the state changes; see [`State::bump_serial`].
    pub serial: u64,
    /// A UUID given when the state is created and never changed: two files with different
    /// lineages describe different infrastructure.
    pub lineage: String,
    /// Root module outputs, by name.
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputState>,
    /// Every resource, ordered as [`State::normalise`] leaves them.
    #[serde(default)]
    pub resources: Vec<ResourceState>,
    /// Always written as `null`: clusterform does not evaluate `check` blocks. Results that
    /// Terraform recorded are dropped on read, as they describe a previous run.
    #[serde(default, skip_deserializing)]
    pub check_results: Option<Json>,
    /// Creates that were sent (or about to be) when the run stopped: clusterform's own
    /// field, which Terraform ignores. See [`PendingCreate`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_creates: Vec<PendingCreate>,
}

/// A create that was started but whose object is not in state yet.
///
/// Written durably before the provider is asked to create, and removed in the same write
/// that records the object. After a crash the next apply sends the same `creation_id`; a
/// provider takes over an existing object only when it carries that mark (the tag
/// `clusterform:creation-id`, the EKS `clientRequestToken`), never on its name alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCreate {
    /// The instance address, as `state list` prints it.
    pub address: String,
    /// The provider configuration, as in a resource's `provider`.
    pub provider: String,
    /// A UUID naming this attempt.
    pub creation_id: String,
    /// When the attempt started, RFC 3339 in UTC.
    pub started: String,
    /// The ID the object gets, where that is known before it exists (an EKS cluster's
    /// name, an ARM resource ID): where a destroy looks for what the attempt made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// One root module output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputState {
    pub value: Json,
    /// Terraform's JSON type: `"string"`, `["list","string"]`, … or `"dynamic"` if unknown.
    #[serde(rename = "type")]
    pub type_: Json,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
}

/// One resource block's instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    /// `module.net.module.subnets`; `None` for the root module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// `managed` or `data`.
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    /// `provider["registry.terraform.io/hashicorp/aws"]`, with `.alias` for an alias.
    pub provider: String,
    #[serde(default)]
    pub instances: Vec<InstanceState>,
}

/// One instance of a resource: what the provider returned after the last apply or refresh.
///
/// Fields are in Terraform's write order (`status` comes second), so files diff cleanly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceState {
    /// A number (`count`) or a string (`for_each`); absent for a single instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    /// `Some("tainted")` when the object must be replaced on the next apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default)]
    pub schema_version: u64,
    /// The object's attributes, as a JSON object, with sensitive values in plain text.
    #[serde(default = "empty_object")]
    pub attributes: Json,
    /// Paths to the attributes that must not be shown: `[[{"type":"get_attr","value":"pw"}]]`.
    #[serde(default)]
    pub sensitive_attributes: Vec<Json>,
    /// Provider-private data (base64), passed back to the provider untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    /// Resources this one depended on when it was last applied, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub create_before_destroy: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn empty_object() -> Json {
    Json::Object(serde_json::Map::new())
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    /// An empty state with serial 0 and a fresh lineage.
    pub fn new() -> State {
        State {
            version: STATE_VERSION,
            terraform_version: env!("CARGO_PKG_VERSION").to_string(),
            serial: 0,
            lineage: uuid::Uuid::new_v4().to_string(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
            pending_creates: Vec::new(),
        }
    }

    /// The create in progress for `addr`, if one was interrupted.
    pub fn pending_create(&self, addr: &InstanceAddr) -> Option<&PendingCreate> {
        let address = addr.to_string();
        self.pending_creates.iter().find(|p| p.address == address)
    }

    /// Every pending create with its address. Entries whose address does not parse (a hand
    /// edit) are left out: they name no instance a plan could have.
    pub fn pending_instances(&self) -> Vec<(InstanceAddr, &PendingCreate)> {
        self.pending_creates
            .iter()
            .filter_map(|p| Some((instance_addr(&p.address)?, p)))
            .collect()
    }

    /// Forgets the pending create of `addr`; true when there was one.
    pub fn clear_pending_create(&mut self, addr: &InstanceAddr) -> bool {
        let address = addr.to_string();
        let before = self.pending_creates.len();
        self.pending_creates.retain(|p| p.address != address);
        before != self.pending_creates.len()
    }

    /// Marks the state as changed by this clusterform: the serial goes up by one and
    /// `terraform_version` becomes ours. Call once before writing a changed state.
    pub fn bump_serial(&mut self) {
        self.serial += 1;
        self.terraform_version = env!("CARGO_PKG_VERSION").to_string();
    }

    /// True when there are neither resources nor outputs.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.outputs.is_empty()
    }

    pub fn resource(&self, addr: &ResourceAddr) -> Option<&ResourceState> {
        self.resources.iter().find(|rs| rs.is(addr))
    }

    pub fn instance(&self, addr: &InstanceAddr) -> Option<&InstanceState> {
        self.resource(&addr.resource)?.instance(&addr.key)
    }

    pub fn instance_mut(&mut self, addr: &InstanceAddr) -> Option<&mut InstanceState> {
        let rs = self.resources.iter_mut().find(|rs| rs.is(&addr.resource))?;
        rs.instances.iter_mut().find(|i| i.has_key(&addr.key))
    }

    /// Stores `inst` at `addr`, replacing any instance with the same key. Creates the
    /// resource if needed and sets its provider. The instance's `index_key` is set from
    /// `addr`, so the two cannot disagree, and its dependencies are sorted.
    pub fn set_instance(&mut self, addr: &InstanceAddr, provider: &str, mut inst: InstanceState) {
        inst.index_key = index_key_json(&addr.key);
        inst.dependencies.sort();
        inst.dependencies.dedup();
        let pos = match self.resources.iter().position(|rs| rs.is(&addr.resource)) {
            Some(pos) => pos,
            None => {
                let rs = ResourceState::new(&addr.resource, provider);
                let pos = self
                    .resources
                    .partition_point(|r| r.sort_key() <= rs.sort_key());
                self.resources.insert(pos, rs);
                pos
            }
        };
        let rs = &mut self.resources[pos];
        rs.provider = provider.to_string();
        match rs.instances.iter().position(|i| i.has_key(&addr.key)) {
            Some(i) => rs.instances[i] = inst,
            None => {
                let at = rs
                    .instances
                    .partition_point(|i| compare_keys(i, &inst) != Ordering::Greater);
                rs.instances.insert(at, inst);
            }
        }
    }

    /// Removes the instance at `addr`; the resource goes too when it was the last one.
    pub fn remove_instance(&mut self, addr: &InstanceAddr) -> Option<InstanceState> {
        let r = self.resources.iter().position(|rs| rs.is(&addr.resource))?;
        let rs = &mut self.resources[r];
        let i = rs.instances.iter().position(|i| i.has_key(&addr.key))?;
        let inst = rs.instances.remove(i);
        if rs.instances.is_empty() {
            self.resources.remove(r);
        }
        Some(inst)
    }

    /// Every instance with its typed address, in state order. Entries whose module, mode or
    /// key cannot be read are skipped; [`State::from_json`] refuses such files, so they only
    /// appear when the fields were edited in memory.
    pub fn instances(
        &self,
    ) -> impl Iterator<Item = (InstanceAddr, &ResourceState, &InstanceState)> {
        self.resources.iter().flat_map(|rs| {
            let addr = rs.addr().ok();
            rs.instances.iter().filter_map(move |inst| {
                let key = instance_key(inst.index_key.as_ref()).ok()?;
                Some((addr.as_ref()?.instance(key), rs, inst))
            })
        })
    }

    /// The address of every resource, in state order (unreadable ones skipped).
    pub fn resource_addrs(&self) -> impl Iterator<Item = ResourceAddr> + '_ {
        self.resources.iter().filter_map(|rs| rs.addr().ok())
    }

    /// Puts everything in the one order the file is written in: resources by module, mode,
    /// type and name (compared as the strings the file holds, as Terraform does); instances
    /// by key, numbers before strings; dependencies sorted and without repeats.
    pub fn normalise(&mut self) {
        for rs in &mut self.resources {
            if rs.module.as_deref() == Some("") {
                rs.module = None;
            }
            rs.instances.sort_by(compare_keys);
            for inst in &mut rs.instances {
                inst.dependencies.sort();
                inst.dependencies.dedup();
            }
        }
        self.resources
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.pending_creates
            .sort_by(|a, b| a.address.cmp(&b.address));
    }
}

impl ResourceState {
    /// A resource with no instances yet.
    pub fn new(addr: &ResourceAddr, provider: &str) -> ResourceState {
        ResourceState {
            module: addr.module.to_state_string(),
            mode: addr.mode.as_str().to_string(),
            type_name: addr.type_name.clone(),
            name: addr.name.clone(),
            provider: provider.to_string(),
            instances: Vec::new(),
        }
    }

    /// The typed address, or why the stored module or mode cannot be read.
    pub fn addr(&self) -> Result<ResourceAddr, String> {
        let module = ModulePath::parse_state(self.module.as_deref()).map_err(|e| e.0)?;
        let mode = match self.mode.as_str() {
            "managed" => Mode::Managed,
            "data" => Mode::Data,
            other => return Err(format!("unknown resource mode \"{other}\"")),
        };
        Ok(ResourceAddr {
            module,
            mode,
            type_name: self.type_name.clone(),
            name: self.name.clone(),
        })
    }

    /// True when this is the resource at `addr`.
    pub fn is(&self, addr: &ResourceAddr) -> bool {
        self.type_name == addr.type_name
            && self.name == addr.name
            && self.mode == addr.mode.as_str()
            && self.module.as_deref().unwrap_or("") == addr.module.to_string()
    }

    pub fn instance(&self, key: &InstanceKey) -> Option<&InstanceState> {
        self.instances.iter().find(|i| i.has_key(key))
    }

    fn sort_key(&self) -> (&str, &str, &str, &str) {
        (
            self.module.as_deref().unwrap_or(""),
            &self.mode,
            &self.type_name,
            &self.name,
        )
    }
}

impl InstanceState {
    /// An instance with these attributes and nothing else set.
    pub fn new(attributes: Json) -> InstanceState {
        InstanceState {
            index_key: None,
            status: None,
            schema_version: 0,
            attributes,
            sensitive_attributes: Vec::new(),
            private: None,
            dependencies: Vec::new(),
            create_before_destroy: false,
        }
    }

    /// The typed key, or why the stored one cannot be a key.
    pub fn key(&self) -> Result<InstanceKey, String> {
        instance_key(self.index_key.as_ref())
    }

    pub fn is_tainted(&self) -> bool {
        self.status.as_deref() == Some("tainted")
    }

    fn has_key(&self, key: &InstanceKey) -> bool {
        self.key().is_ok_and(|k| &k == key)
    }
}

/// An instance key as the state file writes it: a number, a string, or nothing.
pub fn index_key_json(key: &InstanceKey) -> Option<Json> {
    match key {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(Json::from(*i)),
        InstanceKey::Str(s) => Some(Json::from(s.as_str())),
    }
}

/// The instance key a state file's `index_key` stands for. Whole numbers written as floats
/// (`1.0`) are accepted, as Terraform accepts them.
pub fn instance_key(raw: Option<&Json>) -> Result<InstanceKey, String> {
    match raw {
        None | Some(Json::Null) => Ok(InstanceKey::None),
        Some(Json::String(s)) => Ok(InstanceKey::Str(s.clone())),
        Some(Json::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(InstanceKey::Int)
            .ok_or_else(|| format!("index_key {n} is not a whole number")),
        Some(other) => Err(format!(
            "index_key {other} is neither a number nor a string"
        )),
    }
}

/// Instances by key (none, then numbers, then strings); unreadable keys last.
fn compare_keys(a: &InstanceState, b: &InstanceState) -> Ordering {
    match (a.key(), b.key()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => Ordering::Equal,
    }
}

/// An instance address as state writes it (`aws_vpc.main`, `module.a.aws_subnet.b["x"]`).
pub fn instance_addr(address: &str) -> Option<InstanceAddr> {
    match address.parse::<crate::addr::TargetAddr>().ok()? {
        crate::addr::TargetAddr::Instance(a) => Some(a),
        crate::addr::TargetAddr::Resource(r) => Some(r.instance(InstanceKey::None)),
        crate::addr::TargetAddr::Module(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn addr(module: &[&str], type_name: &str, name: &str, key: InstanceKey) -> InstanceAddr {
        let module = ModulePath(module.iter().map(|s| s.to_string()).collect());
        ResourceAddr::managed(module, type_name, name).instance(key)
    }

    const AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

    #[test]
    fn new_state_is_empty_with_serial_zero_and_a_uuid_lineage() {
        let s = State::new();
        assert!(s.is_empty());
        assert_eq!((s.version, s.serial), (4, 0));
        assert!(uuid::Uuid::parse_str(&s.lineage).is_ok());
        assert_ne!(s.lineage, State::new().lineage);
    }

    #[test]
    fn bump_serial_counts_up_and_stamps_our_version() {
        let mut s = State::new();
        s.terraform_version = "1.9.0".into();
        s.bump_serial();
        assert_eq!(s.serial, 1);
        assert_eq!(s.terraform_version, env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn set_get_replace_and_remove_instances() {
        let mut s = State::new();
        let a0 = addr(&[], "aws_subnet", "private", InstanceKey::Int(0));
        let a1 = addr(&[], "aws_subnet", "private", InstanceKey::Int(1));
        s.set_instance(&a0, AWS, InstanceState::new(json!({"id": "subnet-0"})));
        s.set_instance(&a1, AWS, InstanceState::new(json!({"id": "subnet-1"})));
        s.set_instance(&a0, AWS, InstanceState::new(json!({"id": "subnet-0b"})));
        assert_eq!(s.resources.len(), 1);
        assert_eq!(s.instance(&a0).unwrap().attributes["id"], "subnet-0b");
        assert_eq!(s.instance(&a0).unwrap().index_key, Some(json!(0)));

        assert!(s.remove_instance(&a0).is_some());
        assert!(s.instance(&a0).is_none());
        assert_eq!(s.resources.len(), 1);
        assert!(s.remove_instance(&a1).is_some());
        assert!(
            s.resources.is_empty(),
            "the last instance takes its resource with it"
        );
        assert!(s.remove_instance(&a1).is_none());
    }

    #[test]
    fn set_instance_updates_the_provider() {
        let mut s = State::new();
        let a = addr(&[], "aws_vpc", "main", InstanceKey::None);
        s.set_instance(&a, AWS, InstanceState::new(json!({})));
        s.set_instance(
            &a,
            "provider[\"x/y/aws\"].eu",
            InstanceState::new(json!({})),
        );
        assert_eq!(s.resources[0].provider, "provider[\"x/y/aws\"].eu");
    }

    #[test]
    fn order_does_not_depend_on_insertion_order() {
        let addrs = [
            addr(&["net"], "aws_subnet", "a", InstanceKey::Str("b".into())),
            addr(&[], "aws_vpc", "main", InstanceKey::None),
            addr(&["net"], "aws_subnet", "a", InstanceKey::Int(10)),
            addr(&["net"], "aws_subnet", "a", InstanceKey::Int(2)),
            addr(&[], "aws_eks_cluster", "main", InstanceKey::None),
            addr(&["net"], "aws_subnet", "a", InstanceKey::Str("a".into())),
        ];
        let mut forward = State::new();
        for a in &addrs {
            forward.set_instance(a, AWS, InstanceState::new(json!({})));
        }
        let mut backward = State::new();
        backward.lineage = forward.lineage.clone();
        for a in addrs.iter().rev() {
            backward.set_instance(a, AWS, InstanceState::new(json!({})));
        }
        assert_eq!(forward, backward);
        let order: Vec<String> = forward.instances().map(|(a, _, _)| a.to_string()).collect();
        assert_eq!(
            order,
            [
                "aws_eks_cluster.main",
                "aws_vpc.main",
                "module.net.aws_subnet.a[2]",
                "module.net.aws_subnet.a[10]",
                "module.net.aws_subnet.a[\"a\"]",
                "module.net.aws_subnet.a[\"b\"]",
            ]
        );
    }

    #[test]
    fn normalise_sorts_hand_built_states() {
        let mut rs = ResourceState::new(&ResourceAddr::managed(ModulePath::root(), "t", "b"), AWS);
        let mut first = InstanceState::new(json!({}));
        first.index_key = Some(json!("x"));
        first.dependencies = vec!["t.z".into(), "t.a".into(), "t.z".into()];
        let mut second = InstanceState::new(json!({}));
        second.index_key = Some(json!(3));
        rs.instances = vec![first, second];
        let mut data =
            ResourceState::new(&ResourceAddr::managed(ModulePath::root(), "t", "a"), AWS);
        data.mode = "data".into();
        data.module = Some(String::new());
        data.instances = vec![InstanceState::new(json!({}))];
        let mut s = State::new();
        s.resources = vec![rs, data];
        s.normalise();
        assert_eq!(s.resources[0].mode, "data");
        assert_eq!(s.resources[0].module, None);
        assert_eq!(s.resources[1].instances[0].index_key, Some(json!(3)));
        assert_eq!(s.resources[1].instances[1].dependencies, ["t.a", "t.z"]);
    }

    #[test]
    fn index_keys_convert_both_ways() {
        for key in [
            InstanceKey::None,
            InstanceKey::Int(7),
            InstanceKey::Str("a b".into()),
        ] {
            assert_eq!(instance_key(index_key_json(&key).as_ref()), Ok(key));
        }
        assert_eq!(instance_key(Some(&json!(2.0))), Ok(InstanceKey::Int(2)));
        assert!(instance_key(Some(&json!(2.5))).is_err());
        assert!(instance_key(Some(&json!(true))).is_err());
    }

    #[test]
    fn instances_yield_typed_addresses_with_modules_and_data_sources() {
        let mut s = State::new();
        let data = ResourceAddr {
            module: ModulePath::root().child("net"),
            mode: Mode::Data,
            type_name: "aws_vpc".into(),
            name: "shared".into(),
        };
        s.set_instance(
            &data.instance(InstanceKey::None),
            AWS,
            InstanceState::new(json!({})),
        );
        let (a, rs, _) = s.instances().next().unwrap();
        assert_eq!(a.to_string(), "module.net.data.aws_vpc.shared");
        assert_eq!(rs.module.as_deref(), Some("module.net"));
        assert_eq!(s.resource_addrs().collect::<Vec<_>>(), [data]);
    }
}
