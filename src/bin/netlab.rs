//! `netlab`: the engine on the command line. The interface is a contract
//! (docs/cli.md): exit 0 on success, 2 on bad input.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use k8s_netlab::engine::paths::paths;
    use k8s_netlab::engine::trace::{Leg, Place, Request, Trace, World};
    use k8s_netlab::kube_proxy::{iptables, nftables};
    use k8s_netlab::linux::netfilter::SeededChooser;
    use k8s_netlab::model::{self, Loaded, Protocol, ProxyMode};
    use std::io::Read;
    use std::process::ExitCode;

    /// A Kubernetes Service-networking playground, on the command line.
    #[derive(Parser)]
    #[command(name = "netlab", version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Validate a scenario: exit 0, or 2 with every problem on stderr.
        Check {
            /// A multi-document YAML or JSON file of Kubernetes objects ("-" for stdin).
            file: String,
        },
        /// A node's rules as kube-proxy writes them: iptables-restore input in
        /// iptables mode, `nft -f` input in nftables mode.
        Rules {
            file: String,
            /// The node whose rules to print.
            #[arg(long)]
            node: String,
            /// kube-proxy's mode (default: the node's, from its
            /// netlab.dev/kube-proxy-mode label or KubeProxyConfiguration).
            #[arg(long, value_enum)]
            mode: Option<ModeArg>,
        },
        /// Send one connection and its answer; print every hop.
        /// Exit 0 when delivered and answered, 1 when not, 2 on bad input.
        Trace {
            file: String,
            #[command(flatten)]
            req: RequestArgs,
            /// Seed of the random choices (kube-proxy's probabilities, the load balancer's pick).
            #[arg(long, default_value_t = 1)]
            seed: u64,
            /// Print one JSON object instead of text.
            #[arg(long)]
            json: bool,
        },
        /// Every outcome over all random branches, with its exact probability.
        Paths {
            file: String,
            #[command(flatten)]
            req: RequestArgs,
            /// Print JSON (the only format).
            #[arg(long)]
            json: bool,
        },
        /// Print the scenario as YAML with every default and allocation
        /// (addresses, NodePorts) written out; it loads back to the same.
        Export {
            /// A multi-document YAML or JSON file of Kubernetes objects ("-" for stdin).
            file: String,
        },
        /// The playground's drawing of the scenario as a standalone SVG on
        /// stdout; with --from and --to, the trace's path through it.
        /// Exit 0, or 2 on bad input.
        Draw {
            /// A multi-document YAML or JSON file of Kubernetes objects ("-" for stdin).
            file: String,
            /// The request's source (with --to): as in `trace`.
            #[arg(long, requires = "to")]
            from: Option<String>,
            /// The request's destination (with --from): as in `trace`.
            #[arg(long, requires = "from")]
            to: Option<String>,
            #[arg(long, value_enum, default_value_t = Proto::Tcp)]
            proto: Proto,
            /// Seed of the random choices, as in `trace`.
            #[arg(long, default_value_t = 1)]
            seed: u64,
            /// Remove this node first (repeatable); it is drawn as terminated.
            #[arg(long = "remove-node")]
            remove_node: Vec<String>,
            /// The colours: the playground's light or dark theme.
            #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
            theme: ThemeArg,
            /// The language of the drawing's labels.
            #[arg(long, value_enum, default_value_t = LangArg::En)]
            lang: LangArg,
        },
        /// The HTML to paste into a documentation page for one widget: its
        /// box at the height the live widget keeps and its poster (both
        /// themes for --theme auto) written in, then the async script tag
        /// (docs/embedding.md). Exit 0, or 2 on bad input.
        Embed(EmbedArgs),
        /// Linux, root: build each scenario for real in network namespaces
        /// (nodes, pods, router, internet, load balancers, kube-proxy's rules)
        /// and compare the kernel's behaviour with the engine's predictions.
        /// One line per mismatch; exit 0 only when there is none.
        #[cfg(target_os = "linux")]
        KernelCheck {
            /// Scenario files.
            files: Vec<String>,
            /// Also check this many seeded random scenarios.
            #[arg(long, default_value_t = 0)]
            random: u64,
            /// The first random scenario's seed.
            #[arg(long, default_value_t = 1)]
            seed: u64,
            /// The kube-proxy mode every node of each scenario is set to
            /// (`both`: each scenario twice, iptables then nftables).
            #[arg(long, value_enum, default_value_t = CheckMode::Both)]
            mode: CheckMode,
            /// The iptables backend that loads iptables-mode rules.
            #[arg(long, value_enum, default_value_t = Backend::Nft)]
            backend: Backend,
            /// Seconds before everything is torn down and the check fails.
            #[arg(long, default_value_t = 1800)]
            timeout: u64,
            /// Scenarios checked at once.
            #[arg(long, default_value_t = 2)]
            jobs: usize,
            /// A connection attempt's timeout in milliseconds.
            #[arg(long, default_value_t = 300)]
            connect_timeout_ms: u64,
            /// Do not run each hop's `tcpdump` while the connections are
            /// made (by default the scenarios of FILES run them; random
            /// scenarios never do).
            #[arg(long)]
            no_tcpdump: bool,
            /// Print each scenario's count and each request.
            #[arg(long, short)]
            verbose: bool,
        },
        /// (kernel-check's server, run inside a namespace)
        #[cfg(target_os = "linux")]
        #[command(hide = true)]
        KernelServe {
            #[arg(long)]
            id: String,
            /// tcp:PORT or udp:PORT (repeatable).
            #[arg(long)]
            listen: Vec<String>,
            /// The device's addresses (UDP binds each).
            #[arg(long)]
            addr: Vec<std::net::Ipv4Addr>,
        },
        /// (kernel-check's client, run inside a namespace)
        #[cfg(target_os = "linux")]
        #[command(hide = true)]
        KernelConnect {
            #[arg(long, value_enum, default_value_t = Proto::Tcp)]
            proto: Proto,
            #[arg(long)]
            to: std::net::SocketAddrV4,
            #[arg(long, default_value_t = 1)]
            count: u32,
            #[arg(long, default_value_t = 300)]
            timeout_ms: u64,
        },
    }

    #[cfg(target_os = "linux")]
    #[derive(Clone, Copy, clap::ValueEnum)]
    enum CheckMode {
        Iptables,
        Nftables,
        Both,
    }

    #[cfg(target_os = "linux")]
    #[derive(Clone, Copy, clap::ValueEnum)]
    enum Backend {
        Nft,
        Legacy,
    }

    #[derive(clap::Args)]
    struct EmbedArgs {
        /// A preset id (clusterip, nodeport, ...) or a scenario file; it
        /// becomes the widget's data-netlab, a file's path as given
        /// (relative to the site, where embed.js is).
        target: String,
        /// The request to show traced (with --to), as in `trace`; a
        /// preset's own request when left out.
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// The request's destination (with --from).
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// light, dark, or auto: the page's prefers-color-scheme (both
        /// posters in the page).
        #[arg(long, value_enum, default_value_t = EmbedTheme::Auto)]
        theme: EmbedTheme,
        /// The widget's language (and its poster's); by default the
        /// reader's browser picks the widget's, and the poster is English.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// The site's address, where embed.js is (default: the page's own
        /// directory).
        #[arg(long, default_value = "")]
        site: String,
        /// Show the editing panels.
        #[arg(long)]
        editable: bool,
        /// A fixed height in pixels (default: from the width).
        #[arg(long)]
        height: Option<u32>,
        /// Load the live widget on a click only.
        #[arg(long)]
        click: bool,
        /// Link the site's poster files instead, fetched as the widget comes
        /// near the view: for widgets below the page's first screen
        /// (presets with their own request only).
        #[arg(long)]
        lazy: bool,
        /// Print the widget only, not the script tag.
        #[arg(long)]
        no_script: bool,
        /// The element's id (for the control API's netlab.widget('#ID')).
        #[arg(long)]
        id: Option<String>,
    }

    #[derive(Clone, Copy, clap::ValueEnum)]
    enum EmbedTheme {
        Light,
        Dark,
        Auto,
    }

    #[derive(clap::Args)]
    struct RequestArgs {
        /// pod/NAME, node/NAME, internet, or an IP address (node network: a host there; else an internet client).
        #[arg(long)]
        from: String,
        /// IP:PORT or svc/NAME[:PORT].
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value_t = Proto::Tcp)]
        proto: Proto,
        /// Remove this node first (repeatable): its pods, routes and pool places go.
        #[arg(long = "remove-node")]
        remove_node: Vec<String>,
    }

    #[derive(Clone, Copy, clap::ValueEnum)]
    enum ModeArg {
        Iptables,
        Nftables,
    }

    #[derive(Clone, Copy, clap::ValueEnum)]
    enum ThemeArg {
        Light,
        Dark,
    }

    #[derive(Clone, Copy, clap::ValueEnum)]
    enum LangArg {
        En,
        Ko,
    }

    #[derive(Clone, Copy, clap::ValueEnum)]
    enum Proto {
        Tcp,
        Udp,
        /// An ICMP echo request (ping): DST is a bare address.
        Icmp,
    }

    impl Proto {
        fn protocol(self) -> Protocol {
            match self {
                Proto::Tcp => Protocol::Tcp,
                Proto::Udp => Protocol::Udp,
                Proto::Icmp => Protocol::Icmp,
            }
        }
    }

    /// Loads the scenario, removes nodes, parses the request.
    fn world_and_request(file: &str, req: &RequestArgs) -> Result<(World, Request), ExitCode> {
        let loaded = read_and_load(file)?;
        print_warnings(file, &loaded);
        let mut world = World::new(loaded.scenario);
        for n in &req.remove_node {
            if world.remove_node(n).is_none() {
                eprintln!("error: --remove-node {n}: there is no such node");
                return Err(ExitCode::from(2));
            }
        }
        let proto = req.proto.protocol();
        let request = Request::parse(world.scenario(), &req.from, &req.to, proto).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        })?;
        Ok((world, request))
    }

    fn print_trace(t: &Trace) {
        println!("{}", t.request);
        let mut leg = None;
        for (i, h) in t.hops.iter().enumerate() {
            if leg != Some(h.leg) {
                leg = Some(h.leg);
                println!(
                    "{}",
                    if h.leg == Leg::Request {
                        "request:"
                    } else {
                        "reply:"
                    }
                );
            }
            let note = h.note();
            println!("{:>4}. {:<16} {:<14} {note}", i + 1, h.device, h.at);
            if h.before != h.after {
                println!("{:>38}{}  ->  {}", "", h.before, h.after);
            }
            for r in &h.rules {
                println!(
                    "{:>38}[{} {} #{}] {}  => {}",
                    "", r.table, r.chain, r.index, r.rule, r.effect_text
                );
                if let Some(e) = &r.element {
                    println!("{:>38}    element: {e}", "");
                }
            }
            let decision = h.decision_in(k8s_netlab::lang::Lang::En);
            if h.rules.is_empty()
                && !decision.is_empty()
                && decision != note
                && h.at != Place::Socket
            {
                println!("{:>38}{decision}", "");
            }
        }
        println!();
        match &t.delivered_to {
            Some(d) => println!("verdict: {:?} to {d}", t.verdict),
            None => println!("verdict: {:?}", t.verdict),
        }
        // A ping has no ports: its addresses alone (the id is in `conntrack`).
        let addr = |a: &std::net::SocketAddrV4| t.addr_text(*a);
        if let Some(s) = &t.server_sees {
            println!("server sees: {} -> {}", addr(&s.src), addr(&s.dst));
        }
        if let Some(r) = &t.reply {
            match &r.client_sees {
                Some(c) => println!(
                    "reply: {:?}, the client sees it from {}",
                    r.verdict,
                    addr(&c.src)
                ),
                None => println!("reply: {:?}", r.verdict),
            }
        }
        if let Some(reason) = &t.reason {
            println!("reason: {}", reason.en());
        }
        println!("netfilter rules evaluated: {}", t.rules_evaluated);
        for (node, entries) in &t.conntrack {
            for e in entries {
                println!("conntrack {node}: {e}");
            }
        }
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match cli.command {
            Command::Check { file } => match read_and_load(&file) {
                Ok(loaded) => {
                    print_warnings(&file, &loaded);
                    println!("{file}: {}", summary(&loaded.scenario));
                    ExitCode::SUCCESS
                }
                Err(code) => code,
            },
            Command::Rules { file, node, mode } => {
                let loaded = match read_and_load(&file) {
                    Ok(l) => l,
                    Err(code) => return code,
                };
                print_warnings(&file, &loaded);
                let s = &loaded.scenario;
                let Some(n) = s.node(&node) else {
                    eprintln!("error: --node {node}: there is no node {node:?}");
                    return ExitCode::from(2);
                };
                let mode = match mode {
                    Some(ModeArg::Iptables) => ProxyMode::Iptables,
                    Some(ModeArg::Nftables) => ProxyMode::Nftables,
                    None => s.proxy_mode(n),
                };
                let text = match mode {
                    ProxyMode::Iptables => {
                        iptables::ruleset(s, &node).map(|rs| rs.to_iptables_restore())
                    }
                    ProxyMode::Nftables => nftables::table(s, &node).map(|t| t.to_nft()),
                    m @ ProxyMode::Ipvs => Err(k8s_netlab::kube_proxy::Error::Mode(m)),
                };
                match text {
                    Ok(text) => {
                        print!("{text}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: --node {node}: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            Command::Trace {
                file,
                req,
                seed,
                json,
            } => {
                let (mut world, request) = match world_and_request(&file, &req) {
                    Ok(v) => v,
                    Err(code) => return code,
                };
                let mut chooser = SeededChooser::from_seed(seed);
                let t = match world.trace(&request, &mut chooser) {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                };
                if json {
                    // Each hop with the commands that show it on a real
                    // node, and their predicted output.
                    let commands = k8s_netlab::engine::commands::for_trace(&mut world, &t);
                    let mut doc = serde_json::to_value(&t).expect("traces serialize");
                    if let Some(hops) = doc.get_mut("hops").and_then(|h| h.as_array_mut()) {
                        for (hop, cmds) in hops.iter_mut().zip(commands) {
                            if let Some(o) = hop.as_object_mut() {
                                o.insert(
                                    "commands".into(),
                                    serde_json::to_value(cmds).expect("commands serialize"),
                                );
                            }
                        }
                    }
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&doc).expect("traces serialize")
                    );
                } else {
                    print_trace(&t);
                }
                if t.succeeded() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Command::Paths { file, req, json: _ } => {
                let (world, request) = match world_and_request(&file, &req) {
                    Ok(v) => v,
                    Err(code) => return code,
                };
                match paths(&world, &request) {
                    Ok(outcomes) => {
                        let doc = serde_json::json!({ "outcomes": outcomes });
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&doc).expect("outcomes serialize")
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            Command::Draw {
                file,
                from,
                to,
                proto,
                seed,
                remove_node,
                theme,
                lang,
            } => draw(&file, from.zip(to), proto, seed, &remove_node, theme, lang),
            Command::Embed(args) => embed(args),
            Command::Export { file } => match read_and_load(&file) {
                Ok(loaded) => {
                    print_warnings(&file, &loaded);
                    print!("{}", loaded.scenario.to_yaml());
                    ExitCode::SUCCESS
                }
                Err(code) => code,
            },
            #[cfg(target_os = "linux")]
            Command::KernelCheck {
                files,
                random,
                seed,
                mode,
                backend,
                timeout,
                jobs,
                connect_timeout_ms,
                no_tcpdump,
                verbose,
            } => {
                use k8s_netlab::kernel_check::{self, lab};
                use k8s_netlab::model::ProxyMode;
                let opts = kernel_check::Options {
                    files,
                    random,
                    seed,
                    modes: match mode {
                        CheckMode::Iptables => vec![ProxyMode::Iptables],
                        CheckMode::Nftables => vec![ProxyMode::Nftables],
                        CheckMode::Both => vec![ProxyMode::Iptables, ProxyMode::Nftables],
                    },
                    backend: match backend {
                        Backend::Nft => lab::Backend::Nft,
                        Backend::Legacy => lab::Backend::Legacy,
                    },
                    timeout,
                    jobs,
                    connect_timeout_ms,
                    tcpdump: !no_tcpdump,
                    verbose,
                };
                ExitCode::from(kernel_check::run(&opts))
            }
            #[cfg(target_os = "linux")]
            Command::KernelServe { id, listen, addr } => {
                match k8s_netlab::kernel_check::probe::serve(&id, &listen, &addr) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("kernel-serve: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            #[cfg(target_os = "linux")]
            Command::KernelConnect {
                proto,
                to,
                count,
                timeout_ms,
            } => {
                if matches!(proto, Proto::Icmp) {
                    eprintln!("kernel-connect: --proto icmp: the kernel check pings with ping(8)");
                    return ExitCode::from(2);
                }
                k8s_netlab::kernel_check::probe::connect(
                    matches!(proto, Proto::Udp),
                    to,
                    count,
                    std::time::Duration::from_millis(timeout_ms),
                );
                ExitCode::SUCCESS
            }
        }
    }

    /// `netlab draw`: the same component the playground draws, as SVG.
    fn draw(
        file: &str,
        request: Option<(String, String)>,
        proto: Proto,
        seed: u64,
        remove: &[String],
        theme: ThemeArg,
        lang: LangArg,
    ) -> ExitCode {
        let loaded = match read_and_load(file) {
            Ok(l) => l,
            Err(code) => return code,
        };
        print_warnings(file, &loaded);
        let drawing = Drawing {
            request: request.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
            proto: proto.protocol(),
            seed,
            remove,
        };
        match drawing.svgs(loaded.scenario, &[(theme, lang)]) {
            Ok(svgs) => {
                print!("{}", svgs[0]);
                ExitCode::SUCCESS
            }
            Err(code) => code,
        }
    }

    /// What `draw` and `embed` draw: the scenario with nodes removed and
    /// the request traced.
    struct Drawing<'a> {
        request: Option<(&'a str, &'a str)>,
        proto: Protocol,
        seed: u64,
        remove: &'a [String],
    }

    impl Drawing<'_> {
        /// The drawing in each theme and language asked for; bad input
        /// (a node, the request) is printed and gives exit 2.
        fn svgs(
            &self,
            scenario: model::Scenario,
            looks: &[(ThemeArg, LangArg)],
        ) -> Result<Vec<String>, ExitCode> {
            use k8s_netlab::ui::draw::{self, Picture, Theme};
            use k8s_netlab::ui::layout::GhostNode;
            let mut world = World::new(scenario);
            let mut ghosts = Vec::new();
            for n in self.remove {
                let Some(index) = world.scenario().nodes.iter().position(|x| x.name == *n) else {
                    eprintln!("error: --remove-node {n}: there is no such node");
                    return Err(ExitCode::from(2));
                };
                let internal_ip = world.scenario().nodes[index].internal_ip;
                world.remove_node(n);
                ghosts.push(GhostNode {
                    name: n.clone(),
                    internal_ip,
                    index,
                });
            }
            let trace = match self.request {
                None => None,
                Some((from, to)) => {
                    let r =
                        Request::parse(world.scenario(), from, to, self.proto).map_err(|e| {
                            eprintln!("error: {e}");
                            ExitCode::from(2)
                        })?;
                    let t = world
                        .trace(&r, &mut SeededChooser::from_seed(self.seed))
                        .map_err(|e| {
                            eprintln!("error: {e}");
                            ExitCode::from(2)
                        })?;
                    Some(t)
                }
            };
            let host = self.request.and_then(|(from, _)| {
                k8s_netlab::engine::addressing::extra_host(world.scenario(), from)
            });
            Ok(looks
                .iter()
                .map(|&(theme, lang)| {
                    draw::svg(&Picture {
                        scenario: world.scenario(),
                        ghosts: ghosts.clone(),
                        host,
                        trace: trace.as_ref(),
                        theme: match theme {
                            ThemeArg::Light => Theme::Light,
                            ThemeArg::Dark => Theme::Dark,
                        },
                        lang: match lang {
                            LangArg::En => k8s_netlab::lang::Lang::En,
                            LangArg::Ko => k8s_netlab::lang::Lang::Ko,
                        },
                    })
                })
                .collect())
        }
    }

    /// `netlab embed`: a widget's HTML with its poster (src/ui/snippet.rs).
    fn embed(a: EmbedArgs) -> ExitCode {
        use k8s_netlab::model::presets;
        use k8s_netlab::ui::snippet::{self, Poster, Theme, Widget};
        let preset = presets::preset(&a.target);
        let lang = a.lang.unwrap_or(LangArg::En);
        let lang_code = match lang {
            LangArg::En => "en",
            LangArg::Ko => "ko",
        };
        let mut site = a.site.clone();
        if !site.is_empty() && !site.ends_with('/') {
            site.push('/');
        }
        let given = a.from.as_deref().zip(a.to.as_deref());
        let poster = match (preset, a.lazy) {
            // The site's posters show the preset's own request.
            (Some(p), true) if given.is_some_and(|g| g != (p.from, p.to)) => {
                eprintln!(
                    "error: --lazy links the site's poster of {}, which shows its own request ({} -> {}), not --from {} --to {} (leave out --lazy to draw this one into the page)",
                    p.id,
                    p.from,
                    p.to,
                    a.from.as_deref().unwrap_or_default(),
                    a.to.as_deref().unwrap_or_default()
                );
                return ExitCode::from(2);
            }
            (Some(p), true) => {
                let ko = if lang_code == "ko" { "-ko" } else { "" };
                Poster::Link {
                    light: format!("{site}posters/{}{ko}-light.svg", p.id),
                    dark: format!("{site}posters/{}{ko}-dark.svg", p.id),
                }
            }
            (None, true) => {
                eprintln!(
                    "error: --lazy links the site's poster files, which only presets have; {} is not a preset id (leave out --lazy to write its poster into the page)",
                    a.target
                );
                return ExitCode::from(2);
            }
            (_, false) => {
                let scenario = match preset {
                    Some(p) => match model::load(p.yaml) {
                        Ok(l) => l.scenario,
                        Err(_) => unreachable!("presets load (tests/presets.rs)"),
                    },
                    None => {
                        if !std::path::Path::new(&a.target).is_file() {
                            eprintln!(
                                "error: {}: neither a preset id ({}) nor a scenario file",
                                a.target,
                                presets::PRESETS
                                    .iter()
                                    .map(|p| p.id)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                            return ExitCode::from(2);
                        }
                        match read_and_load(&a.target) {
                            Ok(l) => {
                                print_warnings(&a.target, &l);
                                l.scenario
                            }
                            Err(code) => return code,
                        }
                    }
                };
                let drawing = Drawing {
                    request: given.or(preset.map(|p| (p.from, p.to))),
                    proto: Protocol::Tcp,
                    seed: 1,
                    remove: &[],
                };
                match drawing.svgs(scenario, &[(ThemeArg::Light, lang), (ThemeArg::Dark, lang)]) {
                    Ok(mut svgs) => {
                        let dark = svgs.pop().unwrap();
                        let light = svgs.pop().unwrap();
                        Poster::Inline { light, dark }
                    }
                    Err(code) => return code,
                }
            }
        };
        let widget = Widget {
            id: a.id.clone(),
            netlab: a.target.clone(),
            trace: given.map(|(f, t)| format!("{f} -> {t}")),
            editable: a.editable,
            lang: a.lang.map(|_| lang_code),
            theme: match a.theme {
                EmbedTheme::Light => Theme::Light,
                EmbedTheme::Dark => Theme::Dark,
                EmbedTheme::Auto => Theme::Auto,
            },
            height: a.height,
            click: a.click,
            alt: format!(
                "k8s-netlab: {}",
                preset.map_or(a.target.as_str(), |p| p.title)
            ),
            poster,
        };
        println!("{}", snippet::widget_html(&widget));
        if !a.no_script {
            println!("{}", snippet::script_tag(&site));
        }
        ExitCode::SUCCESS
    }

    fn read(file: &str) -> Result<String, String> {
        if file == "-" {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("stdin: {e}"))?;
            Ok(s)
        } else {
            std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))
        }
    }

    /// Reads and loads a scenario; on failure prints why and returns exit 2.
    fn read_and_load(file: &str) -> Result<Loaded, ExitCode> {
        let text = read(file).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        })?;
        model::load(&text).map_err(|errors| {
            for p in &errors.0 {
                eprintln!("{file}: error: {p}");
            }
            eprintln!("{file}: {} error(s); nothing loaded", errors.0.len());
            ExitCode::from(2)
        })
    }

    /// Warnings, then what the loader inferred (`note:` lines), on stderr.
    fn print_warnings(file: &str, loaded: &Loaded) {
        for w in &loaded.warnings {
            eprintln!("{file}: warning: {w}");
        }
        for n in &loaded.notes {
            eprintln!("note: {file}: {n}");
        }
    }

    fn summary(s: &model::Scenario) -> String {
        let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        let endpoints: usize = s.endpoint_slices.iter().map(|e| e.endpoints.len()).sum();
        format!(
            "ok: {}, {}, {}, {}, {}",
            plural(s.nodes.len(), "node"),
            plural(s.pods.len(), "pod"),
            plural(s.services.len(), "service"),
            plural(endpoints, "endpoint"),
            plural(s.routes.len(), "static route"),
        )
    }
}
