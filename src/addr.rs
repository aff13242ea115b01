//! Typed addresses: `module.net.aws_vpc.main["a"]` and its parts.
//!
//! Identity is never a raw string inside the engine; these types parse what users type on the
//! command line (`--target`, `state mv`) and print what plans and state show.

use std::cmp::Ordering;
use std::fmt;

/// The path of a module instance: empty for the root, `["net"]` for `module.net`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModulePath(pub Vec<String>);

impl ModulePath {
    pub fn root() -> ModulePath {
        ModulePath(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn child(&self, name: &str) -> ModulePath {
        let mut path = self.0.clone();
        path.push(name.to_string());
        ModulePath(path)
    }

    /// `module.a.module.b`, or `None` for the root (as state files write it).
    pub fn to_state_string(&self) -> Option<String> {
        (!self.is_root()).then(|| self.to_string())
    }

    pub fn parse_state(s: Option<&str>) -> Result<ModulePath, AddrError> {
        match s {
            None | Some("") => Ok(ModulePath::root()),
            Some(s) => {
                let parts: Vec<&str> = s.split('.').collect();
                if !parts.len().is_multiple_of(2) || parts.chunks(2).any(|c| c[0] != "module") {
                    return Err(AddrError(format!("invalid module path \"{s}\"")));
                }
                Ok(ModulePath(
                    parts.chunks(2).map(|c| c[1].to_string()).collect(),
                ))
            }
        }
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
        }
        Ok(())
    }
}

/// Managed resources and data sources live in separate namespaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }
}

/// A resource block: `aws_vpc.main`, `data.aws_vpc.shared`, in some module.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceAddr {
    pub module: ModulePath,
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
}

impl ResourceAddr {
    pub fn managed(module: ModulePath, type_name: &str, name: &str) -> ResourceAddr {
        ResourceAddr {
            module,
            mode: Mode::Managed,
            type_name: type_name.to_string(),
            name: name.to_string(),
        }
    }

    pub fn instance(&self, key: InstanceKey) -> InstanceAddr {
        InstanceAddr {
            resource: self.clone(),
            key,
        }
    }

    /// The address without its module path, as written inside the module.
    pub fn local_name(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.type_name, self.name),
            Mode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        f.write_str(&self.local_name())
    }
}

/// The key of one instance of a resource with `count` or `for_each`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InstanceKey {
    None,
    Int(i64),
    Str(String),
}

impl Ord for InstanceKey {
    fn cmp(&self, other: &Self) -> Ordering {
        fn rank(k: &InstanceKey) -> u8 {
            match k {
                InstanceKey::None => 0,
                InstanceKey::Int(_) => 1,
                InstanceKey::Str(_) => 2,
            }
        }
        match (self, other) {
            (InstanceKey::Int(a), InstanceKey::Int(b)) => a.cmp(b),
            (InstanceKey::Str(a), InstanceKey::Str(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl PartialOrd for InstanceKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", crate::value::quote(s)),
        }
    }
}

/// One instance of a resource: `aws_subnet.private[1]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr {
    pub resource: ResourceAddr,
    pub key: InstanceKey,
}

impl fmt::Display for InstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.resource, self.key)
    }
}

/// An address that could not be parsed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct AddrError(pub String);

/// What `--target` and `state` commands accept: a whole resource or one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetAddr {
    Module(ModulePath),
    Resource(ResourceAddr),
    Instance(InstanceAddr),
}

impl TargetAddr {
    /// True when `addr` is the target or inside it.
    pub fn contains(&self, addr: &InstanceAddr) -> bool {
        match self {
            TargetAddr::Module(m) => addr.resource.module.0.starts_with(&m.0),
            TargetAddr::Resource(r) => &addr.resource == r,
            TargetAddr::Instance(i) => i == addr,
        }
    }

    pub fn contains_resource(&self, addr: &ResourceAddr) -> bool {
        match self {
            TargetAddr::Module(m) => addr.module.0.starts_with(&m.0),
            TargetAddr::Resource(r) | TargetAddr::Instance(InstanceAddr { resource: r, .. }) => {
                r == addr
            }
        }
    }
}

