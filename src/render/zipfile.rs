//! Zip archives for the offline downloads, written byte for byte.
//!
//! A download is written the way a build needs it: deterministic (fixed
//! timestamps and permissions, entries in the order given), fast (raw
//! deflate by libdeflate, one call per file), and able to take an entry
//! compressed once for many archives ([`Entry`]): the theme's assets and the
//! search scripts are the same in every download of a build.
//!
//! The format is the classic one (APPNOTE 6.3.x, no zip64): local headers,
//! then the central directory, then its end record. Names are UTF-8 (flag
//! bit 11), permissions are Unix `0644`. Archives over 4 GiB or 65,535
//! entries are refused with [`ZipError`], never written wrong.

use std::cell::RefCell;

use libdeflater::{CompressionLvl, Compressor};

/// The deflate level of the downloads (libdeflate's scale, 1–12).
///
/// Measured on a 2.3 MB edition of the large generated corpus (17 files):
/// level 1 gives 572 kB in 7 ms, level 4 530 kB in 16 ms, level 6 512 kB in
/// 28 ms; zlib's level 6, used before, gave 517 kB in 38 ms. Level 4 keeps
/// the download within 3 % of that for well under half the time.
pub const LEVEL: i32 = 4;

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    /// A file or the archive passes the 4 GiB limit of the classic format.
    #[error("{0} is larger than a zip file without zip64 can hold (4 GiB)")]
    TooLarge(String),
    /// More entries than the classic format can count.
    #[error("more than 65,535 files in one zip file")]
    TooManyEntries,
    /// The compressor failed (it cannot, given a large enough buffer).
    #[error("cannot compress {0}")]
    Compress(String),
}

/// One file's contents, ready for any number of archives: compressed (or
/// stored, when deflate would not make it smaller), with its CRC-32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    method: u16,
    crc: u32,
    size: u32,
    data: Vec<u8>,
}

const STORED: u16 = 0;
const DEFLATED: u16 = 8;

thread_local! {
    /// libdeflate's compressor keeps its tables between calls; one per thread.
    static COMPRESSOR: RefCell<Compressor> =
        RefCell::new(Compressor::new(CompressionLvl::new(LEVEL).unwrap_or_default()));
}

impl Entry {
    /// Compresses `bytes` (named `name` in errors).
    pub fn new(name: &str, bytes: &[u8]) -> Result<Entry, ZipError> {
        let size = u32::try_from(bytes.len()).map_err(|_| ZipError::TooLarge(name.to_owned()))?;
        let crc = libdeflater::crc32(bytes);
        let deflated = COMPRESSOR.with_borrow_mut(|c| {
            let mut out = vec![0; c.deflate_compress_bound(bytes.len())];
            let n = c.deflate_compress(bytes, &mut out).map_err(|_| ZipError::Compress(name.to_owned()))?;
            out.truncate(n);
            Ok::<_, ZipError>(out)
        })?;
        Ok(if deflated.len() < bytes.len() {
            Entry { method: DEFLATED, crc, size, data: deflated }
        } else {
            Entry { method: STORED, crc, size, data: bytes.to_vec() }
        })
    }
}

/// An archive being written: [`ZipWriter::add`] each file, then
/// [`ZipWriter::finish`].
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    time: u16,
    date: u16,
}

impl ZipWriter {
    /// An empty archive whose every file is dated `date` (`YYYY-MM-DD`, at
    /// midnight; a date zip cannot hold, before 1980 or malformed, becomes
    /// 1980-01-01).
    pub fn new(date: &str) -> ZipWriter {
        ZipWriter { out: Vec::new(), central: Vec::new(), entries: 0, time: 0, date: dos_date(date) }
    }

