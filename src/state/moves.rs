//! `state mv`: giving a resource or an instance a new address without touching the object.
//!
//! A move never overwrites: the destination must be free, and both ends must be the same
//! kind of object (mode and type), since the attributes were written by that type's
//! provider. Dependencies recorded on other instances are left as they are; the next apply
//! records fresh ones.

use crate::addr::{InstanceAddr, ResourceAddr};

use super::model::{index_key_json, State};
use super::StateError;

impl State {
    /// Moves one instance: `aws_subnet.a[0]` → `module.net.aws_subnet.a["x"]`.
    pub fn move_instance(
        &mut self,
        from: &InstanceAddr,
        to: &InstanceAddr,
    ) -> Result<(), StateError> {
        same_kind(&from.resource, &to.resource)?;
        if from == to {
            return Err(StateError::AddressConflict(format!(
                "cannot move {from} to itself"
            )));
        }
        let Some(provider) = self.resource(&from.resource).map(|rs| rs.provider.clone()) else {
            return Err(StateError::NotInState(from.to_string()));
        };
        if self.instance(from).is_none() {
            return Err(StateError::NotInState(from.to_string()));
        }
        if self.instance(to).is_some() {
            return Err(taken(&to.to_string()));
        }
        if let Some(existing) = self
            .resource(&to.resource)
            .filter(|rs| rs.provider != provider)
        {
            return Err(StateError::AddressConflict(format!(
                "cannot move {from} into {}: it uses {}, but {from} uses {provider}",
                to.resource, existing.provider
            )));
        }
        let Some(mut inst) = self.remove_instance(from) else {
            return Err(StateError::NotInState(from.to_string()));
        };
        inst.index_key = index_key_json(&to.key);
        self.set_instance(to, &provider, inst);
        Ok(())
    }

    /// Moves a resource with all its instances: `aws_vpc.main` → `module.net.aws_vpc.this`.
    pub fn move_resource(
        &mut self,
        from: &ResourceAddr,
        to: &ResourceAddr,
    ) -> Result<(), StateError> {
        same_kind(from, to)?;
        if from == to {
            return Err(StateError::AddressConflict(format!(
                "cannot move {from} to itself"
            )));
        }
        let Some(pos) = self.resources.iter().position(|rs| rs.is(from)) else {
            return Err(StateError::NotInState(from.to_string()));
        };
        if self.resource(to).is_some() {
            return Err(taken(&to.to_string()));
        }
        let mut rs = self.resources.remove(pos);
        rs.module = to.module.to_state_string();
        rs.name = to.name.clone();
        self.resources.push(rs);
        self.normalise();
        Ok(())
    }
}

fn same_kind(from: &ResourceAddr, to: &ResourceAddr) -> Result<(), StateError> {
    if from.mode != to.mode || from.type_name != to.type_name {
        return Err(StateError::AddressConflict(format!(
            "cannot move {from} to {to}: the resource types differ ({} and {}); an object \
             keeps its type for life",
            from.local_name().rsplit_once('.').map_or("", |p| p.0),
            to.local_name().rsplit_once('.').map_or("", |p| p.0),
        )));
    }
    Ok(())
}

fn taken(to: &str) -> StateError {
    StateError::AddressConflict(format!(
        "{to} already exists in the state\n\n\
         hint: to replace it, first remove it with `clusterform state rm {to}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{InstanceKey, ModulePath};
    use crate::state::InstanceState;
    use serde_json::json;

    const AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

    fn res(module: &[&str], type_name: &str, name: &str) -> ResourceAddr {
        let module = ModulePath(module.iter().map(|s| s.to_string()).collect());
        ResourceAddr::managed(module, type_name, name)
    }

    fn state_with(addrs: &[InstanceAddr]) -> State {
        let mut s = State::new();
        for a in addrs {
            s.set_instance(a, AWS, InstanceState::new(json!({"id": a.to_string()})));
        }
        s
    }

    #[test]
    fn moves_an_instance_to_a_new_key_and_module() {
        let from = res(&[], "aws_subnet", "a").instance(InstanceKey::Int(0));
        let to = res(&["net"], "aws_subnet", "a").instance(InstanceKey::Str("x".into()));
        let mut s = state_with(std::slice::from_ref(&from));
        s.move_instance(&from, &to).unwrap();
        assert!(s.instance(&from).is_none());
        let moved = s.instance(&to).unwrap();
        assert_eq!(moved.attributes["id"], "aws_subnet.a[0]");
        assert_eq!(moved.index_key, Some(json!("x")));
        assert_eq!(s.resources.len(), 1);
    }

    #[test]
    fn moves_a_resource_with_its_instances() {
        let from = res(&[], "aws_subnet", "a");
        let to = res(&["net"], "aws_subnet", "b");
        let mut s = state_with(&[
            from.instance(InstanceKey::Int(0)),
            from.instance(InstanceKey::Int(1)),
            res(&[], "aws_vpc", "main").instance(InstanceKey::None),
        ]);
        s.move_resource(&from, &to).unwrap();
        assert!(s.resource(&from).is_none());
        assert_eq!(s.resource(&to).unwrap().instances.len(), 2);
        assert_eq!(
            s.resources.last().unwrap().module.as_deref(),
            Some("module.net")
        );
    }

    #[test]
    fn refuses_to_overwrite_or_change_type() {
        let a = res(&[], "aws_subnet", "a").instance(InstanceKey::None);
        let b = res(&[], "aws_subnet", "b").instance(InstanceKey::None);
        let mut s = state_with(&[a.clone(), b.clone()]);
        let err = s.move_instance(&a, &b).unwrap_err().to_string();
        assert!(
            err.starts_with("aws_subnet.b already exists in the state"),
            "{err}"
        );
        let err = s
            .move_resource(&a.resource, &b.resource)
            .unwrap_err()
            .to_string();
        assert!(err.contains("already exists"), "{err}");

        let vpc = res(&[], "aws_vpc", "a");
        let err = s.move_resource(&a.resource, &vpc).unwrap_err().to_string();
        assert!(
            err.contains("resource types differ (aws_subnet and aws_vpc)"),
            "{err}"
        );

        let missing = res(&[], "aws_subnet", "zzz");
        let err = s
            .move_resource(&missing, &res(&[], "aws_subnet", "y"))
            .unwrap_err();
        assert_eq!(err.to_string(), "aws_subnet.zzz is not in the state");
        assert_eq!(s, state_with(&[a, b]).with_lineage(&s.lineage));
    }

    impl State {
        fn with_lineage(mut self, lineage: &str) -> State {
            self.lineage = lineage.to_string();
            self
        }
    }
}
