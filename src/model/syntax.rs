//! Field syntax as the Kubernetes API server checks it: names, labels,
//! port names, addresses and CIDRs. Each returns a sentence saying what is
//! wrong, for the caller to attach to an object and a field.

use ipnet::Ipv4Net;
use std::net::{IpAddr, Ipv4Addr};

fn is_alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// RFC 1123 subdomain: what Node and Pod names must be.
pub fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 253 {
        return Err(format!("{s:?} is longer than 253 characters"));
    }
    for part in s.split('.') {
        dns_label_chars(s, part)?;
    }
    Ok(())
}

/// RFC 1123 label: lowercase letters, digits and '-', alphanumeric at both
/// ends, at most 63 characters.
pub fn dns_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 63 {
        return Err(format!("{s:?} is longer than 63 characters"));
    }
    dns_label_chars(s, s)
}

fn dns_label_chars(whole: &str, part: &str) -> Result<(), String> {
    let ok = !part.is_empty()
        && part.chars().all(|c| is_alnum_lower(c) || c == '-')
        && part.starts_with(is_alnum_lower)
        && part.ends_with(is_alnum_lower);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{whole:?} is not a valid name (lowercase letters, digits and '-', starting and ending with a letter or digit)"
        ))
    }
}

/// RFC 1035 label: what Service names must be (starts with a letter).
pub fn service_name(s: &str) -> Result<(), String> {
    dns_label(s)?;
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!(
            "{s:?} is not a valid Service name (must start with a letter)"
        ));
    }
    Ok(())
}

/// IANA service name: what container port names and named targetPorts are.
pub fn port_name(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 15
        && s.chars().all(|c| is_alnum_lower(c) || c == '-')
        && s.chars().any(|c| c.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a valid port name (at most 15 lowercase letters, digits and single '-', with at least one letter)"
        ))
    }
}

fn qualified_name_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// A label key: `[prefix/]name`, the prefix a DNS subdomain.
pub fn label_key(k: &str) -> Result<(), String> {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if let Some(p) = prefix {
        if dns_subdomain(p).is_err() {
            return Err(format!("label key {k:?} has an invalid prefix {p:?}"));
        }
    }
    if !qualified_name_part(name) {
        return Err(format!(
            "label key {k:?} is invalid (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
        ));
    }
    Ok(())
}

/// A label value: empty, or like a key's name part.
pub fn label_value(v: &str) -> Result<(), String> {
    if v.is_empty() || qualified_name_part(v) {
        Ok(())
    } else {
        Err(format!(
            "label value {v:?} is invalid (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
        ))
    }
}

pub fn ipv4(s: &str) -> Result<Ipv4Addr, String> {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => Ok(a),
        Ok(IpAddr::V6(_)) => Err(format!(
            "{s:?} is an IPv6 address; the playground models IPv4 only"
        )),
        Err(_) => Err(format!("{s:?} is not an IP address")),
    }
}

/// A CIDR that must be written as its network address (`10.0.1.0/24`).
pub fn cidr(s: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = match s.trim().parse() {
        Ok(n) => n,
        Err(_) => {
            if s.contains(':') {
                return Err(format!(
                    "{s:?} is an IPv6 CIDR; the playground models IPv4 only"
                ));
            }
            return Err(format!("{s:?} is not a CIDR (expected like 10.0.1.0/24)"));
        }
    };
    if net.addr() != net.network() {
        return Err(format!(
            "{s:?} is not a network address (did you mean {}?)",
            net.trunc()
        ));
    }
    Ok(net)
}

/// A port number in 1-65535.
pub fn port(n: i64) -> Result<u16, String> {
    if (1..=65535).contains(&n) {
        Ok(n as u16)
    } else {
        Err(format!("{n} is out of range 1-65535"))
    }
}

/// Is `ip` a usable host address of `net` (not its network or broadcast)?
pub fn is_host_of(net: Ipv4Net, ip: Ipv4Addr) -> bool {
    net.contains(&ip) && (net.prefix_len() >= 31 || (ip != net.network() && ip != net.broadcast()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns_subdomain("node-1.example").is_ok());
        assert!(dns_subdomain("Node1").is_err());
        assert!(dns_subdomain("-a").is_err());
        assert!(service_name("web").is_ok());
        assert!(service_name("1web").is_err());
        assert!(port_name("http").is_ok());
        assert!(port_name("8080").is_err());
        assert!(port_name("a--b").is_err());
        assert!(port_name("abcdefghijklmnop").is_err());
    }

    #[test]
    fn labels() {
        assert!(label_key("app").is_ok());
        assert!(label_key("app.kubernetes.io/name").is_ok());
        assert!(label_key("Bad_Prefix/x").is_err());
        assert!(label_key("a b").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_3").is_ok());
        assert!(label_value("-x").is_err());
    }

    #[test]
    fn addresses() {
        assert_eq!(ipv4("10.0.1.2"), Ok(Ipv4Addr::new(10, 0, 1, 2)));
        assert!(ipv4("::1").unwrap_err().contains("IPv6"));
        assert!(ipv4("10.0.1").is_err());
        assert!(cidr("10.0.1.0/24").is_ok());
        assert!(cidr("10.0.1.5/24").unwrap_err().contains("10.0.1.0/24"));
        assert!(cidr("10.0.1.0/33").is_err());
        assert_eq!(port(0).unwrap_err(), "0 is out of range 1-65535");
        assert_eq!(port(65535), Ok(65535));
        let net = cidr("10.0.1.0/24").unwrap();
        assert!(is_host_of(net, Ipv4Addr::new(10, 0, 1, 1)));
        assert!(!is_host_of(net, Ipv4Addr::new(10, 0, 1, 255)));
        assert!(!is_host_of(net, Ipv4Addr::new(10, 0, 1, 0)));
    }
}
