//! A managedCluster between ARM's JSON and clusterform's values, with Terraform's names.
//!
//! Both directions go through `serde_json` so one function per direction covers the typed
//! model (azure_mgmt_containerservice) and the raw examples alike. Reading normalises what ARM
//! reports differently from what was written (`system` for `System`, absent booleans for
//! their defaults), so a plan right after apply shows no changes.

use serde_json::{json, Map, Value as Json};

use super::access::{block, string_set, DnsZone};
use crate::providers::CREATION_TAG;
use crate::value::Value;

/// `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}`.
pub fn cluster_id(subscription: &str, resource_group: &str, name: &str) -> String {
    format!("/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.ContainerService/managedClusters/{name}")
}

/// The subscription, resource group and name in a managedCluster resource ID.
pub fn parse_cluster_id(id: &str) -> Option<(String, String, String)> {
    let p: Vec<&str> = id.trim_matches('/').split('/').collect();
    let ok = p.len() == 8
        && p[0].eq_ignore_ascii_case("subscriptions")
        && p[2].eq_ignore_ascii_case("resourceGroups")
        && p[4].eq_ignore_ascii_case("providers")
        && p[5].eq_ignore_ascii_case("Microsoft.ContainerService")
        && p[6].eq_ignore_ascii_case("managedClusters")
        && p.iter().all(|s| !s.is_empty());
    ok.then(|| (p[1].to_string(), p[3].to_string(), p[7].to_string()))
}

fn s(v: Option<&Json>) -> Value {
    v.and_then(Json::as_str).map_or(Value::Null, Value::from)
}

