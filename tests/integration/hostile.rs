//! Hostile servers (issue 8): `cors-doctor check` against loopback servers that misbehave on
//! purpose must never crash, hang, blow up its memory or output, or pass a control byte to the
//! terminal. Each case runs the real binary in every format (human, json, markdown) at once with
//! `--timeout 2` and asserts:
//!
//! - the outcome: exit 2 with one line `cors-doctor: error: STAGE: …` (JSON: the report, whose
//!   exchange error names the stage), or a verdict (exit 0/1, schema-valid JSON) where a browser
//!   would get a response;
//! - wall time within the case's bound (the binary is killed at `run::KILL_AFTER` regardless);
//! - bounded output and, where `/usr/bin/time` exists, bounded peak memory;
//! - no raw C0 control (other than `\n`, `\t`), DEL, C1 control or bidi override on stdout or
//!   stderr, in any format.
//!
//! Servers live in `hostile/server.rs`, the bounded runner in `hostile/run.rs`.

mod run;
pub(crate) mod server;

use std::io::Write as _;
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::support::assert_valid_check_json;
use run::{cors_doctor, unsafe_report, Ran};
use server::{method_of, path_of, response, Cert, Conn, Server};

const ORIGIN: &str = "http://localhost:3000";
const FORMATS: [&str; 3] = ["human", "json", "markdown"];
/// Wall-time bound of a case that makes one request with `--timeout 2`: the timeout plus the
/// start-up of a debug binary on a busy 2-core machine.
const ONE_REQUEST: Duration = Duration::from_millis(4500);
/// Output bound: a report is kilobytes; a hostile server must not inflate it.
const MAX_OUTPUT: usize = 512 * 1024;
/// Peak resident set bound (KiB) for the debug binary.
const MAX_PEAK_KIB: u64 = 128 * 1024;

/// What a case must end in.
#[derive(Clone, Copy)]
enum Expect {
    /// Exit 2, the error naming one of these stages.
    Error(&'static [&'static str]),
    /// A verdict (exit 0 or 1).
    Verdict,
}

/// The three runs of one case, by format.
struct Runs {
    human: Ran,
    json: Ran,
    markdown: Ran,
}

impl Runs {
    fn all(&self) -> [(&'static str, &Ran); 3] {
        [
            ("human", &self.human),
            ("json", &self.json),
            ("markdown", &self.markdown),
        ]
    }

    fn report(&self) -> Value {
        serde_json::from_slice(&self.json.stdout).unwrap_or_else(|e| {
            panic!(
                "json stdout is not JSON ({e}):\n{}\n{}",
                self.json.out(),
                self.json.err()
            )
        })
    }
}

/// Run `check URL --origin … --timeout 2 EXTRA --format F` for every format at once; assert the
/// expectation and the universal guarantees; return the runs for case-specific assertions.
fn case(name: &str, url: impl Fn(&str) -> String, extra: &[&str], expect: Expect, wall: Duration) -> Runs {
    let handles: Vec<_> = FORMATS
        .iter()
        .map(|&format| {
            let mut args: Vec<String> = ["check", &url(format), "--origin", ORIGIN, "--timeout", "2"]
                .map(String::from)
                .to_vec();
            args.extend(extra.iter().map(|s| (*s).to_owned()));
            args.extend(["--format".to_owned(), format.to_owned()]);
            thread::spawn(move || cors_doctor(&args))
        })
        .collect();
    let mut ran = handles.into_iter().map(|h| h.join().expect("runner thread"));
    let runs = Runs {
        human: ran.next().unwrap(),
        json: ran.next().unwrap(),
        markdown: ran.next().unwrap(),
    };
    let mut problems = Vec::new();
    for (format, r) in runs.all() {
        problems.extend(
            universal(format, r, wall)
                .into_iter()
                .map(|p| format!("{format}: {p}")),
        );
        let outcome = match expect {
            Expect::Error(stages) if format == "json" => json_error(r, stages),
            Expect::Error(stages) => text_error(r, stages),
            Expect::Verdict => verdict(format, r),
        };
        problems.extend(outcome.into_iter().map(|p| format!("{format}: {p}")));
    }
    note(name, &runs);
    assert!(problems.is_empty(), "{name}:\n  {}", problems.join("\n  "));
    runs
}

/// Never hang, never flood, never bloat, never emit a raw control character.
fn universal(format: &str, r: &Ran, wall: Duration) -> Vec<String> {
    let mut p = Vec::new();
    if r.killed {
        p.push(format!("killed after {:?}: it hung", r.wall));
    } else if r.wall > wall {
        p.push(format!("took {:?}, bound {wall:?}", r.wall));
    }
    if r.stdout_len + r.stderr_len > MAX_OUTPUT {
        p.push(format!("printed {} + {} bytes", r.stdout_len, r.stderr_len));
    }
    if let Some(kib) = r.peak_kib.filter(|&k| k > MAX_PEAK_KIB) {
        p.push(format!("peak memory {kib} KiB > {MAX_PEAK_KIB} KiB"));
    }
    // Every format escapes C1 and bidi characters too: JSON output gets piped to terminals.
    for (stream, bytes) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        if let Some(found) = unsafe_report(bytes) {
            p.push(format!("{stream} ({format}) has {found}"));
        }
    }
    p
}

