//! A real 3-node OpenBao cluster with integrated storage (Raft) on 127.0.0.1, for the team
//! vault's failover tests: three `bao server` processes, each with its own config file, data
//! folder and ports, initialized with one key share, unsealed, joined, and waited for until
//! all three are voters with KV version 2 at `secret/`. Killed (SIGKILL) when dropped.
//!
//! Raft's timeouts are shortened (`performance_multiplier = 1`: a leader is elected about a
//! second after the old one stops answering) and autopilot looks every second (not every ten)
//! and promotes a joined node after one second of health (not ten), so a cluster starts in a
//! few seconds.

use super::openbao::{MOUNT, bao_binary, call_at};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many nodes a cluster has.
pub const NODES: usize = 3;

/// One node: its addresses and, while it runs, its process.
pub struct Node {
    /// `http://127.0.0.1:PORT`, also its `api_addr` (where a standby's redirects point).
    pub address: String,
    /// The Raft node ID (`n1` ...).
    pub id: String,
    config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

/// A running cluster.
pub struct RaftCluster {
    pub nodes: Vec<Node>,
    pub root_token: String,
    unseal_key: String,
    /// How long `start` took, for the test's report.
    pub started_in: Duration,
    dir: tempfile::TempDir,
}

impl RaftCluster {
    /// Starts three nodes, makes the first the leader, joins the other two and waits until all
    /// three are voters and `secret/` (KV v2) answers on each. Panics with the nodes' logs when
    /// it cannot, never skips.
    pub fn start() -> Self {
        let binary = bao_binary();
        assert!(
            binary.is_file(),
            "OpenBao (`bao`), the team vault's test server, is not installed at {}: run \
             .ci/install-deps",
            binary.display()
        );
        let began = Instant::now();
        let dir = tempfile::tempdir().expect("a temporary folder for the cluster");
        let ports = free_ports(2 * NODES);
        let nodes = (0..NODES)
            .map(|i| Node::configure(dir.path(), i + 1, ports[2 * i], ports[2 * i + 1]))
            .collect();
        let mut cluster = Self {
            nodes,
            root_token: String::new(),
            unseal_key: String::new(),
            started_in: Duration::ZERO,
            dir,
        };
        for node in 0..NODES {
            cluster.spawn(node);
        }
        for node in 0..NODES {
            cluster.wait(node, "to listen", |status, _| status != 0);
        }
        cluster.initialize();
        for node in 1..NODES {
            cluster.join(node);
        }
        cluster.wait_for_voters();
        cluster.mount_kv();
        cluster.started_in = began.elapsed();
        cluster
    }

    fn spawn(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log)
            .expect("the node's log file");
        let child = Command::new(bao_binary())
            .arg("server")
            .arg(format!("-config={}", node.config.display()))
            .env_remove("BAO_ADDR")
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_TOKEN")
            .env_remove("VAULT_TOKEN")
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {} ({e})", bao_binary().display()));
        node.child = Some(child);
    }

    /// `sys/init` with one key share on the first node, which becomes the leader once unsealed.
    fn initialize(&mut self) {
        let (status, body) = self.put(
            0,
            "sys/init",
            "",
            json!({ "secret_shares": 1, "secret_threshold": 1 }),
        );
        assert_eq!(status, 200, "initialize: {body}\n{}", self.logs());
        self.unseal_key = body["keys_base64"][0].as_str().expect("a key").to_owned();
        self.root_token = body["root_token"]
            .as_str()
            .expect("a root token")
            .to_owned();
        self.unseal(0);
        self.wait(0, "to become active", |status, _| status == 200);
        // Promote a joined node after one second of health, not ten.
        let (status, body) = self.post(
            0,
            "sys/storage/raft/autopilot/configuration",
            &self.root_token.clone(),
            json!({ "server_stabilization_time": "1s" }),
        );
        assert_eq!(status, 204, "autopilot configuration: {body}");
    }

    fn join(&mut self, index: usize) {
        let leader = self.nodes[0].address.clone();
        let (status, body) = self.post(
            index,
            "sys/storage/raft/join",
            "",
            json!({ "leader_api_addr": leader }),
        );
        assert!(
            status == 200 && body["joined"] == true,
            "join {}: HTTP {status}: {body}\n{}",
            self.nodes[index].id,
            self.logs()
        );
        self.unseal(index);
    }

    fn unseal(&self, index: usize) {
        let (status, body) = self.put(index, "sys/unseal", "", json!({ "key": self.unseal_key }));
        assert_eq!(status, 200, "unseal {}: {body}", self.nodes[index].id);
    }

    /// Until autopilot counts every node as a healthy voter.
    fn wait_for_voters(&self) {
        let root = self.root_token.clone();
        let asked = self.leader();
        self.wait(asked, "to have three voters", |_, _| {
            let (status, body) = call_at(
                &self.nodes[asked].address,
                reqwest::Method::GET,
                "sys/storage/raft/autopilot/state",
                &root,
                None,
            );
            status == 200
                && body["data"]["voters"].as_array().map(Vec::len) == Some(NODES)
                && body["data"]["healthy"] == true
        });
    }