fn strings(v: Option<&Json>) -> Value {
    match v.and_then(Json::as_array) {
        Some(items) if !items.is_empty() => Value::set(
            items
                .iter()
                .filter_map(Json::as_str)
                .map(Value::from)
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// A list block that is not there, as configurations and plans spell it.
fn no_block() -> Value {
    Value::List(Vec::new())
}

/// The system node pool: the first pool in System mode, else the first.
fn system_pool(props: &Json) -> Option<&Json> {
    let pools = props.get("agentPoolProfiles")?.as_array()?;
    pools
        .iter()
        .find(|p| {
            p.get("mode")
                .and_then(Json::as_str)
                .is_some_and(|m| m.eq_ignore_ascii_case("System"))
        })
        .or_else(|| pools.first())
}

/// A managedCluster as ARM returns it → the resource's state.
pub fn from_arm(c: &Json) -> Value {
    let empty = json!({});
    let props = c.get("properties").unwrap_or(&empty);
    let access = props.get("apiServerAccessProfile").unwrap_or(&empty);
    let flag = |v: &Json, k: &str| v.get(k).and_then(Json::as_bool);
    let private = flag(access, "enablePrivateCluster").unwrap_or(false);
    let id = c.get("id").and_then(Json::as_str).unwrap_or_default();
    let resource_group = parse_cluster_id(id).map_or(Value::Null, |(_, rg, _)| Value::from(rg));
    let zone = if private {
        let z = access
            .get("privateDNSZone")
            .and_then(Json::as_str)
            .unwrap_or("system");
        Value::from(DnsZone::parse(z).config_value())
    } else {
        Value::Null
    };
    let pool = system_pool(props).map_or(no_block(), |p| {
        let pp = p.get("properties").unwrap_or(p);
        Value::List(vec![Value::object([
            ("name", s(p.get("name"))),
            ("vm_size", s(pp.get("vmSize"))),
            (
                "node_count",
                pp.get("count")
                    .and_then(Json::as_i64)
                    .map_or(Value::Null, Value::from),
            ),
            ("vnet_subnet_id", s(pp.get("vnetSubnetID"))),
        ])])
    });
    let identity = c.get("identity").map_or(no_block(), |i| {
        let ids: Vec<Value> = i
            .get("userAssignedIdentities")
            .and_then(Json::as_object)
            .map(|m| m.keys().map(|k| Value::from(k.as_str())).collect())
            .unwrap_or_default();
        Value::List(vec![Value::object([
            ("type", s(i.get("type"))),
            (
                "identity_ids",
                if ids.is_empty() {
                    Value::Null
                } else {
                    Value::set(ids)
                },
            ),
            ("principal_id", s(i.get("principalId"))),
            ("tenant_id", s(i.get("tenantId"))),
        ])])
    });
    let ranges = strings(access.get("authorizedIPRanges"));
    let vnet = flag(access, "enableVnetIntegration").unwrap_or(false);
    let api_subnet = s(access.get("subnetId"));
    // Terraform shows no block when nothing in it is set; neither do we, so an omitted block
    // plans as no change.
    let access_block = if ranges.is_null() && !vnet && api_subnet.is_null() {
        no_block()
    } else {
        Value::List(vec![Value::object([
            ("authorized_ip_ranges", ranges),
            ("subnet_id", api_subnet),
            ("virtual_network_integration_enabled", Value::Bool(vnet)),
        ])])
    };
    let network = props.get("networkProfile").map_or(no_block(), |n| {
        Value::List(vec![Value::object([
            ("network_plugin", s(n.get("networkPlugin"))),
            ("service_cidr", s(n.get("serviceCidr"))),
            ("dns_service_ip", s(n.get("dnsServiceIP"))),
            ("outbound_type", s(n.get("outboundType"))),
        ])])
    });
    // The creation mark is clusterform's, not the configuration's.
    let tags = match c.get("tags").and_then(Json::as_object) {
        Some(m) if m.keys().any(|k| k != CREATION_TAG) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != CREATION_TAG)
                .map(|(k, v)| (k.clone(), s(Some(v))))
                .collect(),
        ),
        _ => Value::Null,
    };
    Value::object([
        ("id", Value::from(id)),
        ("name", s(c.get("name"))),
        ("location", s(c.get("location"))),
        ("resource_group_name", resource_group),
        ("dns_prefix", s(props.get("dnsPrefix"))),
        ("dns_prefix_private_cluster", s(props.get("fqdnSubdomain"))),
        ("kubernetes_version", s(props.get("kubernetesVersion"))),
        (
            "sku_tier",
            Value::from(
                c.get("sku")
                    .and_then(|k| k.get("tier"))
                    .and_then(Json::as_str)
                    .unwrap_or("Free"),
            ),
        ),
        ("private_cluster_enabled", Value::Bool(private)),
        ("private_dns_zone_id", zone),
        (
            "private_cluster_public_fqdn_enabled",
            Value::Bool(private && flag(access, "enablePrivateClusterPublicFQDN").unwrap_or(false)),
        ),
        (
            "run_command_enabled",
            Value::Bool(!flag(access, "disableRunCommand").unwrap_or(false)),
        ),
        ("tags", tags),
        ("fqdn", s(props.get("fqdn"))),
        ("private_fqdn", s(props.get("privateFQDN"))),
        ("portal_fqdn", s(props.get("azurePortalFQDN"))),
        ("node_resource_group", s(props.get("nodeResourceGroup"))),
        ("default_node_pool", pool),
        ("identity", identity),
        ("api_server_access_profile", access_block),
        ("network_profile", network),
    ])
}

fn put(map: &mut Map<String, Json>, key: &str, v: Option<Json>) {
    match v {
        Some(v) => {
            map.insert(key.to_string(), v);
        }
        None => {
            map.remove(key);
        }
    }
}

fn known_str(v: Option<&Value>) -> Option<Json> {
    v.and_then(Value::as_str)
        .map(|s| Json::String(s.to_string()))
}

fn object<'a>(parent: &'a mut Map<String, Json>, key: &str) -> &'a mut Map<String, Json> {
    let slot = parent
        .entry(key.to_string())
        .or_insert_with(|| Json::Object(Map::new()));
    if !slot.is_object() {
        *slot = Json::Object(Map::new());
    }
    slot.as_object_mut().expect("just made an object")
}

