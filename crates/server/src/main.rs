use anjungan_server::cli::{Cli, Command, init_logging};
use clap::Parser;

/// mimalloc instead of the system allocator: the server allocates small buffers on many
/// threads, where glibc's arenas spend measurable time (see the Lion measurements).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let cfg = match cli.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("anjungan: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(cfg.log_format);
    let result = match &cli.command {
        Command::Serve(args) => anjungan_server::serve(cfg, args.demo).await,
        _ => anjungan_server::cli::run(&cli, cfg).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("anjungan: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
