//! The `waymark` binary as an operator runs it: bad configuration stops it
//! with one line, SIGTERM lets a slow request finish before it exits 0, and
//! a client that holds a connection without sending a request is cut off.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::TempDir;

fn waymark() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    for (name, _) in std::env::vars() {
        if name.starts_with("WAYMARK_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line() {
    let output = waymark()
        .env("WAYMARK_ADDR", "localhost:http")
        .output()
        .expect("waymark runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("WAYMARK_ADDR=\"localhost:http\""),
        "{stderr}"
    );
    assert!(stderr.contains("127.0.0.1:3000"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unknown_command_is_refused() {
    let output = waymark().arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("waymark help"));
}

#[test]
fn migrate_runs_without_serving() {
    let folder = TempDir::new("migrate");
    let url = format!("sqlite://{}/w.db", folder.path().display());
    let output = waymark()
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("SQLite database is at schema version"),
        "{stdout}"
    );

    let check = waymark()
        .arg("check")
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

struct RunningServer {
    child: Child,
    addr: String,
    _folder: TempDir,
}

impl RunningServer {
    fn start() -> Self {
        Self::start_with(&[])
    }

    /// The server with these variables set as well.
    fn start_with(vars: &[(&str, &str)]) -> Self {
        let folder = TempDir::new("serve");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = waymark()
            .envs(vars.iter().copied())
            .arg("serve")
            .env("WAYMARK_ADDR", &addr)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/w.db", folder.path().display()),
            )
            .env("WAYMARK_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("waymark starts");
        let server = Self {
            child,
            addr,
            _folder: folder,
        };
        server.wait_until_live();
        server
    }

    fn wait_until_live(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(mut stream) = TcpStream::connect(&self.addr) {
                let _ = stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                let mut reply = String::new();
                let _ = stream.read_to_string(&mut reply);
                if reply.starts_with("HTTP/1.1 200") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("waymark did not become live on {}", self.addr);
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn sigterm_lets_a_slow_request_finish_then_exits_zero() {
    let mut server = RunningServer::start();

    // A slow client: the request's headers arrive, its body trickles in.
    let body = "theme=dark";
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /fn/set_theme HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {len}\r\nConnection: close\r\n\r\n{head}",
        addr = server.addr,
        len = body.len(),
        head = &body[..3],
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    server.terminate();
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );
    assert!(
        TcpStream::connect(&server.addr).is_err(),
        "no new connections are accepted after SIGTERM"
    );

    stream.write_all(&body.as_bytes()[3..]).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"Dark\""), "{reply}");

    let status = server
        .wait_for_exit(Duration::from_secs(10))
        .expect("exits after the request");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn sigterm_on_an_idle_server_exits_zero_promptly() {
    let mut server = RunningServer::start();
    server.terminate();
    let status = server
        .wait_for_exit(Duration::from_secs(5))
        .expect("exits promptly");
    assert_eq!(status.code(), Some(0));
}

/// Whether the server has closed `stream` (after, perhaps, an answer such
/// as 408) within `limit`; `false` while it still holds it open.
fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => true,
        Err(err) => err.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

#[test]
fn connections_that_send_no_request_head_in_time_are_closed() {
    let server = RunningServer::start_with(&[("WAYMARK_HEADER_TIMEOUT", "1")]);

    // Opens a connection and sends nothing.
    let mut silent = TcpStream::connect(&server.addr).unwrap();
    // Sends half a request's head and stops (slowloris).
    let mut half = TcpStream::connect(&server.addr).unwrap();
    write!(
        half,
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
        server.addr
    )
    .unwrap();
    // Asks for one page, reads the answer, then keeps the connection idle.
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    write!(
        idle,
        "GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    assert!(one_answer(&mut idle).starts_with("HTTP/1.1 200"));

    for (what, stream) in [
        ("silent", &mut silent),
        ("half a head", &mut half),
        ("idle", &mut idle),
    ] {
        assert!(
            closed_by_server(stream, Duration::from_secs(10)),
            "{what}: the connection is still open"
        );
    }

    // A connection that keeps sending whole requests keeps being served.
    let mut busy = TcpStream::connect(&server.addr).unwrap();
    for _ in 0..4 {
        write!(
            busy,
            "GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.addr
        )
        .unwrap();
        assert!(one_answer(&mut busy).starts_with("HTTP/1.1 200"));
        std::thread::sleep(Duration::from_millis(400));
    }
}

/// One answer read off a kept-alive connection: its head and as many bytes
/// of body as its `Content-Length` says.
fn one_answer(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("the answer's head");
        answer.push(byte[0]);
    }
    let head = String::from_utf8(answer).unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|n| n.trim().parse().unwrap())
        })
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("the answer's body");
    head + &String::from_utf8_lossy(&body)
}
