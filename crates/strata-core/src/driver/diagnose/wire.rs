//! The few bytes of each wire protocol that come before TLS: PostgreSQL's SSLRequest and its
//! one-byte answer, MySQL's server greeting and SSL request packet. Nothing here authenticates
//! or sends a user name.

use std::io::{Read, Write};

/// PostgreSQL's SSLRequest: length 8, code 80877103.
pub const PG_SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F];

/// What a PostgreSQL server answered to SSLRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgAnswer {
    Tls,
    NoTls,
    /// `E`: an error message instead (very old servers, or a refusal before TLS).
    Error,
    /// Not a PostgreSQL answer at all: the byte received.
    Unexpected(u8),
}

pub fn pg_answer(byte: u8) -> PgAnswer {
    match byte {
        b'S' => PgAnswer::Tls,
        b'N' => PgAnswer::NoTls,
        b'E' => PgAnswer::Error,
        other => PgAnswer::Unexpected(other),
    }
}

/// Send SSLRequest and read the answer byte.
pub fn pg_negotiate(stream: &mut (impl Read + Write)) -> std::io::Result<PgAnswer> {
    stream.write_all(&PG_SSL_REQUEST)?;
    stream.flush()?;
    let mut byte = [0u8; 1];
    stream.read_exact(&mut byte)?;
    Ok(pg_answer(byte[0]))
}

pub const CLIENT_LONG_PASSWORD: u32 = 0x1;
pub const CLIENT_PROTOCOL_41: u32 = 0x200;
pub const CLIENT_SSL: u32 = 0x800;
pub const CLIENT_SECURE_CONNECTION: u32 = 0x8000;
pub const CLIENT_PLUGIN_AUTH: u32 = 0x8_0000;

/// The parts of a MySQL/MariaDB greeting the connection test reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    pub server_version: String,
    pub capabilities: u32,
}

impl Greeting {
    pub fn offers_tls(&self) -> bool {
        self.capabilities & CLIENT_SSL != 0
    }
}

/// What the first packet of a MySQL server was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MyHello {
    Greeting(Greeting),
    /// An error packet instead of a greeting (host blocked, too many connections…).
    Error {
        code: u16,
        message: String,
    },
    /// Not the MySQL protocol, or a protocol version older than 10.
    Unexpected,
}

/// Read a MySQL packet: 3-byte little-endian length, sequence number, payload.
pub fn read_packet(stream: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut header = [0u8; 4];
    stream.read_exact(&mut header)?;
    let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
    let mut payload = vec![0u8; len];
    stream.read_exact(&mut payload)?;
    Ok(payload)
}

/// Parse a greeting payload (protocol 10).
pub fn parse_hello(payload: &[u8]) -> MyHello {
    match payload.first() {
        Some(0xFF) if payload.len() >= 3 => {
            let code = u16::from_le_bytes([payload[1], payload[2]]);
            let mut rest = &payload[3..];
            // 4.1 error packets carry `#` and a five-character SQLSTATE.
            if rest.first() == Some(&b'#') && rest.len() >= 6 {
                rest = &rest[6..];
            }
            MyHello::Error {
                code,
                message: String::from_utf8_lossy(rest).into_owned(),
            }
        }
        Some(10) => {
            let Some(nul) = payload[1..].iter().position(|&b| b == 0) else {
                return MyHello::Unexpected;
            };
            let version = String::from_utf8_lossy(&payload[1..1 + nul]).into_owned();
            // version NUL, connection id (4), scramble part 1 (8), filler (1), caps low (2)
            let caps_at = 1 + nul + 1 + 4 + 8 + 1;
            let Some(low) = payload.get(caps_at..caps_at + 2) else {
                return MyHello::Unexpected;
            };
            let mut capabilities = u32::from(u16::from_le_bytes([low[0], low[1]]));
            // charset (1), status (2), caps high (2)
            if let Some(high) = payload.get(caps_at + 5..caps_at + 7) {
                capabilities |= u32::from(u16::from_le_bytes([high[0], high[1]])) << 16;
            }
            MyHello::Greeting(Greeting {
                server_version: version,
                capabilities,
            })
        }
        _ => MyHello::Unexpected,
    }
}

