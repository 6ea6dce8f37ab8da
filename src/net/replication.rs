//! An RDB snapshot of one node, over the replication protocol, as a replica gets it (and as
//! `redis-cli --cluster backup` gets one with `SYNC`).
//!
//! On its own connection (the RDB is not a RESP reply redis-rs could read): `AUTH` when
//! credentials are set, `REPLCONF capa eof` (so a master with `repl-diskless-sync yes` streams
//! the RDB straight from its fork), `REPLCONF rdb-only 1` (Redis 7.0+ and Valkey: the node does
//! not go on streaming writes after the snapshot; older servers refuse it and it is skipped),
//! then `PSYNC ? -1`. The node answers `+FULLRESYNC <replid> <offset>`, may send `\n`
//! keep-alives while its fork saves, then one of:
//!
//! - `$<length>\r\n` and exactly that many bytes (disk-based: the file the fork saved);
//! - `$EOF:<40-byte mark>\r\n`, the bytes, then the same mark (diskless: the length is not
//!   known in advance).
//!
//! The bytes are handed to a sink as they arrive: nothing is held but one read buffer (and the
//! 40 bytes that may be the closing mark). A replica serves a snapshot as a master does (it
//! refuses with `NOMASTERLINK` while its own master link is down).
//!
//! No byte may wait longer than the idle limit, [`IDLE_FLOOR`] or `--command-timeout` if longer
//! (a master sends a keep-alive every second while it saves). With TLS settings, the connection
//! speaks TLS ([`super::tls`]).

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::cluster::endpoint::Endpoint;
use crate::net::conn::{ConnectSettings, NodeError};
use crate::net::tls;

/// The shortest idle limit on a transfer, whatever `--command-timeout` says: a node under load
/// may take a while to fork.
pub const IDLE_FLOOR: Duration = Duration::from_secs(30);
/// Length of the mark that closes a diskless transfer.
const EOF_MARK_LEN: usize = 40;
/// Read buffer size.
const BUFFER_SIZE: usize = 1 << 16;
/// The longest status line accepted (`+FULLRESYNC`, an error).
const MAX_LINE: usize = 4096;

/// How the node frames the RDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `$<length>`: the saved file, of this many bytes.
    Sized(u64),
    /// `$EOF:<mark>`: streamed from the fork (diskless), ended by the mark.
    Diskless([u8; EOF_MARK_LEN]),
}

/// The node's answer to `PSYNC ? -1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullResync {
    /// The replication ID the snapshot belongs to.
    pub replid: String,
    /// The replication offset it was taken at.
    pub offset: u64,
}

/// Why a payload could not be copied: the node, or the sink.
#[derive(Debug)]
pub enum CopyError {
    /// The node failed, closed or went silent.
    Node(NodeError),
    /// The sink refused the bytes.
    Sink(io::Error),
}

/// A plain or TLS connection.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Stream for S {}

/// A connection that asked for a snapshot, positioned at the start of the RDB.
pub struct Snapshot {
    reader: BufReader<Box<dyn Stream>>,
    endpoint: Endpoint,
    idle: Duration,
    /// What the node said about the snapshot.
    pub resync: FullResync,
    /// How the RDB is framed.
    pub framing: Framing,
}

impl Snapshot {
    /// Connects to `endpoint`, authenticates, asks for a full resynchronization and reads up
    /// to the first byte of the RDB.
    pub async fn request(
        endpoint: &Endpoint,
        settings: &ConnectSettings,
    ) -> Result<Self, NodeError> {
        let connecting = async {
            let stream =
                TcpStream::connect(endpoint.addr)
                    .await
                    .map_err(|error| match error.kind() {
                        io::ErrorKind::ConnectionRefused => NodeError::Refused {
                            node: endpoint.clone(),
                        },
                        _ => NodeError::Io {
                            node: endpoint.clone(),
                            detail: error.to_string(),
                        },
                    })?;
            let _ = stream.set_nodelay(true);
            Ok::<Box<dyn Stream>, NodeError>(match &settings.tls {
                None => Box::new(stream),
                Some(tls) => Box::new(tls::connect(stream, endpoint, tls).await?),
            })
        };
        let stream = tokio::time::timeout(settings.connect_timeout, connecting)
            .await
            .map_err(|_| NodeError::Timeout {
                node: endpoint.clone(),
                during: "connecting",
                after: settings.connect_timeout,
            })??;
        let mut snapshot = Snapshot {
            reader: BufReader::with_capacity(BUFFER_SIZE, stream),
            endpoint: endpoint.clone(),
            idle: settings.command_timeout.max(IDLE_FLOOR),
            resync: FullResync {
                replid: String::new(),
                offset: 0,
            },
            framing: Framing::Sized(0),
        };
        if let Some(pass) = &settings.pass {
            let mut auth: Vec<&[u8]> = vec![b"AUTH"];
            if let Some(user) = &settings.user {
                auth.push(user.as_bytes());
            }
            auth.push(pass.as_bytes());
            snapshot.send(&auth).await?;
            let reply = snapshot.status_line("AUTH").await?;
            if let Some(error) = reply.strip_prefix('-') {
                return Err(NodeError::AuthFailed {
                    node: endpoint.clone(),
                    detail: error.to_string(),
                });
            }
        }
        snapshot.command(&[b"REPLCONF", b"capa", b"eof"]).await?;
        snapshot.send(&[b"REPLCONF", b"rdb-only", b"1"]).await?;
        // Servers before Redis 7.0 do not know rdb-only: they refuse it, and go on streaming
        // writes after the snapshot, which the connection's close ends.
        snapshot.status_line("REPLCONF rdb-only").await?;
        snapshot.send(&[b"PSYNC", b"?", b"-1"]).await?;
        snapshot.resync = snapshot.read_full_resync().await?;
        snapshot.framing = snapshot.read_framing().await?;
        Ok(snapshot)
    }