    /// KV version 2 at `secret/`, as on a dev server; waits until a write through the leader
    /// and a read on every node work (a new KV v2 mount refuses requests while it sets itself
    /// up).
    fn mount_kv(&self) {
        let root = self.root_token.clone();
        let (status, body) = self.post(
            0,
            &format!("sys/mounts/{MOUNT}"),
            &root,
            json!({ "type": "kv", "options": { "version": "2" } }),
        );
        assert_eq!(status, 204, "mount KV v2: {body}");
        let probe = format!("{MOUNT}/data/probe");
        self.wait(0, "to write KV v2", |_, _| {
            self.post(0, &probe, &root, json!({ "data": { "ready": "yes" } }))
                .0
                == 200
        });
        for index in 0..NODES {
            self.wait(index, "to read KV v2", |_, _| {
                let address = &self.nodes[index].address;
                call_at(address, reqwest::Method::GET, &probe, &root, None).0 == 200
            });
        }
    }

    /// Polls `ready` (given `sys/health`'s status and body; 0 when the node does not answer)
    /// every 50 ms for up to 60 s.
    fn wait(&self, index: usize, what: &str, ready: impl Fn(u16, &Value) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (status, body) = self.health(index);
            if ready(status, &body) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not come {what} within 60 s:\n{}",
                self.nodes[index].id,
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `sys/health` of a node: 200 active, 429 standby, 501 not initialized, 503 sealed; 0
    /// when nothing answers.
    pub fn health(&self, index: usize) -> (u16, Value) {
        let url = format!("{}/v1/sys/health", self.nodes[index].address);
        match super::http_client()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client")
            .get(url)
            .send()
        {
            Ok(response) => {
                let status = response.status().as_u16();
                (status, response.json().unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    /// The index of the active node, waiting (up to 60 s) until one of the running nodes is.
    pub fn leader(&self) -> usize {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(index) = (0..NODES).find(|&i| self.is_running(i) && self.health(i).0 == 200)
            {
                return index;
            }
            assert!(
                Instant::now() < deadline,
                "no node became active within 60 s:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the node's process is running (not killed by the test).
    pub fn is_running(&self, index: usize) -> bool {
        self.nodes[index].child.is_some()
    }

    /// Kills the node at once (SIGKILL): no step-down, no goodbye to the others.
    pub fn kill(&mut self, index: usize) {
        if let Some(mut child) = self.nodes[index].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts a killed node again on its own data: it comes back sealed (`sys/health` 503).
    pub fn restart(&mut self, index: usize) {
        assert!(
            !self.is_running(index),
            "{} is running",
            self.nodes[index].id
        );
        self.spawn(index);
        self.wait(index, "to listen", |status, _| status != 0);
    }

    /// Unseals a restarted node and waits until it is a voter again with the others.
    pub fn unseal_again(&self, index: usize) {
        self.unseal(index);
        self.wait(index, "back as a standby", |status, _| {
            status == 200 || status == 429
        });
        self.wait_for_voters();
    }

    /// The addresses of the nodes at `indexes`, in that order.
    pub fn addresses(&self, indexes: &[usize]) -> Vec<String> {
        indexes
            .iter()
            .map(|&i| self.nodes[i].address.clone())
            .collect()
    }

    fn post(&self, index: usize, path: &str, token: &str, body: Value) -> (u16, Value) {
        let address = &self.nodes[index].address;
        call_at(address, reqwest::Method::POST, path, token, Some(body))
    }

    fn put(&self, index: usize, path: &str, token: &str, body: Value) -> (u16, Value) {
        let address = &self.nodes[index].address;
        call_at(address, reqwest::Method::PUT, path, token, Some(body))
    }

    /// Every node's log, for a failure's message.
    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|node| {
                let log = std::fs::read_to_string(&node.log).unwrap_or_default();
                format!("--- {} ---\n{log}", node.id)
            })
            .collect()
    }
}

impl Node {
    /// Writes node `n`'s config file: Raft storage in its own folder, an API and a cluster
    /// port of its own on 127.0.0.1, plain HTTP (loopback).
    fn configure(dir: &Path, n: usize, api: u16, cluster: u16) -> Self {
        let id = format!("n{n}");
        let data = dir.join(&id);
        std::fs::create_dir_all(&data).expect("the node's data folder");
        let address = format!("http://127.0.0.1:{api}");
        let config = dir.join(format!("{id}.hcl"));
        std::fs::write(
            &config,
            format!(
                r#"storage "raft" {{
  path = "{data}"
  node_id = "{id}"
  performance_multiplier = 1
  autopilot_update_interval = "500ms"
  autopilot_reconcile_interval = "1s"
}}
listener "tcp" {{
  address = "127.0.0.1:{api}"
  cluster_address = "127.0.0.1:{cluster}"
  tls_disable = true
}}
api_addr = "{address}"
cluster_addr = "https://127.0.0.1:{cluster}"
"#,
                data = data.display()
            ),
        )
        .expect("write the node's config");
        Self {
            address,
            log: dir.join(format!("{id}.log")),
            id,
            config,
            child: None,
        }
    }
}

impl Drop for RaftCluster {
    fn drop(&mut self) {
        for index in 0..NODES {
            self.kill(index);
        }
    }
}

/// `count` distinct loopback ports free a moment ago (held together, so they differ).
fn free_ports(count: usize) -> Vec<u16> {
    let listeners: Vec<_> = (0..count)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1"))
        .collect();
    listeners
        .iter()
        .map(|listener| listener.local_addr().expect("a port").port())
        .collect()
}