/// The request body for a PUT: the planned state laid over the cluster as it exists (so
/// settings clusterform does not manage are sent back unchanged), or over nothing on create.
pub fn to_arm(planned: &Value, existing: Option<&Json>) -> Json {
    let mut c = existing
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    put(&mut c, "location", known_str(planned.get("location")));
    let tags = planned.get("tags").and_then(Value::as_object).map(|m| {
        Json::Object(
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), Json::String(s.into()))))
                .collect(),
        )
    });
    put(&mut c, "tags", tags.or_else(|| Some(json!({}))));
    let tier = planned
        .get("sku_tier")
        .and_then(Value::as_str)
        .unwrap_or("Free");
    c.insert("sku".into(), json!({ "name": "Base", "tier": tier }));
    match block(planned, "identity") {
        Some(i) => {
            let kind = i
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("SystemAssigned");
            let mut id = Map::new();
            id.insert("type".into(), Json::String(kind.into()));
            if let Some(ids) = string_set(i.get("identity_ids")).filter(|ids| !ids.is_empty()) {
                id.insert(
                    "userAssignedIdentities".into(),
                    Json::Object(ids.into_iter().map(|k| (k, json!({}))).collect()),
                );
            }
            c.insert("identity".into(), Json::Object(id));
        }
        None if existing.is_none() => {
            c.insert("identity".into(), json!({ "type": "SystemAssigned" }));
        }
        None => {}
    }
    let props = object(&mut c, "properties");
    put(props, "dnsPrefix", known_str(planned.get("dns_prefix")));
    put(
        props,
        "fqdnSubdomain",
        known_str(planned.get("dns_prefix_private_cluster")),
    );
    if let Some(v) = known_str(planned.get("kubernetes_version")) {
        props.insert("kubernetesVersion".into(), v);
    }
    if let Some(v) = known_str(planned.get("node_resource_group")) {
        props.insert("nodeResourceGroup".into(), v);
    }
    if let Some(pool) = block(planned, "default_node_pool") {
        let name = pool.get("name").and_then(Value::as_str).unwrap_or("system");
        let mut p = existing_pool(props, name);
        put(&mut p, "name", Some(Json::String(name.into())));
        put(&mut p, "vmSize", known_str(pool.get("vm_size")));
        let count = pool
            .get("node_count")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .unwrap_or(1);
        p.insert("count".into(), json!(count));
        put(
            &mut p,
            "vnetSubnetID",
            known_str(pool.get("vnet_subnet_id")),
        );
        p.insert("mode".into(), json!("System"));
        p.entry("osType").or_insert_with(|| json!("Linux"));
        p.entry("type")
            .or_insert_with(|| json!("VirtualMachineScaleSets"));
        // Pools are keyed by name; keep the others as they are.
        let mut pools: Vec<Json> = props
            .get("agentPoolProfiles")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        pools.retain(|q| q.get("name").and_then(Json::as_str) != Some(name));
        pools.insert(0, Json::Object(p));
        props.insert("agentPoolProfiles".into(), Json::Array(pools));
    }
    let private = planned
        .get("private_cluster_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let profile = block(planned, "api_server_access_profile");
    let access = object(props, "apiServerAccessProfile");
    access.insert("enablePrivateCluster".into(), Json::Bool(private));
    if private {
        let zone = planned
            .get("private_dns_zone_id")
            .and_then(Value::as_str)
            .map(DnsZone::parse)
            .unwrap_or(DnsZone::System);
        let zone = match zone {
            DnsZone::System => "system".to_string(),
            DnsZone::None => "none".to_string(),
            DnsZone::Custom(id) => id,
        };
        access.insert("privateDNSZone".into(), Json::String(zone));
        access.insert(
            "enablePrivateClusterPublicFQDN".into(),
            Json::Bool(
                planned
                    .get("private_cluster_public_fqdn_enabled")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            ),
        );
    } else {
        access.remove("privateDNSZone");
        access.remove("enablePrivateClusterPublicFQDN");
    }
    let run = planned
        .get("run_command_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    access.insert("disableRunCommand".into(), Json::Bool(!run));
    let ranges = profile
        .and_then(|p| string_set(p.get("authorized_ip_ranges")))
        .unwrap_or_default();
    // The API model leaves an empty list out, so removing every range is sent by
    // `update_additions` instead.
    if ranges.is_empty() {
        access.remove("authorizedIPRanges");
    } else {
        access.insert("authorizedIPRanges".into(), json!(ranges));
    }
    let vnet = profile
        .and_then(|p| p.get("virtual_network_integration_enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if vnet || access.contains_key("enableVnetIntegration") {
        access.insert("enableVnetIntegration".into(), Json::Bool(vnet));
    }
    put(
        access,
        "subnetId",
        profile.and_then(|p| known_str(p.get("subnet_id"))),
    );
    if let Some(n) = block(planned, "network_profile") {
        let net = object(props, "networkProfile");
        put(net, "networkPlugin", known_str(n.get("network_plugin")));
        for (ours, theirs) in [
            ("service_cidr", "serviceCidr"),
            ("dns_service_ip", "dnsServiceIP"),
            ("outbound_type", "outboundType"),
        ] {
            if let Some(v) = known_str(n.get(ours)) {
                net.insert(theirs.into(), v);
            }
        }
    }
    Json::Object(c)
}

/// What an update must add back to a request body built through the API model: the
/// properties of the live cluster that the model dropped (those AKS added after the model's
/// API version), and an explicitly empty `authorizedIPRanges` when the planned cluster has
/// none but the live one has some (the model leaves empty lists out, and AKS would keep the
/// old ranges). Arrays are not merged: a property the model knows is the model's business.
pub fn update_additions(raw: &Json, through_model: &Json, planned: &Value) -> Json {
    fn dropped(raw: &Json, kept: &Json) -> Option<Json> {
        let (r, k) = (raw.as_object()?, kept.as_object());
        let mut out = Map::new();
        for (key, v) in r {
            match k.and_then(|k| k.get(key)) {
                None => {
                    out.insert(key.clone(), v.clone());
                }
                Some(kv) if v.is_object() && kv.is_object() => {
                    if let Some(inner) = dropped(v, kv) {
                        out.insert(key.clone(), inner);
                    }
                }
                Some(_) => {}
            }
        }
        (!out.is_empty()).then_some(Json::Object(out))
    }
    let mut additions = dropped(raw, through_model).unwrap_or_else(|| json!({}));
    let live_ranges = raw["properties"]["apiServerAccessProfile"]["authorizedIPRanges"]
        .as_array()
        .is_some_and(|r| !r.is_empty());
    let planned_ranges = block(planned, "api_server_access_profile")
        .and_then(|p| string_set(p.get("authorized_ip_ranges")))
        .unwrap_or_default();
    if live_ranges && planned_ranges.is_empty() {
        let props = object(additions.as_object_mut().expect("an object"), "properties");
        object(props, "apiServerAccessProfile").insert("authorizedIPRanges".into(), json!([]));
    }
    additions
}

fn existing_pool(props: &Map<String, Json>, name: &str) -> Map<String, Json> {
    props
        .get("agentPoolProfiles")
        .and_then(Json::as_array)
        .and_then(|pools| {
            pools
                .iter()
                .find(|p| p.get("name").and_then(Json::as_str) == Some(name))
        })
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_ids_round_trip() {
        let id = cluster_id("s", "rg-dev", "aks-dev");
        assert_eq!(
            parse_cluster_id(&id),
            Some(("s".into(), "rg-dev".into(), "aks-dev".into()))
        );
        assert_eq!(parse_cluster_id("/subscriptions/s/resourceGroups/rg"), None);
    }

    #[test]
    fn reading_normalises_what_arm_reports_differently() {
        let arm = json!({
            "id": cluster_id("s", "rg", "aks"),
            "name": "aks",
            "location": "westeurope",
            "properties": {
                "dnsPrefix": "aks",
                "apiServerAccessProfile": { "enablePrivateCluster": true, "privateDNSZone": "system" },
                "agentPoolProfiles": [{ "name": "system", "count": 2, "vmSize": "Standard_D2s_v5", "mode": "System" }]
            }
        });
        let v = from_arm(&arm);
        assert_eq!(v.get("private_dns_zone_id"), Some(&Value::from("System")));
        assert_eq!(v.get("run_command_enabled"), Some(&Value::Bool(true)));
        assert_eq!(v.get("resource_group_name"), Some(&Value::from("rg")));
        assert_eq!(v.get("api_server_access_profile"), Some(&no_block()));
        let pool = block(&v, "default_node_pool").unwrap();
        assert_eq!(pool.get("node_count"), Some(&Value::from(2)));
    }

    #[test]
    fn updates_add_back_what_the_model_drops_and_an_empty_range_list() {
        let raw = json!({
            "location": "westeurope",
            "properties": {
                "supportPlan": "KubernetesOfficial",
                "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24"] }
            }
        });
        let through_model = json!({
            "location": "westeurope",
            "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24"] } }
        });
        let planned = Value::object([("api_server_access_profile", no_block())]);
        let add = update_additions(&raw, &through_model, &planned);
        assert_eq!(
            add,
            json!({ "properties": {
                "supportPlan": "KubernetesOfficial",
                "apiServerAccessProfile": { "authorizedIPRanges": [] }
            }})
        );
    }

    #[test]
    fn writing_keeps_unmanaged_settings_and_clears_removed_ranges() {
        let existing = json!({
            "location": "westeurope",
            "properties": {
                "enableRBAC": true,
                "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24"], "enablePrivateCluster": false }
            }
        });
        let planned = Value::object([
            ("location", Value::from("westeurope")),
            ("dns_prefix", Value::from("aks")),
            ("private_cluster_enabled", Value::Bool(false)),
        ]);
        let body = to_arm(&planned, Some(&existing));
        assert_eq!(body["properties"]["enableRBAC"], json!(true));
        assert!(
            body["properties"]["apiServerAccessProfile"]
                .get("authorizedIPRanges")
                .is_none(),
            "removed ranges leave the body; update_additions sends the empty list"
        );
        let fresh = to_arm(&planned, None);
        assert!(fresh["properties"]["apiServerAccessProfile"]
            .get("authorizedIPRanges")
            .is_none());
        assert_eq!(fresh["identity"]["type"], json!("SystemAssigned"));
    }
}

