//! The sync commands: pair, join, serve, peers, device revoke, sync status. Argument
//! types live here (wired into `args.rs`), the work in `hearth_api::sync`.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use clap::{Args, Subcommand};
use hearth_api::clock::SystemClock;
use hearth_api::sync::{InviteOptions, JoinRequest, ServeOptions, SyncEvent, join, serve};
use hearth_api::{ApiError, KdfParams, Workspace};

use crate::output::{self, say};
use crate::passphrase;

#[derive(Subcommand)]
pub enum PairCommand {
    /// Show a one-time code and wait for a new device to join with it (team managers).
    Invite {
        /// Port to listen on (default: any free port, printed).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Minutes the code stays valid.
        #[arg(long, default_value_t = 5)]
        minutes: u64,
        /// Do not advertise the invitation by mDNS (the new device then needs --peer).
        #[arg(long)]
        no_discovery: bool,
        /// The role the new member gets; a device asking for another role is refused.
        #[arg(long, default_value = "social-worker")]
        role: String,
    },
}

#[derive(Args)]
pub struct JoinArgs {
    /// The code shown on the team manager's device.
    #[arg(long)]
    pub code: String,
    /// Your name, as the new member.
    #[arg(long)]
    pub member: String,
    /// Your role, e.g. social-worker.
    #[arg(long)]
    pub role: String,
    /// The inviting device's address (IP:PORT); otherwise found by mDNS.
    #[arg(long)]
    pub peer: Option<SocketAddr>,
    /// Seconds to look for the inviting device.
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Exit after one round with every reachable peer.
    #[arg(long)]
    pub once: bool,
    /// Port to listen on (default: any free port, printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A peer to connect to (IP:PORT); may be repeated.
    #[arg(long)]
    pub peer: Vec<SocketAddr>,
    /// Do not use mDNS (only --peer and incoming connections).
    #[arg(long)]
    pub no_discovery: bool,
    /// With --once: seconds to look for peers.
    #[arg(long, default_value_t = 3)]
    pub discover_secs: u64,
    /// Seconds between sync rounds with known peers.
    #[arg(long, default_value_t = 2)]
    pub interval_secs: u64,
    /// Stop after this many seconds (default: run until stopped).
    #[arg(long)]
    pub run_secs: Option<u64>,
    /// Print events as JSON lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Revoke a device (team managers): it can no longer sync. Data it already holds
    /// stays on it, protected by its passphrase.
    Revoke { id: String },
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// This device's sync identity and when each peer last synced.
    Status {
        #[arg(long)]
        json: bool,
    },
}

fn open(dir: &Path) -> Result<Workspace, ApiError> {
    if !Workspace::exists(dir) {
        return Err(ApiError::NoWorkspace(dir.display().to_string()));
    }
    let pass = passphrase::read("Passphrase: ")?;
    Workspace::open(dir, &pass, Box::new(SystemClock))
}

fn print_event(e: &SyncEvent, json: bool) {
    if json {
        if let Ok(line) = serde_json::to_string(e) {
            say!("{line}");
        }
        return;
    }
    match e {
        SyncEvent::PeerFound {
            fingerprint,
            address,
        } => say!("peer found: {fingerprint} at {address}"),
        SyncEvent::Connected { device } => say!("connected: {device}"),
        SyncEvent::DocumentsToGo { device, count } => {
            say!("{device}: {count} cases to compare")
        }
        SyncEvent::Done {
            device,
            received,
            sent,
        } => say!("synced with {device}: {received} documents received, {sent} sent"),
        SyncEvent::Error {
            peer,
            code,
            message,
        } => say!("error with {peer} ({code}): {message}"),
    }
}

pub fn pair(dir: &Path, cmd: PairCommand) -> Result<(), ApiError> {
    let PairCommand::Invite {
        port,
        minutes,
        no_discovery,
        role,
    } = cmd;
    let mut ws = open(dir)?;
    let opts = InviteOptions {
        port,
        valid_for: Duration::from_secs(minutes.clamp(1, 60) * 60),
        discovery: !no_discovery,
        role,
    };
    let joined = ws.pair_invite(&opts, &|code, port| {
        say!("code: {code}");
        say!("port: {port}");
        say!(
            "valid for {} minutes, one use; waiting for the new device",
            opts.valid_for.as_secs() / 60
        );
    })?;
    say!(
        "joined: device {} as member {}",
        joined.device,
        joined.member
    );
    Ok(())
}

