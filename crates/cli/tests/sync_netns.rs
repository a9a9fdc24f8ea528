//! Sync between real hearth-cli processes over real TCP, in network namespaces this
//! test creates (a bridge and one veth per device, 10.203.N.x addresses on those links
//! only) and removes afterwards. Skipped, with a message, where namespaces cannot be
//! made (not root); run in CI, which is root.
//!
//! One scenario, in order: pair two devices by code (after a wrong code), discovery by
//! mDNS, a case created on one device arrives on the other, a case the member may not
//! hold never reaches their device, a device of another team gets nothing, a revoked
//! device is refused, and a capture of the link carries no family or member name.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::PASS;

const FAMILY_A: &str = "Quillfeatherby";
const FAMILY_B: &str = "Zyxwardsonne";
const MEMBER_B: &str = "Bea Wrenfield";

/// The namespaces, links and processes of one test run; removed on drop.
struct Net {
    id: String,
    subnet: u32,
    children: Vec<Child>,
    namespaces: Vec<String>,
}

fn run(cmd: &[&str]) -> Output {
    Command::new(cmd[0]).args(&cmd[1..]).output().expect("run")
}

fn must(cmd: &[&str]) {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Net {
    /// A bridge namespace and `devices` device namespaces on it; `None` when this
    /// machine cannot make namespaces.
    fn new(devices: usize) -> Option<Net> {
        let pid = std::process::id();
        let id = format!("hs{pid}");
        let bridge = format!("{id}br");
        if !run(&["ip", "netns", "add", &bridge]).status.success() {
            return None;
        }
        let mut net = Net {
            id: id.clone(),
            subnet: pid % 200 + 20,
            children: Vec::new(),
            namespaces: vec![bridge.clone()],
        };
        must(&[
            "ip",
            "-n",
            &bridge,
            "link",
            "add",
            "br0",
            "type",
            "bridge",
            "mcast_snooping",
            "0",
        ]);
        must(&["ip", "-n", &bridge, "link", "set", "br0", "up"]);
        for i in 0..devices {
            let ns = net.ns(i);
            must(&["ip", "netns", "add", &ns]);
            net.namespaces.push(ns.clone());
            let port = format!("p{i}");
            must(&[
                "ip", "link", "add", "eth0", "netns", &ns, "type", "veth", "peer", "name", &port,
                "netns", &bridge,
            ]);
            must(&["ip", "-n", &bridge, "link", "set", &port, "master", "br0"]);
            must(&["ip", "-n", &bridge, "link", "set", &port, "up"]);
            must(&[
                "ip",
                "-n",
                &ns,
                "addr",
                "add",
                &format!("{}/24", net.addr(i)),
                "dev",
                "eth0",
            ]);
            must(&[
                "ip",
                "-n",
                &ns,
                "link",
                "set",
                "eth0",
                "up",
                "multicast",
                "on",
            ]);
            must(&["ip", "-n", &ns, "link", "set", "lo", "up"]);
        }
        Some(net)
    }

    fn ns(&self, i: usize) -> String {
        format!("{}d{i}", self.id)
    }

    fn addr(&self, i: usize) -> String {
        format!("10.203.{}.{}", self.subnet, i + 1)
    }

    fn cli_command(&self, i: usize, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new("ip");
        c.args([
            "netns",
            "exec",
            &self.ns(i),
            env!("CARGO_BIN_EXE_hearth-cli"),
            "--data",
        ])
        .arg(dir)
        .args(args)
        .env("HEARTH_PASSPHRASE", PASS)
        .env_remove("HEARTH_DATA");
        c
    }

    /// Runs hearth-cli in device namespace `i` and waits for it.
    fn cli(&self, i: usize, dir: &Path, args: &[&str]) -> Output {
        self.cli_command(i, dir, args).output().expect("hearth-cli")
    }

    fn ok(&self, i: usize, dir: &Path, args: &[&str]) -> String {
        let out = self.cli(i, dir, args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Starts hearth-cli in the background; its stdout is piped.
    fn spawn(&mut self, i: usize, dir: &Path, args: &[&str]) -> usize {
        let child = self
            .cli_command(i, dir, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        self.children.push(child);
        self.children.len() - 1
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in &self.namespaces {
            let _ = run(&["ip", "netns", "del", ns]);
        }
    }
}

/// Reads lines from a child's stdout until one starts with `prefix`.
fn read_line_starting(
    child: &mut Child,
    prefix: &str,
) -> (String, BufReader<std::process::ChildStdout>) {
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "no {prefix} line");
        if let Some(rest) = line.trim().strip_prefix(prefix) {
            return (rest.trim().to_string(), reader);
        }
    }
}

fn case_families(net: &Net, i: usize, dir: &Path) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&net.ok(i, dir, &["case", "list", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["family"]["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn pair_sync_filter_refuse_revoke_over_real_tcp_in_namespaces() {
    let Some(mut net) = Net::new(3) else {
        eprintln!("SKIPPED: cannot create network namespaces here (needs root: `ip netns add`)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = |name: &str| -> PathBuf { tmp.path().join(name) };
    let (a, b, c) = (dir("a"), dir("b"), dir("c"));

    // Capture everything on the manager's link from the start.
    let pcap = tmp.path().join("link.pcap");
    let ns0 = net.ns(0);
    let tcpdump = Command::new("ip")
        .args([
            "netns", "exec", &ns0, "tcpdump", "-i", "eth0", "-U", "-s", "0", "-w",
        ])
        .arg(&pcap)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tcpdump");
    net.children.push(tcpdump);
    let tcpdump_index = net.children.len() - 1;

    net.ok(
        0,
        &a,
        &[
            "init",
            "--team",
            "Riverside",
            "--member",
            "Mona Hartwell",
            "--role",
            "team-manager",
        ],
    );
    net.ok(
        2,
        &c,
        &[
            "init",
            "--team",
            "Elsewhere",
            "--member",
            "Otto Stranger",
            "--role",
            "team-manager",
        ],
    );

    // Pairing: the manager's device shows a code; the new device finds it by mDNS.
    let inviter = net.spawn(0, &a, &["pair", "invite", "--port", "7400"]);
    let (code, _reader) = read_line_starting(&mut net.children[inviter], "code:");
    let wrong = net.cli(
        1,
        &b,
        &[
            "join",
            "--code",
            "2222-2222",
            "--member",
            MEMBER_B,
            "--role",
            "social-worker",
        ],
    );
    assert!(!wrong.status.success(), "a wrong code was accepted");
    assert!(
        !b.join("hearth.db").exists(),
        "a refused join left a workspace behind"
    );
    let bob = net.ok(
        1,
        &b,
        &[
            "join",
            "--code",
            &code,
            "--member",
            MEMBER_B,
            "--role",
            "social-worker",
        ],
    );
    assert!(net.children[inviter].wait().unwrap().success());
    let roster: serde_json::Value =
        serde_json::from_str(&net.ok(0, &a, &["peers", "--json"])).unwrap();
    let b_device = roster
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["member"] == bob.as_str())
        .expect("the new device is on the roster")["device"]
        .as_str()
        .unwrap()
        .to_string();

    // A case of the social worker's, and a case of the manager's not shared with them.
    net.ok(1, &b, &["case", "add", "--family", FAMILY_B]);
    net.ok(0, &a, &["case", "add", "--family", FAMILY_A]);

    // The manager's device serves; the worker's device discovers it and syncs once.
    let server = net.spawn(0, &a, &["serve", "--port", "7401"]);
    // Keep its output open: a closed pipe ends hearth-cli quietly.
    let (_, _server_out) = read_line_starting(&mut net.children[server], "listening on port");
    let started = Instant::now();
    let worker = net.spawn(
        1,
        &b,
        &["serve", "--once", "--discover-secs", "2", "--json"],
    );
    let mut found = None;
    let mut synced = None;
    let mut out = BufReader::new(net.children[worker].stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if line.contains("\"peer-found\"") && found.is_none() {
            found = Some(started.elapsed());
        }
        if line.contains("\"done\"") && synced.is_none() {
            synced = Some(started.elapsed());
        }
        line.clear();
    }
    assert!(net.children[worker].wait().unwrap().success());
    let (found, synced) = (found.expect("peer found by mDNS"), synced.expect("synced"));
    eprintln!(
        "new peer in namespaces: process start to peer found {found:?}, to synced {synced:?}, discovery to synced {:?}",
        synced - found
    );
    assert!(
        case_families(&net, 0, &a).contains(&FAMILY_B.to_string()),
        "the worker's case did not arrive"
    );
    assert!(
        !case_families(&net, 1, &b).contains(&FAMILY_A.to_string()),
        "a case the member may not hold reached their device"
    );

    // A device of another team: its own team key, so the handshake fails; it gets
    // nothing and the manager's roster is unchanged.
    let addr = format!("{}:7401", net.addr(0));
    let stranger = net.cli(
        2,
        &c,
        &["serve", "--once", "--discover-secs", "2", "--peer", &addr],
    );
    assert!(!stranger.status.success());
    assert!(
        case_families(&net, 2, &c).is_empty(),
        "another team's device received cases"
    );
    let roster: serde_json::Value =
        serde_json::from_str(&net.ok(0, &a, &["peers", "--json"])).unwrap();
    assert_eq!(roster.as_array().unwrap().len(), 2);

    // Revocation: the worker's device is refused from now on.
    let out = net.ok(0, &a, &["device", "revoke", &b_device]);
    assert!(out.contains("stays on it"), "{out}");
    net.ok(1, &b, &["case", "add", "--family", "Afterrevoke"]);
    let refused = net.cli(
        1,
        &b,
        &["serve", "--once", "--no-discovery", "--peer", &addr],
    );
    assert!(!refused.status.success(), "a revoked device synced");
    assert!(!case_families(&net, 0, &a).contains(&"Afterrevoke".to_string()));

    // Stop the capture and look for names in every byte that crossed the link.
    std::thread::sleep(Duration::from_millis(500));
    let _ = net.children[tcpdump_index].kill();
    let _ = net.children[tcpdump_index].wait();
    let bytes = std::fs::read(&pcap).expect("capture");
    assert!(
        bytes.len() > 4000,
        "the capture is too small to mean anything ({} bytes)",
        bytes.len()
    );
    assert!(
        contains(&bytes, "_hearth"),
        "the capture did not see the mDNS advertisement"
    );
    for name in [
        FAMILY_A,
        FAMILY_B,
        MEMBER_B,
        "Mona Hartwell",
        "Riverside",
        "Otto Stranger",
    ] {
        assert!(
            !contains(&bytes, name),
            "{name} crossed the network in the clear"
        );
    }
}
