//! The command line: one enum of subcommands, each a short function over the library.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::db::audit::{Verdict, verify};
use crate::db::{orgs, users};
use crate::domain::{Locale, Role};
use crate::error::Error;
use crate::i18n::Tr;
use crate::server::{Application, StartError, init_logging, prepare, shutdown_signal};
use crate::service::{accounts, members, orgs as org_ops};
use crate::web::error::ErrorBody;

#[derive(Parser, Debug)]
#[command(
    name = "lantoa",
    version,
    about = "Lantoa: a self-hosted newsroom desk for short video on social platforms.",
    long_about = "Lantoa: a self-hosted newsroom desk for short video on social platforms.\n\n\
        Settings come from defaults, then the --config TOML file, then LANTOA_* environment\n\
        variables (e.g. LANTOA_LISTEN, LANTOA_DATA_DIR, LANTOA_DATABASE_URL). See `lantoa config show`."
)]
pub struct Cli {
    /// A TOML settings file.
    #[arg(long, global = true, env = "LANTOA_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web interface and API, with the background workers inside.
    Serve,
    /// Run only the background workers (for extra worker machines).
    Worker,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Create the demo network (body, three agencies, a user in every role), print the logins, and serve.
    #[cfg(feature = "sandbox")]
    Demo {
        /// Seed and print the logins, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Show the effective settings.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Manage organisations.
    #[command(subcommand)]
    Agency(AgencyCmd),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage personal access tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Back up an install on SQLite while it runs: a consistent copy of the database,
    /// the key file, the media and a manifest of every object, into a folder.
    Backup {
        /// The backup folder: used when new or empty, else a new
        /// lantoa-backup-<time> folder is made inside it.
        #[arg(long, value_name = "FOLDER")]
        to: PathBuf,
    },
    /// Restore a backup into an empty data folder, checking every object's size and
    /// SHA-256 and the audit trail.
    Restore {
        /// The backup folder (the one holding manifest.json).
        #[arg(long, value_name = "FOLDER")]
        from: PathBuf,
        /// The new data folder; must be empty or not exist.
        #[arg(long, value_name = "FOLDER")]
        data_dir: PathBuf,
    },
    /// Serve local stand-ins of the platforms' APIs (a sandbox for tests and the demo).
    #[cfg(feature = "sandbox")]
    MockPlatforms {
        #[arg(long, default_value = "127.0.0.1:9100")]
        listen: std::net::SocketAddr,
        /// How long the platforms' asynchronous processing takes, in milliseconds
        /// (also settable at run time: `POST /__admin/config {"processing_ms": N}`).
        #[arg(long, default_value_t = 0)]
        processing_ms: u64,
    },
    /// Check Vietnamese text (a file, or standard input): legacy encodings, NFC, tone
    /// marks, official names, spacing. Exit 1 on an error, 2 on unreadable input.
    Lint(LintArgs),
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// The text file to check; standard input when absent.
    pub file: Option<PathBuf>,
    /// Print the findings as a JSON array (byte and character offsets, message).
    #[arg(long)]
    pub json: bool,
    /// House tone-mark style: old (hòa, thủy) or new (hoà, thuỷ).
    #[arg(long, default_value = "old", value_name = "old|new")]
    pub style: crate::lint::ToneStyle,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCmd {
    /// Print every setting with its value and environment variable; secrets masked.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum AgencyCmd {
    /// Add an agency to an overseeing body (or, with --body-only, add a body).
    Add {
        /// Short name used in URLs, e.g. bao-tinh.
        #[arg(long)]
        slug: String,
        /// Full name, e.g. "Báo Tỉnh".
        #[arg(long)]
        name: String,
        /// Slug of the overseeing body the agency belongs to.
        #[arg(long, required_unless_present = "body_only")]
        body: Option<String>,
        /// Create an overseeing body instead of an agency.
        #[arg(long)]
        body_only: bool,
        /// IANA time zone (default: the `time_zone` setting).
        #[arg(long)]
        time_zone: Option<String>,
    },
    /// List bodies and agencies.
    List,
}

#[derive(Args, Debug)]
pub struct PasswordArgs {
    /// Read the password from standard input instead of generating a temporary one.
    #[arg(long)]
    password_stdin: bool,
    /// The password must be changed at first sign-in.
    #[arg(long)]
    temporary: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user; prints a generated temporary password unless --password-stdin.
    Add {
        #[arg(long)]
        username: String,
        /// Name shown on screen.
        #[arg(long)]
        name: String,
        /// Slug of the agency (or body, for --role overseer) to join.
        #[arg(long, requires = "role")]
        agency: Option<String>,
        /// Role in that organisation: reporter, editor, head, deputy, analyst, agency_admin, overseer. Repeatable.
        #[arg(long)]
        role: Vec<String>,
        /// Make the user a system administrator.
        #[arg(long)]
        system_admin: bool,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Set a user's password; prints a generated temporary one unless --password-stdin.
    Passwd {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a personal access token for a user and print it (shown once).
    Create {
        #[arg(long)]
        username: String,
        /// What the token is for, e.g. "nightly export".
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Walk the hash chain; exit non-zero naming the first entry altered, removed or inserted.
    Verify,
}

/// An English sentence for an operation's error.
fn describe(e: &Error) -> String {
    let b = ErrorBody::from(e);
    let msg = Tr::new(Locale::En).t_args(b.message_id, &b.args);
    match (&b.field, e) {
        (Some(f), Error::Invalid(_)) => format!("{msg} (field: {f})"),
        _ => msg,
    }
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("lantoa: {msg}");
    ExitCode::FAILURE
}

/// Returns (password, generated?).
fn obtain_password(args: &PasswordArgs) -> Result<(String, bool), String> {
    if args.password_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok((s.trim_end_matches(['\n', '\r']).to_string(), false))
    } else {
        Ok((members::temporary_password(), true))
    }
}

pub async fn run(cli: Cli) -> ExitCode {
    // The lint needs neither settings nor a database.
    if let Command::Lint(a) = &cli.command {
        return crate::lint_cli::run(a.file.as_deref(), a.json, a.style);
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    init_logging(&config);
    if let Command::Config(ConfigCmd::Show) = cli.command {
        print!("{}", config.show());
        return ExitCode::SUCCESS;
    }
    // Backups work on files, beside a server that keeps running.
    match &cli.command {
        Command::Backup { to } => return backup_cmd(&config, to).await,
        Command::Restore { from, data_dir } => {
            return restore_cmd(&config, from, data_dir).await;
        }
        _ => {}
    }
    #[cfg(feature = "sandbox")]
    if let Command::MockPlatforms {
        listen,
        processing_ms,
    } = cli.command
    {
        return match crate::sandbox::serve(listen, processing_ms).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("mock platforms on {listen}: {e}")),
        };
    }
    #[cfg(feature = "sandbox")]
    let config = {
        let mut config = config;
        if matches!(cli.command, Command::Demo { .. }) {
            // The demo publishes to a sandbox unless real platform apps are set.
            if let Err(e) = crate::demo::sandbox(&mut config).await {
                return fail(e);
            }
        }
        config
    };
    let st = match prepare(config).await {
        Ok(s) => s,
        Err(StartError(e)) => return fail(e),
    };
    let code = dispatch(st.clone(), cli.command).await;
    // Closing the pool checkpoints SQLite's write-ahead log into the main file.
    st.db.close().await;
    code
}

async fn dispatch(st: crate::state::AppState, command: Command) -> ExitCode {
    match command {
        Command::Config(_)
        | Command::Lint(_)
        | Command::Backup { .. }
        | Command::Restore { .. } => ExitCode::SUCCESS,
        #[cfg(feature = "sandbox")]
        Command::MockPlatforms { .. } => ExitCode::SUCCESS,
        Command::Migrate => {
            println!(
                "schema is at version {}",
                crate::db::migrate::latest_version()
            );
            ExitCode::SUCCESS
        }
        Command::Serve => serve(st).await,
        Command::Worker => {
            let (tx, rx) = tokio::sync::watch::channel(false);
            let w = tokio::spawn(crate::worker::run(
                st.clone(),
                crate::server::job_kinds(),
                rx,
            ));
            tracing::info!("worker running; stop with SIGTERM");
            shutdown_signal().await;
            let _ = tx.send(true);
            let _ = w.await;
            ExitCode::SUCCESS
        }
        #[cfg(feature = "sandbox")]
        Command::Demo { no_serve } => {
            let logins = match crate::demo::seed(&st).await {
                Ok(l) => l,
                Err(e) => return fail(describe(&e)),
            };
            println!(
                "Demo network ready. Every demo account's password: {}",
                crate::demo::DEMO_PASSWORD
            );
            println!("{:<24} {:<14} organisation", "username", "role");
            for l in &logins {
                println!("{:<24} {:<14} {}", l.username, l.role, l.org);
            }
            if no_serve {
                ExitCode::SUCCESS
            } else {
                serve(st).await
            }
        }
        Command::Agency(cmd) => agency(st, cmd).await,
        Command::User(cmd) => user(st, cmd).await,
        Command::Token(TokenCmd::Create { username, name }) => {
            let p = {
                let mut tx = match st.db.read().await {
                    Ok(t) => t,
                    Err(e) => return fail(e),
                };
                match users::by_username(&mut tx, &username.to_lowercase()).await {
                    Ok(Some(u)) => accounts::Principal {
                        user_id: u.id,
                        username: u.username,
                        display_name: u.display_name,
                        locale: Locale::parse(&u.locale).unwrap_or_default(),
                        is_system_admin: u.is_system_admin,
                        must_change_password: u.must_change_password,
                        memberships: vec![],
                        via: accounts::AuthVia::Token {
                            id: crate::domain::TokenId(0),
                        },
                    },
                    Ok(None) => return fail(format!("no user named {username}")),
                    Err(e) => return fail(e),
                }
            };
            match crate::service::profile::create_token(&st, &p, "local", &name).await {
                Ok((_, token)) => {
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(describe(&e)),
            }
        }
        Command::Audit(AuditCmd::Verify) => match verify(&st.db).await {
            Ok(Verdict::Intact { entries }) => {
                println!("audit trail intact: {entries} entries verified");
                ExitCode::SUCCESS
            }
            Ok(Verdict::Broken(e)) => fail(e),
            Err(e) => fail(e),
        },
    }
}

async fn serve(st: crate::state::AppState) -> ExitCode {
    let app = match Application::bind(st).await {
        Ok(a) => a,
        Err(StartError(e)) => return fail(e),
    };
    tracing::info!(addr = %app.addr, engine = app.state.db.engine().name(), "Lantoa is serving");
    println!("Lantoa is serving on http://{}", app.addr);
    match app.run(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

async fn agency(st: crate::state::AppState, cmd: AgencyCmd) -> ExitCode {
    match cmd {
        AgencyCmd::Add {
            slug,
            name,
            body,
            body_only,
            time_zone,
        } => {
            let parent = match (&body, body_only) {
                (_, true) => None,
                (Some(b), false) => {
                    let found = match st.db.read().await {
                        Ok(mut tx) => orgs::by_slug(&mut tx, b).await,
                        Err(e) => return fail(e),
                    };
                    match found {
                        Ok(Some(o)) if o.kind == "body" => Some(o.id),
                        Ok(_) => {
                            return fail(format!(
                                "no overseeing body with slug {b}; create it with --body-only"
                            ));
                        }
                        Err(e) => return fail(e),
                    }
                }
                (None, false) => return fail("--body is required for an agency"),
            };
            let kind = if body_only { "body" } else { "agency" };
            match org_ops::create(
                &st,
                &crate::service::Actor::cli(),
                kind,
                parent,
                &slug,
                &name,
                time_zone.as_deref(),
            )
            .await
            {
                Ok(id) => {
                    println!("{kind} {slug} created with id {id}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(describe(&e)),
            }
        }
        AgencyCmd::List => {
            let mut tx = match st.db.read().await {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            for kind in ["body", "agency"] {
                match orgs::all_of_kind(&mut tx, kind).await {
                    Ok(list) => {
                        for o in list {
                            println!("{:<6} {:<8} {:<24} {}", o.id, kind, o.slug, o.name);
                        }
                    }
                    Err(e) => return fail(e),
                }
            }
            ExitCode::SUCCESS
        }
    }
}

async fn user(st: crate::state::AppState, cmd: UserCmd) -> ExitCode {
    match cmd {
        UserCmd::Add {
            username,
            name,
            agency,
            role,
            system_admin,
            password,
        } => {
            let (pw, generated) = match obtain_password(&password) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            let membership = match agency {
                None => None,
                Some(slug) => {
                    let org = match st.db.read().await {
                        Ok(mut tx) => orgs::by_slug(&mut tx, &slug).await,
                        Err(e) => return fail(e),
                    };
                    let org = match org {
                        Ok(Some(o)) => o,
                        Ok(None) => return fail(format!("no agency or body with slug {slug}")),
                        Err(e) => return fail(e),
                    };
                    let mut roles = Vec::new();
                    for r in &role {
                        match Role::parse(r) {
                            Some(Role::Overseer) if org.kind == "body" => {
                                roles.push(Role::Overseer)
                            }
                            Some(x) if org.kind == "agency" && x != Role::Overseer => roles.push(x),
                            _ => return fail(format!("role {r} does not exist in a {}", org.kind)),
                        }
                    }
                    Some((org.id, roles))
                }
            };
            let temporary = generated || password.temporary;
            match members::create_account_cli(
                &st,
                &username,
                &name,
                &pw,
                system_admin,
                temporary,
                membership,
            )
            .await
            {
                Ok(id) => {
                    println!("user {} created with id {id}", username.to_lowercase());
                    if generated {
                        println!("temporary password (must be changed at first sign-in): {pw}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(describe(&e)),
            }
        }
        UserCmd::Passwd { username, password } => {
            let (pw, generated) = match obtain_password(&password) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            match members::set_password_cli(&st, &username, &pw, generated || password.temporary)
                .await
            {
                Ok(()) => {
                    if generated {
                        println!("temporary password (must be changed at next sign-in): {pw}");
                    } else {
                        println!("password set");
                    }
                    ExitCode::SUCCESS
                }
                Err(Error::NotFound) => fail(format!("no user named {username}")),
                Err(e) => fail(describe(&e)),
            }
        }
    }
}

fn counts_line(counts: &[(&str, i64)]) -> String {
    counts
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn backup_cmd(config: &Config, to: &std::path::Path) -> ExitCode {
    let r = match crate::backup::backup(config, to).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let m = &r.manifest;
    let bytes: u64 = m.objects.iter().filter_map(|o| o.size).sum();
    println!("backup written to {}", r.dir.display());
    println!(
        "database: schema version {}, {} bytes, sha256 {}",
        m.schema_version, m.database.size, m.database.sha256
    );
    println!("rows: {}", counts_line(&r.counts));
    if m.media_copied {
        println!(
            "media: {} objects, {bytes} bytes, copied and hashed",
            m.objects.len()
        );
    } else {
        println!(
            "media: {} objects listed in {}, not copied: they are in {} (its versioning or \
             replication is their backup)",
            m.objects.len(),
            crate::backup::MANIFEST,
            m.storage
        );
    }
    for gone in m.missing.iter().filter(|g| g.deletable) {
        println!(
            "note: {} ({}) was deleted after the database was copied (a failed or invalid version)",
            gone.key, gone.source
        );
    }
    match (&m.secrets, r.keys_from_settings) {
        (_, true) => println!(
            "keys: set in the settings (LANTOA_SESSION_KEY, LANTOA_ENCRYPTION_KEY); keep them with \
             this backup: without encryption_key the stored platform tokens cannot be read"
        ),
        (Some(f), false) => println!("keys: {f} (mode 0600)"),
        (None, false) => println!("keys: no secrets.toml in the data folder"),
    }
    if r.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in &r.problems {
            eprintln!("lantoa: {p}");
        }
        fail(format!(
            "the backup is written but {} objects are missing or damaged",
            r.problems.len()
        ))
    }
}

async fn restore_cmd(
    config: &Config,
    from: &std::path::Path,
    data_dir: &std::path::Path,
) -> ExitCode {
    let r = match crate::backup::restore(config, from, data_dir).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    println!("restored into {}", data_dir.display());
    println!("rows: {}", counts_line(&r.counts));
    if r.media_copied {
        println!(
            "media: {} objects, {} bytes, copied; sizes and SHA-256 checked",
            r.objects, r.bytes
        );
    } else {
        println!(
            "media: {} objects found in the bucket with their recorded sizes",
            r.objects
        );
    }
    println!(
        "keys: {}",
        if r.secrets {
            "secrets.toml restored (mode 0600)"
        } else {
            "none in the backup: supply LANTOA_SESSION_KEY and LANTOA_ENCRYPTION_KEY"
        }
    );
    println!("audit trail intact: {} entries verified", r.audit_entries);
    println!(
        "start it with: LANTOA_DATA_DIR={} lantoa serve",
        data_dir.display()
    );
    ExitCode::SUCCESS
}
