//! Discovery on the local network with mDNS (`_hearth._tcp.local.`). A record carries a
//! team tag (derived from the team id, not its name), the device's key fingerprint and
//! the port: never a person's or a family's name. What discovery finds is only a hint
//! of where to connect: nothing is trusted until the Noise handshake and roster check.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use crate::{Result, SyncError};

pub const SERVICE_TYPE: &str = "_hearth._tcp.local.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A device serving sync for its team.
    Sync,
    /// A team manager's device waiting for a new device to pair.
    Pair,
}

/// What one advertisement says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub team_tag: String,
    pub fingerprint: String,
    pub port: u16,
    pub mode: Mode,
}

fn hex16(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Record {
    /// The instance name: the fingerprint and mode, nothing else.
    pub fn instance(&self) -> String {
        match self.mode {
            Mode::Sync => format!("hearth-{}", self.fingerprint),
            Mode::Pair => format!("hearth-pair-{}", self.fingerprint),
        }
    }

    pub fn txt(&self) -> Vec<(String, String)> {
        vec![
            ("v".into(), "1".into()),
            ("t".into(), self.team_tag.clone()),
            ("f".into(), self.fingerprint.clone()),
            (
                "m".into(),
                match self.mode {
                    Mode::Sync => "sync".into(),
                    Mode::Pair => "pair".into(),
                },
            ),
        ]
    }

    /// Parses a record from its TXT properties and port; anything unexpected is refused.
    pub fn parse(txt: &BTreeMap<String, String>, port: u16) -> Result<Record> {
        let get = |k: &str| {
            txt.get(k)
                .ok_or_else(|| SyncError::Discovery(format!("record without {k}")))
        };
        if get("v")? != "1" {
            return Err(SyncError::Discovery("unknown record version".into()));
        }
        let team_tag = get("t")?.clone();
        let fingerprint = get("f")?.clone();
        if !hex16(&team_tag) || !hex16(&fingerprint) || port == 0 {
            return Err(SyncError::Discovery("malformed record".into()));
        }
        let mode = match get("m")?.as_str() {
            "sync" => Mode::Sync,
            "pair" => Mode::Pair,
            _ => return Err(SyncError::Discovery("unknown mode".into())),
        };
        Ok(Record {
            team_tag,
            fingerprint,
            port,
            mode,
        })
    }
}

/// Where a device was last seen: updates for the same fingerprint merge their addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub fingerprint: String,
    pub mode: Mode,
    pub port: u16,
    pub addresses: Vec<IpAddr>,
    pub last_seen: Instant,
}

impl Sighting {
    pub fn socket_addrs(&self) -> Vec<SocketAddr> {
        self.addresses
            .iter()
            .map(|a| SocketAddr::new(*a, self.port))
            .collect()
    }
}

/// The devices of our team seen on the network.
#[derive(Debug, Default)]
pub struct PeerTable {
    pub peers: BTreeMap<String, Sighting>,
}

impl PeerTable {
    /// Adds a sighting if it is for `team_tag`; returns true when the device is new.
    pub fn observe(
        &mut self,
        team_tag: &str,
        record: &Record,
        addrs: &[IpAddr],
        now: Instant,
    ) -> bool {
        if record.team_tag != team_tag {
            return false;
        }
        match self.peers.get_mut(&record.fingerprint) {
            Some(s) => {
                s.port = record.port;
                s.mode = record.mode;
                s.last_seen = now;
                for a in addrs {
                    if !s.addresses.contains(a) {
                        s.addresses.push(*a);
                    }
                }
                false
            }
            None => {
                self.peers.insert(
                    record.fingerprint.clone(),
                    Sighting {
                        fingerprint: record.fingerprint.clone(),
                        mode: record.mode,
                        port: record.port,
                        addresses: addrs.to_vec(),
                        last_seen: now,
                    },
                );
                true
            }
        }
    }
}

/// The mDNS daemon: advertises our record and reports others'.
pub struct Discovery {
    daemon: mdns_sd::ServiceDaemon,
    events: mdns_sd::Receiver<mdns_sd::ServiceEvent>,
    registered: Option<String>,
}

