//! Resource schemas: what a resource type's configuration may contain and how it behaves.
//!
//! The schema drives validation (unsupported and missing arguments, types), the default plan
//! (computed attributes, defaults, force-new), rendering (sensitive values) and the generated
//! reference documentation.

use std::collections::BTreeMap;

use crate::value::{Type, Value};

/// One attribute of a resource type.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    /// Set by the provider when not configured (ids, endpoints, server-filled defaults).
    pub computed: bool,
    pub default: Option<Value>,
    /// A change to this attribute replaces the resource.
    pub force_new: bool,
    pub sensitive: bool,
    pub description: String,
}

impl Attribute {
    fn new(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: false,
            optional: false,
            computed: false,
            default: None,
            force_new: false,
            sensitive: false,
            description: String::new(),
        }
    }

    pub fn required(ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::new(ty)
        }
    }

    pub fn optional(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::new(ty)
        }
    }

    /// Set only by the provider.
    pub fn computed(ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::new(ty)
        }
    }

    /// Optional; the provider fills it in when it is not written.
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::new(ty)
        }
    }

    pub fn default(mut self, v: impl Into<Value>) -> Attribute {
        self.default = Some(v.into());
        self
    }

    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }

    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    pub fn describe(mut self, d: &str) -> Attribute {
        self.description = d.to_string();
        self
    }

    /// True when configuration may set it.
    pub fn is_settable(&self) -> bool {
        self.required || self.optional
    }
}

/// How a nested block repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one; its value is an object (or null).
    Single,
    /// Ordered; its value is a list of objects.
    List,
    /// Unordered; its value is a set of objects.
    Set,
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub nesting: Nesting,
    pub min_items: usize,
    pub max_items: usize,
    pub schema: Schema,
    pub force_new: bool,
    /// A list or set that keeps what the cloud reports while the configuration has no such
    /// block at all (Terraform's Optional+Computed rule sets): a security group's rules
    /// made by separate rule resources are then no diff.
    pub computed: bool,
    pub description: String,
}

impl NestedBlock {
    pub fn single(schema: Schema) -> NestedBlock {
        NestedBlock {
            nesting: Nesting::Single,
            min_items: 0,
            max_items: 1,
            schema,
            force_new: false,
            computed: false,
            description: String::new(),
        }
    }

    pub fn list(schema: Schema) -> NestedBlock {
        NestedBlock {
            nesting: Nesting::List,
            max_items: usize::MAX,
            ..NestedBlock::single(schema)
        }
    }

    pub fn set(schema: Schema) -> NestedBlock {
        NestedBlock {
            nesting: Nesting::Set,
            max_items: usize::MAX,
            ..NestedBlock::single(schema)
        }
    }

    pub fn required(mut self) -> NestedBlock {
        self.min_items = self.min_items.max(1);
        self
    }

    pub fn force_new(mut self) -> NestedBlock {
        self.force_new = true;
        self
    }

    pub fn computed(mut self) -> NestedBlock {
        self.computed = true;
        self
    }

    pub fn describe(mut self, d: &str) -> NestedBlock {
        self.description = d.to_string();
        self
    }
}

/// The shape of a resource type's (or a nested block's) configuration and state.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub attributes: BTreeMap<String, Attribute>,
    pub blocks: BTreeMap<String, NestedBlock>,
    pub description: String,
    /// Blocks Terraform's schema has that clusterform does not support yet, with why: they
    /// get an error that says so instead of "Unsupported block type".
    pub not_yet: BTreeMap<String, String>,
}

impl Schema {
    pub fn new() -> Schema {
        Schema::default()
    }

    pub fn attr(mut self, name: &str, a: Attribute) -> Schema {
        self.attributes.insert(name.to_string(), a);
        self
    }

    pub fn block(mut self, name: &str, b: NestedBlock) -> Schema {
        self.blocks.insert(name.to_string(), b);
        self
    }

    pub fn describe(mut self, d: &str) -> Schema {
        self.description = d.to_string();
        self
    }

    /// A block of Terraform's schema that clusterform refuses for now, and why.
    pub fn not_yet(mut self, name: &str, why: &str) -> Schema {
        self.not_yet.insert(name.to_string(), why.to_string());
        self
    }

