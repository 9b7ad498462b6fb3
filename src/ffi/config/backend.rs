//! `qssl_backend_config_t` (the map of QSslConfiguration::backendConfiguration())
//! and the `qssl_config_t` functions that read and write it.

use super::*;

// ---- backend configuration ---------------------------------------------------------

/// The type of a backend configuration value.
pub type qssl_backend_value_type_t = i32;
/// Bytes (QByteArray): passed to OpenSSL as they are.
pub const QSSL_BACKEND_VALUE_TYPE_BYTES: qssl_backend_value_type_t = 0;
/// A 64-bit integer. OpenSSL's configuration commands take text, so it fails there (as in Qt).
pub const QSSL_BACKEND_VALUE_TYPE_INT: qssl_backend_value_type_t = 1;
/// A boolean. Fails at handshake time, as in Qt.
pub const QSSL_BACKEND_VALUE_TYPE_BOOL: qssl_backend_value_type_t = 2;
/// UTF-8 text (QString). Fails at handshake time, as in Qt (only bytes convert).
pub const QSSL_BACKEND_VALUE_TYPE_TEXT: qssl_backend_value_type_t = 3;

/// A backend option name.
///
/// # Safety
/// `name` must be NULL or a C string.
unsafe fn option_name(name: *const c_char) -> Result<Vec<u8>, Error> {
    // SAFETY: forwarded caller guarantee.
    let n = unsafe { str_in(name, "name") }?;
    if n.is_empty() {
        return Err(Error::invalid("backend option name is empty"));
    }
    Ok(n.as_bytes().to_vec())
}

/// The backend configuration map as a new handle (a snapshot, O(1)). NULL
/// gives NULL. Free it with qssl_backend_config_free().
/// Qt: QSslConfiguration::backendConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_backend_configuration(
    cfg: *const qssl_config_t,
) -> *mut qssl_backend_config_t {
    boundary::pointer("qssl_config_backend_configuration", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_backend_config_t(
            unsafe { cfg_ref(cfg) }?.backend_configuration().clone(),
        )))
    })
}

/// Replaces the whole backend map with `map`'s contents; NULL clears it (Qt's
/// default argument).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Qt: QSslConfiguration::setBackendConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration(
    cfg: *mut qssl_config_t,
    map: *const qssl_backend_config_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        // SAFETY: NULL or a live map.
        let m = unsafe { map.as_ref() }
            .map(|m| m.0.clone())
            .unwrap_or_default();
        c.set_backend_configuration(m);
        Ok(())
    })
}

/// Sets one backend option to bytes (OpenSSL configuration command `name`,
/// e.g. "MinProtocol" = "TLSv1.3"; applied last when a context is built).
/// `(NULL, 0)` is a null value.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `name`, or NULL `value`
/// with a non-zero length), QSSL_STATUS_INVALID_ARGUMENT (`name` empty or not
/// UTF-8).
/// Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_bytes(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_bytes", || {
        // SAFETY: NULL or a live handle; (value, len) readable.
        let (c, v) = unsafe { (cfg_mut(cfg)?, opt_bytes_in(value, len, "value")?) };
        // SAFETY: NULL or a C string, per the caller.
        c.set_backend_configuration_option(&unsafe { option_name(name) }?, BackendValue::Bytes(v));
        Ok(())
    })
}

/// Sets one backend option to an integer.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `name`),
/// QSSL_STATUS_INVALID_ARGUMENT (`name` empty or not UTF-8).
/// Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_int(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: i64,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_int", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_backend_configuration_option(
            // SAFETY: NULL or a C string, per the caller.
            &unsafe { option_name(name) }?,
            BackendValue::Int(value),
        );
        Ok(())
    })
}

/// Sets one backend option to a boolean.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `name`),
/// QSSL_STATUS_INVALID_ARGUMENT (`name` empty or not UTF-8).
/// Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_bool(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: bool,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_bool", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_backend_configuration_option(
            // SAFETY: NULL or a C string, per the caller.
            &unsafe { option_name(name) }?,
            BackendValue::Bool(value),
        );
        Ok(())
    })
}

