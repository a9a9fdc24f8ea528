//! Pairing: a team manager's device invites (shows a one-time code and waits), a new
//! device joins with that code and becomes a member's device on the roster, with the
//! team document and team key handed over inside the PAKE-keyed channel.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use hearth_core::team::{DeviceId, TeamDoc};
use hearth_core::{MemberId, MemberRole};
use hearth_store::{KdfParams, Store};
use hearth_sync::SyncError;
use hearth_sync::discovery::{Discovery, Mode, Record};
use hearth_sync::keys::{StaticKeys, TeamKeys, fingerprint, key_check, team_tag, to_hex};
use hearth_sync::pairing::{self, JoinGrant, PairingCode};
use serde::Serialize;

use super::{IO_TIMEOUT, store_identity};
use crate::clock::Clock;
use crate::error::{ApiError, Result};
use crate::workspace::{
    KIND_TEAM, META_DEVICE, META_MEMBER, META_TEAM, Workspace, check_passphrase, random_bytes,
};

#[derive(Clone, Debug)]
pub struct InviteOptions {
    pub port: u16,
    /// How long the code is valid (and how long the invitation waits).
    pub valid_for: Duration,
    pub discovery: bool,
    /// The role the new member gets, as typed (e.g. "social-worker"). The team
    /// manager decides it: a device asking to join in another role is refused.
    pub role: String,
}

/// The device that joined.
#[derive(Clone, Debug, Serialize)]
pub struct Joined {
    pub device: String,
    pub member: String,
}

