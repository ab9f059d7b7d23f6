//! Connection tracking, per node: each connection's original tuple and the
//! reply tuple it expects, which carry its NAT. The nat table decides a
//! connection's first packet; conntrack translates every later packet, in
//! both directions, as the kernel's `nf_nat` does: destination at
//! PREROUTING/OUTPUT, source at POSTROUTING/INPUT.

use super::packet::{Icmp, Packet, Protocol, TcpFlags};
use crate::hash::HashMap;
use serde::Serialize;
use std::fmt;
use std::net::SocketAddrV4;

/// A conntrack state, as `-m conntrack --ctstate` (and nftables' `ct state`)
/// test it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtState {
    New,
    Established,
    Related,
    Invalid,
    Untracked,
    Snat,
    Dnat,
}

impl CtState {
    pub fn as_str(self) -> &'static str {
        match self {
            CtState::New => "NEW",
            CtState::Established => "ESTABLISHED",
            CtState::Related => "RELATED",
            CtState::Invalid => "INVALID",
            CtState::Untracked => "UNTRACKED",
            CtState::Snat => "SNAT",
            CtState::Dnat => "DNAT",
        }
    }

    pub fn parse(s: &str) -> Option<CtState> {
        Some(match s {
            "NEW" => CtState::New,
            "ESTABLISHED" => CtState::Established,
            "RELATED" => CtState::Related,
            "INVALID" => CtState::Invalid,
            "UNTRACKED" => CtState::Untracked,
            "SNAT" => CtState::Snat,
            "DNAT" => CtState::Dnat,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tuple {
    pub proto: Protocol,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
}

impl Tuple {
    pub fn of(p: &Packet) -> Tuple {
        Tuple {
            proto: p.proto,
            src: p.src,
            dst: p.dst,
        }
    }

    pub fn reversed(&self) -> Tuple {
        Tuple {
            proto: self.proto,
            src: self.dst,
            dst: self.src,
        }
    }
}

impl fmt::Display for Tuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "src={} dst={} sport={} dport={}",
            self.src.ip(),
            self.dst.ip(),
            self.src.port(),
            self.dst.port()
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Original,
    Reply,
}

impl Direction {
    /// `Original` or `Reply`, as notes name it (written out rather than
    /// `{:?}`, which pulled a Debug impl into the wasm build).
    pub fn name(self) -> &'static str {
        match self {
            Direction::Original => "Original",
            Direction::Reply => "Reply",
        }
    }
}

/// One tracked connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub original: Tuple,
    /// What a reply looks like: the original reversed, with NAT applied
    /// (after DNAT its source is the backend, after SNAT its destination
    /// is the masquerade address).
    pub reply: Tuple,
    /// A reply has been seen.
    pub replied: bool,
}

impl Entry {
    pub fn new(original: Tuple) -> Entry {
        Entry {
            original,
            reply: original.reversed(),
            replied: false,
        }
    }

    pub fn is_dnat(&self) -> bool {
        self.reply.src != self.original.dst
    }

    pub fn is_snat(&self) -> bool {
        self.reply.dst != self.original.src
    }

    /// The destination a packet of `dir` is rewritten to (PREROUTING/OUTPUT).
    pub fn dst_for(&self, dir: Direction) -> SocketAddrV4 {
        match dir {
            Direction::Original => self.reply.src,
            Direction::Reply => self.original.src,
        }
    }

    /// The source a packet of `dir` is rewritten to (POSTROUTING/INPUT).
    pub fn src_for(&self, dir: Direction) -> SocketAddrV4 {
        match dir {
            Direction::Original => self.reply.dst,
            Direction::Reply => self.original.dst,
        }
    }
}

impl fmt::Display for Entry {
    /// As `conntrack -L` prints it after the traced exchange, without
    /// timeout and counters. A trace is a TCP SYN and its SYN-ACK, so a
    /// TCP entry is SYN_SENT, then SYN_RECV once answered; the client's
    /// final ACK, which would make it ESTABLISHED and `[ASSURED]`, is not
    /// traced. A UDP entry is `[UNREPLIED]` until its answer, and not yet
    /// `[ASSURED]` after one exchange either. An ICMP echo's entry
    /// names type, code and id instead of ports (`type=8 code=0 id=N`,
    /// the reply direction `type=0`), and is never `[ASSURED]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proto = self.original.proto;
        write!(f, "{} {} ", proto.as_lower(), proto.number())?;
        if proto == Protocol::Icmp {
            let side = |t: &Tuple, kind: Icmp, id: u16| {
                format!(
                    "src={} dst={} type={} code=0 id={id}",
                    t.src.ip(),
                    t.dst.ip(),
                    kind.icmp_type()
                )
            };
            f.write_str(&side(
                &self.original,
                Icmp::EchoRequest,
                self.original.src.port(),
            ))?;
            if !self.replied {
                f.write_str(" [UNREPLIED]")?;
            }
            return write!(
                f,
                " {}",
                side(&self.reply, Icmp::EchoReply, self.reply.dst.port())
            );
        }
        if self.original.proto == Protocol::Tcp {
            f.write_str(if self.replied {
                "SYN_RECV "
            } else {
                "SYN_SENT "
            })?;
        }
        write!(f, "{}", self.original)?;
        if !self.replied {
            f.write_str(" [UNREPLIED]")?;
        }
        write!(f, " {}", self.reply)
    }
}

