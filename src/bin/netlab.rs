//! `netlab`: the engine on the command line. The interface is a contract
//! (DESIGN.md, "The command line"): exit 0 on success, 2 on bad input.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use k8s_netlab::model::{self, Loaded};
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
        /// Print the scenario as YAML with every default and allocation
        /// (addresses, NodePorts) written out; it loads back to the same.
        Export {
            /// A multi-document YAML or JSON file of Kubernetes objects ("-" for stdin).
            file: String,
        },
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
            Command::Export { file } => match read_and_load(&file) {
                Ok(loaded) => {
                    print_warnings(&file, &loaded);
                    print!("{}", loaded.scenario.to_yaml());
                    ExitCode::SUCCESS
                }
                Err(code) => code,
            },
        }
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

    fn print_warnings(file: &str, loaded: &Loaded) {
        for w in &loaded.warnings {
            eprintln!("{file}: warning: {w}");
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
