//! The command line: `anjungan serve|migrate|demo|user|token|backup|check`.

use anjungan_kernel::audit::Actor;
use anjungan_kernel::config::LogFormat;
use anjungan_kernel::identity::domain::{
    Email, LoginId, Password, PersonName, Phone, Role, UserId,
};
use anjungan_kernel::identity::{service, store};
use anjungan_kernel::{Backend, Config};
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
    /// Write a consistent copy of the embedded database, safe while the server runs.
    Backup {
        /// Target file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Check the configuration and that the database is reachable.
    Check,
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
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
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
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
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
pub async fn run(cli: &Cli, cfg: Config) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match &cli.command {
        Command::Serve(_) => unreachable!("serve is handled by main"),
        Command::Migrate => {
            let (db, _) = crate::open(&cfg).await?;
            println!("database migrated ({})", db.backend.name());
            db.close().await;
        }
        Command::Demo => {
            let (db, keys) = crate::open(&cfg).await?;
            println!("{}", crate::demo::load(&db, &keys, &cfg.data_dir).await?);
            db.close().await;
        }
        Command::User(cmd) => {
            let (db, keys) = crate::open(&cfg).await?;
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
                    service::set_password(&db, &actor, user, &password).await?;
                    println!("password changed for user {}", user.0);
                    if generated {
                        println!("password: {}", password.expose());
                    }
                }
                UserCmd::List => {
                    for u in store::list_users(&db).await? {
                        println!(
                            "{:>5}  {:<30} {:<32} {:<14} {}",
                            u.id,
                            u.name,
                            u.email.unwrap_or_default(),
                            u.phone.unwrap_or_default(),
                            u.roles.join(", ")
                        );
                    }
                }
            }
            db.close().await;
        }
        Command::Token(cmd) => {
            let (db, keys) = crate::open(&cfg).await?;
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
                    for t in store::list_tokens(&db).await? {
                        let state = if t.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "live"
                        };
                        println!(
                            "{:>5}  {:<24} {:<12} {:<8} {}",
                            t.id, t.name, t.prefix, state, t.user_name
                        );
                    }
                }
            }
            db.close().await;
        }
        Command::Backup { to } => {
            let (db, _) = crate::open(&cfg).await?;
            if db.backend == Backend::Postgres {
                db.close().await;
                anyhow::bail!("the database is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f anjungan.dump DBNAME)");
            }
            if to.exists() {
                anyhow::bail!("{} already exists", to.display());
            }
            db.backup_sqlite(to).await?;
            println!("backup written to {}", to.display());
            db.close().await;
        }
        Command::Check => {
            let url = cfg.effective_database_url();
            println!("configuration: {cfg:?}");
            let db = anjungan_kernel::Db::connect(&url, 2).await?;
            db.ping().await?;
            println!("database reachable ({})", db.backend.name());
            db.close().await;
        }
    }
    Ok(())
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