impl fmt::Display for TargetAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetAddr::Module(m) => write!(f, "{m}"),
            TargetAddr::Resource(r) => write!(f, "{r}"),
            TargetAddr::Instance(i) => write!(f, "{i}"),
        }
    }
}

impl std::str::FromStr for TargetAddr {
    type Err = AddrError;

    fn from_str(s: &str) -> Result<TargetAddr, AddrError> {
        parse_target(s)
    }
}

fn parse_key(raw: &str, whole: &str) -> Result<InstanceKey, AddrError> {
    let inner = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(|| AddrError(format!("invalid instance key in \"{whole}\"")))?;
    if let Some(s) = inner.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return Ok(InstanceKey::Str(s.replace("\\\"", "\"")));
    }
    inner.parse::<i64>().map(InstanceKey::Int).map_err(|_| {
        AddrError(format!(
            "invalid instance key {raw} in \"{whole}\": use [0] or [\"name\"]"
        ))
    })
}

/// Splits on dots that are not inside brackets.
fn split_parts(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut in_str = false;
    for c in s.chars() {
        match c {
            '"' => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth -= 1,
            '.' if depth == 0 && !in_str => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

/// Parses `module.a.aws_vpc.main`, `data.aws_vpc.x`, `aws_subnet.private[0]` or `module.a`.
pub fn parse_target(s: &str) -> Result<TargetAddr, AddrError> {
    let bad = || {
        AddrError(format!(
            "\"{s}\" is not a resource address: expected TYPE.NAME, TYPE.NAME[KEY], data.TYPE.NAME or module.NAME"
        ))
    };
    let parts = split_parts(s.trim());
    let mut i = 0;
    let mut module = Vec::new();
    while i + 1 < parts.len() && parts[i] == "module" {
        if parts[i + 1].contains('[') {
            return Err(AddrError(format!(
                "module instance keys are not supported in \"{s}\""
            )));
        }
        module.push(parts[i + 1].clone());
        i += 2;
    }
    let module = ModulePath(module);
    let rest = &parts[i..];
    let (mode, type_name, name) = match rest {
        [] if !module.is_root() => return Ok(TargetAddr::Module(module)),
        [d, t, n] if d == "data" => (Mode::Data, t, n),
        [t, n] => (Mode::Managed, t, n),
        _ => return Err(bad()),
    };
    let (name, key) = match name.find('[') {
        Some(pos) => (&name[..pos], Some(parse_key(&name[pos..], s)?)),
        None => (name.as_str(), None),
    };
    let valid = |p: &str| {
        !p.is_empty()
            && p.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            && p.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    if !valid(type_name) || !valid(name) {
        return Err(bad());
    }
    let resource = ResourceAddr {
        module,
        mode,
        type_name: type_name.clone(),
        name: name.to_string(),
    };
    Ok(match key {
        Some(key) => TargetAddr::Instance(resource.instance(key)),
        None => TargetAddr::Resource(resource),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_instance_addresses() {
        for s in [
            "aws_vpc.main",
            "aws_subnet.private[1]",
            "module.net.aws_subnet.private[\"a.b\"]",
            "data.aws_vpc.shared",
            "module.net",
        ] {
            assert_eq!(parse_target(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_target("aws_vpc").is_err());
        assert!(parse_target("aws_vpc.main[x]").is_err());
        assert!(parse_target("a.b.c.d").is_err());
    }

    #[test]
    fn target_contains_instances() {
        let t = parse_target("aws_subnet.private").unwrap();
        let i = match parse_target("aws_subnet.private[0]").unwrap() {
            TargetAddr::Instance(i) => i,
            _ => unreachable!(),
        };
        assert!(t.contains(&i));
    }

    #[test]
    fn module_paths_round_trip_through_state_strings() {
        let m = ModulePath::parse_state(Some("module.a.module.b")).unwrap();
        assert_eq!(m.to_state_string().as_deref(), Some("module.a.module.b"));
        assert!(ModulePath::parse_state(Some("module")).is_err());
    }
}