/// Human and Markdown: exit 2, nothing on stdout, `cors-doctor: error: STAGE: …` then hints only.
fn text_error(r: &Ran, stages: &[&str]) -> Vec<String> {
    let mut p = Vec::new();
    let err = r.err();
    if r.code != Some(2) {
        p.push(format!(
            "exit {:?}, want 2; stderr {err:?}; stdout {:.300?}",
            r.code,
            r.out()
        ));
    }
    if !r.stdout.is_empty() {
        p.push(format!("stdout not empty on error: {:.300?}", r.out()));
    }
    let mut lines = err.lines();
    let first = lines.next().unwrap_or_default();
    if !stages
        .iter()
        .any(|s| first.starts_with(&format!("cors-doctor: error: {s}: ")))
    {
        p.push(format!(
            "first stderr line {first:?} does not name a stage in {stages:?}"
        ));
    }
    if first.len() > 1000 {
        p.push(format!("error line is {} bytes long", first.len()));
    }
    if let Some(extra) = lines.find(|l| !l.starts_with("  hint: ")) {
        p.push(format!("stderr line after the error is not a hint: {extra:?}"));
    }
    p
}

/// JSON: exit 2 with the report on stdout (its exchange errors naming the stage), or the same
/// one-line error as the other formats.
fn json_error(r: &Ran, stages: &[&str]) -> Vec<String> {
    if r.stdout.is_empty() {
        return text_error(r, stages);
    }
    let mut p = Vec::new();
    if r.code != Some(2) {
        p.push(format!("exit {:?}, want 2", r.code));
    }
    let Ok(json) = serde_json::from_slice::<Value>(&r.stdout) else {
        return vec![format!("stdout is not JSON: {:.300?}", r.out())];
    };
    assert_valid_check_json(&json);
    let errors: Vec<&str> = json["exchanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["error"].as_str())
        .collect();
    if !errors
        .iter()
        .any(|e| stages.iter().any(|s| e.starts_with(&format!("{s}: "))))
    {
        p.push(format!(
            "no exchange error names a stage in {stages:?}: {errors:?}"
        ));
    }
    p
}

/// A verdict: exit 0 or 1, a schema-valid JSON report, no error line.
fn verdict(format: &str, r: &Ran) -> Vec<String> {
    let mut p = Vec::new();
    if !matches!(r.code, Some(0 | 1)) {
        p.push(format!(
            "exit {:?}, want a verdict (0 or 1); stderr {:?}",
            r.code,
            r.err()
        ));
    }
    if r.err().contains("cors-doctor: error:") {
        p.push(format!("error on stderr: {:?}", r.err()));
    }
    if format == "json" {
        match serde_json::from_slice::<Value>(&r.stdout) {
            Ok(json) => assert_valid_check_json(&json),
            Err(e) => p.push(format!("stdout is not JSON ({e})")),
        }
    }
    p
}

/// One line per case for `--nocapture` runs: outcome, time and peak memory of each format.
fn note(name: &str, runs: &Runs) {
    let cells: Vec<String> = runs
        .all()
        .iter()
        .map(|(f, r)| {
            let peak = r.peak_kib.map_or("?".to_owned(), |k| format!("{} MiB", k / 1024));
            format!("{f}: exit {:?} {} ms {peak}", r.code, r.wall.as_millis())
        })
        .collect();
    let first = runs
        .human
        .err()
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(140)
        .collect::<String>();
    let _ = writeln!(
        std::io::stderr(),
        "hostile {name}: {} | {first}",
        cells.join(", ")
    );
}

fn at<'s>(server: &'s Server, path: &'static str) -> impl Fn(&str) -> String + 's {
    move |_| server.url(path)
}

/// A server whose every connection reads the request and then runs `then`.
fn after_request(then: impl Fn(&mut Conn) + Send + Sync + 'static) -> Server {
    Server::start(move |mut conn| {
        if conn.read_request().is_some() {
            then(&mut conn);
        }
    })
}

const OK_HEAD: &str = "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: text/plain\r\n";

// ---------------------------------------------------------------------------------------------
// Stalling servers: the total deadline must hold.

#[test]
fn accepts_and_never_answers() {
    let s = after_request(Conn::wait_for_hangup);
    case(
        "never answers",
        at(&s, "/"),
        &[],
        Expect::Error(&["timeout"]),
        ONE_REQUEST,
    );
}

#[test]
fn slowloris_one_byte_per_second() {
    let s = after_request(|conn| {
        let whole = format!("{OK_HEAD}Content-Length: 2\r\n\r\nok");
        for b in whole.bytes().take(30) {
            if !conn.send(&[b]) {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    case(
        "slowloris",
        at(&s, "/"),
        &[],
        Expect::Error(&["timeout"]),
        ONE_REQUEST,
    );
}

#[test]
fn chunked_body_that_stops_mid_chunk_and_stalls() {
    let s = after_request(|conn| {
        conn.send(format!("{OK_HEAD}Transfer-Encoding: chunked\r\n\r\n100\r\nonly a few bytes").as_bytes());
        conn.wait_for_hangup();
    });
    case(
        "chunked size lies, then stall",
        at(&s, "/"),
        &[],
        Expect::Error(&["timeout"]),
        ONE_REQUEST,
    );
}

// ---------------------------------------------------------------------------------------------
// Oversized or endless heads: the head limit must hold.

#[test]
fn endless_header_value() {
    let s = after_request(|conn| {
        conn.send(b"HTTP/1.1 200 OK\r\nX-Endless: ");
        conn.stream(&[b'a'; 8192], 64 << 20);
    });
    case(
        "endless header",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn one_megabyte_header_line() {
    let s = after_request(|conn| {
        let mut head = b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Big: ".to_vec();
        head.extend(std::iter::repeat_n(b'b', 1 << 20));
        head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        conn.send(&head);
    });
    case(
        "1 MB header line",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn ten_thousand_headers() {
    let s = after_request(|conn| {
        let mut head = b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n".to_vec();
        for i in 0..10_000 {
            head.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        conn.send(&head);
    });
    case(
        "10,000 headers",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn endless_interim_responses() {
    let s = after_request(|conn| conn.stream(b"HTTP/1.1 100 Continue\r\n\r\n", 8 << 20));
    case(
        "endless 1xx",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

// ---------------------------------------------------------------------------------------------
// Not HTTP/1.1.

#[test]
fn invalid_status_line() {
    // No `HTTP` within the first five bytes: Chromium takes it for HTTP/0.9 and fails it.
    let s = after_request(|conn| {
        conn.send(b"HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    case(
        "invalid status line",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn sloppy_status_code_is_read_as_chromium_reads_it() {
    // `2OO` (letters): Chromium reads the digits up to the first non-digit, status 2 (checked
    // in the real browser); the response is then judged like any other.
    let s = after_request(|conn| {
        conn.send(b"HTTP/1.1 2OO OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n");
    });
    let runs = case("status 2OO", at(&s, "/"), &[], Expect::Verdict, ONE_REQUEST);
    let report = runs.report();
    assert_eq!(report["verdicts"]["chromium"]["outcome"], "allowed", "{report:#}");
    assert_eq!(report["exchanges"][0]["response"]["status"], 2, "{report:#}");
}

#[test]
fn http_0_9_response() {
    let s = after_request(|conn| {
        conn.send(b"<html><body>hello from 1991</body></html>\n");
    });
    case(
        "HTTP/0.9",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn closes_in_the_middle_of_the_head() {
    let s = after_request(|conn| {
        conn.send(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Or");
    });
    case(
        "closes mid-headers",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol", "io"]),
        ONE_REQUEST,
    );
}

#[test]
fn closes_without_a_byte() {
    let s = after_request(|_| {});
    case(
        "closes without answering",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol", "io"]),
        ONE_REQUEST,
    );
}

#[test]
fn resets_the_connection() {
    // Closing a socket with unread bytes in its receive buffer makes the kernel send RST.
    let s = Server::start(|conn| {
        thread::sleep(Duration::from_millis(100));
        drop(conn);
    });
    case(
        "connection reset",
        at(&s, "/"),
        &[],
        Expect::Error(&["io", "protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn connection_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    case(
        "connection refused",
        |_| url.clone(),
        &[],
        Expect::Error(&["connect"]),
        ONE_REQUEST,
    );
}

#[test]
fn tls_spoken_on_a_plain_port() {
    // A TLS 1.2 fatal alert record (handshake_failure), as a TLS server answers plaintext.
    let s = after_request(|conn| {
        conn.send(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    });
    case(
        "TLS on a plain port",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn plain_http_on_a_tls_port() {
    let s = Server::start(|mut conn| {
        thread::sleep(Duration::from_millis(50));
        conn.send(&response(
            "400 Bad Request",
            &[("Connection", "close")],
            b"speak HTTP",
        ));
    });
    let url = format!("https://127.0.0.1:{}/", s.port());
    case(
        "plain on a TLS port",
        |_| url.clone(),
        &[],
        Expect::Error(&["tls"]),
        ONE_REQUEST,
    );
}

// ---------------------------------------------------------------------------------------------
// Framing lies and bombs.

#[test]
fn chunk_size_that_overflows() {
    let s = after_request(|conn| {
        conn.send(
            format!("{OK_HEAD}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffffff\r\nabc\r\n0\r\n\r\n")
                .as_bytes(),
        );
    });
    let runs = case(
        "chunk size overflows",
        at(&s, "/"),
        &[],
        Expect::Verdict,
        ONE_REQUEST,
    );
    assert_body_cut_short(&runs, "bad chunked encoding");
}

/// A body that fails after a complete head: the head is judged (a browser hands the response to
/// script, then fails reading the body), and the exchange says what went wrong with the body.
fn assert_body_cut_short(runs: &Runs, what: &str) {
    let report = runs.report();
    let error = report["exchanges"][0]["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("body cut short") && error.contains(what),
        "{report:#}"
    );
    assert_eq!(report["exchanges"][0]["response"]["status"], 200, "{report:#}");
    assert!(
        runs.human.out().contains("fails reading its body"),
        "{}",
        runs.human.out()
    );
}

#[test]
fn chunk_size_larger_than_the_data_then_close() {
    let s = after_request(|conn| {
        conn.send(format!("{OK_HEAD}Transfer-Encoding: chunked\r\n\r\n100000\r\nten bytes!").as_bytes());
    });
    let runs = case(
        "chunked size lies, then close",
        at(&s, "/"),
        &[],
        Expect::Verdict,
        ONE_REQUEST,
    );
    assert_body_cut_short(&runs, "body bytes missing");
}

#[test]
fn conflicting_content_lengths() {
    // Chromium: net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH; no response reaches script.
    let s = after_request(|conn| {
        conn.send(format!("{OK_HEAD}Content-Length: 2\r\nContent-Length: 5\r\n\r\nhello").as_bytes());
    });
    case(
        "conflicting Content-Length",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn conflicting_locations() {
    // Chromium: net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION (checked in the real browser).
    let s = after_request(|conn| {
        conn.send(b"HTTP/1.1 302 Found\r\nAccess-Control-Allow-Origin: *\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n");
    });
    let runs = case(
        "conflicting Location",
        at(&s, "/"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
    assert!(
        runs.human
            .err()
            .contains("ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION"),
        "{}",
        runs.human.err()
    );
}

/// 1 GiB of zeros as 1024 concatenated gzip members of 1 MiB each: about 1 MB on the wire.
fn gzip_bomb() -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![0u8; 1 << 20]).unwrap();
    let member = enc.finish().unwrap();
    member.repeat(1024)
}

#[test]
fn gzip_bomb_body() {
    let bomb = std::sync::Arc::new(gzip_bomb());
    let s = Server::start(move |conn| {
        let bomb = bomb.clone();
        conn.serve(move |_| {
            let cl = bomb.len().to_string();
            let mut out =
                format!("{OK_HEAD}Content-Encoding: gzip\r\nContent-Length: {cl}\r\n\r\n").into_bytes();
            out.extend_from_slice(&bomb);
            out
        });
    });
    let runs = case("gzip bomb", at(&s, "/"), &[], Expect::Verdict, ONE_REQUEST);
    assert_eq!(
        runs.json.code,
        Some(0),
        "ACAO * on a GET is allowed: {}",
        runs.json.out()
    );
}

#[test]
fn endless_body_without_length() {
    let s = after_request(|conn| {
        conn.send(format!("{OK_HEAD}Connection: close\r\n\r\n").as_bytes());
        conn.stream(&[b'z'; 16 * 1024], 256 << 20);
    });
    let runs = case(
        "endless body (close-delimited)",
        at(&s, "/"),
        &[],
        Expect::Verdict,
        ONE_REQUEST,
    );
    assert_eq!(runs.json.code, Some(0), "{}", runs.json.out());
}

// ---------------------------------------------------------------------------------------------
// Control bytes and non-UTF-8 from the server.

fn raw_server() -> Server {
    Server::start(|conn| {
        conn.serve(|head| {
            let mut out: Vec<u8> = match path_of(head) {
                // obs-text bytes are legal in values and reasons: C1 controls (0x9b is CSI),
                // invalid UTF-8, Latin-1.
                "/c1" => b"HTTP/1.1 200 \x9b31mOK\x85\r\nAccess-Control-Allow-Origin: http://localhost:3000\x9b[2J\r\nX-Latin: caf\xe9 \xc3\x28 \xff\xfe\r\nAccess-Control-Expose-Headers: x-latin\r\nServer: \x9b]0;pwned\x9c\r\n".to_vec(),
                // Other C0 controls and DEL: browsers keep the response (checked in Chromium),
                // so cors-doctor judges it too, and escapes the bytes wherever it shows them.
                "/esc" => b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: \x1b[31mhttp://localhost:3000\x1b[0m\r\n".to_vec(),
                "/del" => b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: X-Odd\r\nX-Odd: a\x7fb\x01c\x1b]0;pwned\x07\r\n".to_vec(),
                // NUL: the parser refuses it (Chromium fails the fetch).
                "/nul" => b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://localhost:3000\x00\r\n".to_vec(),
                // A bare CR ends the line in Chromium: X-Injected is a header of its own.
                "/cr" => b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\rX-Injected: 1\r\nAccess-Control-Expose-Headers: X-Injected\r\n".to_vec(),
                "/reason" => b"HTTP/1.1 200 \x1b[31mRed\x1b[0m\r\nAccess-Control-Allow-Origin: *\r\n".to_vec(),
                // A redirect whose Location carries control and bidi characters.
                "/location" => b"HTTP/1.1 302 Found\r\nAccess-Control-Allow-Origin: *\r\nLocation: /next\xe2\x80\xae\x9b2J%1b[31m\r\n".to_vec(),
                _ => OK_HEAD.as_bytes().to_vec(),
            };
            out.extend_from_slice(b"Content-Length: 0\r\n\r\n");
            out
        });
    })
}

#[test]
fn c1_controls_and_non_utf8_in_status_and_header_values() {
    let s = raw_server();
    let runs = case(
        "C1 + non-UTF-8 in values",
        at(&s, "/c1"),
        &[],
        Expect::Verdict,
        ONE_REQUEST,
    );
    let report = runs.report();
    assert_eq!(
        report["verdicts"]["chromium"]["outcome"], "blocked",
        "ACAO with trailing bytes must not match"
    );
}

#[test]
fn json_output_escapes_c1_and_bidi_characters() {
    let s = raw_server();
    let runs = case(
        "C1 + non-UTF-8 in values",
        at(&s, "/c1"),
        &[],
        Expect::Verdict,
        ONE_REQUEST,
    );
    assert_eq!(unsafe_report(&runs.json.stdout), None);
}

#[test]
fn nul_in_a_header_value_is_a_protocol_error() {
    let s = raw_server();
    case(
        "NUL in a value",
        at(&s, "/nul"),
        &[],
        Expect::Error(&["protocol"]),
        ONE_REQUEST,
    );
}

#[test]
fn other_control_bytes_in_values_and_reason_are_judged_and_escaped() {
    // `case` already asserts that no format prints a raw control byte.
    let s = raw_server();
    let outcome = |path: &'static str| {
        let runs = case(
            &format!("control bytes {path}"),
            at(&s, path),
            &[],
            Expect::Verdict,
            ONE_REQUEST,
        );
        runs.report()["verdicts"]["chromium"].clone()
    };
    let exposes = |verdict: &Value, name: &str| {
        verdict["exposed_headers"]
            .as_array()
            .is_some_and(|names| names.iter().any(|h| h == name))
    };
    let esc = outcome("/esc");
    assert_eq!(esc["outcome"], "blocked", "{esc:#}");
    assert_eq!(esc["failure"]["error_name"], "InvalidAllowOriginValue", "{esc:#}");
    assert_eq!(outcome("/reason")["outcome"], "allowed");
    let cr = outcome("/cr");
    assert_eq!(cr["outcome"], "allowed", "{cr:#}");
    assert!(
        exposes(&cr, "x-injected"),
        "a bare CR splits the line, as in Chromium: {cr:#}"
    );
    let del = outcome("/del");
    assert_eq!(del["outcome"], "allowed", "{del:#}");
    assert!(exposes(&del, "x-odd"), "{del:#}");
}

#[test]
fn control_and_bidi_characters_in_a_redirect_location() {
    let s = raw_server();
    case(
        "controls in Location",
        at(&s, "/location"),
        &[],
        Expect::Verdict,
        ONE_REQUEST * 2,
    );
}

// ---------------------------------------------------------------------------------------------
// Confusing the request/response pairing.

#[test]
fn unsolicited_extra_response_after_the_preflight() {
    // The preflight's answer is followed by a second, unrequested response in the same write. A
    // browser never takes it for the answer to the next request.
    let s = Server::start(|conn| {
        conn.serve(|head| {
            if method_of(head) == "OPTIONS" {
                let mut out = response(
                    "204 No Content",
                    &[
                        ("Access-Control-Allow-Origin", ORIGIN),
                        ("Access-Control-Allow-Headers", "x-api-key"),
                    ],
                    b"",
                );
                out.extend(response(
                    "200 OK",
                    &[("Access-Control-Allow-Origin", "*"), ("X-Unsolicited", "1")],
                    b"bogus",
                ));
                out
            } else {
                response(
                    "200 OK",
                    &[("Access-Control-Allow-Origin", ORIGIN), ("X-Real", "1")],
                    b"real",
                )
            }
        });
    });
    let runs = case(
        "response to the wrong request",
        at(&s, "/"),
        &["-H", "X-Api-Key: 1"],
        Expect::Verdict,
        ONE_REQUEST * 2,
    );
    for (format, r) in runs.all() {
        assert!(
            !r.out().contains("X-Unsolicited"),
            "{format}: the unsolicited response was taken as an answer:\n{}",
            r.out()
        );
    }
    assert!(runs.json.out().contains("X-Real"), "{}", runs.json.out());
}

// ---------------------------------------------------------------------------------------------
// Redirects.

#[test]
fn redirect_loop() {
    let s = Server::start(|conn| {
        conn.serve(|head| {
            let here = path_of(head).to_owned();
            response(
                "302 Found",
                &[("Access-Control-Allow-Origin", "*"), ("Location", &here)],
                b"",
            )
        });
    });
    let runs = case(
        "redirect loop",
        |f| s.url(&format!("/{f}/loop")),
        &[],
        Expect::Verdict,
        ONE_REQUEST * 2,
    );
    assert_eq!(
        runs.report()["verdicts"]["chromium"]["failure"]["code"],
        "too-many-redirects",
        "{}",
        runs.json.out()
    );
    for f in FORMATS {
        let hits = s
            .requests()
            .iter()
            .filter(|h| path_of(h).starts_with(&format!("/{f}/")))
            .count();
        assert!(hits <= 21, "{f}: {hits} requests for a redirect loop");
    }
}

#[test]
fn chain_of_25_redirects() {
    let s = Server::start(|conn| {
        conn.serve(|head| {
            let path = path_of(head);
            let (prefix, n) = path.rsplit_once('/').unwrap();
            let n: u32 = n.parse().unwrap_or(0);
            if n >= 25 {
                return response("200 OK", &[("Access-Control-Allow-Origin", "*")], b"end");
            }
            response(
                "307 Temporary Redirect",
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Location", &format!("{prefix}/{}", n + 1)),
                ],
                b"",
            )
        });
    });
    let runs = case(
        "25-hop redirect chain",
        |f| s.url(&format!("/{f}/hop/0")),
        &[],
        Expect::Verdict,
        ONE_REQUEST * 2,
    );
    assert_eq!(runs.json.code, Some(1), "{}", runs.json.out());
    assert_eq!(
        runs.report()["verdicts"]["chromium"]["failure"]["code"],
        "too-many-redirects",
        "{}",
        runs.json.out()
    );
    for f in FORMATS {
        let hits: Vec<String> = s
            .requests()
            .iter()
            .filter(|h| path_of(h).starts_with(&format!("/{f}/")))
            .map(|h| path_of(h).to_owned())
            .collect();
        assert!(hits.len() <= 21, "{f}: followed {} hops: {hits:?}", hits.len());
        assert!(
            !hits.iter().any(|p| p.ends_with("/25")),
            "{f}: reached hop 25 past the limit of 20"
        );
    }
}

const COOKIE_SECRET: &str = "s3cr3t-session-4f1d";

fn redirecting_to(target: String) -> Server {
    Server::start(move |conn| {
        let target = target.clone();
        conn.serve(move |head| {
            if path_of(head).starts_with("/start") {
                let loc = format!("{target}{}", path_of(head).replace("/start", "/landing"));
                return response(
                    "302 Found",
                    &[
                        ("Access-Control-Allow-Origin", ORIGIN),
                        ("Access-Control-Allow-Credentials", "true"),
                        ("Location", &loc),
                    ],
                    b"",
                );
            }
            response(
                "200 OK",
                &[
                    ("Access-Control-Allow-Origin", ORIGIN),
                    ("Access-Control-Allow-Credentials", "true"),
                ],
                b"ok",
            )
        });
    })
}

fn cookie_args() -> [&'static str; 4] {
    [
        "--credentials",
        "include",
        "--cookie",
        "session=s3cr3t-session-4f1d",
    ]
}

#[test]
fn cookie_never_follows_a_redirect_to_another_port() {
    let other = Server::start(|conn| {
        conn.serve(|_| response("200 OK", &[("Access-Control-Allow-Origin", "null")], b""))
    });
    let first = redirecting_to(format!("http://127.0.0.1:{}", other.port()));
    case(
        "cookie + redirect to another port",
        |f| first.url(&format!("/start/{f}")),
        &cookie_args(),
        Expect::Verdict,
        ONE_REQUEST * 2,
    );
    assert!(
        first.requests().iter().any(|h| h.contains(COOKIE_SECRET)),
        "the named origin should get the cookie"
    );
    let landed = other.requests();
    assert!(!landed.is_empty(), "the redirect was not followed");
    for head in landed {
        assert!(
            !head.contains(COOKIE_SECRET),
            "cookie leaked to another origin:\n{head}"
        );
    }
}

#[test]
fn cookie_never_follows_a_redirect_to_another_host() {
    // 127.0.0.1 and localhost are different hosts, so different origins, even on one port.
    let s = Server::start(|conn| {
        conn.serve(|head| {
            let port = head
                .lines()
                .find_map(|l| l.strip_prefix("Host: "))
                .and_then(|h| h.rsplit(':').next())
                .unwrap_or("0")
                .trim()
                .to_owned();
            if path_of(head).starts_with("/start") {
                let loc = format!(
                    "http://localhost:{port}{}",
                    path_of(head).replace("/start", "/landing")
                );
                return response(
                    "302 Found",
                    &[
                        ("Access-Control-Allow-Origin", ORIGIN),
                        ("Access-Control-Allow-Credentials", "true"),
                        ("Location", &loc),
                    ],
                    b"",
                );
            }
            response(
                "200 OK",
                &[
                    ("Access-Control-Allow-Origin", "null"),
                    ("Access-Control-Allow-Credentials", "true"),
                ],
                b"ok",
            )
        });
    });
    case(
        "cookie + redirect to another host",
        |f| s.url(&format!("/start/{f}")),
        &cookie_args(),
        Expect::Verdict,
        ONE_REQUEST * 2,
    );
    let heads = s.requests();
    assert!(
        heads.iter().any(|h| h.contains("Host: localhost:")),
        "the redirect was not followed: {heads:?}"
    );
    for head in heads.iter().filter(|h| h.contains("Host: localhost:")) {
        assert!(
            !head.contains(COOKIE_SECRET),
            "cookie leaked to http://localhost:{}:\n{head}",
            s.port()
        );
    }
    assert!(
        heads
            .iter()
            .any(|h| h.contains("Host: 127.0.0.1:") && h.contains(COOKIE_SECRET)),
        "the named origin should get the cookie"
    );
}

// ---------------------------------------------------------------------------------------------
// TLS and HTTP/2.

fn ok_response(_: &str) -> Vec<u8> {
    response("200 OK", &[("Access-Control-Allow-Origin", "*")], b"ok")
}

#[test]
fn tls_certificate_for_another_name() {
    let cert = Cert::for_names(&["other.test"]);
    let s = server::tls_server(cert.server_config(&[b"http/1.1"]), ok_response);
    let url = format!("https://127.0.0.1:{}/", s.port());
    let path = cert.path();
    case(
        "certificate for another name",
        |_| url.clone(),
        &["--cacert", &path],
        Expect::Error(&["tls"]),
        ONE_REQUEST,
    );
}

#[test]
fn tls_certificate_for_the_right_name_is_accepted() {
    // The control for the case above: the same harness with a matching name gets a verdict.
    let cert = Cert::for_names(&["localhost"]);
    let s = server::tls_server(cert.server_config(&[b"http/1.1"]), ok_response);
    let url = format!("https://localhost:{}/", s.port());
    let path = cert.path();
    let runs = case(
        "certificate for the right name",
        |_| url.clone(),
        &["--cacert", &path],
        Expect::Verdict,
        ONE_REQUEST,
    );
    assert_eq!(runs.json.code, Some(0), "{}", runs.json.out());
}

#[test]
fn http2_goaway_instead_of_an_answer() {
    let cert = Cert::for_names(&["localhost"]);
    let s = server::h2_server(&cert, |_| server::H2::GoawayAfterRequest);
    let url = format!("https://localhost:{}/", s.port());
    let path = cert.path();
    case(
        "HTTP/2 GOAWAY",
        |_| url.clone(),
        &["--cacert", &path],
        Expect::Error(&["protocol", "io"]),
        ONE_REQUEST,
    );
}

#[test]
fn http2_goaway_before_any_request_then_a_good_connection() {
    // GOAWAY with last-stream-id 0 says no request was processed: browsers retry on a new
    // connection and get the answer, so this must be a verdict, not an error. One server per
    // format, so that "the first connection" is each client's own.
    let cert = Cert::for_names(&["localhost"]);
    let plan = |i: usize| {
        if i == 0 {
            server::H2::GoawayBeforeRequest
        } else {
            server::H2::Serve
        }
    };
    let servers: Vec<Server> = FORMATS.iter().map(|_| server::h2_server(&cert, plan)).collect();
    let url = |f: &str| {
        let i = FORMATS.iter().position(|x| *x == f).unwrap();
        format!("https://localhost:{}/", servers[i].port())
    };
    let path = cert.path();
    let runs = case(
        "HTTP/2 GOAWAY(0), then served",
        url,
        &["--cacert", &path],
        Expect::Verdict,
        ONE_REQUEST,
    );
    assert_eq!(runs.json.code, Some(0), "{}", runs.json.out());
}

// ---------------------------------------------------------------------------------------------
// Hostile files: findings of the `har` fuzz target, kept as regression tests.

/// The framer's error for `doc` fed in chunks of `chunk` bytes.
fn har_frame_error(doc: &[u8], chunk: usize) -> Option<String> {
    let mut framer = cors_doctor_core::har::Framer::new();
    for piece in doc.chunks(chunk) {
        if let Err(e) = framer.feed(piece, &mut |_| {}) {
            return Some(e.to_string());
        }
    }
    framer.finish(&mut |_| {}).err().map(|e| e.to_string())
}

#[test]
fn har_framer_reports_the_same_error_however_the_file_is_chunked() {
    let doc = b"\x00\x00\x00\xb1\n";
    assert_eq!(har_frame_error(doc, doc.len()), har_frame_error(doc, 1));
}
