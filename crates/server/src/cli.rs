//! The command line: `anjungan serve|migrate|demo|user|token|backup|restore|audit|check`.

use anjungan_kernel::Config;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::config::LogFormat;
use anjungan_kernel::identity::domain::{
    Email, LoginId, Password, PersonName, Phone, Role, UserId,
};
use anjungan_kernel::identity::{service, store};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "anjungan",
    version,
    about = "Anjungan — the public-service innovation platform of Kabupaten Trenggalek"
)]
pub struct Cli {
    /// TOML configuration file (then ANJUNGAN_* environment variables, then these flags).
    #[arg(long, global = true, env = "ANJUNGAN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory: SQLite file, uploads, generated secret key [default: ./anjungan-data]
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://FILE or postgres://USER@HOST/DB [default: SQLite in the data directory]
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Log format: text or json
    #[arg(long, global = true)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (migrations run at start).
    Serve(ServeArgs),
    /// Apply database migrations and seed the region tree.
    Migrate,
    /// Load the demo data set into an empty database and print the demo accounts.
    Demo,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API bearer tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Write one archive with a consistent copy of the database and every stored file (safe
    /// while the server runs), or check one with --verify.
    Backup(BackupArgs),
    /// Restore a backup into an empty data directory (SQLite) or an empty database (PostgreSQL).
    Restore {
        /// The backup archive.
        #[arg(long)]
        from: PathBuf,
        /// File holding the passphrase that opens the key in the archive [or
        /// ANJUNGAN_BACKUP_PASSPHRASE]; without a key in the archive, set ANJUNGAN_SECRET_KEY.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Check the configuration, the data directory, the database, the secret key and the
    /// message gateways, and print a report (exit status 1 when something would stop a start).
    Check,
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The regency's certificate authority, which certifies every document signer.
    #[command(subcommand)]
    Pki(PkiCmd),
}

#[derive(Subcommand, Debug)]
pub enum PkiCmd {
    /// Print the published certificate chain (PEM, the active authority first), as served at
    /// /.well-known/pki/ca.pem; the authority is made on first need.
    Chain,
    /// Retire the authority and make a new one. Documents signed before stay valid against the
    /// published chain; signers get certificates from the new one at their next rotation.
    RotateAuthority,
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Link any new entries, then walk the whole chain: prints its head, or the first entry
    /// whose link is broken (and exits with status 1).
    Verify,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// Write the backup to this file (must not exist).
    #[arg(long, required_unless_present = "verify", conflicts_with = "verify")]
    pub to: Option<PathBuf>,
    /// Check a backup: every part against its checksum, the database's integrity, every stored
    /// file present (and, with a passphrase, that the key opens).
    #[arg(long)]
    pub verify: Option<PathBuf>,
    /// Put the secret key in the archive, sealed under a passphrase (at least 12 characters)
    /// read from --passphrase-file or ANJUNGAN_BACKUP_PASSPHRASE.
    #[arg(long)]
    pub with_key: bool,
    /// File whose first line is the passphrase for --with-key or --verify [or
    /// ANJUNGAN_BACKUP_PASSPHRASE].
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
}

/// The backup passphrase: from a file (first line) or `ANJUNGAN_BACKUP_PASSPHRASE`.
fn passphrase(file: Option<&std::path::Path>) -> anyhow::Result<Option<String>> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
        return Ok(text.lines().next().map(str::to_string));
    }
    Ok(std::env::var("ANJUNGAN_BACKUP_PASSPHRASE").ok())
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long)]
    pub bind: Option<String>,
    /// Public base URL, e.g. https://anjungan.trenggalekkab.go.id
    #[arg(long)]
    pub base_url: Option<String>,
    /// Fill an empty database with the demo data set and print the demo accounts.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Create an account. The password is read from standard input, or generated and printed.
    Add {
        /// Full name as shown on pages and signed letters.
        #[arg(long)]
        name: String,
        /// E-mail address to sign in with (and receive messages).
        #[arg(long)]
        email: Option<String>,
        /// Mobile number to sign in with (0812… or +62…; E.164 for another country).
        #[arg(long)]
        phone: Option<String>,
        /// ROLE or ROLE@ORGCODE, repeatable (e.g. unit_head@35.03.05.2001)
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input, or generated and printed).
    Passwd {
        /// E-mail or phone of the account.
        login: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts (phones masked).
    List,
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a named token for an account; the token is shown once.
    Create {
        /// E-mail or phone of the account.
        #[arg(long)]
        user: String,
        /// What the token is for, e.g. "Aplikasi LAPOR" (shown in `token list`).
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by id.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: i64,
    },
    /// List tokens (never their values).
    List,
}

