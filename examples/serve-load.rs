//! A load client for `herald serve` (see `bench/serve.sh`): many SSH sessions at once, each
//! asking for a pty and the full-screen reader, then pressing `j` and `k` in turn at a steady
//! rate, timing each key to the first byte of the frame it brings. russh as the client, so the
//! load is one process on the same runtime the server uses, not hundreds of `ssh`.
//!
//! cargo run --release --example serve-load -- --port 2222 --sessions 200 --seconds 60

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use russh::client;
use russh::keys::PublicKeyOrCertificate;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value_t = 2222)]
    port: u16,
    /// Sessions open at once.
    #[arg(long, default_value_t = 200)]
    sessions: usize,
    /// How long each session presses keys.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Keys a second, per session.
    #[arg(long, default_value_t = 10)]
    rate: u32,
    /// The pty size asked for.
    #[arg(long, default_value_t = 80)]
    columns: u32,
    #[arg(long, default_value_t = 24)]
    rows: u32,
}

struct Client;

impl client::Handler for Client {
    type Error = russh::Error;

    /// The bench's own server on this machine: any host key will do.
    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// What one session measured.
#[derive(Default)]
struct Tally {
    /// Key to first byte of its frame, in microseconds.
    latencies: Vec<u64>,
    /// Keys whose frame did not come within a second.
    late: usize,
    failed: Vec<String>,
}

async fn session(args: Arc<Args>, tally: Arc<Mutex<Tally>>, start: Instant) {
    let outcome = run_session(&args, &tally, start).await;
    if let Err(error) = outcome {
        tally
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .failed
            .push(error.to_string());
    }
}

async fn run_session(
    args: &Args,
    tally: &Mutex<Tally>,
    start: Instant,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = Arc::new(client::Config::default());
    let mut ssh = client::connect(config, (args.host.as_str(), args.port), Client).await?;
    if !ssh.authenticate_none("reader").await?.success() {
        return Err("the server wants a key: start it with --anonymous".into());
    }
    let mut channel = ssh.channel_open_session().await?;
    channel
        .request_pty(true, "xterm-256color", args.columns, args.rows, 0, 0, &[])
        .await?;
    channel.request_shell(true).await?;
    // The first frame: the session is up.
    wait_for_data(&mut channel, Duration::from_secs(30)).await?;
    let every = Duration::from_secs(1) / args.rate.max(1);
    let end = start + Duration::from_secs(args.seconds);
    let mut next = tokio::time::Instant::now();
    let mut down = true;
    while Instant::now() < end {
        next += every;
        let key: &[u8] = if down { b"j" } else { b"k" };
        down = !down;
        let sent = Instant::now();
        channel.data(key).await?;
        match wait_for_data(&mut channel, Duration::from_secs(1)).await {
            Ok(()) => {
                let took = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                tally
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .latencies
                    .push(took);
            }
            Err(_) => {
                tally
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .late += 1;
            }
        }
        // Whatever else the frame brought, then the next key on time.
        while tokio::time::timeout_at(next, channel.wait()).await.is_ok() {}
    }
    channel.data(&b"q"[..]).await?;
    let _ = ssh
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
    Ok(())
}

async fn wait_for_data(
    channel: &mut russh::Channel<client::Msg>,
    within: Duration,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, channel.wait()).await {
            Ok(Some(russh::ChannelMsg::Data { .. })) => return Ok(()),
            Ok(Some(_)) => {}
            Ok(None) => return Err("the channel closed".into()),
            Err(_) => return Err("no frame in time".into()),
        }
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let args = Arc::new(Args::parse());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.sessions {
        tasks.push(tokio::spawn(session(args.clone(), tally.clone(), start)));
        // Not all in one instant: a real crowd arrives over a moment.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for task in tasks {
        let _ = task.await;
    }
    let mut tally = tally
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    tally.latencies.sort_unstable();
    let keys = tally.latencies.len();
    println!(
        "sessions {} (failed {}), keys answered {keys}, late (>1 s) {}",
        args.sessions,
        tally.failed.len(),
        tally.late
    );
    println!(
        "key to frame: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&tally.latencies, 50.0),
        percentile(&tally.latencies, 99.0),
        percentile(&tally.latencies, 100.0)
    );
    if let Some(first) = tally.failed.first() {
        println!("first failure: {first}");
    }
}
