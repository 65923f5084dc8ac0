//! Server-Sent Events: the open pages that listen for reloads and errors.
//!
//! A subscribed connection is not given a thread: its stream is kept in a
//! list and written to when there is news, so any number of open pages cost
//! no thread. Each write is bounded by a timeout; a page that went away is
//! dropped on the next write that fails, or, when the hub is full, as soon as
//! a new page wants in.

use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Mutex;
use std::time::Duration;

/// The most pages that may listen at once; more get 503.
pub const MAX_LISTENERS: usize = 128;

/// How long a write to one listener may block before it is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// The response head that opens an event stream.
pub const STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n";

/// The start of the stream: how soon a page reconnects after losing it.
const STREAM_START: &str = "retry: 1000\n\n";

/// Formats one event: its name and its one-line data.
pub fn format_event(name: &str, data: &str) -> String {
    // Data is JSON, which never holds a raw newline; split anyway so that a
    // newline could not end the event early.
    let mut out = format!("event: {name}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The pages listening for events.
#[derive(Default)]
pub struct Hub {
    listeners: Mutex<Vec<TcpStream>>,
}

impl Hub {
    /// Adds `stream` as a listener after writing the stream head and the
    /// first event, which `first` makes while the hub is locked, so that no
    /// broadcast can fall between the two. Gives the stream back when the
    /// hub is full, and nothing when the page went away.
    pub fn subscribe(&self, mut stream: TcpStream, first: impl FnOnce() -> String) -> Result<(), Option<TcpStream>> {
        let mut listeners = self.lock();
        if listeners.len() >= MAX_LISTENERS {
            // Pages that left are only found by writing to them, which may
            // be 15 s away (the heartbeat): look for them now.
            listeners.retain(|s| !has_left(s));
        }
        if listeners.len() >= MAX_LISTENERS {
            return Err(Some(stream));
        }
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let mut bytes = format!("{STREAM_HEAD}{STREAM_START}");
        bytes.push_str(&first());
        if stream.write_all(bytes.as_bytes()).is_err() || stream.flush().is_err() {
            return Err(None);
        }
        listeners.push(stream);
        Ok(())
    }

    /// Sends `bytes` to every listener, dropping those that fail; returns
    /// how many received it.
    pub fn send(&self, bytes: &[u8]) -> usize {
        let mut listeners = self.lock();
        listeners.retain_mut(|s| s.write_all(bytes).and_then(|()| s.flush()).is_ok());
        listeners.len()
    }

    /// Sends an event to every listener, made while the hub is locked.
    pub fn broadcast(&self, event: impl FnOnce() -> String) -> usize {
        let mut listeners = self.lock();
        let bytes = event();
        listeners.retain_mut(|s| s.write_all(bytes.as_bytes()).and_then(|()| s.flush()).is_ok());
        listeners.len()
    }

    /// A comment line that keeps connections open and finds pages that left.
    pub fn heartbeat(&self) -> usize {
        self.send(b": ping\n\n")
    }

    /// How many pages listen.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no page listens.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes every listener's connection.
    pub fn close_all(&self) {
        for s in self.lock().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<TcpStream>> {
        self.listeners.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether the page at the other end closed the stream (or it failed),
/// found without waiting and without taking a byte from it.
fn has_left(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let left = match stream.peek(&mut [0u8; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    };
    left || stream.set_nonblocking(false).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_framed() {
        assert_eq!(format_event("reload", "{\"build\":2}"), "event: reload\ndata: {\"build\":2}\n\n");
        assert_eq!(format_event("x", "a\nb"), "event: x\ndata: a\ndata: b\n\n");
    }

    #[test]
    fn a_full_hub_makes_room_by_dropping_pages_that_left() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hub = Hub::default();
        let mut pages = Vec::new();
        for _ in 0..MAX_LISTENERS {
            let page = TcpStream::connect(addr).unwrap();
            let (stream, _) = listener.accept().unwrap();
            assert!(hub.subscribe(stream, String::new).is_ok());
            pages.push(page);
        }
        let newcomer = || {
            let page = TcpStream::connect(addr).unwrap();
            (page, listener.accept().unwrap().0)
        };
        let (_page, stream) = newcomer();
        assert!(matches!(hub.subscribe(stream, String::new), Err(Some(_))), "full while every page stays");
        // Ten pages leave; nothing has been sent since, so only looking finds it.
        pages.drain(..10);
        std::thread::sleep(Duration::from_millis(100));
        let (_page, stream) = newcomer();
        assert!(hub.subscribe(stream, String::new).is_ok());
        assert_eq!(hub.len(), MAX_LISTENERS - 9);
    }
}