pub fn join_cmd(dir: &Path, args: JoinArgs) -> Result<(), ApiError> {
    if Workspace::exists(dir) {
        return Err(ApiError::WorkspaceExists(dir.display().to_string()));
    }
    let pass = passphrase::read_new()?;
    let ws = join(
        dir,
        &pass,
        JoinRequest {
            code: &args.code,
            member_name: &args.member,
            role: &args.role,
            peer: args.peer,
            wait: Duration::from_secs(args.wait),
        },
        KdfParams::default(),
        Box::new(SystemClock),
    )?;
    say!("{}", ws.whoami()?.member);
    Ok(())
}

pub fn serve_cmd(dir: &Path, args: ServeArgs) -> Result<(), ApiError> {
    if !Workspace::exists(dir) {
        return Err(ApiError::NoWorkspace(dir.display().to_string()));
    }
    let pass = passphrase::read("Passphrase: ")?;
    let key = Workspace::unwrap_key(dir, &pass)?;
    let json = args.json;
    let opts = ServeOptions {
        port: args.port,
        once: args.once,
        peers: args.peer,
        discovery: !args.no_discovery,
        discover_for: Duration::from_secs(args.discover_secs),
        interval: Duration::from_millis(args.interval_secs.max(1) * 1000),
        run_for: args.run_secs.map(Duration::from_secs),
        ..ServeOptions::default()
    };
    let report = serve(
        dir,
        &key,
        opts,
        &|port| {
            if json {
                say!("{{\"event\":\"listening\",\"port\":{port}}}");
            } else {
                say!("listening on port {port}");
            }
        },
        &|e| print_event(&e, json),
    )?;
    if json {
        output::json(&report)?;
    } else {
        say!(
            "{} sessions, {} errors",
            report.sessions.len(),
            report.errors
        );
    }
    if args.once && report.errors > 0 && report.sessions.is_empty() {
        return Err(ApiError::Refused("no peer could be synced with".into()));
    }
    Ok(())
}

pub fn peers(dir: &Path, json: bool) -> Result<(), ApiError> {
    let ws = open(dir)?;
    let peers = ws.peers()?;
    if json {
        return output::json(&peers);
    }
    for p in peers {
        let state = if p.revoked {
            "revoked"
        } else if p.this_device {
            "this device"
        } else {
            "active"
        };
        let last = p
            .last_sync
            .map(|l| format!("last synced {}", l.at))
            .unwrap_or_else(|| "never synced".into());
        say!(
            "{}  {}  {} ({})  {state}  {last}",
            p.device,
            p.fingerprint.unwrap_or_default(),
            p.member_name,
            p.role
        );
    }
    Ok(())
}

pub fn device(dir: &Path, cmd: DeviceCommand) -> Result<(), ApiError> {
    let DeviceCommand::Revoke { id } = cmd;
    open(dir)?.revoke_device(&id)?;
    say!(
        "revoked {id}: it can no longer sync; the other devices get a new team key at their next sync."
    );
    say!("Data it already holds stays on it, protected by its passphrase.");
    Ok(())
}

pub fn sync(dir: &Path, cmd: SyncCommand) -> Result<(), ApiError> {
    let SyncCommand::Status { json } = cmd;
    let status = open(dir)?.sync_status()?;
    if json {
        return output::json(&status);
    }
    say!(
        "device {} (fingerprint {})",
        status.device,
        status.fingerprint
    );
    say!(
        "team tag {}, key epoch {}, {} cases",
        status.team_tag,
        status.key_epoch,
        status.cases
    );
    for p in status.peers.iter().filter(|p| !p.this_device) {
        let last = p
            .last_sync
            .as_ref()
            .map(|l| {
                format!(
                    "last synced {} ({} received, {} sent)",
                    l.at, l.docs_received, l.docs_sent
                )
            })
            .unwrap_or_else(|| "never synced".into());
        say!(
            "  {}{}  {last}",
            p.device,
            if p.revoked { " (revoked)" } else { "" }
        );
    }
    Ok(())
}