    /// The RDB's length, when the node said it in advance (disk-based transfers).
    pub fn length(&self) -> Option<u64> {
        match self.framing {
            Framing::Sized(length) => Some(length),
            Framing::Diskless(_) => None,
        }
    }

    /// Hands every byte of the RDB to `sink`, as it arrives; returns how many there were.
    pub async fn copy_to(
        mut self,
        mut sink: impl FnMut(&[u8]) -> io::Result<()>,
    ) -> Result<u64, CopyError> {
        let mut buffer = vec![0u8; BUFFER_SIZE];
        match self.framing {
            Framing::Sized(length) => {
                let mut left = length;
                while left > 0 {
                    let want = buffer
                        .len()
                        .min(usize::try_from(left).unwrap_or(usize::MAX));
                    let read = self.read_some(&mut buffer[..want]).await?;
                    sink(&buffer[..read]).map_err(CopyError::Sink)?;
                    left -= read as u64;
                }
                Ok(length)
            }
            Framing::Diskless(mark) => {
                let mut scanner = MarkScanner::new(mark);
                loop {
                    let read = self.read_some(&mut buffer).await?;
                    if scanner
                        .feed(&buffer[..read], &mut sink)
                        .map_err(CopyError::Sink)?
                    {
                        return Ok(scanner.copied);
                    }
                }
            }
        }
    }

    /// Reads at least one byte into `buffer`; the end of the connection is an error.
    async fn read_some(&mut self, buffer: &mut [u8]) -> Result<usize, CopyError> {
        let read = tokio::time::timeout(self.idle, self.reader.read(buffer))
            .await
            .map_err(|_| CopyError::Node(self.timeout("receiving the RDB")))?
            .map_err(|error| CopyError::Node(self.io(&error.to_string())))?;
        if read == 0 {
            return Err(CopyError::Node(
                self.io("the node closed the connection before the end of the RDB"),
            ));
        }
        Ok(read)
    }

    /// `+FULLRESYNC <replid> <offset>`, after any keep-alives.
    async fn read_full_resync(&mut self) -> Result<FullResync, NodeError> {
        let line = self.status_line("PSYNC").await?;
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        match fields.as_slice() {
            ["+FULLRESYNC", replid, offset] => Ok(FullResync {
                replid: replid.to_string(),
                offset: offset.parse().unwrap_or(0),
            }),
            _ if line.starts_with('-') => Err(self.refused("PSYNC", &line)),
            _ => Err(self.unexpected("PSYNC", &line)),
        }
    }

    /// `$<length>` or `$EOF:<mark>`, after any keep-alives.
    async fn read_framing(&mut self) -> Result<Framing, NodeError> {
        let line = self.status_line("PSYNC").await?;
        if let Some(mark) = line.strip_prefix("$EOF:") {
            let mark: [u8; EOF_MARK_LEN] = mark
                .as_bytes()
                .try_into()
                .map_err(|_| self.unexpected("PSYNC", &line))?;
            return Ok(Framing::Diskless(mark));
        }
        match line.strip_prefix('$').and_then(|n| n.parse().ok()) {
            Some(length) => Ok(Framing::Sized(length)),
            None if line.starts_with('-') => Err(self.refused("PSYNC", &line)),
            None => Err(self.unexpected("PSYNC", &line)),
        }
    }

    /// Sends `args` and expects `+OK`.
    async fn command(&mut self, args: &[&[u8]]) -> Result<(), NodeError> {
        self.send(args).await?;
        let name = args
            .iter()
            .take(2)
            .map(|arg| String::from_utf8_lossy(arg))
            .collect::<Vec<_>>()
            .join(" ");
        let reply = self.status_line(&name).await?;
        match reply.as_str() {
            "+OK" => Ok(()),
            _ if reply.starts_with('-') => Err(self.refused(&name, &reply)),
            _ => Err(self.unexpected(&name, &reply)),
        }
    }

