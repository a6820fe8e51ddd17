//! Edits of spec files, applied in memory: each either applies to its file or is
//! reported.

use serde_json::{Value, json};

use super::super::specs::SpecFile;

/// One edit of a spec file.
pub(super) enum Edit {
    /// Append to the array at the pointer.
    Push(usize, String, Value),
    /// Set a key of the object at the pointer (created when missing).
    Insert(usize, String, String, Value),
    /// Replace the value at the pointer.
    Replace(usize, String, Value),
}

/// Applies one edit; false when its file or pointer is not there.
pub(super) fn apply(files: &mut [SpecFile], edit: Edit) -> bool {
    match edit {
        Edit::Push(f, p, v) => files
            .get_mut(f)
            .and_then(|file| file.value.pointer_mut(&p))
            .and_then(Value::as_array_mut)
            .map(|a| a.push(v))
            .is_some(),
        Edit::Insert(f, p, key, v) => {
            let Some(file) = files.get_mut(f) else {
                return false;
            };
            if file.value.pointer(&p).is_none() {
                let (parent, last) = p.rsplit_once('/').unwrap_or(("", &p));
                let last = last.to_owned();
                match file
                    .value
                    .pointer_mut(parent)
                    .and_then(Value::as_object_mut)
                {
                    Some(obj) => {
                        obj.insert(last, json!({}));
                    }
                    None => return false,
                }
            }
            file.value
                .pointer_mut(&p)
                .and_then(Value::as_object_mut)
                .map(|o| o.insert(key, v))
                .is_some()
        }
        Edit::Replace(f, p, v) => {
            match files.get_mut(f).and_then(|file| file.value.pointer_mut(&p)) {
                Some(slot) => {
                    *slot = v;
                    true
                }
                None => false,
            }
        }
    }
}
