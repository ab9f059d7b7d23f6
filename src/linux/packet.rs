//! An IP packet as the trace shows it at each hop: the L3/L4 header fields
//! that routing, netfilter and conntrack decide on.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

/// An L4 protocol: the IP header's protocol field (6, 17, 132, and 1 for
/// ICMP, which has no ports: a Service never has an ICMP port, but a
/// trace may be a ping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
    Icmp,
}

impl Protocol {
    /// As Kubernetes spells it (`TCP`).
    pub fn as_k8s(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
            Protocol::Icmp => "ICMP",
        }
    }

    /// As iptables spells it (`tcp`).
    pub fn as_lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
            Protocol::Icmp => "icmp",
        }
    }

    /// The IP header's protocol number (`conntrack -L` prints it).
    pub fn number(self) -> u8 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Sctp => 132,
            Protocol::Icmp => 1,
        }
    }

    /// Whether the protocol has ports (ICMP does not).
    pub fn has_ports(self) -> bool {
        self != Protocol::Icmp
    }
}

/// The ICMP messages a trace sends: a ping and its answer (`type` 8 and 0,
/// `code` 0). Their identifier plays the port's role in conntrack's tuple:
/// a packet carries it as its source port (echo request) or destination
/// port (echo reply), the other port being 0, so that the reply's tuple is
/// the request's reversed, as the kernel's `nf_conntrack_proto_icmp`
/// inverts it (same id, type 8 answered by type 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icmp {
    EchoRequest,
    EchoReply,
}

impl Icmp {
    /// The ICMP type (`type=8` in `conntrack -L`).
    pub fn icmp_type(self) -> u8 {
        match self {
            Icmp::EchoRequest => 8,
            Icmp::EchoReply => 0,
        }
    }

    /// As tcpdump names it (`echo request`).
    pub fn name(self) -> &'static str {
        match self {
            Icmp::EchoRequest => "echo request",
            Icmp::EchoReply => "echo reply",
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
    /// For ICMP: which message (its id is in the ports, see [`Icmp`]).
    pub icmp: Option<Icmp>,
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
            icmp: (proto == Protocol::Icmp).then_some(Icmp::EchoRequest),
        }
    }

    /// An ICMP echo request (`ping`) from `src` to `dst` with identifier `id`.
    pub fn echo_request(src: Ipv4Addr, dst: Ipv4Addr, id: u16) -> Packet {
        Packet::new(
            Protocol::Icmp,
            SocketAddrV4::new(src, id),
            SocketAddrV4::new(dst, 0),
        )
    }

    /// The echo reply to this echo request: addresses swapped, same id.
    pub fn echo_reply_to(&self) -> Packet {
        let mut p = Packet::new(Protocol::Icmp, self.dst, self.src);
        p.icmp = Some(Icmp::EchoReply);
        p
    }

    /// The ICMP identifier of an echo request or reply.
    pub fn icmp_id(&self) -> Option<u16> {
        match self.icmp? {
            Icmp::EchoRequest => Some(self.src.port()),
            Icmp::EchoReply => Some(self.dst.port()),
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
        if let (Some(kind), Some(id)) = (self.icmp, self.icmp_id()) {
            write!(
                f,
                "ICMP {} -> {} {} id={id}",
                self.src.ip(),
                self.dst.ip(),
                kind.name()
            )?;
        } else {
            write!(f, "{} {} -> {}", self.proto.as_k8s(), self.src, self.dst)?;
        }
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
        let mut st = s.serialize_struct("Packet", 7)?;
        st.serialize_field("proto", self.proto.as_lower())?;
        if self.proto.has_ports() {
            st.serialize_field("src", &self.src)?;
            st.serialize_field("dst", &self.dst)?;
        } else {
            // ICMP has no ports: bare addresses, and the message with its id.
            st.serialize_field("src", self.src.ip())?;
            st.serialize_field("dst", self.dst.ip())?;
            if let (Some(kind), Some(id)) = (self.icmp, self.icmp_id()) {
                st.serialize_field("icmp", kind.name())?;
                st.serialize_field("id", &id)?;
            }
        }
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
