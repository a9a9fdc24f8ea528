//! Accessors over a hydrated Automerge tree. Reading a whole document in one pass
//! (`hydrate`) and then walking plain maps is several times faster than one `get` per
//! field, which matters when a caseload of hundreds of cases is read.

use automerge::ScalarValue;
use automerge::hydrate::{Map, Value};

pub(crate) fn str_of(map: &Map, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::Scalar(ScalarValue::Str(s)) => Some(s.to_string()),
        _ => None,
    }
}

pub(crate) fn int_of(map: &Map, key: &str) -> Option<i64> {
    match map.get(key)? {
        Value::Scalar(ScalarValue::Int(v)) => Some(*v),
        Value::Scalar(ScalarValue::Uint(v)) => i64::try_from(*v).ok(),
        Value::Scalar(ScalarValue::Timestamp(v)) => Some(*v),
        _ => None,
    }
}

pub(crate) fn bool_of(map: &Map, key: &str) -> Option<bool> {
    match map.get(key)? {
        Value::Scalar(ScalarValue::Boolean(b)) => Some(*b),
        _ => None,
    }
}

pub(crate) fn map_of<'a>(map: &'a Map, key: &str) -> Option<&'a Map> {
    match map.get(key)? {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

pub(crate) fn text_of(map: &Map, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::Text(t) => Some(t.to_string()),
        Value::Scalar(ScalarValue::Str(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// The entries of a list.
pub(crate) fn list_of<'a>(map: &'a Map, key: &str) -> impl Iterator<Item = &'a Value> {
    let list = match map.get(key) {
        Some(Value::List(l)) => Some(l),
        _ => None,
    };
    list.into_iter().flat_map(|l| l.iter().map(|v| &v.value))
}

pub(crate) fn str_list_of(map: &Map, key: &str) -> Vec<String> {
    list_of(map, key)
        .filter_map(|v| match v {
            Value::Scalar(ScalarValue::Str(s)) => Some(s.to_string()),
            _ => None,
        })
        .collect()
}

pub(crate) fn int_list_of(map: &Map, key: &str) -> Vec<i64> {
    list_of(map, key)
        .filter_map(|v| match v {
            Value::Scalar(ScalarValue::Int(i)) => Some(*i),
            Value::Scalar(ScalarValue::Uint(u)) => i64::try_from(*u).ok(),
            _ => None,
        })
        .collect()
}

/// The map entries of a map, as (key, map) pairs.
pub(crate) fn entries(map: &Map) -> impl Iterator<Item = (&String, &Map)> {
    map.iter().filter_map(|(k, v)| match &v.value {
        Value::Map(m) => Some((k, m)),
        _ => None,
    })
}