/// Microsoft's example responses, read the way the provider reads a live cluster: through the
/// API model, then into state. Each attribute is checked against the raw JSON.
#[cfg(test)]
mod official_examples {
    use super::*;
    use crate::providers::azurerm::client::decode_value;

    fn clusters() -> Vec<(String, Json)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("emulators/azure/spec/2026-08-01/examples");
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("the official examples must be at {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.starts_with("ManagedClusters") {
                continue;
            }
            let doc: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for (status, resp) in doc["responses"].as_object().unwrap() {
                let body = &resp["body"];
                let found: Vec<&Json> = match body.get("value").and_then(Json::as_array) {
                    Some(list) => list.iter().collect(),
                    None if body.get("properties").is_some() => vec![body],
                    None => Vec::new(),
                };
                for c in found {
                    out.push((format!("{name} {status}"), c.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_official_example_reads_into_state_correctly() {
        let all = clusters();
        assert!(all.len() >= 10, "too few example clusters: {}", all.len());
        for (label, raw) in all {
            let model = decode_value(raw.clone()).unwrap_or_else(|e| panic!("{label}: {e}"));
            let v = from_arm(&serde_json::to_value(&model).unwrap());
            let props = &raw["properties"];
            let access = &props["apiServerAccessProfile"];
            let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
            assert_eq!(s("name").as_deref(), raw["name"].as_str(), "{label}");
            assert_eq!(
                s("location").as_deref(),
                raw["location"].as_str(),
                "{label}"
            );
            assert_eq!(s("id").as_deref(), raw["id"].as_str(), "{label}");
            assert_eq!(
                s("dns_prefix").as_deref(),
                props["dnsPrefix"].as_str(),
                "{label}"
            );
            assert_eq!(
                s("dns_prefix_private_cluster").as_deref(),
                props["fqdnSubdomain"].as_str(),
                "{label}"
            );
            assert_eq!(s("fqdn").as_deref(), props["fqdn"].as_str(), "{label}");
            assert_eq!(
                s("private_fqdn").as_deref(),
                props["privateFQDN"].as_str(),
                "{label}"
            );
            assert_eq!(
                s("node_resource_group").as_deref(),
                props["nodeResourceGroup"].as_str(),
                "{label}"
            );
            assert_eq!(
                s("kubernetes_version").as_deref(),
                props["kubernetesVersion"].as_str(),
                "{label}"
            );
            let private = access["enablePrivateCluster"].as_bool().unwrap_or(false);
            assert_eq!(
                v.get("private_cluster_enabled"),
                Some(&Value::Bool(private)),
                "{label}"
            );
            let zone = s("private_dns_zone_id");
            if private {
                let raw_zone = access["privateDNSZone"].as_str().unwrap_or("system");
                assert!(
                    zone.as_deref()
                        .is_some_and(|z| z.eq_ignore_ascii_case(raw_zone)),
                    "{label}: {zone:?} vs {raw_zone}"
                );
            } else {
                assert_eq!(zone, None, "{label}");
            }
            assert_eq!(
                v.get("run_command_enabled"),
                Some(&Value::Bool(
                    !access["disableRunCommand"].as_bool().unwrap_or(false)
                )),
                "{label}"
            );
            let pool = block(&v, "default_node_pool").unwrap_or_else(|| panic!("{label}: no pool"));
            let raw_pool = raw["properties"]["agentPoolProfiles"][0].clone();
            assert_eq!(
                pool.get("name").and_then(Value::as_str),
                raw_pool["name"].as_str(),
                "{label}"
            );
            assert_eq!(
                pool.get("node_count")
                    .and_then(Value::as_number)
                    .and_then(|n| n.as_i64()),
                raw_pool["count"].as_i64(),
                "{label}"
            );
            assert_eq!(
                pool.get("vm_size").and_then(Value::as_str),
                raw_pool["vmSize"].as_str(),
                "{label}"
            );
            let tags = v
                .get("tags")
                .and_then(Value::as_object)
                .map(|m| m.len())
                .unwrap_or(0);
            let raw_tags = raw["tags"].as_object().map(|m| m.len()).unwrap_or(0);
            assert_eq!(tags, raw_tags, "{label}");
            if let Some(plugin) = props["networkProfile"]["networkPlugin"].as_str() {
                let net = block(&v, "network_profile").unwrap_or_else(|| panic!("{label}"));
                assert_eq!(
                    net.get("network_plugin").and_then(Value::as_str),
                    Some(plugin),
                    "{label}"
                );
            }
        }
    }
}
