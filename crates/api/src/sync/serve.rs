//! `serve`: run as a sync peer. Listens for peers, advertises this device by mDNS
//! (unless told not to), connects to the peers it finds or is given, and syncs.
//! Sessions a peer starts run on their own threads, each with its own connection to
//! the store (SQLite WAL lets them write side by side).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hearth_store::DataKey;
use hearth_sync::discovery::{Discovery, Mode, PeerTable, Record};
use hearth_sync::keys::{fingerprint, team_tag};
use serde::Serialize;

use super::{SyncEvent, SyncOutcome};
use crate::clock::SystemClock;
use crate::error::{ApiError, Result};
use crate::workspace::Workspace;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// Exit after one round with every reachable peer.
    pub once: bool,
    /// Peers to connect to directly (as well as those discovered).
    pub peers: Vec<SocketAddr>,
    pub discovery: bool,
    /// With `once`: how long to listen for peers before the round ends.
    pub discover_for: Duration,
    /// Without `once`: how often to sync again with known peers.
    pub interval: Duration,
    /// Without `once`: stop after this long (None: until killed).
    pub run_for: Option<Duration>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            bind: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 0,
            once: false,
            peers: Vec::new(),
            discovery: true,
            discover_for: Duration::from_secs(3),
            interval: Duration::from_secs(2),
            run_for: None,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ServeReport {
    pub port: u16,
    pub sessions: Vec<SyncOutcome>,
    pub errors: usize,
}

fn error_event(peer: &str, e: &ApiError) -> SyncEvent {
    SyncEvent::Error {
        peer: peer.to_string(),
        code: e.code().to_string(),
        message: e.to_string(),
    }
}

/// Runs as a sync peer; `on_listening` gets the port once the socket is open.
pub fn serve(
    dir: &Path,
    key: &DataKey,
    opts: ServeOptions,
    on_listening: &dyn Fn(u16),
    on_event: &(dyn Fn(SyncEvent) + Sync),
) -> Result<ServeReport> {
    let mut ws = Workspace::open_with_key(dir, key, Box::new(SystemClock))?;
    let (me, _) = ws.sync_identity()?;
    let my_fingerprint = fingerprint(&me.public);
    let tag = team_tag(ws.team_id.as_str());
    let listener = TcpListener::bind((opts.bind, opts.port))
        .map_err(|e| ApiError::Io(format!("cannot listen on port {}: {e}", opts.port)))?;
    let port = listener
        .local_addr()
        .map_err(|e| ApiError::Io(e.to_string()))?
        .port();
    listener
        .set_nonblocking(true)
        .map_err(|e| ApiError::Io(e.to_string()))?;
    on_listening(port);
    let mut discovery = if opts.discovery {
        let mut d = Discovery::start()?;
        d.advertise(&Record {
            team_tag: tag.clone(),
            fingerprint: my_fingerprint.clone(),
            port,
            mode: Mode::Sync,
        })?;
        Some(d)
    } else {
        None
    };
    let report = Mutex::new(ServeReport {
        port,
        ..ServeReport::default()
    });
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        // Peers that connect to us.
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, addr)) => {
                        let _ = stream.set_nonblocking(false);
                        let report = &report;
                        scope.spawn(move || {
                            let result = Workspace::open_with_key(dir, key, Box::new(SystemClock))
                                .and_then(|mut w| w.sync_accept(stream, on_event));
                            let mut r = report.lock().expect("report lock");
                            match result {
                                Ok(outcome) => r.sessions.push(outcome),
                                Err(e) => {
                                    r.errors += 1;
                                    on_event(error_event(&addr.to_string(), &e));
                                }
                            }
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        });
        // Peers we connect to.
        let mut table = PeerTable::default();
        let mut done_once: BTreeSet<String> = BTreeSet::new();
        let mut next_round = Instant::now();
        loop {
            if let Some(d) = &discovery {
                for (record, addrs) in d.poll(Duration::from_millis(200)) {
                    if record.mode != Mode::Sync || record.fingerprint == my_fingerprint {
                        continue;
                    }
                    if table.observe(&tag, &record, &addrs, Instant::now()) {
                        // A new peer: sync with it now rather than at the next round.
                        next_round = Instant::now();
                        for a in &addrs {
                            on_event(SyncEvent::PeerFound {
                                fingerprint: record.fingerprint.clone(),
                                address: a.to_string(),
                            });
                        }
                    }
                }
            } else {
                std::thread::sleep(Duration::from_millis(100));
            }
            if Instant::now() >= next_round {
                let _ = ws.reload_team();
                let roster: BTreeSet<String> = ws
                    .peers()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| !p.revoked && !p.this_device)
                    .filter_map(|p| p.fingerprint)
                    .collect();
                let mut targets: Vec<(String, Vec<SocketAddr>)> = opts
                    .peers
                    .iter()
                    .map(|a| (a.to_string(), vec![*a]))
                    .collect();
                for s in table.peers.values() {
                    if !roster.contains(&s.fingerprint) {
                        // Not (or no longer) on our roster: nothing to do with it.
                        done_once.insert(s.fingerprint.clone());
                        continue;
                    }
                    // Both sides find each other; in the long run only one starts.
                    if opts.once || my_fingerprint < s.fingerprint {
                        targets.push((s.fingerprint.clone(), s.socket_addrs()));
                    }
                }
                for (name, addrs) in targets {
                    if opts.once && done_once.contains(&name) {
                        continue;
                    }
                    let mut synced = false;
                    for addr in addrs {
                        match ws.sync_with(addr, on_event) {
                            Ok(outcome) => {
                                report.lock().expect("report lock").sessions.push(outcome);
                                synced = true;
                                break;
                            }
                            Err(e) => {
                                report.lock().expect("report lock").errors += 1;
                                on_event(error_event(&addr.to_string(), &e));
                            }
                        }
                    }
                    if synced || opts.once {
                        done_once.insert(name.clone());
                    }
                }
                next_round = Instant::now() + opts.interval;
            }
            let elapsed = started.elapsed();
            let finished = if opts.once {
                (!opts.discovery || elapsed >= opts.discover_for)
                    && opts
                        .peers
                        .iter()
                        .all(|p| done_once.contains(&p.to_string()))
                    && table
                        .peers
                        .keys()
                        .all(|f| done_once.contains(f) || !opts.discovery)
            } else {
                opts.run_for.is_some_and(|r| elapsed >= r)
            };
            if finished {
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    if let Some(d) = discovery.take() {
        d.stop();
    }
    Ok(report.into_inner().expect("report lock"))
}
