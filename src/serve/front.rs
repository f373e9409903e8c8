//! The front door: our own accept loop on the public address, with a connection cap and idle
//! timeouts, relaying each accepted connection byte for byte to tiny_http on a private
//! loopback port.
//!
//! Why: tiny_http owns its accept loop and starts a thread per connection with no cap and no
//! timeouts, and its public API never hands us the socket. A timeout set on the listening
//! socket is no way round that: Linux applies it to `accept` too, and tiny_http's accept thread
//! ends on the first error. So connections are accepted here, where we own the sockets:
//! 1. cap: at most `MAX_CONNECTIONS` open at once; one more gets `503` with
//!    `Connection: close` at once and is closed (a few helper threads write these answers, so
//!    a client that never reads cannot stall the accept loop; past that it is just closed);
//! 2. timeouts: each client socket gets read and write timeouts; a connection with no bytes
//!    moving either way for `idle` is closed, and so is a client that stops reading; live-reload
//!    streams stay open because they send a ping more often than that;
//! 3. relay: two threads per connection copy bytes each way; tiny_http's own thread for the
//!    backend connection makes three, so threads are bounded by `3 × MAX_CONNECTIONS`.
//!
//! A client that drips a request a byte at a time keeps its connection, but only up to the cap.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::state::State;

/// Client connections open at once.
pub const MAX_CONNECTIONS: usize = 64;
/// Threads answering `503` to connections over the cap, at once.
const MAX_REJECTERS: usize = 16;
/// How long a rejected client may take to read its `503` before the socket closes.
const REJECT_LINGER: Duration = Duration::from_millis(500);

/// A counting semaphore that never blocks: a permit or nothing.
#[derive(Debug)]
pub struct Permits {
    used: AtomicUsize,
    max: usize,
}

/// Held while a slot is in use; gives it back when dropped (also on panic).
pub struct Permit(Arc<Permits>);

impl Permits {
    /// A semaphore with `max` slots.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Permits {
            used: AtomicUsize::new(0),
            max,
        })
    }

    /// A slot, if one is free.
    pub fn try_acquire(self: &Arc<Self>) -> Option<Permit> {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Permit(self.clone()))
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.used.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Accepts connections on `listener` until the server stops, relaying each to `backend`.
pub fn run(listener: TcpListener, backend: SocketAddr, idle: Duration, state: Arc<State>) {
    let connections = Permits::new(MAX_CONNECTIONS);
    let rejecters = Permits::new(MAX_REJECTERS);
    for client in listener.incoming() {
        if state.is_stopping() {
            return;
        }
        let client = match client {
            Ok(c) => c,
            // Out of file descriptors, or a connection reset before it was accepted: wait a
            // moment (descriptors free up as idle connections time out) and carry on.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let timeouts = client
            .set_read_timeout(Some(idle))
            .and_then(|()| client.set_write_timeout(Some(idle)));
        if timeouts.is_err() {
            continue; // the socket is already unusable; dropping it closes it
        }
        let _ = client.set_nodelay(true);
        match connections.try_acquire() {
            Some(permit) => {
                let spawned = std::thread::Builder::new()
                    .name("hubgen-conn".into())
                    .spawn(move || {
                        relay(client, backend, idle);
                        drop(permit);
                    });
                if let Err(e) = spawned {
                    eprintln!("warning: cannot start a thread for a connection: {e}");
                }
            }
            None => {
                if let Some(permit) = rejecters.try_acquire() {
                    let _ = std::thread::Builder::new()
                        .name("hubgen-reject".into())
                        .spawn(move || {
                            reject(client);
                            drop(permit);
                        });
                }
                // Without a helper the client is simply closed: under a flood, closing is the
                // answer that costs nothing.
            }
        }
    }
}

/// `503` with `Connection: close`, then a short wait for the client to read it: closing a socket
/// with unread request bytes would reset the connection and lose the answer.
fn reject(mut client: TcpStream) {
    let body = "The preview server has too many open connections; try again in a moment.\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = client.set_write_timeout(Some(REJECT_LINGER));
    if client.write_all(answer.as_bytes()).is_err() {
        return;
    }
    let _ = client.shutdown(Shutdown::Write);
    let _ = client.set_read_timeout(Some(Duration::from_millis(50)));
    let until = Instant::now() + REJECT_LINGER;
    let mut sink = [0u8; 1024];
    while Instant::now() < until {
        match client.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

/// Milliseconds since `base`, for the shared last-activity clock.
fn millis(base: Instant) -> u64 {
    u64::try_from(base.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Copies bytes both ways between `client` and a new connection to `backend` until either
/// side closes, a write fails, or nothing moves for `idle`.
fn relay(client: TcpStream, backend: SocketAddr, idle: Duration) {
    let Ok(server) = TcpStream::connect(backend) else {
        return; // the backend is gone (we are stopping); closing the client is the answer
    };
    let _ = server.set_nodelay(true);
    let (Ok(client_in), Ok(server_in)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let base = Instant::now();
    let last = Arc::new(AtomicU64::new(0));

    // Backend → client: answers, and live-reload events as they come.
    let down = {
        let last = last.clone();
        let (mut from, mut to) = (server_in, client);
        std::thread::Builder::new()
            .name("hubgen-conn-out".into())
            .spawn(move || {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    match from.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            // The client's write timeout ends this when it stops reading.
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                            last.store(millis(base), Ordering::Relaxed);
                        }
                    }
                }
                // Either side is done: close both, which also wakes the other direction.
                let _ = to.shutdown(Shutdown::Both);
                let _ = from.shutdown(Shutdown::Both);
            })
    };
    let Ok(down) = down else {
        return;
    };

    // Client → backend: requests. The client socket's read timeout wakes this loop to check
    // whether the connection as a whole has gone idle.
    let (mut from, mut to) = (client_in, server);
    let mut buf = vec![0u8; 16 * 1024];
    let mut close_both = true;
    loop {
        match from.read(&mut buf) {
            Ok(0) => {
                // The client finished sending; the answer may still be on its way, so only
                // pass the end on and let the other direction finish.
                let _ = to.shutdown(Shutdown::Write);
                close_both = false;
                break;
            }
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
                last.store(millis(base), Ordering::Relaxed);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                let quiet = millis(base).saturating_sub(last.load(Ordering::Relaxed));
                if quiet >= u64::try_from(idle.as_millis()).unwrap_or(u64::MAX) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    if close_both {
        // Idle, or a failed read or write: end the connection both ways, which also wakes the
        // other thread from its read.
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    }
    let _ = down.join();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_cap_and_return() {
        let p = Permits::new(2);
        let a = p.try_acquire();
        let b = p.try_acquire();
        assert!(a.is_some() && b.is_some());
        assert!(p.try_acquire().is_none());
        drop(a);
        assert!(p.try_acquire().is_some());
    }
}
