//! The tiny servers and the client the check runs inside namespaces
//! (`netlab kernel-serve`, `netlab kernel-connect`, hidden subcommands).
//!
//! A server answers every TCP connection and UDP datagram with one line:
//! `ID PEER LOCAL`, its device id (`pod/web-1`), the address it saw the
//! client at, and its own address of the connection. The client prints one
//! line per attempt (see [`Attempt`]).

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// Listens on every `tcp:PORT` / `udp:PORT` of `listen` (UDP bound to each
/// of `addrs`, so the answer names the address it arrived at), prints
/// `ready` once all are bound, and serves until killed.
pub fn serve(id: &str, listen: &[String], addrs: &[Ipv4Addr]) -> Result<(), String> {
    let mut handles = Vec::new();
    for l in listen {
        let (proto, port) = l
            .split_once(':')
            .ok_or_else(|| format!("--listen {l}: expected tcp:PORT or udp:PORT"))?;
        let port: u16 = port
            .parse()
            .map_err(|_| format!("--listen {l}: bad port"))?;
        match proto {
            "tcp" => {
                let lst = TcpListener::bind((Ipv4Addr::UNSPECIFIED, port))
                    .map_err(|e| format!("{id}: bind tcp/{port}: {e}"))?;
                let id = id.to_string();
                handles.push(std::thread::spawn(move || {
                    for s in lst.incoming().flatten() {
                        let line = match (s.peer_addr(), s.local_addr()) {
                            (Ok(p), Ok(l)) => format!("{id} {p} {l}\n"),
                            _ => format!("{id} ? ?\n"),
                        };
                        let mut s = s;
                        let _ = s.write_all(line.as_bytes());
                    }
                }));
            }
            "udp" => {
                for a in addrs.iter().copied().chain([Ipv4Addr::LOCALHOST]) {
                    let sock = UdpSocket::bind((a, port))
                        .map_err(|e| format!("{id}: bind udp {a}:{port}: {e}"))?;
                    let id = id.to_string();
                    handles.push(std::thread::spawn(move || {
                        let mut buf = [0u8; 512];
                        while let Ok((_, peer)) = sock.recv_from(&mut buf) {
                            let line = format!("{id} {peer} {a}:{port}\n");
                            let _ = sock.send_to(line.as_bytes(), peer);
                        }
                    }));
                }
            }
            other => return Err(format!("--listen {l}: unknown protocol {other}")),
        }
    }
    println!("ready");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    for h in handles {
        let _ = h.join();
    }
    Ok(())
}

/// One connection attempt as the client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Connected and answered: who answered, the addresses it saw, the
    /// client's own address, and the address the answer came from.
    Answered {
        server: String,
        server_saw_src: SocketAddrV4,
        server_saw_dst: SocketAddrV4,
        client: SocketAddrV4,
        reply_from: SocketAddrV4,
    },
    /// A ping answered: the echo reply's source address (all `ping`
    /// shows of who answered).
    Echoed {
        from: Ipv4Addr,
    },
    /// ECONNREFUSED: a TCP reset or an ICMP port unreachable (a REJECT).
    Refused,
    /// No answer in time.
    Timeout,
    /// ICMP host or network unreachable.
    Unreachable,
    Error(String),
}

impl Attempt {
    pub fn to_line(&self) -> String {
        match self {
            Attempt::Answered {
                server,
                server_saw_src,
                server_saw_dst,
                client,
                reply_from,
            } => {
                format!("answered {server} {server_saw_src} {server_saw_dst} {client} {reply_from}")
            }
            Attempt::Echoed { from } => format!("echoed {from}"),
            Attempt::Refused => "refused".into(),
            Attempt::Timeout => "timeout".into(),
            Attempt::Unreachable => "unreachable".into(),
            Attempt::Error(e) => format!("error {e}"),
        }
    }

    pub fn from_line(line: &str) -> Attempt {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["answered", server, a, b, c, d] => {
                match (a.parse(), b.parse(), c.parse(), d.parse()) {
                    (Ok(a), Ok(b), Ok(c), Ok(d)) => Attempt::Answered {
                        server: server.to_string(),
                        server_saw_src: a,
                        server_saw_dst: b,
                        client: c,
                        reply_from: d,
                    },
                    _ => Attempt::Error(format!("unreadable answer {line:?}")),
                }
            }
            ["echoed", from] => match from.parse() {
                Ok(from) => Attempt::Echoed { from },
                Err(_) => Attempt::Error(format!("unreadable answer {line:?}")),
            },
            ["refused"] => Attempt::Refused,
            ["timeout"] => Attempt::Timeout,
            ["unreachable"] => Attempt::Unreachable,
            _ => Attempt::Error(line.trim().trim_start_matches("error ").to_string()),
        }
    }
}

/// One `ping -c1 -n` as the client saw it, from its output (iputils):
/// `64 bytes from IP: ...` is an echo reply; `From IP ... Destination Port
/// Unreachable` a REJECT's answer (refused, as a connection would be);
/// another `Destination ... Unreachable` a router's (unreachable);
/// nothing, a timeout.
pub fn ping_attempt(output: &str) -> Attempt {
    for line in output.lines() {
        if let Some(rest) = line.split_once(" bytes from ").map(|(_, r)| r) {
            let ip = rest.split(':').next().unwrap_or_default();
            return match ip.parse() {
                Ok(from) => Attempt::Echoed { from },
                Err(_) => Attempt::Error(format!("unreadable_ping_reply_{}", line.trim())),
            };
        }
        if line.starts_with("From ") {
            if line.contains("Destination Port Unreachable") {
                return Attempt::Refused;
            }
            if line.contains("Unreachable") {
                return Attempt::Unreachable;
            }
        }
    }
    Attempt::Timeout
}

