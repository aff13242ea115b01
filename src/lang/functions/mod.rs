//! Built-in functions: `length`, `merge`, `cidrsubnet`, `templatefile`, …
//!
//! [`call`] takes the evaluated arguments (with their marks) and owns the rules for unknown and
//! sensitive values, so the evaluator stays free of per-function knowledge and the functions
//! themselves only ever see plain, unmarked values. Because of that, `call` also hides
//! sensitive values in error messages (see `redact.rs`). `try`, `can`, `sensitive` and
//! `nonsensitive` need unevaluated arguments or marks, so the evaluator handles them; they are
//! listed in [`NAMES`] only so suggestions and docs know about them.

mod args;
mod conversion;
mod encoding;
mod filesystem;
mod format;
mod format_verbs;
mod lists;
mod maps;
mod network;
mod numeric;
mod range;
mod redact;
mod strings;
mod template;

use std::path::Path;

use crate::value::Value;

/// What a function may need from its surroundings.
pub struct CallContext<'a> {
    /// The directory relative paths in `file()` and `templatefile()` resolve against.
    pub base_dir: &'a Path,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// No function has that name.
    Unknown,
    /// The function refused its arguments; the message says why, in words.
    Failed(String),
}

type Pure = fn(Vec<Value>) -> Result<Value, CallError>;
type WithContext = fn(&CallContext<'_>, Vec<Value>) -> Result<Value, CallError>;

/// How a function deals with unknown values among its arguments.
#[derive(Clone, Copy, PartialEq)]
enum Unknowns {
    /// Any unknown anywhere in the arguments makes the result unknown.
    Propagate,
    /// The result depends only on structure: only an argument that is itself unknown makes
    /// the result unknown; unknowns nested inside collections are the function's business.
    Structural,
}

#[derive(Clone, Copy)]
enum Body {
    Pure(Pure),
    WithContext(WithContext),
}

struct Function {
    unknowns: Unknowns,
    body: Body,
}

const fn pure(body: Pure) -> Function {
    Function {
        unknowns: Unknowns::Propagate,
        body: Body::Pure(body),
    }
}

const fn structural(body: Pure) -> Function {
    Function {
        unknowns: Unknowns::Structural,
        body: Body::Pure(body),
    }
}

const fn contextual(body: WithContext) -> Function {
    Function {
        unknowns: Unknowns::Propagate,
        body: Body::WithContext(body),
    }
}

/// Names the evaluator answers itself, because they need unevaluated arguments or marks.
const EVALUATOR_HANDLED: &[&str] = &["can", "nonsensitive", "sensitive", "try"];

fn lookup_function(name: &str) -> Option<Function> {
    Some(match name {
        "abs" => pure(numeric::abs),
        "abspath" => pure(filesystem::abspath),
        "alltrue" => pure(lists::alltrue),
        "anytrue" => pure(lists::anytrue),
        "base64decode" => pure(encoding::base64decode),
        "base64encode" => pure(encoding::base64encode),
        "basename" => pure(filesystem::basename),
        "ceil" => pure(numeric::ceil),
        "cidrhost" => pure(network::cidrhost),
        "cidrnetmask" => pure(network::cidrnetmask),
        "cidrsubnet" => pure(network::cidrsubnet),
        "cidrsubnets" => pure(network::cidrsubnets),
        "coalesce" => pure(conversion::coalesce),
        "coalescelist" => structural(lists::coalescelist),
        "compact" => pure(lists::compact),
        "concat" => structural(lists::concat),
        "contains" => pure(lists::contains),
        "dirname" => pure(filesystem::dirname),
        "distinct" => pure(lists::distinct),
        "element" => structural(lists::element),
        "endswith" => pure(strings::endswith),
        "file" => contextual(filesystem::file),
        "fileexists" => contextual(filesystem::fileexists),
        "flatten" => structural(lists::flatten),
        "floor" => pure(numeric::floor),
        "format" => pure(format::format),
        "formatlist" => pure(format::formatlist),
        "index" => pure(lists::index),
        "join" => pure(strings::join),
        "jsondecode" => pure(encoding::jsondecode),
        "jsonencode" => pure(encoding::jsonencode),
        "keys" => structural(maps::keys),
        "length" => structural(lists::length),
        "lookup" => structural(maps::lookup),
        "lower" => pure(strings::lower),
        "max" => pure(numeric::max),
        "merge" => structural(maps::merge),
        "min" => pure(numeric::min),
        "one" => structural(lists::one),
        "range" => pure(range::range),
        "replace" => pure(strings::replace),
        "reverse" => structural(lists::reverse),
        "slice" => structural(lists::slice),
        "sort" => pure(lists::sort),
        "split" => pure(strings::split),
        "startswith" => pure(strings::startswith),
        "strcontains" => pure(strings::strcontains),
        "substr" => pure(strings::substr),
        "sum" => pure(numeric::sum),
        "templatefile" => contextual(template::templatefile),
        "title" => pure(strings::title),
        "tobool" => pure(conversion::tobool),
        "tolist" => structural(conversion::tolist),
        "tomap" => structural(conversion::tomap),
        "tonumber" => pure(conversion::tonumber),
        "toset" => pure(conversion::toset),
        "tostring" => pure(conversion::tostring),
        "trim" => pure(strings::trim),
        "trimprefix" => pure(strings::trimprefix),
        "trimspace" => pure(strings::trimspace),
        "trimsuffix" => pure(strings::trimsuffix),
        "upper" => pure(strings::upper),
        "values" => pure(maps::values),
        "zipmap" => structural(maps::zipmap),
        _ => return None,
    })
}

/// Calls the built-in function `name`.
///
/// Marks are handled here, once: every argument is stripped of its sensitive marks and, if any
/// had one, the whole result is marked sensitive. Unknown arguments make the result unknown,
/// except that structural functions (`Unknowns::Structural`) look inside collections.
/// A failure's message never contains the text of a sensitive argument.
pub fn call(ctx: &CallContext<'_>, name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    let Some(function) = lookup_function(name) else {
        if EVALUATOR_HANDLED.contains(&name) {
            // Only reachable if a caller bypasses the evaluator; say so rather than "unknown".
            return Err(CallError::Failed(format!(
                "\"{name}\" is evaluated by the expression evaluator and cannot be called directly."
            )));
        }
        return Err(CallError::Unknown);
    };
    // Remembered before the marks go, so an error message cannot print a secret.
    let secrets = if args.iter().any(Value::contains_sensitive) {
        redact::sensitive_texts(&args)
    } else {
        Vec::new()
    };
    let mut marked = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|arg| {
            let (plain, m) = arg.strip_marks();
            marked |= m;
            plain
        })
        .collect();
    let unknown = match function.unknowns {
        Unknowns::Propagate => args.iter().any(Value::contains_unknown),
        Unknowns::Structural => args.iter().any(|a| matches!(a, Value::Unknown)),
    };
    if unknown {
        return Ok(Value::Unknown.mark_if(marked));
    }
    let result = match function.body {
        Body::Pure(f) => f(args),
        Body::WithContext(f) => f(ctx, args),
    };
    match result {
        Ok(value) => Ok(value.mark_if(marked)),
        Err(CallError::Failed(message)) if !secrets.is_empty() => {
            Err(CallError::Failed(redact::redact(message, &secrets)))
        }
        Err(err) => Err(err),
    }
}