    /// Sends one command as a RESP array.
    async fn send(&mut self, args: &[&[u8]]) -> Result<(), NodeError> {
        let mut request = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            request.extend_from_slice(arg);
            request.extend_from_slice(b"\r\n");
        }
        let written = tokio::time::timeout(self.idle, self.reader.get_mut().write_all(&request));
        written
            .await
            .map_err(|_| self.timeout("sending a command"))?
            .map_err(|error| self.io(&error.to_string()))
    }

    /// The next non-empty line, without its line ending (empty lines are keep-alives).
    async fn status_line(&mut self, during: &str) -> Result<String, NodeError> {
        loop {
            let mut line = Vec::new();
            let read = tokio::time::timeout(
                self.idle,
                (&mut self.reader)
                    .take(MAX_LINE as u64)
                    .read_until(b'\n', &mut line),
            )
            .await
            .map_err(|_| self.timeout("waiting for a reply"))?
            .map_err(|error| self.io(&error.to_string()))?;
            if read == 0 {
                return Err(self.io(&format!("the node closed the connection after {during}")));
            }
            if line.last() != Some(&b'\n') {
                return Err(self.unexpected(during, &String::from_utf8_lossy(&line)));
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            if !text.is_empty() {
                return Ok(text);
            }
        }
    }

    fn timeout(&self, during: &'static str) -> NodeError {
        NodeError::Timeout {
            node: self.endpoint.clone(),
            during,
            after: self.idle,
        }
    }

    fn io(&self, detail: &str) -> NodeError {
        NodeError::Io {
            node: self.endpoint.clone(),
            detail: detail.to_string(),
        }
    }

    fn refused(&self, command: &str, reply: &str) -> NodeError {
        let detail = reply.trim_start_matches('-').to_string();
        match detail.split_once(' ') {
            Some(("NOAUTH" | "WRONGPASS", _)) => NodeError::AuthFailed {
                node: self.endpoint.clone(),
                detail,
            },
            Some(("LOADING", _)) => NodeError::Loading {
                node: self.endpoint.clone(),
            },
            _ => NodeError::Command {
                node: self.endpoint.clone(),
                command: command.to_string(),
                detail,
            },
        }
    }

    fn unexpected(&self, command: &str, reply: &str) -> NodeError {
        NodeError::Protocol {
            node: self.endpoint.clone(),
            command: command.to_string(),
            detail: format!("{reply:?}"),
        }
    }
}

/// Finds the mark that ends a diskless transfer: every byte is passed on except the last
/// [`EOF_MARK_LEN`] seen, held back until more arrive (then they were data) or they are the mark.
struct MarkScanner {
    mark: [u8; EOF_MARK_LEN],
    held: Vec<u8>,
    copied: u64,
}

impl MarkScanner {
    fn new(mark: [u8; EOF_MARK_LEN]) -> Self {
        Self {
            mark,
            held: Vec::with_capacity(2 * EOF_MARK_LEN),
            copied: 0,
        }
    }

    /// Passes on what `chunk` proves to be data; true once the mark has arrived.
    fn feed(
        &mut self,
        chunk: &[u8],
        sink: &mut impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<bool> {
        let release = (self.held.len() + chunk.len()).saturating_sub(EOF_MARK_LEN);
        let from_held = release.min(self.held.len());
        sink(&self.held[..from_held])?;
        sink(&chunk[..release - from_held])?;
        self.copied += release as u64;
        self.held.drain(..from_held);
        self.held.extend_from_slice(&chunk[release - from_held..]);
        Ok(self.held == self.mark)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MARK: [u8; EOF_MARK_LEN] = *b"0123456789abcdef0123456789abcdef01234567";

    /// Feeds `data` then the mark, cut at `cuts`; returns what was passed on.
    fn scan(data: &[u8], cuts: &[usize]) -> (Vec<u8>, u64) {
        let stream = [data, &MARK[..]].concat();
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
        points.push(0);
        points.push(stream.len());
        points.sort_unstable();
        points.dedup();
        let mut scanner = MarkScanner::new(MARK);
        let mut out = Vec::new();
        let mut done = false;
        for pair in points.windows(2) {
            assert!(!done, "the mark was found before its last byte");
            done = scanner
                .feed(&stream[pair[0]..pair[1]], &mut |bytes| {
                    out.extend_from_slice(bytes);
                    Ok(())
                })
                .unwrap();
        }
        assert!(done, "the mark was not found");
        (out, scanner.copied)
    }

    #[test]
    fn the_mark_is_found_and_not_passed_on() {
        assert_eq!(
            scan(b"REDIS0011 payload", &[]),
            (b"REDIS0011 payload".to_vec(), 17)
        );
        assert_eq!(scan(b"", &[]), (Vec::new(), 0));
        assert_eq!(scan(b"abc", &[1, 2, 3, 10, 42]).0, b"abc");
    }

    proptest! {
        #[test]
        fn any_split_passes_on_exactly_the_data(
            data in proptest::collection::vec(any::<u8>(), 0..300),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let (out, copied) = scan(&data, &cuts);
            prop_assert_eq!(copied, data.len() as u64);
            prop_assert_eq!(out, data);
        }
    }
}