fn v4(a: SocketAddr) -> Option<SocketAddrV4> {
    match a {
        SocketAddr::V4(a) => Some(a),
        SocketAddr::V6(_) => None,
    }
}

fn classify(e: &std::io::Error) -> Attempt {
    match e.kind() {
        ErrorKind::ConnectionRefused => Attempt::Refused,
        ErrorKind::TimedOut | ErrorKind::WouldBlock => Attempt::Timeout,
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => Attempt::Unreachable,
        _ => Attempt::Error(e.to_string().replace(char::is_whitespace, "_")),
    }
}

/// Reads `ID PEER LOCAL` from an answer.
fn answered(text: &str, client: SocketAddrV4, reply_from: SocketAddrV4) -> Attempt {
    let w: Vec<&str> = text.split_whitespace().collect();
    match w.as_slice() {
        [id, peer, local] => match (peer.parse(), local.parse()) {
            (Ok(p), Ok(l)) => Attempt::Answered {
                server: id.to_string(),
                server_saw_src: p,
                server_saw_dst: l,
                client,
                reply_from,
            },
            _ => Attempt::Error(format!("unreadable_answer_{}", text.trim())),
        },
        _ => Attempt::Error(format!("unreadable_answer_{}", text.trim())),
    }
}

/// One attempt: a new socket (a new ephemeral port) each time.
pub fn attempt(udp: bool, to: SocketAddrV4, timeout: Duration) -> Attempt {
    if udp {
        let sock = match UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)) {
            Ok(s) => s,
            Err(e) => return classify(&e),
        };
        if let Err(e) = sock.connect(to) {
            return classify(&e);
        }
        let _ = sock.set_read_timeout(Some(timeout));
        if let Err(e) = sock.send(b"?") {
            // A rule of the sender's own OUTPUT that stops the datagram
            // fails the send (EPERM); a REJECT's ICMP answer still reaches
            // the socket, which the receive below reports (refused), and a
            // DROP's silence times out.
            if e.kind() != ErrorKind::PermissionDenied {
                return classify(&e);
            }
        }
        let mut buf = [0u8; 512];
        match sock.recv_from(&mut buf) {
            Ok((n, from)) => {
                let client = sock.local_addr().ok().and_then(v4);
                match (client, v4(from)) {
                    (Some(c), Some(f)) => answered(&String::from_utf8_lossy(&buf[..n]), c, f),
                    _ => Attempt::Error("no_ipv4_addresses".into()),
                }
            }
            Err(e) => classify(&e),
        }
    } else {
        let mut s = match TcpStream::connect_timeout(&SocketAddr::V4(to), timeout) {
            Ok(s) => s,
            Err(e) => return classify(&e),
        };
        let _ = s.set_read_timeout(Some(timeout.max(Duration::from_millis(500))));
        let mut text = String::new();
        if let Err(e) = s.read_to_string(&mut text) {
            return Attempt::Error(format!("connected_but_no_answer:{}", e.kind()));
        }
        match (
            s.local_addr().ok().and_then(v4),
            s.peer_addr().ok().and_then(v4),
        ) {
            (Some(c), Some(p)) => answered(&text, c, p),
            _ => Attempt::Error("no_ipv4_addresses".into()),
        }
    }
}

/// `count` attempts, one line each on stdout.
pub fn connect(udp: bool, to: SocketAddrV4, count: u32, timeout: Duration) {
    let mut out = std::io::stdout().lock();
    for _ in 0..count {
        let a = attempt(udp, to, timeout);
        let _ = writeln!(out, "{}", a.to_line());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_lines_round_trip() {
        let a = Attempt::Answered {
            server: "pod/web-1".into(),
            server_saw_src: "10.0.1.2:40000".parse().unwrap(),
            server_saw_dst: "10.0.2.2:8080".parse().unwrap(),
            client: "10.0.1.2:40000".parse().unwrap(),
            reply_from: "10.3.241.152:80".parse().unwrap(),
        };
        let echo = Attempt::Echoed {
            from: "10.0.2.2".parse().unwrap(),
        };
        for x in [
            a,
            echo,
            Attempt::Refused,
            Attempt::Timeout,
            Attempt::Unreachable,
        ] {
            assert_eq!(Attempt::from_line(&x.to_line()), x);
        }
        assert_eq!(
            Attempt::from_line("error broken_pipe"),
            Attempt::Error("broken_pipe".into())
        );
    }

    #[test]
    fn ping_output_reads_as_an_attempt() {
        let ok = "PING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.\n64 bytes from 10.0.2.2: icmp_seq=1 ttl=62 time=0.071 ms\n\n--- 10.0.2.2 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\n";
        assert_eq!(
            ping_attempt(ok),
            Attempt::Echoed {
                from: "10.0.2.2".parse().unwrap()
            }
        );
        let rejected = "PING 10.3.241.152 (10.3.241.152) 56(84) bytes of data.\nFrom 10.100.0.2 icmp_seq=1 Destination Port Unreachable\n";
        assert_eq!(ping_attempt(rejected), Attempt::Refused);
        let net = "From 10.100.0.1 icmp_seq=1 Destination Net Unreachable\n";
        assert_eq!(ping_attempt(net), Attempt::Unreachable);
        let lost = "PING 10.3.241.152 (10.3.241.152) 56(84) bytes of data.\n\n--- 10.3.241.152 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n";
        assert_eq!(ping_attempt(lost), Attempt::Timeout);
    }
}
