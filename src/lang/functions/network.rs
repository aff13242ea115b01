//! CIDR arithmetic: `cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`, for IPv4 and IPv6.
//!
//! Addresses are handled as `u128` (IPv4 in the low 32 bits) so one code path serves both
//! families. Every shift and addition is checked: a bad prefix length or subnet number must
//! give an error a user can act on, never an overflow panic.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::args::{self, exactly, fail, invalid};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

/// A network prefix: its first address, prefix length and family width.
#[derive(Clone, Copy)]
struct Prefix {
    base: u128,
    len: u32,
    bits: u32,
}

impl Prefix {
    fn parse(v: Value) -> std::result::Result<Prefix, CallError> {
        let text = args::string(v, "prefix")?;
        let net: IpNet = text.parse().map_err(|_| {
            fail(format!(
                "invalid CIDR expression: invalid CIDR address: {}.",
                crate::value::quote(&text)
            ))
        })?;
        // Terraform accepts host bits in the given address and ignores them.
        let net = net.trunc();
        Ok(match net {
            IpNet::V4(n) => Prefix {
                base: u128::from(u32::from(n.network())),
                len: u32::from(n.prefix_len()),
                bits: 32,
            },
            IpNet::V6(n) => Prefix {
                base: u128::from(n.network()),
                len: u32::from(n.prefix_len()),
                bits: 128,
            },
        })
    }

    fn host_bits(&self) -> u32 {
        self.bits - self.len
    }

    /// Addresses in a block of prefix length `len`, or `None` for the whole IPv6 space.
    fn block_size(&self, len: u32) -> Option<u128> {
        1u128.checked_shl(self.bits - len)
    }

    fn address(&self, addr: u128) -> String {
        if self.bits == 32 {
            // The value is below 2^32 whenever it came from an IPv4 prefix.
            Ipv4Addr::from(u32::try_from(addr).unwrap_or(u32::MAX)).to_string()
        } else {
            Ipv6Addr::from(addr).to_string()
        }
    }

    fn cidr(&self, addr: u128, len: u32) -> String {
        format!("{}/{len}", self.address(addr))
    }

    fn family(&self) -> &'static str {
        if self.bits == 32 {
            "IPv4"
        } else {
            "IPv6"
        }
    }
}

pub(super) fn cidrsubnet(args: Vec<Value>) -> Result {
    let [prefix, newbits, netnum] = exactly(args)?;
    let prefix = Prefix::parse(prefix)?;
    let newbits = args::integer(&newbits, "newbits")?;
    let netnum = args::integer(&netnum, "netnum")?;
    if newbits < 0 {
        return Err(invalid("newbits", "must not be negative"));
    }
    let new_len = u32::try_from(newbits)
        .ok()
        .map(|n| n.saturating_add(prefix.len))
        .filter(|len| *len <= prefix.bits)
        .ok_or_else(|| {
            fail(format!(
                "insufficient address space to extend prefix of {} by {newbits}.",
                prefix.len
            ))
        })?;
    let fits = netnum >= 0 && (newbits >= 63 || netnum < (1i64 << newbits));
    if !fits {
        return Err(fail(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}."
        )));
    }
    // When the shift is the whole width, netnum can only be 0.
    let offset = (netnum as u128)
        .checked_shl(prefix.bits - new_len)
        .unwrap_or(0);
    Ok(Value::String(prefix.cidr(prefix.base | offset, new_len)))
}

pub(super) fn cidrhost(args: Vec<Value>) -> Result {
    let [prefix, hostnum] = exactly(args)?;
    let prefix = Prefix::parse(prefix)?;
    let hostnum = args::integer(&hostnum, "hostnum")?;
    let host_bits = prefix.host_bits();
    let out_of_range = || {
        fail(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}.",
            prefix.len
        ))
    };
    if host_bits < 64 {
        let count = 1i128 << host_bits;
        if i128::from(hostnum) >= count || i128::from(hostnum) < -count {
            return Err(out_of_range());
        }
    }
    let last = match prefix.block_size(prefix.len) {
        Some(size) => size - 1,
        None => u128::MAX,
    };
    // Negative numbers count back from the end: -1 is the last address of the prefix.
    let offset = if hostnum >= 0 {
        hostnum as u128
    } else {
        last - (u128::from(hostnum.unsigned_abs()) - 1)
    };
    Ok(Value::String(prefix.address(prefix.base | offset)))
}