/// Sets one backend option to UTF-8 text.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`, `name` or `value`),
/// QSSL_STATUS_INVALID_ARGUMENT (`name` empty, or `name` or `value` not UTF-8).
/// Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_text(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_text", || {
        // SAFETY: NULL or a live handle; NULL or a C string.
        let (c, v) = unsafe { (cfg_mut(cfg)?, str_in(value, "value")?) };
        c.set_backend_configuration_option(
            // SAFETY: NULL or a C string, per the caller.
            &unsafe { option_name(name) }?,
            BackendValue::Text(v.to_string()),
        );
        Ok(())
    })
}

/// Creates an empty backend configuration map. Free it with qssl_backend_config_free().
/// Qt: QMap<QByteArray, QVariant>().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_backend_config_new() -> *mut qssl_backend_config_t {
    boundary::pointer("qssl_backend_config_new", || {
        Ok(into_raw(qssl_backend_config_t(Arc::default())))
    })
}

/// Frees a map; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_free(map: *mut qssl_backend_config_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { crate::ffi::lifecycle::free("qssl_backend_config_free", map) }
}

/// The number of entries (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_len(map: *const qssl_backend_config_t) -> usize {
    boundary::value("qssl_backend_config_len", 0, || {
        // SAFETY: NULL or a live map.
        Ok(unsafe { borrow(map, "map") }?.0.len())
    })
}

/// Entry `index` of a map.
///
/// # Safety
/// `map` must be NULL or a live map not mutated for `'a`.
unsafe fn entry<'a>(
    map: *const qssl_backend_config_t,
    index: usize,
) -> Result<(&'a [u8], &'a BackendValue), Error> {
    // SAFETY: forwarded caller guarantee.
    let m = unsafe { borrow(map, "map") }?;
    m.0.iter()
        .nth(index)
        .map(|(k, v)| (k.as_slice(), v))
        .ok_or_else(|| Error::invalid(format!("index {index} out of range (length {})", m.0.len())))
}

/// Writes entry `index`'s name (text out; entries are ordered by name).
/// Errors: NULL, index out of range, BUFFER_TOO_SMALL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_name(
    map: *const qssl_backend_config_t,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_name", || {
        // SAFETY: NULL or a live map for this call.
        let (k, _) = unsafe { entry(map, index) }?;
        // SAFETY: (buf, cap, out_len) per the text-out contract.
        unsafe { text_out(&String::from_utf8_lossy(k), buf, cap, out_len) }
    })
}

/// The type of entry `index`'s value; -1 for NULL or out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_type(
    map: *const qssl_backend_config_t,
    index: usize,
) -> qssl_backend_value_type_t {
    boundary::value("qssl_backend_config_value_type", -1, || {
        // SAFETY: NULL or a live map for this call.
        Ok(match unsafe { entry(map, index) }?.1 {
            BackendValue::Bytes(_) => QSSL_BACKEND_VALUE_TYPE_BYTES,
            BackendValue::Int(_) => QSSL_BACKEND_VALUE_TYPE_INT,
            BackendValue::Bool(_) => QSSL_BACKEND_VALUE_TYPE_BOOL,
            BackendValue::Text(_) => QSSL_BACKEND_VALUE_TYPE_TEXT,
        })
    })
}

/// Writes entry `index`'s value as bytes: bytes as they are, text as UTF-8,
/// integers and booleans as decimal text ("42", "true"). Errors: NULL, index
/// out of range, BUFFER_TOO_SMALL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_bytes(
    map: *const qssl_backend_config_t,
    index: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_value_bytes", || {
        // SAFETY: NULL or a live map for this call.
        let (_, v) = unsafe { entry(map, index) }?;
        let bytes: Vec<u8> = match v {
            BackendValue::Bytes(b) => b.as_slice().to_vec(),
            BackendValue::Text(t) => t.as_bytes().to_vec(),
            BackendValue::Int(i) => i.to_string().into_bytes(),
            BackendValue::Bool(b) => b.to_string().into_bytes(),
        };
        // SAFETY: (buf, cap, out_len) per the bytes-out contract.
        unsafe { bytes_out(&bytes, buf, cap, out_len) }
    })
}

