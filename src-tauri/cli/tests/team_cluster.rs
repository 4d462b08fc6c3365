//! A team vault on a real 3-node OpenBao Raft cluster (tests/support/openbao_cluster.rs):
//! minting goes on when the node in use, and then the leader, is killed (SIGKILL), a sealed
//! node is passed over, a standby alone serves a member, and the error when every node is down
//! names each address and why. One cluster for the whole story, as starting one takes seconds.

mod common;

use common::support::openbao_cluster::RaftCluster;
use common::{Home, Run, Server};
use std::time::{Duration, Instant};

/// Connects `home` to the team vault `acme` at `addresses` (in that order) with `token`.
fn add_team_at(home: &Home, addresses: &[String], token: &str) -> Run {
    let mut args = vec!["team", "add", "acme"];
    for address in addresses {
        args.extend(["--address", address.as_str()]);
    }
    args.extend(["--path", "authdeck/acme", "--token-stdin"]);
    home.run_with_stdin(&args, &format!("{token}\n"))
}

fn mint(home: &Home) -> Run {
    // A new token each time (`--new`), so the secret is read from the vault each time.
    home.run(&["token", "Billing sync", "--env", "Local", "--new"])
}

/// The address that answered `team status`.
fn answering(home: &Home) -> String {
    let status = home.run(&["team", "status", "acme", "--json"]).json();
    status[0]["address"]
        .as_str()
        .expect("an address")
        .to_owned()
}

#[test]
fn minting_through_a_raft_cluster_goes_on_while_its_nodes_are_killed() {
    let mut cluster = RaftCluster::start();
    eprintln!("the 3-node cluster started in {:?}", cluster.started_in);
    let leader = cluster.leader();
    let standbys: Vec<usize> = (0..3).filter(|&i| i != leader).collect();
    let (first, other) = (standbys[0], standbys[1]);
    let root = cluster.root_token.clone();
    let server = Server::start(&[]);

    // The admin lists a standby first; the member lists the leader first.
    let admin = Home::new("cluster-admin");
    admin.local_environment(&server);
    admin.app("Local", "Billing sync", "basic-client", "basic-secret");
    add_team_at(&admin, &cluster.addresses(&[first, leader, other]), &root).ok();
    admin.run(&["env", "share", "Local", "--team", "acme"]).ok();
    let member = Home::new("cluster-member");
    add_team_at(&member, &cluster.addresses(&[leader, first, other]), &root).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();
    // A member who knows only one standby: it reads there and forwards writes to the leader.
    let standby_only = Home::new("cluster-standby-only");
    add_team_at(&standby_only, &cluster.addresses(&[other]), &root).ok();
    standby_only.run(&["env", "join", "acme", "Local"]).ok();
    mint(&standby_only).ok();
    assert_eq!(answering(&standby_only), cluster.nodes[other].address);
    let added = standby_only.run_with_stdin(
        &[
            "secret",
            "add",
            "Billing sync",
            "--env",
            "Local",
            "--label",
            "via-standby",
        ],
        "basic-secret\n",
    );
    added.ok();
    mint(&admin).ok();
    assert_eq!(answering(&admin), cluster.nodes[first].address);

    // The node the admin was using goes away: the next address answers.
    cluster.kill(first);
    mint(&admin).ok();
    assert_eq!(answering(&admin), cluster.nodes[leader].address);

    // It comes back sealed: it answers 503, and the next address is tried again.
    cluster.restart(first);
    assert_eq!(cluster.health(first).0, 503);
    mint(&admin).ok();
    cluster.unseal_again(first);

    // The leader goes away: the member, who listed it first, goes on from the others once
    // they have chosen a new leader; the gap is reported.
    cluster.kill(leader);
    let killed = Instant::now();
    let mut attempts = 0;
    let gap = loop {
        attempts += 1;
        let run = mint(&member);
        if run.code == 0 {
            break killed.elapsed();
        }
        assert!(
            killed.elapsed() < Duration::from_secs(30),
            "no token 30 s after the leader was killed: {run:#?}\n{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    eprintln!("minting went on {gap:?} after the leader was killed ({attempts} attempts)");
    assert_eq!(answering(&member), cluster.nodes[first].address);

    // Every node down: the error names each address and why.
    for node in 0..3 {
        cluster.kill(node);
    }
    let message = mint(&admin).failed(6).to_owned();
    let refused = |node: usize| {
        format!(
            "{}: Could not connect to 127.0.0.1",
            cluster.nodes[node].address
        )
    };
    assert!(
        message.starts_with(&format!(
            "The team vault “acme” could not be reached; tried {}",
            refused(first)
        )),
        "{message}"
    );
    for node in [first, leader, other] {
        assert!(message.contains(&refused(node)), "{message}");
    }
    for home in [&admin, &member, &standby_only] {
        common::support::clear_namespace(&home.namespace);
    }
}