/// The name of the built-in function closest to a misspelt one.
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::suggest::closest(name, NAMES.iter().copied())
}

/// Every built-in function's name, sorted.
pub const NAMES: &[&str] = &[
    "abs",
    "abspath",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "basename",
    "can",
    "ceil",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "file",
    "fileexists",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "range",
    "replace",
    "reverse",
    "sensitive",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "substr",
    "sum",
    "templatefile",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "upper",
    "values",
    "zipmap",
];

/// Calls a function with a context rooted at the current directory; for unit tests.
#[cfg(test)]
pub(crate) fn call_plain(name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    call(
        &CallContext {
            base_dir: Path::new("."),
        },
        name,
        args,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::from(*s)).collect())
    }

    #[test]
    fn names_are_sorted_and_all_dispatch() {
        assert!(
            NAMES.windows(2).all(|w| w[0] < w[1]),
            "NAMES must stay sorted"
        );
        for name in NAMES {
            let known = lookup_function(name).is_some() || EVALUATOR_HANDLED.contains(name);
            assert!(known, "{name} is listed but not implemented");
        }
        assert_eq!(call_plain("nosuch", vec![]), Err(CallError::Unknown));
        assert!(matches!(
            call_plain("try", vec![]),
            Err(CallError::Failed(_))
        ));
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(suggest("lenght"), Some("length"));
        assert_eq!(suggest("cidrsubnett"), Some("cidrsubnet"));
    }

    #[test]
    fn sensitive_argument_marks_the_result() {
        let out = call_plain("upper", vec![Value::from("secret").sensitive()]).unwrap();
        assert_eq!(out, Value::from("SECRET").sensitive());
        // A mark deep inside a collection still marks the result, which itself is clean inside.
        let list = Value::List(vec![Value::from("a"), Value::from("b").sensitive()]);
        let out = call_plain("join", vec![Value::from(","), list]).unwrap();
        assert_eq!(out, Value::from("a,b").sensitive());
    }

    #[test]
    fn unmarked_arguments_give_unmarked_results() {
        let out = call_plain("upper", vec![Value::from("x")]).unwrap();
        assert_eq!(out, Value::from("X"));
    }

    #[test]
    fn unknown_argument_gives_unknown() {
        let out = call_plain("upper", vec![Value::Unknown]).unwrap();
        assert_eq!(out, Value::Unknown);
        let nested = Value::List(vec![Value::from("a"), Value::Unknown]);
        let out = call_plain("join", vec![Value::from(","), nested]).unwrap();
        assert_eq!(out, Value::Unknown);
    }

    #[test]
    fn unknown_and_sensitive_together_stay_both() {
        let out = call_plain("upper", vec![Value::Unknown.sensitive()]).unwrap();
        assert!(out.is_unknown());
        assert!(out.contains_sensitive());
    }

    #[test]
    fn structural_functions_see_through_nested_unknowns() {
        let list = Value::List(vec![Value::from("a"), Value::Unknown, Value::from("c")]);
        assert_eq!(
            call_plain("length", vec![list.clone()]).unwrap(),
            Value::from(3)
        );
        assert_eq!(
            call_plain("length", vec![Value::Unknown]).unwrap(),
            Value::Unknown
        );
        let out = call_plain("concat", vec![list, strings(&["d"])]).unwrap();
        assert_eq!(
            out,
            Value::List(vec![
                Value::from("a"),
                Value::Unknown,
                Value::from("c"),
                Value::from("d")
            ])
        );
    }

    #[test]
    fn structural_function_with_unknown_argument_is_unknown() {
        let out = call_plain("concat", vec![strings(&["a"]), Value::Unknown]).unwrap();
        assert_eq!(out, Value::Unknown);
    }
}
