//! Fast structural scanning of JSON text, 64 bytes at a time.
//!
//! Captures are mostly JSON bodies stored as JSON strings, so nearly every byte is inside a
//! string and every fourth to tenth byte is a backslash. Scanning byte by byte costs most
//! of the time of a regen; this module builds bit masks of a 64-byte block (`"`, `\`,
//! openers, closers), finds escaped characters branch-free and the bytes inside strings by
//! a prefix XOR, as simdjson does, in safe portable Rust.

/// Bit masks of one 64-byte block: bit `i` describes byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Masks {
    /// Backslashes.
    pub backslash: u64,
    /// Double quotes.
    pub quote: u64,
    /// `{` and `[`.
    pub open: u64,
    /// `}` and `]`.
    pub close: u64,
}

/// Packs 8 bytes that are each 0 or 1 into 8 bits (byte `i` to bit `i`).
#[inline(always)]
fn pack8(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The masks of a block.
#[inline(always)]
pub fn masks(block: &[u8; 64]) -> Masks {
    let mut bs = [0u8; 64];
    let mut q = [0u8; 64];
    let mut op = [0u8; 64];
    let mut cl = [0u8; 64];
    for i in 0..64 {
        let b = block[i];
        bs[i] = u8::from(b == b'\\');
        q[i] = u8::from(b == b'"');
        // `{` (0x7b) and `[` (0x5b) differ only in bit 5; so do `}` and `]`.
        op[i] = u8::from(b | 0x20 == b'{');
        cl[i] = u8::from(b | 0x20 == b'}');
    }
    let mut m = Masks {
        backslash: 0,
        quote: 0,
        open: 0,
        close: 0,
    };
    for k in 0..8 {
        let r = k * 8..k * 8 + 8;
        m.backslash |= pack8(&bs[r.clone()]) << (k * 8);
        m.quote |= pack8(&q[r.clone()]) << (k * 8);
        m.open |= pack8(&op[r.clone()]) << (k * 8);
        m.close |= pack8(&cl[r]) << (k * 8);
    }
    m
}

/// The characters escaped by a backslash in this block, given the backslash mask;
/// `carry` says whether the block's first character is escaped and is updated for the
/// next block.
#[inline(always)]
pub fn escaped(backslash: u64, carry: &mut u64) -> u64 {
    if backslash == 0 {
        let e = *carry;
        *carry = 0;
        return e;
    }
    const EVEN: u64 = 0x5555_5555_5555_5555;
    let backslash = backslash & !*carry;
    let follows_escape = (backslash << 1) | *carry;
    let odd_starts = backslash & !EVEN & !follows_escape;
    let (seq_even, overflow) = odd_starts.overflowing_add(backslash);
    *carry = u64::from(overflow);
    let invert = seq_even << 1;
    (EVEN ^ invert) & follows_escape
}

/// Bit `i` set when an odd number of bits `0..=i` of `x` are set.
#[inline(always)]
pub fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The backslash and quote masks of a block (what finding a string's end needs).
#[inline(always)]
pub fn quote_masks(block: &[u8; 64]) -> (u64, u64) {
    let mut bs = [0u8; 64];
    let mut q = [0u8; 64];
    for i in 0..64 {
        bs[i] = u8::from(block[i] == b'\\');
        q[i] = u8::from(block[i] == b'"');
    }
    let (mut mb, mut mq) = (0u64, 0u64);
    for k in 0..8 {
        let r = k * 8..k * 8 + 8;
        mb |= pack8(&bs[r.clone()]) << (k * 8);
        mq |= pack8(&q[r]) << (k * 8);
    }
    (mb, mq)
}

/// The 64 bytes of `bytes` at `at`, without copying when they are all there, else
/// padded with spaces.
#[inline(always)]
fn with_block<T>(bytes: &[u8], at: usize, f: impl FnOnce(&[u8; 64]) -> T) -> T {
    match bytes
        .get(at..at + 64)
        .and_then(|s| <&[u8; 64]>::try_from(s).ok())
    {
        Some(block) => f(block),
        None => f(&block_at(bytes, at)),
    }
}

/// A block of `bytes` from `at`, padded with spaces past the end.
#[inline(always)]
pub fn block_at(bytes: &[u8], at: usize) -> [u8; 64] {
    let mut block = [b' '; 64];
    if let Some(rest) = bytes.get(at..) {
        let n = rest.len().min(64);
        block[..n].copy_from_slice(&rest[..n]);
    }
    block
}

/// Where the string whose content starts at `start` ends: the index of its closing quote.
pub fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    let mut carry = 0u64;
    while at < bytes.len() {
        let (backslash, quote) = with_block(bytes, at, quote_masks);
        let real = quote & !escaped(backslash, &mut carry);
        if real != 0 {
            let end = at + real.trailing_zeros() as usize;
            return (end < bytes.len()).then_some(end);
        }
        at += 64;
    }
    None
}

/// Scanning state across blocks while looking for the end of a container.
#[derive(Debug, Default, Clone, Copy)]
pub struct ContainerScan {
    /// Nesting depth: 1 right after the opening bracket.
    pub depth: u64,
    escape_carry: u64,
    /// All ones when the previous block ended inside a string.
    string_carry: u64,
}

impl ContainerScan {
    /// State right after an opening bracket.
    pub fn new() -> Self {
        ContainerScan {
            depth: 1,
            ..ContainerScan::default()
        }
    }

    /// Scans one block; returns the offset in the block of the bracket that closes the
    /// container, if it is in this block. A closer without an opener (depth 0) is
    /// reported the same way, so a stray `]` ends the scan for the caller to judge.
    #[inline(always)]
    pub fn block(&mut self, block: &[u8; 64]) -> Option<usize> {
        let (backslash, quote) = quote_masks(block);
        let real_quotes = quote & !escaped(backslash, &mut self.escape_carry);
        if real_quotes == 0 && self.string_carry != 0 {
            // The whole block is inside a string (most of a capture is bodies).
            return None;
        }
        let m = masks(block);
        let in_string = prefix_xor(real_quotes) ^ self.string_carry;
        self.string_carry = ((in_string as i64) >> 63) as u64;
        let mut structural = (m.open | m.close) & !in_string;
        while structural != 0 {
            let i = structural.trailing_zeros() as usize;
            structural &= structural - 1;
            if m.open >> i & 1 == 1 {
                self.depth += 1;
            } else {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    }
}

/// Index of the bracket closing the container whose opening bracket is at `open`.
pub fn container_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut scan = ContainerScan::new();
    let mut at = open + 1;
    while at < bytes.len() {
        if let Some(i) = with_block(bytes, at, |b| scan.block(b)) {
            let end = at + i;
            return (end < bytes.len()).then_some(end);
        }
        at += 64;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_string_end(b: &[u8], start: usize) -> Option<usize> {
        let mut esc = false;
        for (i, &c) in b.iter().enumerate().skip(start) {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                return Some(i);
            }
        }
        None
    }

    /// A backslash escapes the next character for the purpose of finding quotes, inside
    /// strings (JSON) and outside them (never in valid JSON; the scanner does the same).
    fn naive_container_end(b: &[u8], open: usize) -> Option<usize> {
        let (mut depth, mut in_str, mut esc) = (1u64, false, false);
        for (i, &c) in b.iter().enumerate().skip(open + 1) {
            if c == b'"' && !esc {
                in_str = !in_str;
            } else if !in_str && (c == b'{' || c == b'[') {
                depth += 1;
            } else if !in_str && (c == b'}' || c == b']') {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            esc = c == b'\\' && !esc;
        }
        None
    }

    /// A small deterministic generator, so the test needs no extra crate.
    fn random_bytes(seed: &mut u64, alphabet: &[u8], max: usize) -> Vec<u8> {
        let mut next = || {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (*seed >> 33) as usize
        };
        let n = next() % max;
        (0..n).map(|_| alphabet[next() % alphabet.len()]).collect()
    }

    #[test]
    fn masks_match_bytes() {
        let mut block = [b'a'; 64];
        block[0] = b'\\';
        block[7] = b'"';
        block[8] = b'[';
        block[63] = b'}';
        let m = masks(&block);
        assert_eq!(m.backslash, 1);
        assert_eq!(m.quote, 1 << 7);
        assert_eq!(m.open, 1 << 8);
        assert_eq!(m.close, 1 << 63);
    }

    #[test]
    fn string_end_agrees_with_a_byte_loop() {
        let mut seed = 7;
        for _ in 0..20_000 {
            let b = random_bytes(&mut seed, b"\\\\\"ab", 300);
            assert_eq!(
                string_end(&b, 0),
                naive_string_end(&b, 0),
                "{}",
                String::from_utf8_lossy(&b)
            );
        }
    }

    #[test]
    fn container_end_agrees_with_a_byte_loop() {
        let mut seed = 11;
        for _ in 0..20_000 {
            let mut b = vec![b'{'];
            b.extend(random_bytes(&mut seed, b"\\\"{}[]a", 400));
            assert_eq!(
                container_end(&b, 0),
                naive_container_end(&b, 0),
                "{}",
                String::from_utf8_lossy(&b)
            );
        }
    }
}
