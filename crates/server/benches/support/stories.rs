//! Cilen's load: 100,000 generated works with 1,000,000 chapters (Indonesian-like prose with
//! real affixes, so stemming matters), then the search page and the reading page.

use super::{CONNECTIONS, Outcome, hammer_many_with, report};
use anjungan_stories::domain::search::stemmed_text;
use std::time::Instant;

pub const WORKS: usize = 100_000;
pub const CHAPTERS_PER_WORK: usize = 10;

/// Roots of everyday Indonesian; words are built from them with the usual affixes.
const ROOTS: &[&str] = &[
    "baca",
    "tulis",
    "laut",
    "ikan",
    "pantai",
    "gunung",
    "sawah",
    "pasar",
    "hujan",
    "angin",
    "perahu",
    "jalan",
    "rumah",
    "desa",
    "kota",
    "sungai",
    "batu",
    "kayu",
    "api",
    "air",
    "bulan",
    "bintang",
    "pagi",
    "malam",
    "senja",
    "ombak",
    "pasir",
    "gua",
    "hutan",
    "kebun",
    "durian",
    "cengkeh",
    "kopi",
    "garam",
    "jaring",
    "dayung",
    "layar",
    "nelayan",
    "petani",
    "guru",
    "anak",
    "ibu",
    "bapak",
    "nenek",
    "kakek",
    "cerita",
    "lagu",
    "tari",
    "kenang",
    "ingat",
    "pulang",
    "pergi",
    "datang",
    "lihat",
    "dengar",
    "bicara",
    "tanya",
    "jawab",
    "cari",
    "temu",
    "bangun",
    "tidur",
    "makan",
    "minum",
    "masak",
    "jual",
    "beli",
    "bayar",
    "kerja",
    "main",
    "ajar",
    "pikir",
    "rasa",
    "harap",
    "tunggu",
    "bantu",
    "jaga",
    "tanam",
    "petik",
    "panen",
    "besar",
    "kecil",
    "tinggi",
    "rendah",
    "panjang",
    "pendek",
    "terang",
    "gelap",
    "dingin",
    "panas",
    "sepi",
    "ramai",
    "indah",
    "kuat",
    "lemah",
    "cepat",
    "lambat",
    "baru",
    "lama",
    "sejarah",
    "arsip",
    "surat",
    "peta",
    "batas",
    "irigasi",
    "bendungan",
    "sumber",
    "mata",
    "tangan",
    "kaki",
    "kepala",
    "hati",
    "suara",
    "warna",
    "cahaya",
    "bayang",
    "langit",
    "tanah",
];
const PREFIXES: &[&str] = &["", "", "", "me", "di", "ber", "ter", "pe", "ke", "se"];
const SUFFIXES: &[&str] = &["", "", "", "kan", "an", "i", "nya", "lah"];

/// Syllables for the rest of the vocabulary: real prose draws on thousands of words, and a
/// search for a content word matches a small share of the works, not all of them.
const SYLLABLES: &[&str] = &[
    "ba", "bu", "da", "di", "ga", "gu", "ja", "jo", "ka", "ku", "la", "lu", "ma", "mo", "na", "nu",
    "pa", "pi", "ra", "ru", "sa", "si", "ta", "tu", "wa", "wi", "yo", "ca", "ri", "ngu",
];
/// Words in the vocabulary: the real roots first (the commonest), then made-up ones.
const VOCABULARY: usize = 5_000;

fn root(i: usize) -> String {
    if i < ROOTS.len() {
        return ROOTS[i].to_string();
    }
    let n = SYLLABLES.len();
    let k = i - ROOTS.len();
    format!(
        "{}{}{}",
        SYLLABLES[k % n],
        SYLLABLES[(k / n) % n],
        SYLLABLES[(k / n / n) % n]
    )
}

/// A small deterministic generator (xorshift), so every run builds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Zipf-like: low indices far more often, as in real prose.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as usize % n
    }

    fn word(&mut self) -> String {
        let root = root(self.skewed(VOCABULARY));
        let p = PREFIXES[(self.next() % PREFIXES.len() as u64) as usize];
        let s = SUFFIXES[(self.next() % SUFFIXES.len() as u64) as usize];
        format!("{p}{root}{s}")
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut out = Vec::with_capacity(words);
        for _ in 0..words {
            out.push(self.word());
        }
        let mut s = out.join(" ");
        if let Some(first) = s.get(0..1) {
            s.replace_range(0..1, &first.to_uppercase());
        }
        s.push('.');
        s
    }
}

/// A content word (past the 50 commonest) in an affixed form, as a reader would search.
fn content_word(rng: &mut Rng) -> String {
    loop {
        let i = rng.skewed(VOCABULARY);
        if i >= 50 {
            let p = PREFIXES[(rng.next() % PREFIXES.len() as u64) as usize];
            let s = SUFFIXES[(rng.next() % SUFFIXES.len() as u64) as usize];
            return format!("{p}{}{s}", root(i));
        }
    }
}