impl Discovery {
    pub fn start() -> Result<Discovery> {
        let daemon =
            mdns_sd::ServiceDaemon::new().map_err(|e| SyncError::Discovery(e.to_string()))?;
        let events = daemon
            .browse(SERVICE_TYPE)
            .map_err(|e| SyncError::Discovery(e.to_string()))?;
        Ok(Discovery {
            daemon,
            events,
            registered: None,
        })
    }

    /// Advertises `record` on every interface's addresses.
    pub fn advertise(&mut self, record: &Record) -> Result<()> {
        let host = format!("{}.local.", record.instance());
        let txt: Vec<(String, String)> = record.txt();
        let props: Vec<(&str, &str)> = txt.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let info = mdns_sd::ServiceInfo::new(
            SERVICE_TYPE,
            &record.instance(),
            &host,
            "",
            record.port,
            &props[..],
        )
        .map_err(|e| SyncError::Discovery(e.to_string()))?
        .enable_addr_auto();
        self.registered = Some(info.get_fullname().to_string());
        self.daemon
            .register(info)
            .map_err(|e| SyncError::Discovery(e.to_string()))
    }

    /// Records resolved since the last call (non-blocking, up to `wait`).
    pub fn poll(&self, wait: std::time::Duration) -> Vec<(Record, Vec<IpAddr>)> {
        let mut found = Vec::new();
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(mdns_sd::ServiceEvent::ServiceResolved(info)) => {
                    let txt: BTreeMap<String, String> = info
                        .txt_properties
                        .iter()
                        .map(|p| (p.key().to_string(), p.val_str().to_string()))
                        .collect();
                    if let Ok(record) = Record::parse(&txt, info.port) {
                        // IPv6 link-local addresses need their interface, which a
                        // plain address loses: use the others.
                        let addrs = info
                            .addresses
                            .iter()
                            .map(|a| a.to_ip_addr())
                            .filter(|a| match a {
                                IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
                                IpAddr::V4(_) => true,
                            })
                            .collect();
                        found.push((record, addrs));
                    }
                }
                Ok(_) => {}
                Err(_) => break,
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        found
    }

    pub fn stop(self) {
        if let Some(name) = &self.registered {
            let _ = self.daemon.unregister(name);
        }
        let _ = self.daemon.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            team_tag: "0123456789abcdef".into(),
            fingerprint: "fedcba9876543210".into(),
            port: 7100,
            mode: Mode::Sync,
        }
    }

    #[test]
    fn a_record_round_trips_and_carries_no_names() {
        let r = record();
        let txt: BTreeMap<String, String> = r.txt().into_iter().collect();
        assert_eq!(Record::parse(&txt, 7100).unwrap(), r);
        assert_eq!(txt.len(), 4);
        for (k, v) in &txt {
            assert!(k.len() == 1 && (v.len() <= 16), "{k}={v}");
        }
        assert!(r.instance().starts_with("hearth-"));
    }

    #[test]
    fn malformed_records_are_refused() {
        let mut txt: BTreeMap<String, String> = record().txt().into_iter().collect();
        txt.insert("t".into(), "Smith family".into());
        assert!(Record::parse(&txt, 7100).is_err());
        let txt: BTreeMap<String, String> = record().txt().into_iter().collect();
        assert!(Record::parse(&txt, 0).is_err());
        assert!(Record::parse(&BTreeMap::new(), 7100).is_err());
    }

    #[test]
    fn sightings_of_one_device_merge_and_other_teams_are_ignored() {
        let mut t = PeerTable::default();
        let now = Instant::now();
        let a: IpAddr = "10.200.0.1".parse().unwrap();
        let b: IpAddr = "10.200.1.1".parse().unwrap();
        assert!(t.observe("0123456789abcdef", &record(), &[a], now));
        assert!(!t.observe("0123456789abcdef", &record(), &[b, a], now));
        assert_eq!(t.peers["fedcba9876543210"].addresses, vec![a, b]);
        let mut other = record();
        other.team_tag = "ffffffffffffffff".into();
        other.fingerprint = "1111111111111111".into();
        assert!(!t.observe("0123456789abcdef", &other, &[a], now));
        assert_eq!(t.peers.len(), 1);
    }
}
