//! Property test: random appends, compactions and reopenings; what `load` returns always
//! equals the model (all appended bytes, in order).

mod common;

use common::{PASS, new_store, tempdir};
use hearth_store::Store;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Append {
        doc: usize,
        bytes: Vec<u8>,
    },
    /// Compact `doc` up to the `keep`-th-from-last chunk (0 = everything).
    Compact {
        doc: usize,
        keep: usize,
    },
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..3usize, proptest::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(doc, bytes)| Op::Append { doc, bytes }),
        2 => (0..3usize, 0..4usize).prop_map(|(doc, keep)| Op::Compact { doc, keep }),
        1 => Just(Op::Reopen),
    ]
}

/// Per document: the appended chunks with their seqs, and what the store should return.
#[derive(Default, Clone)]
struct DocModel {
    /// (seq, bytes) of every chunk ever appended.
    chunks: Vec<(u64, Vec<u8>)>,
    snapshot_upto: u64,
}

impl DocModel {
    fn all_bytes(&self) -> Vec<u8> {
        self.chunks.iter().flat_map(|(_, b)| b.clone()).collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn load_equals_model(ops in proptest::collection::vec(op(), 1..40)) {
        let tmp = tempdir();
        let (dir, store) = new_store(tmp.path());
        let mut store = Some(store);
        let ids = ["doc-0", "doc-1", "doc-2"];
        let mut model = vec![DocModel::default(); ids.len()];
        for op in ops {
            let s = store.as_ref().expect("store open");
            match op {
                Op::Append { doc, bytes } => {
                    let seq = s.append_chunk(ids[doc], "case", &bytes).expect("append");
                    let expected = model[doc].chunks.last().map_or(0, |(q, _)| *q) + 1;
                    prop_assert_eq!(seq, expected);
                    model[doc].chunks.push((seq, bytes));
                }
                Op::Compact { doc, keep } => {
                    let m = &mut model[doc];
                    let n = m.chunks.len();
                    if n == 0 || keep >= n {
                        continue;
                    }
                    let (upto, _) = m.chunks[n - 1 - keep];
                    if upto < m.snapshot_upto {
                        continue;
                    }
                    // The snapshot the caller supplies = concatenation of that prefix.
                    let snap: Vec<u8> = m.chunks[..n - keep]
                        .iter()
                        .flat_map(|(_, b)| b.clone())
                        .collect();
                    s.compact(ids[doc], &snap, upto).expect("compact");
                    m.snapshot_upto = upto;
                    let stored = s.chunk_count(ids[doc]).expect("count");
                    prop_assert_eq!(stored, keep as u64);
                }
                Op::Reopen => {
                    drop(store.take());
                    store = Some(Store::open(&dir, PASS).expect("reopen"));
                }
            }
            // Check every document after every step.
            let s = store.as_ref().expect("store open");
            for (d, id) in ids.iter().enumerate() {
                let loaded = s.load(id).expect("load");
                if model[d].chunks.is_empty() {
                    prop_assert!(loaded.is_none());
                } else {
                    let loaded = loaded.expect("doc exists");
                    prop_assert_eq!(loaded.concat(), model[d].all_bytes());
                    prop_assert_eq!(loaded.snapshot_upto_seq, model[d].snapshot_upto);
                }
            }
        }
    }
}