impl Workspace {
    /// Shows a one-time code (through `on_code`, with the port) and waits for a new
    /// device to join with it in the role the invitation names. Team managers only.
    pub fn pair_invite(
        &mut self,
        opts: &InviteOptions,
        on_code: &dyn Fn(&str, u16),
    ) -> Result<Joined> {
        let me = self.whoami()?;
        if me.role != MemberRole::TeamManager {
            return Err(ApiError::Refused(
                "only a team manager's device can invite a new device".into(),
            ));
        }
        let invited: MemberRole = opts.role.parse()?;
        let (keys, team_keys) = self.sync_identity()?;
        let listener = TcpListener::bind((IpAddr::V4(Ipv4Addr::UNSPECIFIED), opts.port))
            .map_err(|e| ApiError::Io(format!("cannot listen on port {}: {e}", opts.port)))?;
        let port = listener
            .local_addr()
            .map_err(|e| ApiError::Io(e.to_string()))?
            .port();
        listener
            .set_nonblocking(true)
            .map_err(|e| ApiError::Io(e.to_string()))?;
        let mut discovery = None;
        if opts.discovery {
            let mut d = Discovery::start()?;
            d.advertise(&Record {
                team_tag: team_tag(self.team_id.as_str()),
                fingerprint: fingerprint(&keys.public),
                port,
                mode: Mode::Pair,
            })?;
            discovery = Some(d);
        }
        let mut code = PairingCode::generate(opts.valid_for);
        on_code(&code.display(), port);
        let deadline = Instant::now() + opts.valid_for;
        let result = loop {
            if let Err(e) = code.usable(Instant::now()) {
                break Err(ApiError::from(e));
            }
            let stream = match listener.accept() {
                Ok((s, _)) => s,
                Err(_) => {
                    if Instant::now() >= deadline {
                        break Err(ApiError::Sync(SyncError::Pairing(
                            "the code has expired".into(),
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            };
            let _ = stream.set_nonblocking(false);
            stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
            stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
            let mut joined = None;
            let outcome = pairing::invite(stream, &mut code, &keys, |req, joiner_key| {
                let j = self.grant(req, joiner_key, &team_keys, invited)?;
                joined = Some(j.1);
                Ok(j.0)
            });
            match outcome {
                Ok(_) => break joined.ok_or_else(|| ApiError::Corrupt("pairing".into())),
                Err(e @ SyncError::Pairing(_)) if code.usable(Instant::now()).is_err() => {
                    break Err(e.into());
                }
                Err(_) => continue,
            }
        };
        if let Some(d) = discovery {
            d.stop();
        }
        result
    }

    /// Adds the new member and device to the roster and says what to hand over.
    fn grant(
        &mut self,
        req: &pairing::JoinRequest,
        joiner_key: &[u8; 32],
        team_keys: &TeamKeys,
        invited: MemberRole,
    ) -> std::result::Result<(JoinGrant, Joined), SyncError> {
        let refuse = |e: &dyn std::fmt::Display| SyncError::Pairing(e.to_string());
        let role: MemberRole = req.role.parse().map_err(|e| refuse(&e))?;
        // The code is the team manager's consent to one member in one role: whoever
        // holds it must not choose a stronger role for themselves.
        if role != invited {
            return Err(SyncError::Pairing(format!(
                "this code invites a {}; the new device asked to join as a {}",
                invited.as_str(),
                role.as_str()
            )));
        }
        let device = DeviceId::parse(&req.device).map_err(|e| refuse(&e))?;
        let member = MemberId::from_random(random_bytes());
        let now = self.clock.now();
        let by = self.member.clone();
        self.team
            .add_member(&member, &req.member_name, role, &by, now)
            .map_err(|e| refuse(&e))?;
        self.team
            .add_device(&device, &member, &to_hex(joiner_key), &by, now)
            .map_err(|e| refuse(&e))?;
        self.save_team().map_err(|e| refuse(&e))?;
        Ok((
            JoinGrant {
                team_id: self.team_id.to_string(),
                member_id: member.to_string(),
                key_epoch: team_keys.epoch,
                team_key: team_keys.key,
                team_doc: self.team.save(),
            },
            Joined {
                device: device.as_str().to_string(),
                member: member.to_string(),
            },
        ))
    }
}

/// What `join` needs besides the workspace directory and passphrase.
pub struct JoinRequest<'a> {
    pub code: &'a str,
    pub member_name: &'a str,
    pub role: &'a str,
    /// The inviting device's address; otherwise found by mDNS.
    pub peer: Option<SocketAddr>,
    /// How long to look for the inviting device.
    pub wait: Duration,
}

fn find_inviter(wait: Duration) -> Result<Vec<SocketAddr>> {
    let d = Discovery::start()?;
    let deadline = Instant::now() + wait;
    let mut found = Vec::new();
    while Instant::now() < deadline && found.is_empty() {
        for (record, addrs) in d.poll(Duration::from_millis(250)) {
            if record.mode == Mode::Pair {
                found.extend(addrs.into_iter().map(|a| SocketAddr::new(a, record.port)));
            }
        }
    }
    d.stop();
    if found.is_empty() {
        return Err(ApiError::Refused(
            "no team manager's device is inviting on this network".into(),
        ));
    }
    Ok(found)
}

/// Joins a team from a new device: pairs with the inviting device by its code, then
/// creates this workspace with the roster and team key it handed over.
pub fn join(
    dir: &Path,
    passphrase: &str,
    req: JoinRequest<'_>,
    kdf: KdfParams,
    clock: Box<dyn Clock>,
) -> Result<Workspace> {
    if Store::exists(dir) {
        return Err(ApiError::WorkspaceExists(dir.display().to_string()));
    }
    check_passphrase(passphrase)?;
    let _: MemberRole = req.role.parse()?;
    if req.member_name.trim().is_empty() {
        return Err(ApiError::Refused("give the member's name".into()));
    }
    let addrs = match req.peer {
        Some(a) => vec![a],
        None => find_inviter(req.wait)?,
    };
    let device = DeviceId::from_random(random_bytes());
    let keys = StaticKeys::generate();
    let request = pairing::JoinRequest {
        device: device.as_str().to_string(),
        member_name: req.member_name.trim().to_string(),
        role: req.role.to_string(),
    };
    let mut last = None;
    for addr in addrs {
        let stream = match TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
            Ok(s) => s,
            Err(e) => {
                last = Some(ApiError::Io(format!("cannot reach {addr}: {e}")));
                continue;
            }
        };
        stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
        stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
        let (mut secure, grant) = pairing::join(stream, req.code, &keys, &request)?;
        let actor = device.actor(random_bytes());
        let team = TeamDoc::load([grant.team_doc.as_slice()], &actor)?;
        let view = team.view()?;
        let member: MemberId = grant.member_id.parse()?;
        let listed = view.devices.iter().any(|d| {
            d.id == device && d.key.as_deref() == Some(&keys.public_hex()) && d.member == member
        });
        if view.id.as_str() != grant.team_id
            || !listed
            || view.key_epoch != grant.key_epoch
            || view.key_check.as_deref() != Some(&key_check(&grant.team_key))
        {
            return Err(ApiError::Sync(SyncError::Pairing(
                "the roster handed over does not list this device".into(),
            )));
        }
        let store = Store::create(dir, passphrase, kdf)?;
        store.set_meta(META_DEVICE, device.as_str().as_bytes())?;
        store.set_meta(META_MEMBER, member.as_str().as_bytes())?;
        store.set_meta(META_TEAM, grant.team_id.as_bytes())?;
        store.append_chunk(&grant.team_id, KIND_TEAM, &grant.team_doc)?;
        store_identity(
            &store,
            &keys,
            &TeamKeys::new(grant.key_epoch, grant.team_key),
        )?;
        pairing::confirm(&mut secure)?;
        return Workspace::from_store(dir, store, clock);
    }
    Err(last.unwrap_or_else(|| ApiError::Refused("no address to join".into())))
}