/// Reads entry `index`'s value as an integer into `*out`. Errors: NULL, index
/// out of range, INVALID_ARGUMENT if the value is not an integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_int(
    map: *const qssl_backend_config_t,
    index: usize,
    out: *mut i64,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_value_int", || {
        // SAFETY: NULL or a live map for this call.
        let (k, v) = unsafe { entry(map, index) }?;
        if out.is_null() {
            return Err(Error::NullArgument("out"));
        }
        let BackendValue::Int(i) = v else {
            return Err(Error::invalid(format!(
                "value of '{}' is not an integer",
                String::from_utf8_lossy(k)
            )));
        };
        // SAFETY: checked non-NULL.
        unsafe { *out = *i };
        Ok(())
    })
}

/// Reads entry `index`'s value as a boolean into `*out`. Errors: NULL, index
/// out of range, INVALID_ARGUMENT if the value is not a boolean.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_bool(
    map: *const qssl_backend_config_t,
    index: usize,
    out: *mut bool,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_value_bool", || {
        // SAFETY: NULL or a live map for this call.
        let (k, v) = unsafe { entry(map, index) }?;
        if out.is_null() {
            return Err(Error::NullArgument("out"));
        }
        let BackendValue::Bool(b) = v else {
            return Err(Error::invalid(format!(
                "value of '{}' is not a boolean",
                String::from_utf8_lossy(k)
            )));
        };
        // SAFETY: checked non-NULL.
        unsafe { *out = *b };
        Ok(())
    })
}

/// Finds the entry named `name` and writes its index to `*index`.
/// Errors: NULL, invalid UTF-8, NOT_FOUND.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_find(
    map: *const qssl_backend_config_t,
    name: *const c_char,
    index: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_find", || {
        // SAFETY: NULL or a live map.
        let m = unsafe { borrow(map, "map") }?;
        // SAFETY: NULL or a C string, per the caller.
        let n = unsafe { option_name(name) }?;
        if index.is_null() {
            return Err(Error::NullArgument("index"));
        }
        let i = m.0.keys().position(|k| *k == n).ok_or_else(|| {
            Error::NotFound(format!(
                "no backend option named '{}'",
                String::from_utf8_lossy(&n)
            ))
        })?;
        // SAFETY: checked non-NULL.
        unsafe { *index = i };
        Ok(())
    })
}

/// Inserts into a map.
///
/// # Safety
/// `map` must be NULL or a live, unaliased map; `name` NULL or a C string.
unsafe fn map_insert(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    v: BackendValue,
) -> Result<(), Error> {
    // SAFETY: forwarded caller guarantee.
    let m = unsafe { borrow_mut(map, "map") }?;
    // SAFETY: NULL or a C string, per the caller.
    Arc::make_mut(&mut m.0).insert(unsafe { option_name(name) }?, v);
    Ok(())
}

/// Inserts or replaces a bytes entry; `(NULL, 0)` is a null value.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `map` or `name`, or NULL `value`
/// with a non-zero length), QSSL_STATUS_INVALID_ARGUMENT (`name` empty or not
/// UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_bytes(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_bytes", || {
        // SAFETY: (value, len) readable or (NULL, 0).
        let v = unsafe { opt_bytes_in(value, len, "value") }?;
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Bytes(v)) }
    })
}

/// Inserts or replaces an integer entry.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `map` or `name`),
/// QSSL_STATUS_INVALID_ARGUMENT (`name` empty or not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_int(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: i64,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_int", || {
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Int(value)) }
    })
}

/// Inserts or replaces a boolean entry.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `map` or `name`),
/// QSSL_STATUS_INVALID_ARGUMENT (`name` empty or not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_bool(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: bool,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_bool", || {
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Bool(value)) }
    })
}

/// Inserts or replaces a text entry (UTF-8).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `map`, `name` or `value`),
/// QSSL_STATUS_INVALID_ARGUMENT (`name` empty, or `name` or `value` not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_text(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_text", || {
        // SAFETY: NULL or a C string.
        let v = unsafe { str_in(value, "value") }?;
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Text(v.to_string())) }
    })
}
