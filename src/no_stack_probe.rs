//! The static binary's stand-in for glibc's `pthread_getattr_np`, compiled only into the
//! static build (`--cfg rtrib_static`, set by scripts/build-static.sh), like `no_nss`.
//!
//! The standard library asks `pthread_getattr_np` where each thread's stack ends, only to
//! print "thread has overflowed its stack" instead of a bare SIGSEGV should one overflow. For
//! the main thread glibc answers by reading `/proc/self/maps` with `sscanf`, and in a static
//! link `sscanf` brings `vfscanf`, wide-character conversion and transliteration tables: about
//! 100 kB of the image's binary, for a message rtrib never expects to print. The stand-in
//! answers `ENOSYS`; the standard library then installs no guard-page report, and a stack
//! overflow ends the process with SIGSEGV (exit 139) as it would in C.

use std::ffi::{c_int, c_void};

/// `ENOSYS`: not implemented.
const ENOSYS: c_int = 38;

/// Never describes the thread: see the module docs.
///
/// # Safety
/// Writes nothing; any arguments are accepted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pthread_getattr_np(_thread: usize, _attr: *mut c_void) -> c_int {
    ENOSYS
}
