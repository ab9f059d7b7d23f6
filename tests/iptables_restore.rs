//! The `iptables-restore` reader's errors: each bad input names its line
//! (counted as the file counts them, comments and blank lines included)
//! and what is wrong, as `iptables-restore` itself stops at the first.
//! The good inputs (kube-proxy's vectors) are read in
//! tests/kube_proxy_iptables.rs. And the text keeps the order the ruleset
//! holds its chains in: the linux layer sorts nothing by Kubernetes' rules.

use k8s_netlab::linux::netfilter::iptables::{
    Chain, ChainOrigin, Deleted, ParseError, Policy, Ruleset, Table, TableName,
};

struct Case {
    name: &'static str,
    text: &'static str,
    line: usize,
    message: &'static str,
}

/// To add a case: the smallest text that shows the error, and the error.
const CASES: &[Case] = &[
    Case {
        name: "a table that never ends",
        text: "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -j ACCEPT\n",
        line: 3,
        message: "missing COMMIT",
    },
    Case {
        name: "an unknown table",
        text: "*security\nCOMMIT\n",
        line: 1,
        message: "unknown table \"security\"",
    },
    Case {
        name: "a rule before any table",
        text: "# header\n\n-A KUBE-X -j ACCEPT\n",
        line: 3,
        message: "rule outside a table",
    },
    Case {
        name: "an unknown policy",
        text: "*filter\n:INPUT REJECT [0:0]\nCOMMIT\n",
        line: 2,
        message: "unknown policy \"REJECT\"",
    },
    Case {
        name: "an empty chain line",
        text: "*filter\n:\nCOMMIT\n",
        line: 2,
        message: "empty chain line",
    },
    Case {
        name: "a rule in a chain never declared",
        text: "*nat\n-A KUBE-X -j ACCEPT\nCOMMIT\n",
        line: 2,
        message: "chain KUBE-X was not declared",
    },
    Case {
        name: "-A without a chain",
        text: "*nat\n-A\nCOMMIT\n",
        line: 2,
        message: "-A without a chain",
    },
    Case {
        name: "-X without a chain",
        text: "*nat\n-X\nCOMMIT\n",
        line: 2,
        message: "-X without a chain",
    },
    Case {
        name: "a line that is no command",
        text: "*nat\n-I KUBE-X 1\nCOMMIT\n",
        line: 2,
        message: "cannot read \"-I KUBE-X 1\"",
    },
    Case {
        name: "an unterminated quote",
        text: "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -m comment --comment \"ns/web -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "unterminated quote",
    },
    Case {
        name: "an unknown match module",
        text: "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -m owner --uid-owner 0 -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "unknown match module \"owner\"",
    },
    Case {
        name: "-m comment without its option",
        text: "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -m comment -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "-m comment without --comment",
    },
    Case {
        name: "an unknown protocol",
        text: "*filter\n:KUBE-X - [0:0]\n-A KUBE-X -p icmp -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "unknown protocol \"icmp\"",
    },
    Case {
        name: "an unknown option",
        text: "*filter\n:KUBE-X - [0:0]\n-A KUBE-X --sport 80 -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "unknown option \"--sport\"",
    },
    Case {
        name: "a bad address",
        text: "*filter\n:KUBE-X - [0:0]\n-A KUBE-X -d 10.0.0.300 -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "bad address \"10.0.0.300\"",
    },
    Case {
        name: "a bad network",
        text: "*filter\n:KUBE-X - [0:0]\n-A KUBE-X -s 10.0.0.0/33 -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "bad network \"10.0.0.0/33\"",
    },
    Case {
        name: "a bad port",
        text: "*filter\n:KUBE-X - [0:0]\n-A KUBE-X -p tcp --dport http -j ACCEPT\nCOMMIT\n",
        line: 3,
        message: "bad port \"http\"",
    },
    Case {
        name: "an option without its value",
        text: "*filter\n:KUBE-X - [0:0]\n-A KUBE-X -j\nCOMMIT\n",
        line: 3,
        message: "missing value",
    },
];

#[test]
fn each_bad_input_names_its_line_and_what_is_wrong() {
    let mut wrong = Vec::new();
    for c in CASES {
        let want = ParseError {
            line: c.line,
            message: c.message.to_string(),
        };
        match Ruleset::from_iptables_restore(c.text) {
            Ok(_) => wrong.push(format!("{}: read without an error", c.name)),
            Err(e) if e != want => wrong.push(format!("{}: got {e}, want {want}", c.name)),
            Err(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_error_reads_as_its_line_and_message() {
    let e = Ruleset::from_iptables_restore("*nat\n-A KUBE-X -j ACCEPT\nCOMMIT\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2: chain KUBE-X was not declared");
}

/// Chains in an order no sort would give (not alphabetical, not
/// kube-proxy's), with a deleted chain's line between two of them.
const UNSORTED: &str = "\
*nat
:ZZ-LAST-DECLARED-FIRST - [0:0]
:KUBE-SVC-B - [0:0]
:GONE - [0:0]
:KUBE-NODEPORTS - [0:0]
:ALSO-GONE - [0:0]
-A ZZ-LAST-DECLARED-FIRST -j KUBE-SVC-B
-A KUBE-SVC-B -j ACCEPT
-A KUBE-NODEPORTS -j RETURN
-X GONE
-X ALSO-GONE
COMMIT
";

#[test]
fn the_text_keeps_the_chains_in_the_order_it_was_written() {
    let rs = Ruleset::from_iptables_restore(UNSORTED).expect("reads");
    let nat = rs.table(TableName::Nat).expect("nat");
    let names: Vec<&str> = nat.chains.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["ZZ-LAST-DECLARED-FIRST", "KUBE-SVC-B", "KUBE-NODEPORTS"]
    );
    assert_eq!(
        nat.deleted,
        [
            Deleted {
                name: "GONE".into(),
                before: 2
            },
            Deleted {
                name: "ALSO-GONE".into(),
                before: 3
            }
        ]
    );
    assert_eq!(rs.to_iptables_restore(), UNSORTED);
}

#[test]
fn deleted_chains_that_follow_each_other_keep_their_places() {
    let text = "*nat\n:A - [0:0]\n:X - [0:0]\n:Y - [0:0]\n:B - [0:0]\n-X Y\n-X X\nCOMMIT\n";
    let rs = Ruleset::from_iptables_restore(text).expect("reads");
    // Deleted in the other order: the chain lines stay where they were,
    // the -X lines follow them.
    assert_eq!(
        rs.to_iptables_restore(),
        "*nat\n:A - [0:0]\n:X - [0:0]\n:Y - [0:0]\n:B - [0:0]\n-X X\n-X Y\nCOMMIT\n"
    );
}

#[test]
fn the_listing_puts_built_in_chains_first_and_the_rest_as_held() {
    let mut nat = Table::new(TableName::Nat);
    for (name, origin) in [
        ("Z-CHAIN", ChainOrigin::Restore),
        ("PREROUTING", ChainOrigin::Builtin(Policy::Accept)),
        ("A-CANARY", ChainOrigin::Ensured),
        ("KUBE-SERVICES", ChainOrigin::Restore),
        ("OUTPUT", ChainOrigin::Builtin(Policy::Drop)),
    ] {
        nat.chains.push(Chain::new(name, origin));
    }
    let rs = Ruleset { tables: vec![nat] };
    assert_eq!(
        rs.to_listing(),
        "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT DROP [0:0]\n:Z-CHAIN - [0:0]\n\
         :A-CANARY - [0:0]\n:KUBE-SERVICES - [0:0]\nCOMMIT\n"
    );
}
