//! Vetting throughput: Vetted's `vet` run (client + structured output + SQLite writes) against a
//! plain async load generator (raw reqwest, the same request bodies, the same concurrency)
//! hitting the same local llama.cpp server in the same process. Target: ratio ≥ 0.9.
//!
//! The rounds run in ABBA order (raw, vetted, vetted, raw) so that server warm-up and prompt
//! caching favour neither side.
//!
//! ```text
//! cargo bench --bench vet                       # starts scripts/llm_server.py itself
//! VETTED_TEST_LLM_URL=http://127.0.0.1:PORT/v1 VETTED_BENCH_ITEMS=40 VETTED_BENCH_CONCURRENCY=4 \
//!   cargo bench --bench vet
//! ```

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::Semaphore;
use vetted::llm::{CancellationToken, Client, ClientOptions, KeyLookup, PriceTable, Provider};
use vetted::roles::knowledge::Knowledge;
use vetted::roles::prompts::{Template, prompt_for};
use vetted::roles::vet::{VetSelection, output_schema, user_message, vet};
use vetted::roles::{RunContext, RunOptions};
use vetted::store::QueueFilter;

const MAX_TOKENS: u32 = 64;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server URL from the environment, or a server started here (stopped on drop).
struct Server {
    url: String,
    child: Option<Child>,
}

impl Server {
    fn get(parallel: usize) -> Server {
        if let Some(url) = std::env::var("VETTED_TEST_LLM_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            return Server { url, child: None };
        }
        let root = env!("CARGO_MANIFEST_DIR");
        let mut child = Command::new(format!("{root}/.venv-llm/bin/python"))
            .arg(format!("{root}/scripts/llm_server.py"))
            .args(["--parallel", &parallel.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run scripts/setup-llm-server.sh first (needs .venv-llm)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Server {
            url: line.trim().to_owned(),
            child: Some(child),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn seed(store: &mut vetted::Store, n: usize) {
    let lines: String = (0..n)
        .map(|i| {
            serde_json::json!({
                "kind": "answer", "id": format!("b-{i}"), "domain": "finance", "model": "gen",
                "question": format!("What was revenue in region {i}?"),
                "answer": format!("Revenue in region {i} was ${}M.", i % 17 + 1),
                "evidence": [{"id": "doc-1", "title": "Report",
                              "text": format!("Region {i} revenue: ${}M.", (i * 7) % 23 + 1)}]
            })
            .to_string()
                + "\n"
        })
        .collect();
    let file = store.path().with_file_name("bench-items.jsonl");
    std::fs::write(&file, lines).unwrap();
    store.import_path(&file).unwrap();
}

/// The request bodies `vet` sends (json_schema), built from the same public pieces.
fn raw_bodies(store: &vetted::Store, n: usize) -> Vec<serde_json::Value> {
    let page = store
        .queue_page(&QueueFilter::default(), None, n as u32)
        .unwrap();
    let schema = output_schema();
    page.entries
        .iter()
        .map(|e| {
            let item = store.item(&e.external_id).unwrap();
            let prompt = prompt_for(store, Template::Vet, &item.domain, None).unwrap();
            serde_json::json!({
                "model": "smollm2",
                "messages": [{"role": "system", "content": prompt.text},
                             {"role": "user", "content": user_message(&item, None, &Knowledge::default())}],
                "max_tokens": MAX_TOKENS,
                "response_format": {"type": "json_schema", "json_schema":
                    {"name": schema.name, "schema": schema.schema, "strict": true}},
                "stream": false,
            })
        })
        .collect()
}

async fn raw_round(
    url: &str,
    bodies: &[serde_json::Value],
    concurrency: usize,
) -> (usize, Duration) {
    let http = reqwest::Client::new();
    let permits = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let ok = futures_util::stream::iter(bodies)
        .map(|body| {
            let (http, permits) = (&http, permits.clone());
            async move {
                let _permit = permits.acquire().await.unwrap();
                let response = http
                    .post(format!("{url}/chat/completions"))
                    .json(body)
                    .send()
                    .await;
                match response {
                    Ok(r) => r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .buffer_unordered(concurrency)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    (ok, started.elapsed())
}

async fn vetted_round(
    store: &mut vetted::Store,
    url: &str,
    n: usize,
    concurrency: usize,
) -> (usize, Duration) {
    let provider = Provider::new(
        "bench",
        url,
        "smollm2",
        KeyLookup::env("VETTED_BENCH_NO_KEY"),
    )
    .unwrap();
    let options = ClientOptions {
        concurrency,
        ..ClientOptions::default()
    };
    let client = Client::new(provider, options).unwrap();
    let cancel = CancellationToken::new();
    let ctx = RunContext {
        client: &client,
        prices: &PriceTable::default(),
        options: RunOptions {
            max_tokens: Some(MAX_TOKENS),
            ..RunOptions::default()
        },
        progress: &|_| {},
        cancel: &cancel,
        mirror: None,
    };
    let started = Instant::now();
    let summary = vet(
        store,
        &ctx,
        VetSelection {
            filter: QueueFilter::default(),
            limit: n,
            revet: true,
            ..VetSelection::default()
        },
    )
    .await
    .unwrap();
    (summary.totals.calls as usize, started.elapsed())
}

fn main() {
    // reqwest is built without a default crypto provider; the raw loop needs one too.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let n = env_or("VETTED_BENCH_ITEMS", 40);
    let concurrency = env_or("VETTED_BENCH_CONCURRENCY", 4);
    let server = Server::get(concurrency);
    let dir = tempfile::tempdir().unwrap();
    let mut store = vetted::Store::open(&dir.path().join("bench.db")).unwrap();
    seed(&mut store, n);
    let bodies = raw_bodies(&store, n);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (mut raw, mut ours) = ((0, Duration::ZERO), (0, Duration::ZERO));
    let add = |total: &mut (usize, Duration), (k, t): (usize, Duration)| {
        total.0 += k;
        total.1 += t;
    };
    runtime.block_on(async {
        add(&mut raw, raw_round(&server.url, &bodies, concurrency).await);
        add(
            &mut ours,
            vetted_round(&mut store, &server.url, n, concurrency).await,
        );
        add(
            &mut ours,
            vetted_round(&mut store, &server.url, n, concurrency).await,
        );
        add(&mut raw, raw_round(&server.url, &bodies, concurrency).await);
    });
    let rate = |(k, t): (usize, Duration)| k as f64 / t.as_secs_f64();
    println!(
        "items {n} x 2 rounds each, concurrency {concurrency}, max_tokens {MAX_TOKENS}, server {}",
        server.url
    );
    println!(
        "raw reqwest loop : {} requests in {:.1} s = {:.3} req/s",
        raw.0,
        raw.1.as_secs_f64(),
        rate(raw)
    );
    println!(
        "vetted vet       : {} calls    in {:.1} s = {:.3} req/s",
        ours.0,
        ours.1.as_secs_f64(),
        rate(ours)
    );
    println!(
        "ratio vetted/raw : {:.3} (target >= 0.9)",
        rate(ours) / rate(raw)
    );
}
