//! Small typed accessors over Automerge maps, so the document modules read like the
//! schema they implement. A missing or mistyped field reads as `None`: documents come
//! from other devices and may be older or newer than this code.

use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};

use crate::CoreError;

pub(crate) fn str_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(v) => Some(v.to_string()),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn int_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<i64> {
    match doc.get(obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Int(v) => Some(*v),
            ScalarValue::Uint(v) => i64::try_from(*v).ok(),
            ScalarValue::Timestamp(v) => Some(*v),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn bool_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<bool> {
    match doc.get(obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Boolean(v) => Some(*v),
            _ => None,
        },
        _ => None,
    }
}

/// The object stored under `key`, if it is one.
pub(crate) fn obj_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key).ok().flatten() {
        Some((Value::Object(_), id)) => Some(id),
        _ => None,
    }
}

/// The object under `key`, or an error naming the field: used where the schema
/// requires it (a document without its `people` map is damaged).
pub(crate) fn required_obj(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<ObjId, CoreError> {
    obj_at(doc, obj, key).ok_or_else(|| CoreError::Document(format!("missing field {key}")))
}

pub(crate) fn keys(doc: &AutoCommit, obj: &ObjId) -> Vec<String> {
    doc.keys(obj).collect()
}

pub(crate) fn put_str_list(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    values: &[String],
) -> Result<(), CoreError> {
    let list = doc.put_object(obj, key, ObjType::List)?;
    for (i, v) in values.iter().enumerate() {
        doc.insert(&list, i, v.as_str())?;
    }
    Ok(())
}

pub(crate) fn put_int_list(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    values: &[i64],
) -> Result<(), CoreError> {
    let list = doc.put_object(obj, key, ObjType::List)?;
    for (i, v) in values.iter().enumerate() {
        doc.insert(&list, i, *v)?;
    }
    Ok(())
}

/// Creates a text object under `key` holding `text`.
pub(crate) fn put_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    text: &str,
) -> Result<ObjId, CoreError> {
    let t = doc.put_object(obj, key, ObjType::Text)?;
    if !text.is_empty() {
        doc.splice_text(&t, 0, 0, text)?;
    }
    Ok(t)
}

/// Replaces a text object's content by the smallest edit (Automerge's text diff), so
/// two people editing different parts of the same narrative keep both their words.
pub(crate) fn update_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    text: &str,
) -> Result<(), CoreError> {
    match obj_at(doc, obj, key) {
        Some(t) => doc.update_text(&t, text).map_err(CoreError::from),
        None => put_text(doc, obj, key, text).map(|_| ()),
    }
}
