//! Server-Sent Events: the open pages that listen for reloads and errors.
//!
//! The hub knows a page only as a [`Listener`], something it can hand an
//! event to without waiting and ask whether the page is gone; the transport
//! decides what that is (see [`super::transport`]). So a listening page is
//! not given a thread, and any number of open pages cost none. A page that
//! went away, or stopped reading, is dropped on the next send that fails,
//! or, when the hub is full, as soon as a new page wants in.

use std::sync::Mutex;

use bytes::Bytes;

/// The most pages that may listen at once; more get 503.
pub const MAX_LISTENERS: usize = 128;

/// The start of every stream: how soon a page reconnects after losing it.
pub const STREAM_START: &str = "retry: 1000\n\n";

/// One page listening for events, as the transport holds it.
pub trait Listener: Send {
    /// Hands `bytes` (whole events) on to the page without waiting; `false`
    /// when the page cannot take them (it left, or stopped reading).
    fn send(&mut self, bytes: &Bytes) -> bool;

    /// Whether the page is known to have left, found without sending.
    fn has_left(&self) -> bool;
}

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
    listeners: Mutex<Vec<Box<dyn Listener>>>,
}

impl Hub {
    /// Adds `listener` after sending it the start of the stream and the
    /// first event, which `first` makes while the hub is locked, so that no
    /// broadcast can fall between the two. Gives the listener back when the
    /// hub is full, and nothing when the page went away.
    pub fn subscribe<L: Listener + 'static>(
        &self,
        mut listener: L,
        first: impl FnOnce() -> String,
    ) -> Result<(), Option<L>> {
        let mut listeners = self.lock();
        if listeners.len() >= MAX_LISTENERS {
            // Pages that left are only found by sending to them, which may
            // be 15 s away (the heartbeat): look for them now.
            listeners.retain(|l| !l.has_left());
        }
        if listeners.len() >= MAX_LISTENERS {
            return Err(Some(listener));
        }
        let mut start = String::from(STREAM_START);
        start.push_str(&first());
        if !listener.send(&Bytes::from(start)) {
            return Err(None);
        }
        listeners.push(Box::new(listener));
        Ok(())
    }

    /// Sends `bytes` to every listener, dropping those that fail; returns
    /// how many received it.
    pub fn send(&self, bytes: &Bytes) -> usize {
        let mut listeners = self.lock();
        listeners.retain_mut(|l| l.send(bytes));
        listeners.len()
    }

    /// Sends an event to every listener, made while the hub is locked.
    pub fn broadcast(&self, event: impl FnOnce() -> String) -> usize {
        let mut listeners = self.lock();
        let bytes = Bytes::from(event());
        listeners.retain_mut(|l| l.send(&bytes));
        listeners.len()
    }

    /// A comment line that keeps connections open and finds pages that left.
    pub fn heartbeat(&self) -> usize {
        self.send(&Bytes::from_static(b": ping\n\n"))
    }

    /// Drops the pages known to have left; returns how many listen.
    pub fn forget_left(&self) -> usize {
        let mut listeners = self.lock();
        listeners.retain(|l| !l.has_left());
        listeners.len()
    }

    /// How many pages listen.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no page listens.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lets go of every listener, which ends its stream.
    pub fn close_all(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Box<dyn Listener>>> {
        self.listeners.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn events_are_framed() {
        assert_eq!(format_event("reload", "{\"build\":2}"), "event: reload\ndata: {\"build\":2}\n\n");
        assert_eq!(format_event("x", "a\nb"), "event: x\ndata: a\ndata: b\n\n");
    }

    /// A page: what it was sent, and whether it left or stopped reading.
    #[derive(Clone, Default)]
    struct Page {
        got: Arc<Mutex<Vec<u8>>>,
        left: Arc<AtomicBool>,
        stuck: Arc<AtomicBool>,
    }

    impl Listener for Page {
        fn send(&mut self, bytes: &Bytes) -> bool {
            if self.left.load(Ordering::SeqCst) || self.stuck.load(Ordering::SeqCst) {
                return false;
            }
            self.got.lock().unwrap().extend_from_slice(bytes);
            true
        }

        fn has_left(&self) -> bool {
            self.left.load(Ordering::SeqCst)
        }
    }

    impl Page {
        fn text(&self) -> String {
            String::from_utf8(self.got.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn a_page_hears_the_start_then_every_broadcast_until_it_fails() {
        let hub = Hub::default();
        let (a, b) = (Page::default(), Page::default());
        assert!(hub.subscribe(a.clone(), || format_event("hello", "1")).is_ok());
        assert!(hub.subscribe(b.clone(), || format_event("hello", "2")).is_ok());
        assert_eq!(a.text(), "retry: 1000\n\nevent: hello\ndata: 1\n\n");
        assert_eq!(hub.broadcast(|| format_event("reload", "{}")), 2);
        b.stuck.store(true, Ordering::SeqCst);
        assert_eq!(hub.heartbeat(), 1, "a page that cannot take an event is dropped");
        assert!(a.text().ends_with("event: reload\ndata: {}\n\n: ping\n\n"), "{}", a.text());
        assert!(!b.text().contains("ping"));
        let gone = Page::default();
        gone.stuck.store(true, Ordering::SeqCst);
        assert!(matches!(hub.subscribe(gone, String::new), Err(None)));
        hub.close_all();
        assert!(hub.is_empty());
    }

    #[test]
    fn a_full_hub_makes_room_by_dropping_pages_that_left() {
        let hub = Hub::default();
        let pages: Vec<Page> = (0..MAX_LISTENERS).map(|_| Page::default()).collect();
        for page in &pages {
            assert!(hub.subscribe(page.clone(), String::new).is_ok());
        }
        assert!(matches!(hub.subscribe(Page::default(), String::new), Err(Some(_))), "full while every page stays");
        // Ten pages leave; nothing has been sent since, so only looking finds it.
        for page in &pages[..10] {
            page.left.store(true, Ordering::SeqCst);
        }
        assert!(hub.subscribe(Page::default(), String::new).is_ok());
        assert_eq!(hub.len(), MAX_LISTENERS - 9);
    }
}