pub(super) fn cidrnetmask(args: Vec<Value>) -> Result {
    let [prefix_arg] = exactly(args)?;
    let text = prefix_arg.as_str().unwrap_or_default().to_string();
    let prefix = Prefix::parse(prefix_arg)?;
    if prefix.bits != 32 {
        return Err(fail(format!(
            "IPv6 addresses cannot have a netmask: {}.",
            crate::value::quote(&text)
        )));
    }
    let mask = u32::MAX.checked_shl(32 - prefix.len).unwrap_or(0);
    Ok(Value::String(Ipv4Addr::from(mask).to_string()))
}

pub(super) fn cidrsubnets(args: Vec<Value>) -> Result {
    args::at_least(&args, 1)?;
    let mut args = args.into_iter();
    let prefix = Prefix::parse(args.next().unwrap_or_default())?;
    let network_end = prefix
        .block_size(prefix.len)
        .and_then(|size| prefix.base.checked_add(size));
    // The first free address; `None` once the last allocation reached the top of the space.
    let mut cursor = Some(prefix.base);
    let mut previous = prefix.cidr(prefix.base, prefix.len);
    let mut out = Vec::new();
    for arg in args {
        let newbits = args::integer(&arg, "newbits")?;
        if newbits < 1 {
            return Err(invalid("newbits", "must extend prefix by at least one bit"));
        }
        // Terraform's own limit, kept so configurations behave the same in both tools.
        if newbits > 32 {
            return Err(invalid(
                "newbits",
                "may not extend prefix by more than 32 bits",
            ));
        }
        let len = prefix.len + newbits as u32;
        if len > prefix.bits {
            return Err(invalid(
                "newbits",
                format!(
                    "would extend prefix to {len} bits, which is too long for an {} address",
                    prefix.family()
                ),
            ));
        }
        let no_room = || {
            fail(format!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {previous}."
            ))
        };
        // len >= 1, so a block is at most half the space and its size fits in u128.
        let size = prefix.block_size(len).ok_or_else(no_room)?;
        let start = cursor
            .and_then(|c| c.checked_add(size - 1))
            .map(|c| c & !(size - 1))
            .ok_or_else(no_room)?;
        let end = start.checked_add(size);
        let fits = match (end, network_end) {
            (Some(end), Some(limit)) => end <= limit,
            (_, None) => true,
            (None, Some(_)) => false,
        };
        if !fits {
            return Err(no_room());
        }
        previous = prefix.cidr(start, len);
        out.push(Value::String(previous.clone()));
        cursor = end;
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    fn n(v: i64) -> Value {
        Value::from(v)
    }

    fn message(r: Result) -> String {
        match r {
            Err(CallError::Failed(m)) => m,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn cidrsubnet_ipv4() {
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8), n(2)]),
            Ok(s("10.0.2.0/24"))
        );
        assert_eq!(
            call("cidrsubnet", vec![s("172.16.0.0/12"), n(4), n(2)]),
            Ok(s("172.18.0.0/16"))
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.1.2.0/24"), n(4), n(15)]),
            Ok(s("10.1.2.240/28"))
        );
        // Host bits in the input are ignored.
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.7.9/16"), n(0), n(0)]),
            Ok(s("10.0.0.0/16"))
        );
    }

    #[test]
    fn cidrsubnet_ipv6() {
        let out = call(
            "cidrsubnet",
            vec![s("fd00:fd12:3456:7890::/56"), n(16), n(162)],
        );
        assert_eq!(out, Ok(s("fd00:fd12:3456:7800:a200::/72")));
        let out = call("cidrsubnet", vec![s("2001:db8::/32"), n(16), n(1)]);
        assert_eq!(out, Ok(s("2001:db8:1::/48")));
        assert_eq!(
            call("cidrsubnet", vec![s("::/0"), n(0), n(0)]),
            Ok(s("::/0"))
        );
    }

    #[test]
    fn cidrsubnet_errors() {
        let msg = message(call("cidrsubnet", vec![s("10.0.0.0/16"), n(8), n(256)]));
        assert_eq!(
            msg,
            "prefix extension of 8 does not accommodate a subnet numbered 256."
        );
        let msg = message(call("cidrsubnet", vec![s("10.0.0.0/30"), n(8), n(0)]));
        assert_eq!(
            msg,
            "insufficient address space to extend prefix of 30 by 8."
        );
        assert!(
            message(call("cidrsubnet", vec![s("10.0.0.0/33"), n(1), n(0)]))
                .contains("invalid CIDR")
        );
        assert!(
            message(call("cidrsubnet", vec![s("nonsense"), n(1), n(0)])).contains("invalid CIDR")
        );
        assert!(call("cidrsubnet", vec![s("10.0.0.0/8"), n(-1), n(0)]).is_err());
        assert!(call("cidrsubnet", vec![s("10.0.0.0/8"), n(4), n(-1)]).is_err());
        assert!(call("cidrsubnet", vec![s("::/0"), n(i64::MAX / 4), n(0)]).is_err());
    }

    #[test]
    fn cidrhost_counts_from_both_ends() {
        assert_eq!(
            call("cidrhost", vec![s("10.12.112.0/20"), n(16)]),
            Ok(s("10.12.112.16"))
        );
        assert_eq!(
            call("cidrhost", vec![s("10.12.112.0/20"), n(268)]),
            Ok(s("10.12.113.12"))
        );
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(-1)]),
            Ok(s("10.0.0.255"))
        );
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(-256)]),
            Ok(s("10.0.0.0"))
        );
        let out = call("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34)]);
        assert_eq!(out, Ok(s("fd00:fd12:3456:7890::22")));
        assert_eq!(
            call("cidrhost", vec![s("::/0"), n(-1)]),
            Ok(s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        );
        let msg = message(call("cidrhost", vec![s("10.0.0.0/24"), n(256)]));
        assert_eq!(
            msg,
            "prefix of 24 does not accommodate a host numbered 256."
        );
        assert!(call("cidrhost", vec![s("10.0.0.0/24"), n(-257)]).is_err());
        assert!(call("cidrhost", vec![s("10.0.0.0/32"), n(1)]).is_err());
    }

    #[test]
    fn cidrnetmask_ipv4_only() {
        assert_eq!(
            call("cidrnetmask", vec![s("172.16.0.0/12")]),
            Ok(s("255.240.0.0"))
        );
        assert_eq!(call("cidrnetmask", vec![s("10.0.0.0/0")]), Ok(s("0.0.0.0")));
        assert_eq!(
            call("cidrnetmask", vec![s("10.0.0.1/32")]),
            Ok(s("255.255.255.255"))
        );
        assert!(message(call("cidrnetmask", vec![s("fd00::/8")])).contains("IPv6"));
    }

    #[test]
    fn cidrsubnets_packs_in_order() {
        let out = call(
            "cidrsubnets",
            vec![s("10.1.0.0/16"), n(4), n(4), n(8), n(4)],
        )
        .unwrap();
        let expected = [
            "10.1.0.0/20",
            "10.1.16.0/20",
            "10.1.32.0/24",
            "10.1.48.0/20",
        ];
        assert_eq!(out, Value::List(expected.iter().map(|e| s(e)).collect()));
        let out = call(
            "cidrsubnets",
            vec![s("fd00:fd12:3456:7890::/56"), n(16), n(16), n(16), n(32)],
        )
        .unwrap();
        let expected = [
            "fd00:fd12:3456:7800::/72",
            "fd00:fd12:3456:7800:100::/72",
            "fd00:fd12:3456:7800:200::/72",
            "fd00:fd12:3456:7800:300::/88",
        ];
        assert_eq!(out, Value::List(expected.iter().map(|e| s(e)).collect()));
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/8")]),
            Ok(Value::List(vec![]))
        );
        // The bottom of the address space is usable too.
        let out = call("cidrsubnets", vec![s("0.0.0.0/0"), n(1), n(1)]).unwrap();
        assert_eq!(out, Value::List(vec![s("0.0.0.0/1"), s("128.0.0.0/1")]));
    }

    #[test]
    fn cidrsubnets_errors() {
        let msg = message(call(
            "cidrsubnets",
            vec![s("10.0.0.0/24"), n(1), n(1), n(1)],
        ));
        assert_eq!(
            msg,
            "not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25."
        );
        assert!(call("cidrsubnets", vec![s("10.0.0.0/24"), n(0)]).is_err());
        assert!(call("cidrsubnets", vec![s("10.0.0.0/24"), n(33)]).is_err());
        assert!(message(call("cidrsubnets", vec![s("10.0.0.0/24"), n(9)]))
            .contains("too long for an IPv4"));
        assert!(call("cidrsubnets", vec![s("::/0"), n(1), n(1), n(1)]).is_err());
    }
}
