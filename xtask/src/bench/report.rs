//! The figures of a run, the targets judged from them, and how both are printed and saved.

use std::time::Duration;

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use super::measure::{Machine, OpensslSpeed, Peer, PeerRate, Processes, Reseal};
use super::rotation::Rotation;
use super::{BITS, PEAK_RSS_LIMIT, RESEAL_FILES, Settings};

/// Every figure of the run.
pub(super) struct Figures {
    /// The machine.
    pub(super) machine: Machine,
    /// Criterion medians, ns per iteration, by id.
    pub(super) criterion: Vec<(String, f64)>,
    /// OpenSSL's RSA rates.
    pub(super) openssl: OpensslSpeed,
    /// kubesealpy in-process.
    pub(super) kubesealpy_rate: PeerRate,
    /// @linode in-process.
    pub(super) linode_rate: PeerRate,
    /// Whole-process medians.
    pub(super) processes: Processes,
    /// The reseal.
    pub(super) reseal: Reseal,
    /// The rotation with flags and with a policy file.
    pub(super) rotation: Rotation,
}

/// One target and how it went.
pub(super) struct Target {
    /// The number of the target.
    pub(super) number: u8,
    /// What is compared.
    pub(super) what: String,
    /// The measured ratio (or value).
    pub(super) value: String,
    /// The bar.
    pub(super) bar: String,
    /// Whether it was met.
    pub(super) pass: bool,
}

impl Target {
    /// A ratio that must reach `bar`.
    fn at_least(number: u8, what: String, value: f64, bar: f64) -> Self {
        Self {
            number,
            what,
            value: format!("{value:.2}x"),
            bar: format!(">= {bar}x"),
            pass: value >= bar,
        }
    }
}

impl Figures {
    /// Each peer with its in-process rate.
    fn peer_rates(&self) -> [(Peer, &PeerRate); 2] {
        [
            (Peer::Kubesealpy, &self.kubesealpy_rate),
            (Peer::Linode, &self.linode_rate),
        ]
    }

