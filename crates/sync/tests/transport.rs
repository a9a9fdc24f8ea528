//! The Noise channel and pairing over real loopback TCP: who gets through the
//! handshake, and what a wrong code does.

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use hearth_sync::SyncError;
use hearth_sync::keys::StaticKeys;
use hearth_sync::noise::{accept, connect};
use hearth_sync::pairing::{self, JoinGrant, JoinRequest, MAX_ATTEMPTS, PairingCode};

fn pair_of_sockets() -> (TcpStream, TcpListener) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    (c, l)
}

/// Runs a handshake; `team_*` are the PSKs, `*_accepts` whether each side finds the
/// other on its roster. Returns (initiator result, responder result) as error strings.
fn handshake(
    team_i: [u8; 32],
    team_r: [u8; 32],
    initiator_accepts: bool,
    responder_accepts: bool,
) -> (Result<Vec<u8>, SyncError>, Result<(), SyncError>) {
    let (client, listener) = pair_of_sockets();
    let ki = StaticKeys::generate();
    let kr = StaticKeys::generate();
    let ki_pub = ki.public;
    let kr_pub = kr.public;
    let server = thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let auth = move |k: &[u8; 32]| (responder_accepts && *k == ki_pub).then_some(());
        let (mut secure, ()) = accept(s, &kr, |e| (e == 1).then_some(team_r), &auth)?;
        let msg = secure.recv()?;
        secure.send(&msg)?;
        Ok(())
    });
    let auth = move |k: &[u8; 32]| (initiator_accepts && *k == kr_pub).then_some(());
    let client_result = (|| {
        let (mut secure, ()) = connect(client, &ki, 1, &team_i, &auth)?;
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        secure.send(&big)?;
        let back = secure.recv()?;
        assert_eq!(back, big);
        Ok(back)
    })();
    (client_result, server.join().unwrap())
}

#[test]
fn same_team_and_roster_gets_an_encrypted_channel_for_large_messages() {
    let (c, s) = handshake([1; 32], [1; 32], true, true);
    assert!(c.is_ok(), "{c:?}");
    assert!(s.is_ok(), "{s:?}");
}

#[test]
fn another_teams_key_fails_the_handshake() {
    let (c, s) = handshake([1; 32], [2; 32], true, true);
    assert!(c.is_err());
    assert!(matches!(s, Err(SyncError::Handshake)), "{s:?}");
}

#[test]
fn a_device_not_on_the_responders_roster_is_closed_on() {
    let (c, s) = handshake([1; 32], [1; 32], true, false);
    assert!(matches!(s, Err(SyncError::NotOnRoster)), "{s:?}");
    assert!(
        matches!(c, Err(SyncError::Closed) | Err(SyncError::Io(_))),
        "{c:?}"
    );
}

#[test]
fn the_initiator_refuses_an_unknown_responder_before_finishing() {
    let (c, s) = handshake([1; 32], [1; 32], false, true);
    assert!(matches!(c, Err(SyncError::NotOnRoster)), "{c:?}");
    assert!(s.is_err(), "{s:?}");
}

fn grant() -> JoinGrant {
    JoinGrant {
        team_id: "0123456789abcdef0123456789abcdef".into(),
        member_id: "fedcba9876543210fedcba9876543210".into(),
        key_epoch: 1,
        team_key: [7; 32],
        team_doc: vec![1, 2, 3],
    }
}

fn attempt(
    listener: &TcpListener,
    code: &mut PairingCode,
    typed: &str,
) -> (Result<JoinGrant, SyncError>, Result<JoinGrant, SyncError>) {
    let addr = listener.local_addr().unwrap();
    let typed = typed.to_string();
    let joiner = thread::spawn(move || {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let me = StaticKeys::generate();
        let req = JoinRequest {
            device: "00112233445566778899aabbccddeeff".into(),
            member_name: "N".into(),
            role: "social-worker".into(),
        };
        let (mut secure, g) = pairing::join(s, &typed, &me, &req)?;
        pairing::confirm(&mut secure)?;
        Ok(g)
    });
    let (s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let inviter = pairing::invite(s, code, &StaticKeys::generate(), |req, _| {
        assert_eq!(req.role, "social-worker");
        Ok(grant())
    });
    (joiner.join().unwrap(), inviter)
}

#[test]
fn the_right_code_pairs_once_and_hands_over_the_grant() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut code = PairingCode::generate(Duration::from_secs(60));
    let typed = code.display().to_lowercase();
    let (j, i) = attempt(&listener, &mut code, &typed);
    assert_eq!(j.unwrap(), grant());
    assert_eq!(i.unwrap(), grant());
    // Single use.
    assert!(code.usable(std::time::Instant::now()).is_err());
}

#[test]
fn wrong_codes_are_refused_and_burn_the_code() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut code = PairingCode::generate(Duration::from_secs(60));
    for n in 1..=MAX_ATTEMPTS {
        let (j, i) = attempt(&listener, &mut code, "2222-3333");
        assert!(j.is_err(), "a wrong code joined");
        assert!(i.is_err());
        assert_eq!(code.failures(), n);
    }
    // Now even the right code is refused.
    let typed = code.display();
    let addr = listener.local_addr().unwrap();
    let joiner = thread::spawn(move || {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let req = JoinRequest {
            device: "00112233445566778899aabbccddeeff".into(),
            member_name: "N".into(),
            role: "social-worker".into(),
        };
        pairing::join(s, &typed, &StaticKeys::generate(), &req).map(|_| ())
    });
    let (s, _) = listener.accept().unwrap();
    let r = pairing::invite(s, &mut code, &StaticKeys::generate(), |_, _| Ok(grant()));
    assert!(matches!(r, Err(SyncError::Pairing(_))), "{r:?}");
    drop(listener);
    assert!(joiner.join().unwrap().is_err());
}
