//! The static binary's stand-ins for glibc's `getaddrinfo` and `freeaddrinfo`, compiled only
//! into the static build (`--cfg rtrib_static`, set by scripts/build-static.sh).
//!
//! rtrib resolves names itself (`net::resolve`: `/etc/hosts`, `/etc/resolv.conf`, DNS), never
//! through libc. But the standard library and redis-rs keep a path to libc's resolver (std's
//! `ToSocketAddrs` for host names, redis-rs's default DNS resolver, which rtrib replaces by
//! the address it resolved itself), and in a static glibc link that path pulls in the whole
//! NSS machinery — `dlopen`, character-set conversion, locale files — about a fifth of the
//! binary. In a `FROM scratch` image it could not work anyway: static glibc resolves names by
//! loading `libnss_*.so` at run time, and the image has none. So the static binary defines the
//! two symbols itself and the linker takes these instead of glibc's: any such call fails with
//! "non-recoverable failure in name resolution", as it would in the image.

use std::ffi::{c_char, c_int, c_void};

/// `EAI_FAIL`: a non-recoverable failure in name resolution.
const EAI_FAIL: c_int = -4;

/// Never resolves: rtrib's own resolver does that.
///
/// # Safety
/// Writes nothing; any arguments are accepted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getaddrinfo(
    _node: *const c_char,
    _service: *const c_char,
    _hints: *const c_void,
    _res: *mut *mut c_void,
) -> c_int {
    EAI_FAIL
}

/// Nothing to free: [`getaddrinfo`] never allocates.
///
/// # Safety
/// Reads nothing; any argument is accepted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn freeaddrinfo(_res: *mut c_void) {}