impl Cli {
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut cfg = Config::load(self.config.as_deref())?;
        if let Some(d) = &self.data_dir {
            cfg.data_dir = d.clone();
        }
        if let Some(u) = &self.database_url {
            cfg.database_url = Some(u.clone());
        }
        if let Some(f) = self.log_format {
            cfg.log_format = f;
        }
        if let Command::Serve(s) = &self.command {
            if let Some(b) = &s.bind {
                cfg.bind = b.clone();
                if s.base_url.is_none()
                    && std::env::var("ANJUNGAN_BASE_URL").is_err()
                    && cfg.base_url == Config::default().base_url
                {
                    cfg.base_url = format!("http://{b}");
                }
            }
            if let Some(u) = &s.base_url {
                cfg.base_url = u.clone();
            }
        }
        Ok(cfg)
    }
}

fn read_or_generate_password(from_stdin: bool) -> anyhow::Result<(Password, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        let p = Password::parse(line.trim_end_matches(['\n', '\r']))
            .map_err(|_| anyhow::anyhow!("the password must be 8 to 128 characters"))?;
        Ok((p, false))
    } else {
        Ok((
            Password::parse(&anjungan_kernel::crypto::random_token(12))?,
            true,
        ))
    }
}

async fn find_user(
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
    login: &str,
) -> anyhow::Result<UserId> {
    let id = LoginId::parse(login).map_err(|_| {
        anyhow::anyhow!("{login:?} is neither an e-mail address nor a mobile number")
    })?;
    store::find_credentials(db, keys, &id)
        .await?
        .map(|c| c.user_id)
        .ok_or_else(|| anyhow::anyhow!("no account {login:?}"))
}