/// Inserts the corpus straight into the tables and the FTS index (stemmed by the domain's
/// function, as the store does); returns a published work id to read.
pub async fn seed(db: &anjungan_kernel::Db) -> i64 {
    let author: i64 =
        sqlx::query_scalar("SELECT user_id FROM story_authors ORDER BY user_id LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let byline: String =
        sqlx::query_scalar("SELECT byline FROM story_works WHERE state = 'published' LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let categories = [
        "cerita_rakyat",
        "sejarah_lokal",
        "cerpen",
        "puisi",
        "esai",
        "cerita_arsip",
    ];
    let languages = ["id", "id", "id", "jv", "en"];
    let now = anjungan_kernel::clock::now_ms();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut first = 0;
    const BATCH: usize = 500;
    for start in (0..WORKS).step_by(BATCH) {
        let mut tx = db.begin_write().await.unwrap();
        for n in start..(start + BATCH).min(WORKS) {
            let title = format!("{} {}", rng.sentence(3).trim_end_matches('.'), n);
            let summary = rng.sentence(18);
            let mut bodies = Vec::with_capacity(CHAPTERS_PER_WORK);
            for _ in 0..CHAPTERS_PER_WORK {
                let paragraphs: Vec<String> = (0..3)
                    .map(|_| format!("<p>{}</p>", rng.sentence(18)))
                    .collect();
                bodies.push(paragraphs.join(""));
            }
            let words = (CHAPTERS_PER_WORK * 54) as i64;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO story_works (slug, title, summary, category, language, rating, complete, tags, byline, state, words, chapters, \
                 kudos, reads, created_by, created_at, updated_at, published_at, oai_at) \
                 VALUES ($1, $2, $3, $4, $5, 'semua_umur', 1, 'bench', $6, 'published', $7, $8, 0, 0, $9, $10, $10, $10, $10) RETURNING id",
            )
            .bind(format!("bench-{n}"))
            .bind(&title)
            .bind(&summary)
            .bind(categories[n % categories.len()])
            .bind(languages[n % languages.len()])
            .bind(&byline)
            .bind(words)
            .bind(CHAPTERS_PER_WORK as i64)
            .bind(author)
            .bind(now - n as i64 * 1000)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            if first == 0 {
                first = id;
            }
            sqlx::query(
                "INSERT INTO story_work_authors (work_id, user_id, position) VALUES ($1, $2, 1)",
            )
            .bind(id)
            .bind(author)
            .execute(&mut *tx)
            .await
            .unwrap();
            let mut sql = String::from(
                "INSERT INTO story_chapters (work_id, position, title, body, words, updated_at) VALUES ",
            );
            for (i, _) in bodies.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let b = i * 2;
                sql.push_str(&format!(
                    "({id}, {}, ${}, ${}, 54, {now})",
                    i + 1,
                    b + 1,
                    b + 2
                ));
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, body) in bodies.iter().enumerate() {
                q = q.bind(format!("Bab {}", i + 1)).bind(body.clone());
            }
            q.execute(&mut *tx).await.unwrap();
            let plain: String = bodies
                .iter()
                .map(|b| b.replace("<p>", " ").replace("</p>", " "))
                .collect::<Vec<_>>()
                .join(" ");
            sqlx::query(
                "INSERT INTO story_fts (rowid, title, summary, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(stemmed_text(&title))
            .bind(stemmed_text(&format!("{summary} bench")))
            .bind(stemmed_text(&plain))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    sqlx::query("PRAGMA optimize")
        .execute(&db.pool)
        .await
        .unwrap();
    first
}

pub async fn run(client: &reqwest::Client, base: &str, db: &anjungan_kernel::Db) {
    let t = Instant::now();
    let first = seed(db).await;
    let chapters: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM story_chapters")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    println!(
        "seeded {WORKS} works with {chapters} chapters in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // Queries a reader would type: one or two content words in affixed forms; a third are
    // two-word queries.
    let mut rng = Rng(42);
    let mut texts = Vec::new();
    for i in 0..400 {
        texts.push(if i % 3 == 0 {
            format!("{} {}", content_word(&mut rng), content_word(&mut rng))
        } else {
            content_word(&mut rng)
        });
    }
    let mut matched = Vec::new();
    for q in texts.iter().take(40) {
        let terms = anjungan_stories::domain::search::query_terms(q);
        let m = anjungan_stories::domain::search::fts5_match(&terms).unwrap_or_default();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM story_fts WHERE story_fts MATCH $1")
            .bind(m)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        matched.push(n);
    }
    matched.sort();
    println!(
        "works matched per query (40 samples): median {}, p90 {}, max {}",
        matched[matched.len() / 2],
        matched[matched.len() * 9 / 10],
        matched[matched.len() - 1]
    );
    let queries: Vec<String> = texts
        .iter()
        .map(|q| format!("{base}/cerita?q={}", q.replace(' ', "+")))
        .collect();
    let reading: Vec<String> = (0..2_000)
        .map(|i| {
            let work = first + (i * 37 % WORKS) as i64;
            format!(
                "{base}/cerita/karya/{work}/bab/{}",
                1 + i % CHAPTERS_PER_WORK
            )
        })
        .collect();
    let _ = hammer_many_with(client.clone(), reading.clone(), CONNECTIONS).await; // warm-up
    for conns in [1, 8] {
        let o: Outcome = hammer_many_with(client.clone(), queries.clone(), conns).await;
        report(&format!("search ({conns} conn)"), &o);
        println!("{:<18} p95 {:.2} ms", "", super::pct(&o.latencies, 0.95));
    }
    let o = hammer_many_with(client.clone(), reading, CONNECTIONS).await;
    report("reading page", &o);
}
