//! A scripted HTTP server on 127.0.0.1 for unit tests: it records every request it reads and
//! answers each with what the test's script says, or hangs up without answering (a connection
//! that breaks after the request was sent). Tests that need a real provider use tests/ instead.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with one request.
pub(crate) enum Reply {
    /// Answers with this status, content type and body.
    Answer(u16, &'static str, String),
    /// Answers with this status, these extra headers (a redirect's `Location` ...) and a JSON
    /// body.
    AnswerWith(u16, Vec<(&'static str, String)>, String),
    /// Reads the request, then closes the connection without a byte of answer.
    HangUp,
    /// Waits until the gate has a permit (a provider still at work on the request, for as long
    /// as the test says), then does as the reply after it says; the gate stays open.
    WhenOpened(Arc<tokio::sync::Semaphore>, Box<Reply>),
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub method: String,
    pub path: String,
    pub head: String,
    /// The body as text (lossy).
    pub body: String,
}

impl Seen {
    /// A header's value (the first of that name, any case), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim())
    }
}

type Script = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A running server; it stops (and its port closes) when dropped.
pub(crate) struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server that answers each request as `script` says.
    pub async fn start(script: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let record = record.clone();
                let script = script.clone();
                tokio::spawn(async move { serve(stream, &record, &*script).await });
            }
        });
        Self { url, seen, task }
    }

    /// Stops the server and waits until its port is closed.
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }

    /// Every request read so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, record: &Mutex<Vec<Seen>>, script: &Script) {
    let Some(seen) = read_request(&mut stream).await else {
        return;
    };
    record.lock().unwrap().push(seen.clone());
    let mut reply = script(&seen);
    while let Reply::WhenOpened(gate, then) = reply {
        drop(gate.acquire().await);
        reply = *then;
    }
    match reply {
        Reply::WhenOpened(..) => unreachable!("waited for above"),
        Reply::HangUp => drop(stream),
        Reply::Answer(status, media_type, body) => {
            answer(
                &mut stream,
                status,
                &format!("Content-Type: {media_type}\r\n"),
                &body,
            )
            .await
        }
        Reply::AnswerWith(status, headers, body) => {
            let mut extra = "Content-Type: application/json\r\n".to_owned();
            for (name, value) in headers {
                extra.push_str(&format!("{name}: {value}\r\n"));
            }
            answer(&mut stream, status, &extra, &body).await
        }
    }
}

/// Writes one answer with `headers` (each line ending in CRLF) and closes the connection.
async fn answer(stream: &mut TcpStream, status: u16, headers: &str, body: &str) {
    let answer = format!(
        "HTTP/1.1 {status} Test\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n\
         {body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads one request: the head, then as many body bytes as Content-Length says.
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..read]);
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while bytes.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&bytes[head_end..]).into_owned();
    let mut words = head.split_whitespace();
    Some(Seen {
        method: words.next()?.to_owned(),
        path: words.next()?.to_owned(),
        head,
        body,
    })
}
