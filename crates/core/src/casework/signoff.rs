//! Sign-off integrity. A finalised record keeps, per sign-off, who signed it, in which
//! role, when, the canonical serialization of what was signed (as one scalar string,
//! so later edits of the record never touch it) and its SHA-256. Reading a record
//! recomputes the hash of its current content: equal means "signed"; different means
//! "amended after sign-off", with the fields (or entry ids) that differ.
//!
//! The canonical serialization is JSON with object keys sorted at every level (done
//! here, not left to serde_json's map order), no whitespace, and sets (member or
//! person ids) sorted by the caller.

use automerge::hydrate::{Map, Value as AmValue};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, transaction::Transactable};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::hydrated::{int_of, list_of, str_of};
use crate::team::Member;
use crate::{CoreError, MemberId, MemberRole};

/// One sign-off of a record.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SignOff {
    pub by: MemberId,
    /// The signer's role at the time.
    pub role: MemberRole,
    pub at: DateTime<Utc>,
    /// Hex SHA-256 of `content`.
    pub hash: String,
    /// The canonical serialization of what was signed (JSON).
    pub content: String,
}

/// Where a record stands against its latest sign-off.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum SignOffStatus {
    /// Never finalised.
    Draft,
    /// Finalised, and the current content is exactly what was signed.
    Signed,
    /// Finalised, and changed since: `changes` names the fields (or entry ids) whose
    /// current content differs from the signed content. "sign-off" means the stored
    /// signed content no longer matches its own hash (the sign-off itself was altered).
    AmendedAfterSignOff { changes: Vec<String> },
}

impl SignOffStatus {
    pub fn is_finalised(&self) -> bool {
        !matches!(self, SignOffStatus::Draft)
    }
}

impl SignOff {
    /// A sign-off of `content` by `by`, now.
    pub(crate) fn sign(content: &Value, by: &Member, now: DateTime<Utc>) -> SignOff {
        let content = canonical(content);
        SignOff {
            by: by.id.clone(),
            role: by.role,
            at: now,
            hash: sha256_hex(&content),
            content,
        }
    }

    /// The signed content, parsed back (`None` if the stored text is damaged).
    pub fn signed_value(&self) -> Option<Value> {
        serde_json::from_str(&self.content).ok()
    }
}

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// JSON with object keys sorted at every level and no whitespace.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The status of a record whose sign-offs are `history` (oldest first) and whose
/// current content is `current`.
pub(crate) fn status(history: &[SignOff], current: &Value) -> SignOffStatus {
    let Some(latest) = history.last() else {
        return SignOffStatus::Draft;
    };
    let intact = sha256_hex(&latest.content) == latest.hash;
    let now_hash = sha256_hex(&canonical(current));
    if intact && now_hash == latest.hash {
        return SignOffStatus::Signed;
    }
    let mut changes = match latest.signed_value() {
        Some(signed) => differing_keys(&signed, current),
        None => Vec::new(),
    };
    if !intact || changes.is_empty() {
        changes.push("sign-off".into());
    }
    SignOffStatus::AmendedAfterSignOff { changes }
}

/// The top-level keys whose values differ (present in one and not the other counts).
fn differing_keys(signed: &Value, current: &Value) -> Vec<String> {
    let (Value::Object(a), Value::Object(b)) = (signed, current) else {
        return if signed == current {
            Vec::new()
        } else {
            vec!["content".into()]
        };
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Appends a sign-off to the record's `signoffs` list (created on first use).
pub(crate) fn write_signoff(
    doc: &mut AutoCommit,
    record: &ObjId,
    signoff: &SignOff,
) -> Result<(), CoreError> {
    let list = match crate::doc_access::obj_at(doc, record, "signoffs") {
        Some(l) => l,
        None => doc.put_object(record, "signoffs", ObjType::List)?,
    };
    let at = doc.length(&list);
    let s = doc.insert_object(&list, at, ObjType::Map)?;
    doc.put(&s, "by", signoff.by.as_str())?;
    doc.put(&s, "role", signoff.role.as_str())?;
    doc.put(&s, "at", signoff.at.timestamp_millis())?;
    doc.put(&s, "hash", signoff.hash.as_str())?;
    doc.put(&s, "content", signoff.content.as_str())?;
    Ok(())
}

/// The record's sign-offs, oldest first (by time; list order breaks ties, which every
/// device agrees on). Entries that do not parse are skipped.
pub(crate) fn read_signoffs(record: &Map) -> Vec<SignOff> {
    let mut list: Vec<SignOff> = list_of(record, "signoffs")
        .filter_map(|v| {
            let AmValue::Map(m) = v else {
                return None;
            };
            Some(SignOff {
                by: str_of(m, "by")?.parse().ok()?,
                role: str_of(m, "role")?.parse().ok()?,
                at: DateTime::from_timestamp_millis(int_of(m, "at")?)?,
                hash: str_of(m, "hash")?,
                content: str_of(m, "content")?,
            })
        })
        .collect();
    list.sort_by_key(|s| s.at);
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_form_sorts_keys_at_every_level() {
        let a = json!({"b": 1, "a": {"z": [2, 1], "y": "x\"q"}});
        assert_eq!(canonical(&a), r#"{"a":{"y":"x\"q","z":[2,1]},"b":1}"#);
    }

    #[test]
    fn sha256_of_the_empty_text_is_the_known_value() {
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn status_names_what_changed_and_notices_a_damaged_sign_off() {
        let member = Member {
            id: MemberId::from_random([1; 16]),
            name: "TM".into(),
            role: MemberRole::TeamManager,
            active: true,
        };
        let signed = json!({"plan": "p", "rag": "red"});
        let s = SignOff::sign(
            &signed,
            &member,
            DateTime::from_timestamp_millis(0).unwrap(),
        );
        assert_eq!(status(&[], &signed), SignOffStatus::Draft);
        assert_eq!(
            status(std::slice::from_ref(&s), &signed),
            SignOffStatus::Signed
        );
        assert_eq!(
            status(
                std::slice::from_ref(&s),
                &json!({"plan": "p", "rag": "green"})
            ),
            SignOffStatus::AmendedAfterSignOff {
                changes: vec!["rag".into()]
            }
        );
        let mut forged = s.clone();
        forged.content = canonical(&json!({"plan": "p", "rag": "green"}));
        assert_eq!(
            status(&[forged], &json!({"plan": "p", "rag": "green"})),
            SignOffStatus::AmendedAfterSignOff {
                changes: vec!["sign-off".into()]
            }
        );
    }
}