    /// Adds the file `name` (a path with `/` separators) holding `entry`.
    pub fn add(&mut self, name: &str, entry: &Entry) -> Result<(), ZipError> {
        self.entries = self.entries.checked_add(1).ok_or(ZipError::TooManyEntries)?;
        let too_large = || ZipError::TooLarge(name.to_owned());
        let offset = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let compressed = u32::try_from(entry.data.len()).map_err(|_| too_large())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        // The fields the local header and the central directory share, from "version needed" on.
        let mut common = Vec::with_capacity(26);
        put16(&mut common, 20); // version needed: 2.0 (deflate)
        put16(&mut common, 1 << 11); // flags: the name is UTF-8
        put16(&mut common, entry.method);
        put16(&mut common, self.time);
        put16(&mut common, self.date);
        put32(&mut common, entry.crc);
        put32(&mut common, compressed);
        put32(&mut common, entry.size);
        put16(&mut common, name_len);
        put16(&mut common, 0); // extra field length

        put32(&mut self.out, 0x0403_4b50);
        self.out.extend_from_slice(&common);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(&entry.data);

        put32(&mut self.central, 0x0201_4b50);
        put16(&mut self.central, (3 << 8) | 20); // made by: Unix, 2.0
        self.central.extend_from_slice(&common);
        put16(&mut self.central, 0); // comment length
        put16(&mut self.central, 0); // disk number
        put16(&mut self.central, 0); // internal attributes
        put32(&mut self.central, 0o100_644 << 16); // external: a regular file, rw-r--r--
        put32(&mut self.central, offset);
        self.central.extend_from_slice(name.as_bytes());
        Ok(())
    }

    /// The archive's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, ZipError> {
        let too_large = || ZipError::TooLarge("the download".to_owned());
        let offset = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let size = u32::try_from(self.central.len()).map_err(|_| too_large())?;
        self.out.append(&mut self.central);
        put32(&mut self.out, 0x0605_4b50);
        put16(&mut self.out, 0); // this disk
        put16(&mut self.out, 0); // the disk where the directory starts
        put16(&mut self.out, self.entries);
        put16(&mut self.out, self.entries);
        put32(&mut self.out, size);
        put32(&mut self.out, offset);
        put16(&mut self.out, 0); // comment length
        Ok(self.out)
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// `YYYY-MM-DD` as an MS-DOS date; 1980-01-01 when zip cannot hold it.
fn dos_date(date: &str) -> u16 {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<u16>().ok());
    let (y, m, d) = (parts.next().flatten(), parts.next().flatten(), parts.next().flatten());
    match (y, m, d) {
        (Some(y @ 1980..=2107), Some(m @ 1..=12), Some(d @ 1..=31)) => ((y - 1980) << 9) | (m << 5) | d,
        _ => (1 << 5) | 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn dates_that_zip_can_hold() {
        assert_eq!(dos_date("2024-10-01"), (44 << 9) | (10 << 5) | 1);
        assert_eq!(dos_date("1979-12-31"), (1 << 5) | 1);
        assert_eq!(dos_date("bad"), (1 << 5) | 1);
        assert_eq!(dos_date("2024-13-01"), (1 << 5) | 1);
    }

    /// A real zip reader (the `zip` crate) reads back every name, byte,
    /// date and permission, for deflated, stored and empty files.
    #[test]
    fn a_zip_reader_reads_back_what_was_written() {
        let text = "Requirement 1.1.1 — ".repeat(500);
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("craft/en/2.1/index.html", text.into_bytes()),
            ("craft/assets/ünïcode.txt", b"x".to_vec()),
            ("craft/empty", Vec::new()),
            ("craft/noise.bin", (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ];
        let mut zip = ZipWriter::new("2024-10-01");
        for (name, bytes) in &files {
            zip.add(name, &Entry::new(name, bytes).unwrap()).unwrap();
        }
        let bytes = zip.finish().unwrap();
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), files.len());
        for (i, (name, content)) in files.iter().enumerate() {
            let mut file = archive.by_index(i).unwrap();
            assert_eq!(file.name().unwrap(), *name);
            assert_eq!(file.unix_mode(), Some(0o100_644));
            let t = file.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day()), (2024, 10, 1));
            let mut read = Vec::new();
            file.read_to_end(&mut read).unwrap();
            assert_eq!(&read, content, "{name}");
        }
        let first = Entry::new("a", &files[0].1).unwrap();
        assert_eq!(first.method, DEFLATED);
        assert!(first.data.len() < files[0].1.len() / 10);
        assert_eq!(Entry::new("b", b"x").unwrap().method, STORED);
    }
}