/// Runs every command except `serve`.
pub async fn run(cli: &Cli, mut cfg: Config) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match &cli.command {
        Command::Serve(_) => unreachable!("serve is handled by main"),
        Command::Migrate => {
            let (db, _) = crate::open(&mut cfg).await?;
            println!("database migrated ({})", db.backend.name());
            db.close().await;
        }
        Command::Demo => {
            let (db, keys) = crate::open(&mut cfg).await?;
            println!(
                "{}",
                crate::demo::load(&db, &keys, &cfg.data_dir, &cfg.base_url).await?
            );
            db.close().await;
        }
        Command::User(cmd) => {
            let (db, keys) = crate::open(&mut cfg).await?;
            match cmd {
                UserCmd::Add {
                    name,
                    email,
                    phone,
                    roles,
                    password_stdin,
                } => {
                    let mut grants = Vec::new();
                    for r in roles {
                        let (role, org) = match r.split_once('@') {
                            Some((role, code)) => {
                                let org = anjungan_kernel::orgs::store::get_by_code(&db, code)
                                    .await?
                                    .ok_or_else(|| {
                                        anyhow::anyhow!("no organisation with code {code}")
                                    })?;
                                (role, Some(org.id))
                            }
                            None => (r.as_str(), None),
                        };
                        let role = Role::parse(role).map_err(|_| {
                            anyhow::anyhow!(
                                "unknown role {role:?}; roles: {}",
                                Role::ALL.map(|r| r.code()).join(", ")
                            )
                        })?;
                        grants.push((role, org));
                    }
                    let (password, generated) = read_or_generate_password(*password_stdin)?;
                    let user = store::NewUser {
                        name: PersonName::parse(name).map_err(|_| {
                            anyhow::anyhow!("a name of 1–100 characters is required")
                        })?,
                        email: email
                            .as_deref()
                            .map(Email::parse)
                            .transpose()
                            .map_err(|_| anyhow::anyhow!("invalid e-mail address"))?,
                        phone: phone
                            .as_deref()
                            .map(Phone::parse)
                            .transpose()
                            .map_err(|_| anyhow::anyhow!("invalid mobile number"))?,
                        password_hash: service::hash_password(&password).await?,
                    };
                    if user.email.is_none() && user.phone.is_none() {
                        anyhow::bail!("give --email or --phone");
                    }
                    if !generated {
                        password
                            .check_strength(&[
                                user.email.as_ref().map_or("", |e| e.as_str()),
                                user.phone.as_ref().map_or("", |p| p.as_str()),
                                user.name.as_str(),
                            ])
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                    let id = service::create_user(&db, &keys, &actor, user, &grants)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("created user {}", id.0);
                    if generated {
                        println!("password: {}", password.expose());
                    }
                }
                UserCmd::Passwd {
                    login,
                    password_stdin,
                } => {
                    let user = find_user(&db, &keys, login).await?;
                    let (password, generated) = read_or_generate_password(*password_stdin)?;
                    service::set_password(&db, &keys, &actor, user, &password)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("password changed for user {}", user.0);
                    if generated {
                        println!("password: {}", password.expose());
                    }
                }
                UserCmd::List => {
                    print_lines(store::list_users(&db).await?.into_iter().map(|u| {
                        format!(
                            "{:>5}  {:<30} {:<32} {:<14} {}",
                            u.id,
                            u.name,
                            u.email.unwrap_or_default(),
                            u.phone.unwrap_or_default(),
                            u.roles.join(", ")
                        )
                    }))?;
                }
            }
            db.close().await;
        }
        Command::Token(cmd) => {
            let (db, keys) = crate::open(&mut cfg).await?;
            match cmd {
                TokenCmd::Create { user, name } => {
                    let uid = find_user(&db, &keys, user).await?;
                    let (id, token) = service::create_token(&db, &actor, uid, name)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("token {id} created; it is shown only now:\n{token}");
                }
                TokenCmd::Revoke { id } => {
                    service::revoke_token(&db, &actor, *id)
                        .await
                        .map_err(|_| anyhow::anyhow!("no live token with id {id}"))?;
                    println!("token {id} revoked");
                }
                TokenCmd::List => {
                    let tokens = store::list_tokens(&db).await?;
                    if tokens.is_empty() {
                        print_lines([
                            "No API tokens yet. Create one with: anjungan token create --user EMAIL --name PURPOSE".to_string(),
                        ])?;
                    } else {
                        print_lines([format!(
                            "{:>5}  {:<24} {:<12} {:<8} {}",
                            "id", "name", "prefix", "state", "account"
                        )])?;
                    }
                    print_lines(tokens.into_iter().map(|t| {
                        let state = if t.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "live"
                        };
                        format!(
                            "{:>5}  {:<24} {:<12} {:<8} {}",
                            t.id, t.name, t.prefix, state, t.user_name
                        )
                    }))?;
                }
            }
            db.close().await;
        }
        Command::Backup(args) => {
            let pass = passphrase(args.passphrase_file.as_deref())?;
            if let Some(file) = &args.verify {
                let summary = anjungan_kernel::backup::verify(file, pass.as_deref()).await?;
                print_lines([format!("backup intact: {summary}")])?;
            } else if let Some(to) = &args.to {
                if args.with_key && pass.is_none() {
                    anyhow::bail!(
                        "--with-key needs a passphrase: --passphrase-file FILE or ANJUNGAN_BACKUP_PASSPHRASE"
                    );
                }
                let (db, keys) = crate::open(&mut cfg).await?;
                let summary = anjungan_kernel::backup::create(
                    &db,
                    &cfg.data_dir,
                    &cfg.effective_database_url(),
                    &keys,
                    to,
                    pass.as_deref().filter(|_| args.with_key),
                )
                .await;
                db.close().await;
                print_lines([format!("backup written to {}: {}", to.display(), summary?)])?;
            }
        }
        Command::Restore {
            from,
            passphrase_file,
        } => {
            let pass = passphrase(passphrase_file.as_deref())?;
            let summary = anjungan_kernel::backup::restore(
                from,
                &cfg.data_dir,
                &cfg.effective_database_url(),
                cfg.secret_key.as_deref(),
                pass.as_deref(),
            )
            .await?;
            // Open it as the server would: migrations, the key against the database, and the
            // audit chain walked end to end.
            let (db, keys) = crate::open(&mut cfg).await?;
            let report = anjungan_kernel::audit::store::verify(&db, &keys).await?;
            db.close().await;
            if let Some(at) = report.broken_at {
                anyhow::bail!("restored, but the audit chain is broken at entry {at}");
            }
            print_lines([
                format!("restored {summary}"),
                format!(
                    "audit chain intact: {} entries, head #{}",
                    report.entries,
                    report.head_id.unwrap_or(0)
                ),
            ])?;
        }
        Command::Audit(AuditCmd::Verify) => {
            let (db, keys) = crate::open(&mut cfg).await?;
            anjungan_kernel::audit::store::chain_pending(&db, &keys).await?;
            let report = anjungan_kernel::audit::store::verify(&db, &keys).await?;
            db.close().await;
            let head = match (report.head_id, &report.head_hash) {
                (Some(id), Some(h)) => format!("entry {id}, link {h}"),
                _ => "none (empty log)".into(),
            };
            if let Some(at) = report.broken_at {
                anyhow::bail!(
                    "audit chain BROKEN at entry {at}: its content or an entry before it was changed or removed ({} entries, {} linked before it; last good head: {head})",
                    report.entries,
                    report.chained
                );
            }
            print_lines([format!(
                "audit chain intact: {} entries, {} linked, {} waiting; head: {head}",
                report.entries, report.chained, report.pending
            )])?;
        }
        Command::Pki(cmd) => {
            let (db, keys) = crate::open(&mut cfg).await?;
            if matches!(cmd, PkiCmd::RotateAuthority) {
                anjungan_kernel::pki::rotate_authority(&db, &keys).await?;
                eprintln!("a new certificate authority is active; the retired one stays published");
            }
            let chain = anjungan_kernel::pki::chain_pem(&db, &keys).await?;
            db.close().await;
            print!("{chain}");
        }
        Command::Check => {
            let report = crate::check::run(&cfg).await;
            print_lines(report.lines())?;
            if report.problems() > 0 {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}

/// Writes lines to standard output; a reader that stops early (`| head`) ends the listing
/// quietly instead of a panic.
fn print_lines(lines: impl IntoIterator<Item = String>) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        match writeln!(out, "{line}") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANJUNGAN_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command and every option explains itself in `--help`.
    #[test]
    fn every_command_and_option_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() == "help" {
                    continue;
                }
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {} (about)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "anjungan", &mut missing);
        assert!(missing.is_empty(), "without help text: {missing:?}");
    }
}
