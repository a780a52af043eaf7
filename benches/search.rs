//! Check-in search at province scale: 100,000 people, each keystroke of a few typical queries,
//! against a naive nucleo-matcher scan of the same people measured in the same run.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use peixun::search::{Candidate, SearchIndex};

const PEOPLE: usize = 100_000;

fn crowd() -> Vec<Candidate> {
    match peixun::demo::crowd(2023, PEOPLE) {
        Ok(crowd) => crowd,
        Err(e) => panic!("generating the crowd: {e}"),
    }
}

struct Naive {
    haystacks: Vec<Utf32String>,
    matcher: Matcher,
}

impl Naive {
    fn new(people: &[Candidate]) -> Naive {
        let haystacks = people
            .iter()
            .map(|p| {
                let pinyin: String = peixun::search::pinyin::variants(&p.name)
                    .first()
                    .map(|v| format!("{} {}", v.initials, v.full))
                    .unwrap_or_default();
                Utf32String::from(format!("{} {pinyin} {} {}", p.name, p.phone, p.enterprise))
            })
            .collect();
        Naive {
            haystacks,
            matcher: Matcher::new(Config::DEFAULT),
        }
    }

    fn search(&mut self, query: &str, limit: usize) -> Vec<(u32, usize)> {
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut scored: Vec<(u32, usize)> = self
            .haystacks
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                pattern
                    .score(h.slice(..), &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_unstable_by_key(|s| std::cmp::Reverse(s.0));
        scored.truncate(limit);
        scored
    }
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    let rank = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[rank]
}

/// p50/p99 over every keystroke, repeated: criterion reports means and medians per query, and
/// the budget is a tail latency.
fn report_tails(index: &SearchIndex, naive: &mut Naive) {
    let strokes = support::keystrokes();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..20 {
        for q in &strokes {
            let start = Instant::now();
            black_box(index.search(q, 20));
            ours.push(start.elapsed());
            let start = Instant::now();
            black_box(naive.search(q, 20));
            theirs.push(start.elapsed());
        }
    }
    let (o50, o99) = (percentile(ours.clone(), 0.5), percentile(ours, 0.99));
    let (n50, n99) = (percentile(theirs.clone(), 0.5), percentile(theirs, 0.99));
    println!(
        "search per keystroke at {PEOPLE} people: index p50 {o50:?} p99 {o99:?}; naive nucleo p50 {n50:?} p99 {n99:?}; p50 ratio {:.1}x, p99 ratio {:.1}x",
        n50.as_secs_f64() / o50.as_secs_f64(),
        n99.as_secs_f64() / o99.as_secs_f64()
    );
}

fn bench(c: &mut Criterion) {
    let people = crowd();
    let start = Instant::now();
    let index = SearchIndex::build(people.clone(), []);
    println!("index build for {PEOPLE} people: {:?}", start.elapsed());
    let mut naive = Naive::new(&people);
    report_tails(&index, &mut naive);
    let mut group = c.benchmark_group("search_100k");
    group.sample_size(30);
    for q in support::DOOR_QUERIES {
        group.bench_with_input(BenchmarkId::new("index", q), q, |b, q| {
            b.iter(|| index.search(black_box(q), 20))
        });
        group.bench_with_input(BenchmarkId::new("naive_nucleo", q), q, |b, q| {
            b.iter(|| naive.search(black_box(q), 20))
        });
    }
    group.finish();
    bench_enterprise_field(c);
}

/// Enterprises a province at ten times its size knows.
const ENTERPRISES: usize = 120_000;

/// The walk-in and enrol forms' enterprise field, matched on every keystroke against every
/// enterprise the office knows.
fn bench_enterprise_field(c: &mut Criterion) {
    use peixun::tui::suggest::{enterprises, known_enterprises};
    let places = ["鄂州市", "武汉市", "黄石市", "襄阳市", "宜昌市", "荆州市"];
    let words = [
        "华宇", "中盛", "长江", "楚天", "光谷", "葛店", "东湖", "江城",
    ];
    let trades = [
        "光电科技",
        "新材料",
        "生物医药",
        "机械制造",
        "电子商务",
        "新能源",
    ];
    let names = (0..ENTERPRISES).map(|i| {
        format!(
            "{}{}{}有限公司{}",
            places[i % places.len()],
            words[(i / 7) % words.len()],
            trades[(i / 11) % trades.len()],
            i
        )
    });
    let known = std::sync::Arc::new(known_enterprises(names));
    let mut group = c.benchmark_group("enterprise_field_120k");
    group.sample_size(20);
    for typed in ["h", "ezs", "中盛", "鄂州市华宇光电科技有限公司12"] {
        group.bench_with_input(BenchmarkId::from_parameter(typed), typed, |b, typed| {
            b.iter(|| enterprises(&known, black_box(typed)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
