//! Issue 6 asks for "the same full sync done by plain samod over TCP with no encryption
//! or filter, in the same run, as a ratio". This program, built on its own (it is not a
//! member of the main workspace, so CI never builds samod):
//!
//! 1. makes the demo caseload with hearth-api (500 cases, seed 7: the same as the sync
//!    benchmark; HEARTH_BENCH_CASES changes the count) and reads each case's Automerge
//!    bytes back out of the encrypted store;
//! 2. times Hearth's full sync of it to an empty, freshly paired peer over loopback TCP
//!    (Noise, access filter, durable store on both sides), exactly as the benchmark;
//! 3. times plain samod doing the same: a repo holding the 500 documents (in memory),
//!    an empty repo dialling it over a loopback `TcpStream` (samod's own length-prefixed
//!    framing, no encryption, no filter, no disk), and finding all 500 until each one's
//!    heads equal the source's;
//! 4. prints both times, bytes on the wire, and the ratios.
//!
//! Run (release; from the repository root):
//!   CARGO_TARGET_DIR=target/samod cargo run --release --manifest-path bench/samod-compare/Cargo.toml

#[path = "../../../crates/api/tests/support/pairing.rs"]
mod pairing;
use pairing::paired_demo_team;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use automerge::Automerge;
use hearth_api::Workspace;
use hearth_api::clock::SystemClock;
use samod::tokio_io::TcpDialer;
use samod::{BackoffConfig, DocumentId, Repo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

const PASS: &str = "benchmark passphrase";
const SEED: u64 = 7;

/// Hearth: the benchmark's full sync. Returns the time and the bytes on the wire.
fn hearth_full_sync(a_dir: &Path, mut b: Workspace, cases: usize) -> (Duration, u64) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir: PathBuf = a_dir.to_path_buf();
    let server = std::thread::spawn(move || {
        let key = Workspace::unwrap_key(&dir, PASS).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let mut ws = Workspace::open_with_key(&dir, &key, Box::new(SystemClock)).unwrap();
        ws.sync_accept(stream, &|_| {}).unwrap();
    });
    let t = Instant::now();
    let outcome = b.sync_with(addr, &|_| {}).unwrap();
    let took = t.elapsed();
    server.join().unwrap();
    assert_eq!(outcome.docs_received, cases, "every case arrived");
    (took, outcome.bytes_sent + outcome.bytes_received)
}

/// Counts the bytes both ways through a stream.
struct Counted<S> {
    inner: S,
    bytes: Arc<AtomicU64>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &r {
            self.bytes.fetch_add(*n as u64, Ordering::Relaxed);
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// samod: `docs` in one repo, an empty repo dials it over loopback TCP and finds every
/// document until its heads equal the source's. Returns the time (from dialling to the
/// last document complete) and the bytes on the wire.
async fn samod_full_sync(docs: &[Vec<u8>]) -> (Duration, u64) {
    let source = Repo::build_tokio().load().await;
    let mut wanted: Vec<(DocumentId, Vec<automerge::ChangeHash>)> = Vec::new();
    for bytes in docs {
        let doc = Automerge::load(bytes).expect("a case's Automerge bytes load");
        let heads = doc.get_heads();
        let handle = source.create(doc).await.expect("source repo running");
        wanted.push((handle.document_id().clone(), heads));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let bytes = Arc::new(AtomicU64::new(0));
    let acceptor = source
        .make_acceptor(samod::Url::parse(&format!("tcp://127.0.0.1:{port}")).unwrap())
        .unwrap();
    let counter = bytes.clone();
    tokio::spawn(async move {
        let (io, _) = listener.accept().await.unwrap();
        io.set_nodelay(true).ok();
        // The connection runs inside the repo; hold its handle until the runtime ends.
        let _conn = acceptor
            .accept_tokio_io(Counted {
                inner: io,
                bytes: counter,
            })
            .unwrap();
        futures::future::pending::<()>().await;
    });

    let empty = Repo::build_tokio().load().await;
    let t = Instant::now();
    let dialer = empty
        .dial(
            BackoffConfig::default(),
            Arc::new(TcpDialer::new_host_port("127.0.0.1".into(), port)),
        )
        .unwrap();
    dialer
        .established()
        .await
        .expect("connected to the source repo");
    let finds = wanted.iter().map(|(id, heads)| {
        let found = empty.find(id.clone());
        async move {
            let handle = found
                .await
                .expect("repo running")
                .expect("the source has every document");
            // `find` resolves once synced with a peer that has it; check it is whole.
            let got = handle.with_document(|d| d.get_heads());
            assert_eq!(&got, heads, "a document arrived incomplete");
        }
    });
    futures::future::join_all(finds).await;
    let took = t.elapsed();
    empty.stop().await;
    source.stop().await;
    (took, bytes.load(Ordering::Relaxed))
}

fn main() {
    let cases: usize = std::env::var("HEARTH_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let b = paired_demo_team(&a_dir, &b_dir, PASS, cases, SEED);
    // The cases' Automerge bytes, as stored (snapshot and chunks, concatenated).
    let docs: Vec<Vec<u8>> = {
        let store = hearth_store::Store::open(&a_dir, PASS).unwrap();
        store
            .list_docs("case")
            .unwrap()
            .iter()
            .map(|id| store.load(id).unwrap().expect("listed").concat())
            .collect()
    };
    assert_eq!(docs.len(), cases);
    let total: usize = docs.iter().map(Vec::len).sum();
    println!("{cases} demo cases (seed {SEED}), {total} bytes of Automerge documents");

    let (hearth, hearth_wire) = hearth_full_sync(&a_dir, b, cases);
    println!(
        "hearth full sync (Noise, access filter, durable store both sides): {:.3} s, wire {hearth_wire} bytes",
        hearth.as_secs_f64()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (samod, samod_wire) = runtime.block_on(samod_full_sync(&docs));
    println!(
        "samod 0.16 full sync (plain TCP, no filter, in memory): {:.3} s, wire {samod_wire} bytes",
        samod.as_secs_f64()
    );
    println!(
        "ratio hearth/samod: time {:.2}, wire {:.2}",
        hearth.as_secs_f64() / samod.as_secs_f64(),
        hearth_wire as f64 / samod_wire.max(1) as f64
    );
}