    /// The attribute or block at a path such as `["vpc_config", "subnet_ids"]`.
    pub fn attribute_at(&self, path: &[String]) -> Option<&Attribute> {
        match path {
            [] => None,
            [name] => self.attributes.get(name),
            [block, rest @ ..] => self.blocks.get(block)?.schema.attribute_at(rest),
        }
    }

    /// Paths of every sensitive attribute, for redaction.
    pub fn sensitive_paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (name, a) in &self.attributes {
            if a.sensitive {
                out.push(vec![name.clone()]);
            }
        }
        for (name, b) in &self.blocks {
            for mut p in b.schema.sensitive_paths() {
                p.insert(0, name.clone());
                out.push(p);
            }
        }
        out
    }

    /// The type of a value of this schema. Every attribute is optional, so converting a stored
    /// object fills in missing attributes and turns JSON arrays back into sets where the schema
    /// says set.
    pub fn implied_type(&self) -> Type {
        use crate::value::types::ObjectAttr;
        let mut attrs: BTreeMap<String, ObjectAttr> = self
            .attributes
            .iter()
            .map(|(n, a)| {
                (
                    n.clone(),
                    ObjectAttr {
                        ty: a.ty.clone(),
                        optional: true,
                        default: None,
                    },
                )
            })
            .collect();
        for (n, b) in &self.blocks {
            let inner = b.schema.implied_type();
            let ty = match b.nesting {
                Nesting::Single => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
            };
            attrs.insert(
                n.clone(),
                ObjectAttr {
                    ty,
                    optional: true,
                    default: None,
                },
            );
        }
        Type::Object(attrs)
    }

    /// A stored or read value in this schema's shape; values that do not fit stay as they are.
    pub fn coerce(&self, v: Value) -> Value {
        self.implied_type().convert(v.clone()).unwrap_or(v)
    }

    /// An object with every attribute and block set to null or empty: the shape of "nothing".
    pub fn empty_value(&self) -> Value {
        let mut map = BTreeMap::new();
        for name in self.attributes.keys() {
            map.insert(name.clone(), Value::Null);
        }
        for (name, b) in &self.blocks {
            map.insert(
                name.clone(),
                match b.nesting {
                    Nesting::Single => Value::Null,
                    Nesting::List => Value::List(Vec::new()),
                    Nesting::Set => Value::Set(Vec::new()),
                },
            );
        }
        Value::Object(map)
    }

    /// Marks the sensitive attributes of a value of this schema.
    pub fn mark_sensitive(&self, value: Value) -> Value {
        let Value::Object(mut map) = value else {
            return value;
        };
        for (name, a) in &self.attributes {
            if a.sensitive {
                if let Some(v) = map.remove(name) {
                    let marked = if v.is_null() { v } else { v.sensitive() };
                    map.insert(name.clone(), marked);
                }
            }
        }
        for (name, b) in &self.blocks {
            if let Some(v) = map.remove(name) {
                let v = match v {
                    Value::List(items) => Value::List(
                        items
                            .into_iter()
                            .map(|i| b.schema.mark_sensitive(i))
                            .collect(),
                    ),
                    Value::Set(items) => Value::Set(
                        items
                            .into_iter()
                            .map(|i| b.schema.mark_sensitive(i))
                            .collect(),
                    ),
                    other => b.schema.mark_sensitive(other),
                };
                map.insert(name.clone(), v);
            }
        }
        Value::Object(map)
    }
}

/// A data source from a resource type: `keys` are the arguments a lookup takes, and every
/// other attribute is computed (what was found).
pub fn lookup(resource: Schema, keys: &[&str], description: &str) -> Schema {
    let mut s = Schema::new().describe(description);
    for (name, a) in resource.attributes {
        let mut a = a;
        let key = keys.contains(&name.as_str());
        a.required = false;
        a.optional = key;
        a.computed = true;
        a.default = None;
        a.force_new = false;
        s.attributes.insert(name, a);
    }
    for (name, mut b) in resource.blocks {
        b.min_items = 0;
        b.schema = lookup(b.schema, &[], "");
        s.blocks.insert(name, b);
    }
    s
}
