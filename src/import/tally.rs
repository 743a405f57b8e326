//! Counting and hashing the raw bytes of an input as they are read, so progress can be
//! reported against the file size and each import records the SHA-256 of what it read.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};

/// Bytes read so far and their running SHA-256, shared between the reader thread and the
/// thread reporting progress.
#[derive(Default)]
pub(crate) struct ReadTally {
    bytes: AtomicU64,
    sha: Mutex<Sha256>,
}

impl ReadTally {
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Hex SHA-256 of everything read through this tally, in read order.
    pub fn sha256_hex(&self) -> String {
        let sha = self.sha.lock().unwrap_or_else(PoisonError::into_inner);
        hex::encode(sha.clone().finalize())
    }
}

/// A reader that feeds every byte it yields into a [`ReadTally`].
pub(crate) struct TalliedReader<R> {
    inner: R,
    tally: Arc<ReadTally>,
}

impl<R> TalliedReader<R> {
    pub fn new(inner: R, tally: Arc<ReadTally>) -> Self {
        TalliedReader { inner, tally }
    }
}

impl<R: Read> Read for TalliedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tally.bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.tally
            .sha
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .update(&buf[..n]);
        Ok(n)
    }
}