/// What conntrack makes of a packet before the hooks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Part of the connection at this index, in this direction.
    Known(usize, Direction),
    /// The first packet of a new connection.
    New,
    /// Matches no connection and cannot start one (a TCP SYN-ACK or RST
    /// out of nowhere): conntrack marks it INVALID.
    Invalid,
}

/// A node's conntrack table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conntrack {
    /// In the order confirmed.
    entries: Vec<Entry>,
    /// Tuple -> the first entry (and direction) with that original or
    /// reply tuple, as a scan of `entries` in order finds it (the kernel's
    /// hash table).
    by_tuple: HashMap<Tuple, (usize, Direction)>,
    /// Port -> the entries whose original source port or reply
    /// destination port it is, in order (a connection's entries, by its
    /// client port).
    by_port: HashMap<u16, Vec<usize>>,
}

impl Conntrack {
    /// Every entry, in the order confirmed.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn lookup(&self, p: &Packet) -> Lookup {
        if let Some(&(i, dir)) = self.by_tuple.get(&Tuple::of(p)) {
            return Lookup::Known(i, dir);
        }
        match (p.proto, p.flags, p.icmp) {
            (Protocol::Tcp, Some(TcpFlags::SynAck | TcpFlags::Rst), _) => Lookup::Invalid,
            // Only an echo request starts an ICMP connection
            // (`icmp_new`'s valid_new); a lone echo reply is INVALID.
            (Protocol::Icmp, _, Some(Icmp::EchoReply)) => Lookup::Invalid,
            _ => Lookup::New,
        }
    }

    /// The entries whose original source port or reply destination port
    /// is `port`, in order.
    pub fn with_port(&self, port: u16) -> impl Iterator<Item = &Entry> + '_ {
        self.by_port
            .get(&port)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }

    fn index(&mut self, i: usize) {
        let e = &self.entries[i];
        self.by_tuple
            .entry(e.original)
            .or_insert((i, Direction::Original));
        self.by_tuple
            .entry(e.reply)
            .or_insert((i, Direction::Reply));
        let ports = self.by_port.entry(e.original.src.port()).or_default();
        ports.push(i);
        if e.reply.dst.port() != e.original.src.port() {
            self.by_port.entry(e.reply.dst.port()).or_default().push(i);
        }
    }

    /// Rebuilds the indexes after entries were removed (rare).
    fn reindex(&mut self) {
        self.by_tuple.clear();
        self.by_port.clear();
        for i in 0..self.entries.len() {
            self.index(i);
        }
    }

    /// Confirms a new connection (at the end of POSTROUTING or INPUT).
    pub fn confirm(&mut self, e: Entry) -> usize {
        self.entries.push(e);
        let i = self.entries.len() - 1;
        self.index(i);
        i
    }

    /// A packet of entry `i` went by in the reply direction. As the
    /// kernel's TCP tracker does, a TCP RST that is the connection's first
    /// answer (a refused connection) deletes the entry at once; any other
    /// answer marks it replied.
    pub fn reply_seen(&mut self, i: usize, p: &Packet) {
        let Some(e) = self.entries.get_mut(i) else {
            return;
        };
        if p.proto == Protocol::Tcp && p.flags == Some(TcpFlags::Rst) && !e.replied {
            self.entries.remove(i);
            self.reindex();
        } else {
            e.replied = true;
        }
    }

    /// Forgets UDP connections to `backend` (kube-proxy does this when an
    /// endpoint goes away; TCP entries are left to time out).
    pub fn clear_udp_to(&mut self, backend: std::net::Ipv4Addr) {
        let before = self.entries.len();
        self.entries
            .retain(|e| !(e.original.proto == Protocol::Udp && e.reply.src.ip() == &backend));
        if self.entries.len() != before {
            self.reindex();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sa(s: &str) -> SocketAddrV4 {
        s.parse().unwrap()
    }

    #[test]
    fn a_dnat_entry_translates_both_ways() {
        let syn = Packet::new(Protocol::Tcp, sa("10.0.1.2:40000"), sa("10.3.241.152:80"));
        let mut ct = Conntrack::default();
        assert_eq!(ct.lookup(&syn), Lookup::New);
        let mut e = Entry::new(Tuple::of(&syn));
        e.reply.src = sa("10.0.2.2:8080");
        assert!(e.is_dnat() && !e.is_snat());
        let i = ct.confirm(e);
        assert_eq!(ct.lookup(&syn), Lookup::Known(i, Direction::Original));
        assert_eq!(
            ct.entries[i].dst_for(Direction::Original),
            sa("10.0.2.2:8080")
        );
        let mut reply = Packet::new(Protocol::Tcp, sa("10.0.2.2:8080"), sa("10.0.1.2:40000"));
        reply.flags = Some(TcpFlags::SynAck);
        assert_eq!(ct.lookup(&reply), Lookup::Known(i, Direction::Reply));
        assert_eq!(
            ct.entries[i].src_for(Direction::Reply),
            sa("10.3.241.152:80")
        );
        assert_eq!(
            ct.entries[i].to_string(),
            "tcp 6 SYN_SENT src=10.0.1.2 dst=10.3.241.152 sport=40000 dport=80 [UNREPLIED] src=10.0.2.2 dst=10.0.1.2 sport=8080 dport=40000"
        );
    }

    #[test]
    fn an_echo_reply_matches_its_requests_entry_by_id() {
        let ping = Packet::echo_request(
            "10.0.1.2".parse().unwrap(),
            "10.0.2.2".parse().unwrap(),
            40000,
        );
        let mut ct = Conntrack::default();
        assert_eq!(ct.lookup(&ping), Lookup::New);
        let reply = ping.echo_reply_to();
        assert_eq!(reply.icmp_id(), Some(40000));
        // A reply with no request before it starts nothing.
        assert_eq!(ct.lookup(&reply), Lookup::Invalid);
        let i = ct.confirm(Entry::new(Tuple::of(&ping)));
        assert_eq!(
            ct.entries[i].to_string(),
            "icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 [UNREPLIED] src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000"
        );
        assert_eq!(ct.lookup(&reply), Lookup::Known(i, Direction::Reply));
        ct.reply_seen(i, &reply);
        assert_eq!(
            ct.entries[i].to_string(),
            "icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000"
        );
        // Another id is another connection.
        let other = Packet::echo_request(*ping.src.ip(), *ping.dst.ip(), 40001);
        assert_eq!(ct.lookup(&other), Lookup::New);
        assert_eq!(ct.with_port(40000).count(), 1);
    }

    #[test]
    fn a_syn_ack_from_nowhere_is_invalid() {
        let mut p = Packet::new(Protocol::Tcp, sa("10.0.2.2:8080"), sa("203.0.113.10:40000"));
        p.flags = Some(TcpFlags::SynAck);
        assert_eq!(Conntrack::default().lookup(&p), Lookup::Invalid);
        let udp = Packet::new(Protocol::Udp, sa("10.0.2.2:53"), sa("10.0.1.2:40000"));
        assert_eq!(Conntrack::default().lookup(&udp), Lookup::New);
    }

    #[test]
    fn a_rst_as_the_first_answer_deletes_the_entry() {
        let syn = Packet::new(Protocol::Tcp, sa("10.100.0.10:40000"), sa("10.100.0.3:80"));
        let mut ct = Conntrack::default();
        let i = ct.confirm(Entry::new(Tuple::of(&syn)));
        let mut rst = Packet::new(Protocol::Tcp, sa("10.100.0.3:80"), sa("10.100.0.10:40000"));
        rst.flags = Some(TcpFlags::Rst);
        assert_eq!(ct.lookup(&rst), Lookup::Known(i, Direction::Reply));
        ct.reply_seen(i, &rst);
        assert!(ct.entries.is_empty());
        // A SYN-ACK marks it replied instead.
        let i = ct.confirm(Entry::new(Tuple::of(&syn)));
        let mut ack = rst;
        ack.flags = Some(TcpFlags::SynAck);
        ct.reply_seen(i, &ack);
        assert!(ct.entries[i].replied);
    }

    #[test]
    fn the_first_entry_of_a_tuple_wins_and_removal_reindexes() {
        let syn = Packet::new(Protocol::Tcp, sa("10.0.1.2:40000"), sa("10.0.2.2:80"));
        let mut ct = Conntrack::default();
        let a = ct.confirm(Entry::new(Tuple::of(&syn)));
        let b = ct.confirm(Entry::new(Tuple::of(&syn)));
        assert_eq!(ct.lookup(&syn), Lookup::Known(a, Direction::Original));
        assert_eq!(ct.with_port(40000).count(), 2);
        let mut rst = Packet::new(Protocol::Tcp, sa("10.0.2.2:80"), sa("10.0.1.2:40000"));
        rst.flags = Some(TcpFlags::Rst);
        ct.reply_seen(a, &rst);
        assert_eq!(ct.entries().len(), 1);
        assert_eq!(ct.lookup(&syn), Lookup::Known(b - 1, Direction::Original));
        assert_eq!(ct.with_port(40000).count(), 1);
        assert_eq!(ct.with_port(80).count(), 0);
    }

    #[test]
    fn udp_entries_to_a_gone_backend_are_cleared_tcp_stay() {
        let mut ct = Conntrack::default();
        for proto in [Protocol::Udp, Protocol::Tcp] {
            let p = Packet::new(proto, sa("10.0.1.2:40000"), sa("10.3.241.152:53"));
            let mut e = Entry::new(Tuple::of(&p));
            e.reply.src = sa("10.0.2.2:53");
            ct.confirm(e);
        }
        ct.clear_udp_to("10.0.2.2".parse().unwrap());
        assert_eq!(ct.entries.len(), 1);
        assert_eq!(ct.entries[0].original.proto, Protocol::Tcp);
    }
}