/// The SSL request packet (sequence 1): capabilities, max packet, utf8mb4, 23 zero bytes.
pub fn my_ssl_request() -> Vec<u8> {
    let caps = CLIENT_LONG_PASSWORD
        | CLIENT_PROTOCOL_41
        | CLIENT_SSL
        | CLIENT_SECURE_CONNECTION
        | CLIENT_PLUGIN_AUTH;
    let mut packet = vec![32, 0, 0, 1];
    packet.extend_from_slice(&caps.to_le_bytes());
    packet.extend_from_slice(&(16u32 << 20).to_le_bytes());
    packet.push(45); // utf8mb4_general_ci
    packet.extend_from_slice(&[0u8; 23]);
    packet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn greeting(version: &str, caps_low: u16, caps_high: u16) -> Vec<u8> {
        let mut p = vec![10];
        p.extend_from_slice(version.as_bytes());
        p.push(0);
        p.extend_from_slice(&7u32.to_le_bytes());
        p.extend_from_slice(b"12345678");
        p.push(0);
        p.extend_from_slice(&caps_low.to_le_bytes());
        p.push(45);
        p.extend_from_slice(&2u16.to_le_bytes());
        p.extend_from_slice(&caps_high.to_le_bytes());
        p
    }

    #[test]
    fn greeting_says_whether_tls_is_offered() {
        let with = parse_hello(&greeting("10.11.19-MariaDB", 0xFFFF, 0x81BF));
        let MyHello::Greeting(g) = with else {
            panic!("{with:?}")
        };
        assert_eq!(g.server_version, "10.11.19-MariaDB");
        assert!(g.offers_tls());
        assert_eq!(g.capabilities >> 16, 0x81BF);
        let without = parse_hello(&greeting("8.0.36", 0xF7FF, 0));
        assert!(matches!(without, MyHello::Greeting(g) if !g.offers_tls()));
    }

    #[test]
    fn error_packets_and_other_protocols_are_told_apart() {
        let mut err = vec![0xFF];
        err.extend_from_slice(&1129u16.to_le_bytes());
        err.extend_from_slice(b"Host '10.0.0.9' is blocked");
        assert_eq!(
            parse_hello(&err),
            MyHello::Error {
                code: 1129,
                message: "Host '10.0.0.9' is blocked".into()
            }
        );
        assert_eq!(parse_hello(b"HTTP/1.1 400"), MyHello::Unexpected);
        assert_eq!(parse_hello(&[10, b'8']), MyHello::Unexpected);
    }

    #[test]
    fn ssl_request_is_a_32_byte_packet_with_the_ssl_flag() {
        let p = my_ssl_request();
        assert_eq!(p.len(), 36);
        assert_eq!(&p[..4], &[32, 0, 0, 1]);
        let caps = u32::from_le_bytes([p[4], p[5], p[6], p[7]]);
        assert!(caps & CLIENT_SSL != 0 && caps & CLIENT_PROTOCOL_41 != 0);
        assert!(p[13..].iter().all(|&b| b == 0));
    }

    #[test]
    fn postgres_answers() {
        assert_eq!(pg_answer(b'S'), PgAnswer::Tls);
        assert_eq!(pg_answer(b'N'), PgAnswer::NoTls);
        assert_eq!(pg_answer(b'E'), PgAnswer::Error);
        assert_eq!(pg_answer(0x4A), PgAnswer::Unexpected(0x4A));
        assert_eq!(PG_SSL_REQUEST.len(), 8);
        assert_eq!(u32::from_be_bytes([4, 0xD2, 0x16, 0x2F]), 80877103);
    }
}
