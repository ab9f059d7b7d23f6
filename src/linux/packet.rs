//! An IP packet as the trace shows it at each hop: the L3/L4 header fields
//! that routing, netfilter and conntrack decide on.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

/// An L4 protocol: the IP header's protocol field (6, 17, 132).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// As Kubernetes spells it (`TCP`).
    pub fn as_k8s(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// As iptables spells it (`tcp`).
    pub fn as_lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

/// TCP flags the trace cares about (the first packet of a connection is a
/// SYN, its answer a SYN-ACK, a refused one is answered with RST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpFlags {
    Syn,
    SynAck,
    Rst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    pub proto: Protocol,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub ttl: u8,
    /// The netfilter mark (`skb->mark`), set by `MARK` rules.
    pub mark: u32,
    /// For TCP: which packet of the handshake this is.
    pub flags: Option<TcpFlags>,
}

/// The TTL a Linux host sends with.
pub const DEFAULT_TTL: u8 = 64;

impl Packet {
    pub fn new(proto: Protocol, src: SocketAddrV4, dst: SocketAddrV4) -> Packet {
        Packet {
            proto,
            src,
            dst,
            ttl: DEFAULT_TTL,
            mark: 0,
            flags: (proto == Protocol::Tcp).then_some(TcpFlags::Syn),
        }
    }

    pub fn src_ip(&self) -> Ipv4Addr {
        *self.src.ip()
    }

    pub fn dst_ip(&self) -> Ipv4Addr {
        *self.dst.ip()
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} -> {}", self.proto.as_k8s(), self.src, self.dst)?;
        match self.flags {
            Some(TcpFlags::Syn) => f.write_str(" [SYN]")?,
            Some(TcpFlags::SynAck) => f.write_str(" [SYN,ACK]")?,
            Some(TcpFlags::Rst) => f.write_str(" [RST]")?,
            None => {}
        }
        if self.mark != 0 {
            write!(f, " mark={:#x}", self.mark)?;
        }
        write!(f, " ttl={}", self.ttl)
    }
}

impl serde::Serialize for Packet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Packet", 6)?;
        st.serialize_field("proto", self.proto.as_lower())?;
        st.serialize_field("src", &self.src)?;
        st.serialize_field("dst", &self.dst)?;
        st.serialize_field(
            "flags",
            &self.flags.map(|f| match f {
                TcpFlags::Syn => "SYN",
                TcpFlags::SynAck => "SYN,ACK",
                TcpFlags::Rst => "RST",
            }),
        )?;
        st.serialize_field("ttl", &self.ttl)?;
        st.serialize_field("mark", &format!("{:#x}", self.mark))?;
        st.end()
    }
}