    /// A criterion median (ns), which must have been measured.
    fn criterion_ns(&self, id: &str) -> Result<f64> {
        self.criterion
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, ns)| *ns)
            .with_context(|| format!("criterion reported no {id}"))
    }

    /// The targets, judged.
    pub(super) fn targets(&self) -> Result<Vec<Target>> {
        let rate = |id: &str| self.criterion_ns(id).map(|ns| 1e9 / ns);
        let aws_lc = rate(&format!("seal/aws-lc/{BITS}"))?;
        let rust = rate(&format!("seal/rust/{BITS}"))?;
        let openssl = self.openssl.public_ops;
        let mut targets = vec![Target::at_least(
            1,
            format!("aws-lc seal {BITS} / OpenSSL public op"),
            aws_lc / openssl,
            0.9,
        )];
        for (peer, rate) in self.peer_rates() {
            let value = aws_lc / rate.rate;
            targets.push(Target {
                number: 1,
                what: format!("aws-lc seal {BITS} / {} in-process", peer.name()),
                value: format!("{value:.2}x"),
                bar: "> 1x".to_owned(),
                pass: value > 1.0,
            });
        }
        targets.push(Target::at_least(
            2,
            format!("rust seal {BITS} / OpenSSL public op"),
            rust / openssl,
            0.3,
        ));
        let p = &self.processes;
        let (fastest, fastest_time) = p.fastest_peer();
        targets.push(Target::at_least(
            3,
            format!("fastest peer process ({}) / offseal values", fastest.name()),
            fastest_time / p.offseal_aws_lc,
            30.0,
        ));
        let r = &self.reseal;
        targets.push(Target::at_least(
            4,
            format!("reseal {RESEAL_FILES} files: 1 thread / 2 threads"),
            r.one_thread / r.two_threads,
            1.7,
        ));
        let peak = r.peak_one.max(r.peak_two);
        targets.push(Target {
            number: 4,
            what: format!("reseal {RESEAL_FILES} files: peak RSS, {}", r.rss_method),
            value: format!("{:.1} MB", mb(peak)),
            bar: format!("< {} MB", PEAK_RSS_LIMIT / 1_000_000),
            pass: peak < PEAK_RSS_LIMIT,
        });
        // Issue 12: a policy file costs no more per file than the flags (10 % for noise).
        let rotation = &self.rotation;
        targets.push(Target::at_least(
            12,
            format!("rotation of {RESEAL_FILES} files: flags / policy file"),
            rotation.flags / rotation.policy,
            0.9,
        ));
        Ok(targets)
    }

    /// Prints the figures and the targets as Markdown tables (for BENCHMARKS.md too).
    pub(super) fn print(&self, targets: &[Target], settings: &Settings) {
        let m = &self.machine;
        let o = &self.openssl;
        let p = &self.processes;
        let r = &self.reseal;
        println!("\n== results\n");
        println!(
            "{}, {} cores, Linux {}; {}; {}; {}; node {}\n",
            m.cpu, m.cores, m.kernel, m.rustc, o.version, m.python, m.node
        );
        let row = |what: &str, time: String, other: String| {
            println!("| {what:<56} | {time:>10} | {other:>12} |");
        };
        row("figure", "time".into(), "rate / peak".into());
        println!("|{:-<58}|{:->12}|{:->14}|", "", ":", ":");
        for (id, ns) in &self.criterion {
            let what = format!("criterion {id} (median)");
            row(&what, duration(ns / 1e9), per_second(1e9 / ns));
        }
        for (what, rate) in [
            ("public op (verify)", o.public_ops),
            ("private op (sign)", o.private_ops),
        ] {
            let what = format!("openssl speed rsa{BITS}, {what}");
            row(&what, duration(1.0 / rate), per_second(rate));
        }
        for (peer, rate) in self.peer_rates() {
            let what = format!("{} {}, in-process seal {BITS}", peer.name(), rate.version);
            row(&what, duration(1.0 / rate.rate), per_second(rate.rate));
        }
        let runs = p.runs;
        let peak = format!("{:.1} MB", mb(p.offseal_peak_rss));
        for (what, secs, other) in [
            ("offseal aws-lc", p.offseal_aws_lc, peak),
            ("offseal rust", p.offseal_rust, String::new()),
            ("kubesealpy", p.kubesealpy, String::new()),
            ("@linode", p.linode, String::new()),
        ] {
            let what = format!("process sealing 2 values (median of {runs}): {what}");
            row(&what, duration(secs), other);
        }
        let what = format!("floor: durable-write process (median of {runs})");
        row(&what, duration(p.floor), String::new());
        for (what, secs, peak) in [
            ("1 thread", r.one_thread, r.peak_one),
            ("2 threads", r.two_threads, r.peak_two),
        ] {
            let what = format!("reseal {RESEAL_FILES} files (median of {}): {what}", r.runs);
            row(&what, duration(secs), format!("{:.1} MB", mb(peak)));
        }
        println!(
            "\n| # | {:<56} | {:>9} | {:>8} | verdict |",
            "target", "measured", "bar"
        );
        println!("|--:|{:-<58}|{:->11}|{:->10}|:-------:|", "", ":", ":");
        for t in targets {
            let verdict = if t.pass { "PASS" } else { "MISS" };
            println!(
                "| {} | {:<56} | {:>9} | {:>8} | {verdict:^7} |",
                t.number, t.what, t.value, t.bar
            );
        }
        let (fastest, fastest_time) = p.fastest_peer();
        println!(
            "\nTarget 3 on this host: the floor (a process that only reads the values file and \
             writes it back durably, as offseal does) takes {}, so no such editor could be more \
             than {:.1}x faster than {}; 30x leaves {} above the floor for the sealing and the \
             verified edit, and offseal spends {}.",
            duration(p.floor),
            fastest_time / p.floor,
            fastest.name(),
            duration(fastest_time / 30.0 - p.floor),
            duration(p.offseal_aws_lc - p.floor),
        );
        if settings.quick {
            println!("\n(--quick: shorter runs, noisier figures)");
        }
    }

    /// The figures and targets as JSON, for `target/bench/results.json`.
    pub(super) fn to_json(&self, targets: &[Target], settings: &Settings, took: Duration) -> Value {
        let m = &self.machine;
        let p = &self.processes;
        let r = &self.reseal;
        json!({
            "quick": settings.quick,
            "seconds": took.as_secs_f64(),
            "machine": {
                "cpu": m.cpu, "cores": m.cores, "kernel": m.kernel, "rustc": m.rustc,
                "openssl": self.openssl.version, "python": m.python, "node": m.node,
            },
            "criterion_median_ns": self.criterion.iter()
                .map(|(id, ns)| (id.clone(), json!(ns)))
                .collect::<serde_json::Map<_, _>>(),
            "openssl_rsa4096_per_s": {"public": self.openssl.public_ops, "private": self.openssl.private_ops},
            "in_process_seal_4096_per_s": {
                "kubesealpy": self.kubesealpy_rate.rate, "kubesealpy_version": self.kubesealpy_rate.version,
                "linode": self.linode_rate.rate, "linode_version": self.linode_rate.version,
            },
            "whole_process_median_s": {
                "runs": p.runs, "offseal_aws_lc": p.offseal_aws_lc, "offseal_rust": p.offseal_rust,
                "kubesealpy": p.kubesealpy, "linode": p.linode, "floor_durable_write": p.floor,
            },
            "offseal_values_peak_rss_bytes": p.offseal_peak_rss,
            "reseal": {
                "files": RESEAL_FILES, "runs": r.runs, "one_thread_s": r.one_thread,
                "two_threads_s": r.two_threads, "peak_rss_one_bytes": r.peak_one,
                "peak_rss_two_bytes": r.peak_two, "rss_method": r.rss_method,
            },
            "rotation": {
                "files": RESEAL_FILES, "runs": self.rotation.runs,
                "flags_s": self.rotation.flags, "policy_s": self.rotation.policy,
            },
            "targets": targets.iter().map(|t| json!({
                "number": t.number, "what": t.what, "measured": t.value, "bar": t.bar, "pass": t.pass,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Seconds as µs, ms or s.
fn duration(secs: f64) -> String {
    if secs < 1e-3 {
        format!("{:.1} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

/// A rate per second.
fn per_second(rate: f64) -> String {
    format!("{rate:.0}/s")
}

/// Bytes as (decimal) megabytes.
pub(super) fn mb(bytes: u64) -> f64 {
    // Exact for any RSS below 2^53 bytes.
    let bytes = u32::try_from(bytes / 1000).map_or(f64::MAX, f64::from);
    bytes / 1000.0
}

#[cfg(test)]
mod tests {
    use super::{duration, mb};

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(62e-6), "62.0 µs");
        assert_eq!(duration(0.082), "82.00 ms");
        assert_eq!(duration(4.5), "4.50 s");
        assert!((mb(19_500_000) - 19.5).abs() < 1e-9);
    }
}
