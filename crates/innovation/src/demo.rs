//! Demo innovations: the three of the article (Petung Dadi, Cilen, Lion) and a dozen more, in
//! every status, with the regent's four pillars filled in where the agency has done so.

use crate::domain::audit::Step;
use crate::domain::{Draft, Partner, Status};
use crate::ports::Live;
use crate::store;
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::room::{Demo as Platform, DemoFuture, Ports};

struct Demo {
    code: &'static str,
    name: &'static str,
    stage: &'static str,
    kind: &'static str,
    form: &'static str,
    affair: &'static str,
    trial: &'static str,
    implemented: &'static str,
    what: &'static str,
    goal: &'static str,
    benefit: &'static str,
    result: &'static str,
    vision: &'static str,
    regulation: Option<(&'static str, &'static str, &'static str)>,
    partners: &'static [(&'static str, &'static str, &'static str)],
    sop: &'static str,
    minutes: (&'static str, &'static str),
    satisfaction: (&'static str, &'static str),
    status: Status,
}

const DEMOS: &[Demo] = &[
    Demo {
        code: "DISKOMINFO",
        name: "Petung Dadi (Pelayanan Tunggal Dengan Sepenuh Hati)",
        stage: "penerapan",
        kind: "digital",
        form: "pelayanan_publik",
        affair: "komunikasi_informatika",
        trial: "2019-10-01",
        implemented: "2020-03-02",
        what: "Warga cukup menelepon atau mengirim pesan WhatsApp ke desa untuk meminta surat keterangan. Sekretaris desa memverifikasi penduduk dengan NIK, kepala desa menyetujui dengan tanda tangan elektronik, dan surat dikirim kembali lewat WhatsApp tanpa warga harus datang ke balai desa.",
        goal: "Satu pintu layanan surat desa dan perangkat daerah yang cepat dan tanpa tatap muka.",
        benefit: "Warga hemat waktu dan ongkos; desa tertib administrasi.",
        result: "Surat desa selesai dalam hitungan jam, bukan hari.",
        vision: "Misi pelayanan publik yang cepat, mudah, dan transparan",
        regulation: Some(("perbup", "41", "2020")),
        partners: &[
            (
                "Pemerintah desa se-Kabupaten Trenggalek",
                "pemerintah",
                "Pelaksana layanan surat",
            ),
            ("PT Telkom Indonesia", "swasta", "Jaringan dan pelatihan"),
            ("Komunitas relawan TIK", "masyarakat", "Pendampingan warga"),
        ],
        sop: "Warga menghubungi desa lewat telepon atau WhatsApp\nSekretaris desa memverifikasi NIK pada register penduduk\nKepala desa menandatangani secara elektronik\nSurat dikirim ke WhatsApp warga",
        minutes: ("2880", "90"),
        satisfaction: ("76.40", "88.90"),
        status: Status::Verified,
    },
    Demo {
        code: "DISARPUS",
        name: "Cilen (Cerita Online)",
        stage: "penerapan",
        kind: "digital",
        form: "pelayanan_publik",
        affair: "perpustakaan",
        trial: "2020-02-01",
        implemented: "2020-08-17",
        what: "Cerita rakyat, sejarah lokal dari arsip, dan karya warga diterbitkan daring agar dapat dibaca dari ponsel mana pun dan dipanen oleh katalog perpustakaan nasional.",
        goal: "Mendekatkan arsip dan cerita daerah kepada pembaca muda.",
        benefit: "Literasi dan pelestarian budaya lokal.",
        result: "Ratusan cerita dibaca setiap bulan.",
        vision: "Misi sumber daya manusia yang berkarakter dan berbudaya",
        regulation: Some(("keputusan_opd", "188.45/12", "2020")),
        partners: &[
            (
                "Sekolah-sekolah di Trenggalek",
                "pemerintah",
                "Penulis pelajar",
            ),
            ("Komunitas penulis lokal", "masyarakat", "Kurasi cerita"),
        ],
        sop: "Penulis mengunggah naskah\nPustakawan menelaah\nCerita diterbitkan dan dipanen katalog nasional",
        minutes: ("", ""),
        satisfaction: ("80.00", "91.20"),
        status: Status::Verified,
    },
    Demo {
        code: "DISKAN",
        name: "Lion (Lelang Ikan Online)",
        stage: "uji_coba",
        kind: "digital",
        form: "pelayanan_publik",
        affair: "kelautan_perikanan",
        trial: "2020-06-01",
        implemented: "",
        what: "Ikan yang didaratkan di TPI Prigi, Panggul, dan Munjungan dilelang kepada bakul yang menawar di aula maupun dari ponsel, dengan retribusi, karcis lelang, dan pembayaran yang dicatat sistem.",
        goal: "Lelang ikan yang adil, cepat, dan terbuka.",
        benefit: "Harga lebih baik bagi nelayan dan kepastian bagi bakul.",
        result: "Uji coba di TPI Prigi.",
        vision: "Misi ekonomi kerakyatan berbasis potensi pesisir",
        regulation: None,
        partners: &[("Koperasi nelayan Prigi", "masyarakat", "Penjual")],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "DISPENDUKCAPIL",
        name: "Dukcapil Jemput Bola",
        stage: "penerapan",
        kind: "non_digital",
        form: "pelayanan_publik",
        affair: "kependudukan",
        trial: "2018-05-01",
        implemented: "2019-01-07",
        what: "Petugas mendatangi desa terpencil, sekolah, dan panti dengan perangkat perekaman KTP elektronik dan kartu keluarga.",
        goal: "Semua penduduk wajib KTP terekam.",
        benefit: "Warga pelosok tidak perlu ke kota.",
        result: "Cakupan perekaman naik.",
        vision: "Misi pelayanan publik yang merata",
        regulation: Some(("keputusan_bupati", "188.45/210", "2019")),
        partners: &[("Pemerintah kecamatan", "pemerintah", "Tempat layanan")],
        sop: "Jadwal disusun bersama kecamatan\nPetugas merekam data di lokasi\nDokumen diantar ke desa",
        minutes: ("480", "120"),
        satisfaction: ("72.10", "84.50"),
        status: Status::Verified,
    },
    Demo {
        code: "DPMPTSP",
        name: "Izin Sehari Jadi",
        stage: "penerapan",
        kind: "digital",
        form: "pelayanan_publik",
        affair: "penanaman_modal",
        trial: "2021-01-04",
        implemented: "2021-07-01",
        what: "Perizinan berusaha risiko rendah diproses dalam satu hari kerja dengan berkas daring dan tanda tangan elektronik.",
        goal: "Kemudahan berusaha.",
        benefit: "Pelaku usaha cepat memperoleh izin.",
        result: "Rata-rata izin selesai dalam satu hari.",
        vision: "Misi ekonomi yang tumbuh dan inklusif",
        regulation: Some(("perbup", "17", "2021")),
        partners: &[("Asosiasi UMKM", "masyarakat", "Sosialisasi")],
        sop: "Pemohon mengunggah berkas\nVerifikasi berkas\nPenerbitan izin bertanda tangan elektronik",
        minutes: ("7200", "480"),
        satisfaction: ("70.00", "82.30"),
        status: Status::Verified,
    },
    Demo {
        code: "DINKES",
        name: "Posyandu Remaja Pintar",
        stage: "penerapan",
        kind: "non_digital",
        form: "pelayanan_publik",
        affair: "kesehatan",
        trial: "2020-01-10",
        implemented: "2020-09-01",
        what: "Posyandu khusus remaja di setiap desa dengan kader sebaya untuk kesehatan reproduksi, gizi, dan kesehatan jiwa.",
        goal: "Menurunkan anemia dan pernikahan dini.",
        benefit: "Remaja punya ruang konsultasi.",
        result: "Posyandu remaja aktif di banyak desa.",
        vision: "Misi sumber daya manusia yang sehat",
        regulation: None,
        partners: &[
            ("Puskesmas", "pemerintah", "Tenaga kesehatan"),
            ("Karang taruna", "masyarakat", "Kader sebaya"),
        ],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "BAPPEDALITBANG",
        name: "Registri Inovasi Daerah Terpadu",
        stage: "penerapan",
        kind: "digital",
        form: "tata_kelola",
        affair: "penelitian_pengembangan",
        trial: "2021-03-01",
        implemented: "2022-01-03",
        what: "Seluruh inovasi perangkat daerah tercatat dalam satu registri dengan bukti dukung dan penilaian mandiri Indeks Inovasi Daerah.",
        goal: "Data inovasi yang rapi dan siap dinilai.",
        benefit: "Koordinasi inovasi lebih mudah.",
        result: "Registri dipakai setiap tahun.",
        vision: "Misi tata kelola pemerintahan yang inovatif",
        regulation: Some(("perbup", "9", "2022")),
        partners: &[(
            "Universitas mitra",
            "perguruan_tinggi",
            "Pendampingan metode",
        )],
        sop: "Perangkat daerah mengisi profil\nKoordinator memverifikasi\nHasil dipublikasikan",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "DISDIKPORA",
        name: "Sekolah Pesisir Ramah Anak",
        stage: "uji_coba",
        kind: "non_digital",
        form: "pelayanan_publik",
        affair: "pendidikan",
        trial: "2022-07-18",
        implemented: "",
        what: "Sekolah di pesisir menyesuaikan jadwal dengan musim melaut orang tua dan menyediakan pendamping belajar.",
        goal: "Menekan angka putus sekolah di pesisir.",
        benefit: "Anak nelayan tetap bersekolah.",
        result: "Uji coba di tiga sekolah.",
        vision: "Misi pendidikan yang merata",
        regulation: None,
        partners: &[],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "35.03.05.2001",
        name: "Surat Desa Lewat WhatsApp",
        stage: "penerapan",
        kind: "digital",
        form: "pelayanan_publik",
        affair: "pemberdayaan_desa",
        trial: "2020-01-06",
        implemented: "2020-04-01",
        what: "Desa Nglinggis menerapkan Petung Dadi untuk surat keterangan domisili, usaha, dan tidak mampu.",
        goal: "Surat desa tanpa antre.",
        benefit: "Warga di dusun jauh terlayani.",
        result: "Sebagian besar surat dikirim lewat WhatsApp.",
        vision: "Misi pelayanan publik yang cepat",
        regulation: Some(("lainnya", "Perdes 3", "2020")),
        partners: &[("Dinas Kominfo", "pemerintah", "Pendamping")],
        sop: "Warga mengirim pesan\nSekdes memverifikasi\nKades menandatangani",
        minutes: ("1440", "60"),
        satisfaction: ("78.00", "87.50"),
        status: Status::Verified,
    },
    Demo {
        code: "ORTALA",
        name: "SOP Digital Perangkat Daerah",
        stage: "penerapan",
        kind: "digital",
        form: "tata_kelola",
        affair: "kepegawaian",
        trial: "2021-02-01",
        implemented: "2021-10-01",
        what: "SOP setiap perangkat daerah disusun, disahkan, dan dipublikasikan secara digital sehingga mudah dievaluasi.",
        goal: "SOP yang hidup dan dievaluasi.",
        benefit: "Kerja lebih efektif dan efisien.",
        result: "SOP terpublikasi.",
        vision: "Misi reformasi birokrasi",
        regulation: Some(("perbup", "55", "2021")),
        partners: &[],
        sop: "Penyusunan\nPengesahan\nPublikasi\nEvaluasi tahunan",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "DISKOMINFO",
        name: "Trenggalek Data Terbuka",
        stage: "uji_coba",
        kind: "digital",
        form: "tata_kelola",
        affair: "komunikasi_informatika",
        trial: "2023-03-01",
        implemented: "",
        what: "Data sektoral perangkat daerah dibuka dalam format terbuka untuk warga, jurnalis, dan peneliti.",
        goal: "Keterbukaan data.",
        benefit: "Kebijakan berbasis data.",
        result: "Puluhan set data terbit.",
        vision: "Misi tata kelola yang terbuka",
        regulation: None,
        partners: &[("Media lokal", "media", "Pengguna data")],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "DPMPTSP",
        name: "Klinik UMKM Keliling",
        stage: "penerapan",
        kind: "non_digital",
        form: "pelayanan_publik",
        affair: "koperasi_umkm",
        trial: "2022-02-01",
        implemented: "2022-08-01",
        what: "Mobil layanan mendatangi pasar desa untuk konsultasi izin, pemasaran, dan permodalan UMKM.",
        goal: "UMKM naik kelas.",
        benefit: "Pelaku usaha mikro terlayani di tempat.",
        result: "Ratusan UMKM didampingi.",
        vision: "Misi ekonomi kerakyatan",
        regulation: None,
        partners: &[("Bank daerah", "swasta", "Permodalan")],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Verified,
    },
    Demo {
        code: "DISPENDUKCAPIL",
        name: "Akta Lahir dari Puskesmas",
        stage: "uji_coba",
        kind: "digital",
        form: "pelayanan_publik",
        affair: "kependudukan",
        trial: "2024-01-15",
        implemented: "",
        what: "Bidan di puskesmas mengirim data kelahiran sehingga akta kelahiran terbit sebelum ibu pulang.",
        goal: "Akta kelahiran tanpa datang ke kantor.",
        benefit: "Orang tua terbantu.",
        result: "Uji coba di dua puskesmas.",
        vision: "Misi pelayanan publik yang cepat",
        regulation: None,
        partners: &[("Puskesmas", "pemerintah", "Pengirim data")],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Submitted,
    },
    Demo {
        code: "DISKAN",
        name: "Asuransi Nelayan Mandiri",
        stage: "inisiatif",
        kind: "non_digital",
        form: "pelayanan_publik",
        affair: "kelautan_perikanan",
        trial: "",
        implemented: "",
        what: "Pendampingan nelayan untuk ikut asuransi secara mandiri.",
        goal: "Perlindungan nelayan.",
        benefit: "Nelayan terlindungi.",
        result: "",
        vision: "",
        regulation: None,
        partners: &[],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Returned,
    },
    Demo {
        code: "DINKES",
        name: "Ambulans Desa Siaga",
        stage: "inisiatif",
        kind: "non_digital",
        form: "pelayanan_publik",
        affair: "kesehatan",
        trial: "",
        implemented: "",
        what: "Kendaraan desa disiapkan sebagai ambulans dengan relawan terlatih.",
        goal: "Rujukan cepat.",
        benefit: "",
        result: "",
        vision: "",
        regulation: None,
        partners: &[],
        sop: "",
        minutes: ("", ""),
        satisfaction: ("", ""),
        status: Status::Draft,
    },
];

/// A design text of at least 300 words: what the innovation does, then how it follows the method.
fn design(d: &Demo) -> String {
    if d.status == Status::Draft {
        return d.what.to_string();
    }
    format!(
        "{what}\n\nLatar belakangnya sederhana: sebelum inovasi ini, warga dan pelaku layanan menghadapi prosedur yang panjang, \
         jarak yang jauh, dan informasi yang tidak pasti. Banyak warga harus datang lebih dari sekali, menunggu tanpa kepastian, \
         dan mengeluarkan biaya transportasi yang tidak sedikit. Keluhan ini tercatat dalam survei kepuasan dan dalam pengaduan \
         yang masuk ke perangkat daerah.\n\nInovasi ini disusun mengikuti metode Bupati. Pertama, visi: setiap petugas memahami \
         misi daerah yang dilayani, yaitu pelayanan yang lebih baik, lebih cepat, dan lebih efektif sehingga warga makin puas. \
         Kedua, regulasi: dicari dasar hukum yang mendukung agar inovasi sah dan berkelanjutan. Ketiga, mitra kolaborasi: \
         perangkat daerah menggandeng pemerintah desa, dunia usaha, perguruan tinggi, komunitas, dan media sesuai kebutuhan. \
         Keempat, eksekusi yang kreatif: prosedur dituangkan dalam standar operasional, langkah yang tidak perlu dipangkas, \
         dan hasilnya diukur sebelum dan sesudah penerapan.\n\nCara kerjanya dirancang agar mudah ditiru oleh unit lain. \
         Petugas dilatih, alur dicetak dan ditempel di tempat layanan, dan warga diberi tahu melalui papan informasi, media \
         sosial, serta pertemuan desa. Setiap bulan tim mengevaluasi waktu penyelesaian, jumlah langkah, biaya yang ditanggung \
         warga, dan indeks kepuasan. Temuan evaluasi dibahas bersama mitra, lalu standar operasional diperbarui bila perlu.\n\n\
         Keberlanjutan dijaga dengan anggaran rutin, penetapan penanggung jawab, dan pencatatan bukti dukung setiap tahun. \
         Inovasi ini terbuka untuk direplikasi oleh perangkat daerah, desa, dan kelurahan lain di Kabupaten Trenggalek, \
         dengan pendampingan dari unit pemilik inovasi dan koordinator inovasi daerah.\n\nPerbedaannya dengan cara lama \
         terletak pada kepastian: warga tahu syarat, waktu, dan biaya sejak awal, petugas bekerja menurut alur yang sama, dan \
         pimpinan dapat memantau kinerja dari data, bukan dari laporan lisan. Inovasi ini tidak menambah beban biaya bagi warga, \
         berada dalam kewenangan pemerintah daerah, dan memberi manfaat yang dapat diukur dari tahun ke tahun.\n\nWarga \
         dilibatkan sejak awal: usulan perbaikan dikumpulkan dari kotak saran, forum desa, dan survei kepuasan, lalu dijadikan \
         bahan penyempurnaan. Dengan begitu inovasi tidak berhenti sebagai pameran atau piala, melainkan menjadi cara kerja \
         sehari-hari yang terus membaik bersama masyarakat yang dilayani.",
        what = d.what
    )
}

/// IID self-assessments of this year for the verified demo innovations (accepted by the
/// coordinator), and the regency's government aspect, so the index shows a category.
async fn load_iid(db: &Db, actor: &Actor) -> anyhow::Result<()> {
    use crate::domain::iid::{Aspect, Review};
    use crate::store::iid as iid_store;
    let year = anjungan_kernel::clock::to_wib(anjungan_kernel::clock::now_ms()).year() as i64;
    let cat = crate::service::iid::catalogue(db, actor, year).await?;
    let government: Vec<(i64, u8, Review, &str)> = cat
        .indicators
        .iter()
        .filter(|i| i.aspect == Aspect::Government)
        .enumerate()
        .map(|(n, i)| (i.id, if n % 3 == 0 { 3 } else { 2 }, Review::Accepted, ""))
        .collect();
    crate::service::iid::import_answers(db, actor, "regency", &government).await?;
    let verified = store::list(
        db,
        &[Status::Verified],
        None,
        &store::Filter::default(),
        1000,
        0,
    )
    .await?;
    for (k, inv) in verified.iter().enumerate() {
        let answers: Vec<(i64, u8, Review, &str)> = cat
            .indicators
            .iter()
            .filter(|i| i.aspect == Aspect::Innovation)
            .enumerate()
            .map(|(n, i)| {
                // The article's innovations score highest; others vary; a few answers are rejected.
                let level = if k < 3 {
                    3 - (n % 4 == 3) as u8
                } else {
                    1 + ((k + n) % 3) as u8
                };
                if (k + n) % 7 == 6 {
                    (
                        i.id,
                        level,
                        Review::Rejected,
                        "Bukti dukung belum sesuai tingkat yang dipilih.",
                    )
                } else {
                    (i.id, level, Review::Accepted, "")
                }
            })
            .collect();
        crate::service::iid::import_answers(
            db,
            actor,
            &iid_store::subject_of(Some(inv.id)),
            &answers,
        )
        .await?;
    }
    Ok(())
}

/// The room's part of the demo data set (the platform's agencies and accounts exist already).
pub fn load<'a>(d: &'a Platform<'a>) -> DemoFuture<'a> {
    Box::pin(seed(d.db, d.ports))
}

async fn seed(db: &Db, ports: &Ports) -> anyhow::Result<()> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM innovations")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let actor = Actor::system("demo");
    // Live evidence: the owning unit's own satisfaction survey, where it runs one.
    let surveyed: Vec<i64> = ports
        .get::<Live>()?
        .survey_units()
        .await
        .into_iter()
        .map(|(org, _)| org)
        .collect();
    load_innovations(db, &actor, &surveyed).await?;
    load_iid(db, &actor).await
}

async fn load_innovations(db: &Db, actor: &Actor, surveyed: &[i64]) -> anyhow::Result<()> {
    let actor = actor.clone();
    for d in DEMOS {
        let Some(org) = anjungan_kernel::orgs::store::get_by_code(db, d.code).await? else {
            continue;
        };
        let draft = Draft {
            name: d.name.into(),
            stage: d.stage.into(),
            initiator: if d.code.starts_with("35.") {
                "masyarakat".into()
            } else {
                "opd".into()
            },
            kind: d.kind.into(),
            form: d.form.into(),
            affair: d.affair.into(),
            trial_date: d.trial.into(),
            implementation_date: d.implemented.into(),
            design: design(d),
            goal: d.goal.into(),
            benefit: d.benefit.into(),
            result: d.result.into(),
            sdgs: "16".into(),
            vision: d.vision.into(),
            regulation_type: d.regulation.map(|r| r.0).unwrap_or("").into(),
            regulation_number: d.regulation.map(|r| r.1).unwrap_or("").into(),
            regulation_year: d.regulation.map(|r| r.2).unwrap_or("").into(),
            sop_steps: d.sop.into(),
            before_minutes: d.minutes.0.into(),
            after_minutes: d.minutes.1.into(),
            before_satisfaction: d.satisfaction.0.into(),
            after_satisfaction: d.satisfaction.1.into(),
            ..Default::default()
        };
        let profile = draft
            .validate()
            .map_err(|e| anyhow::anyhow!("demo innovation {}: {e:?}", d.name))?;
        if d.status != Status::Draft && d.status != Status::Returned {
            anyhow::ensure!(
                profile.missing().is_empty(),
                "demo innovation {} is incomplete: {:?}",
                d.name,
                profile.missing()
            );
        }
        let id = crate::service::innovations::create(db, &actor, org.id, &draft, &profile).await?;
        if surveyed.contains(&org.id) {
            crate::service::innovations::link(db, &actor, id, crate::ports::SURVEY_UNIT, org.id)
                .await?;
        }
        for (name, kind, role) in d.partners {
            let p = Partner::parse(name, kind, role).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            crate::service::innovations::add_partner(db, &actor, id, &p).await?;
        }
        let steps: &[(Status, &str, Step)] = match d.status {
            Status::Draft => &[],
            Status::Submitted => &[(Status::Submitted, "", Step::Submit)],
            Status::Returned => &[
                (Status::Submitted, "", Step::Submit),
                (
                    Status::Returned,
                    "Lengkapi rancang bangun, hasil, dan dasar hukumnya.",
                    Step::Return,
                ),
            ],
            Status::Verified => &[
                (Status::Submitted, "", Step::Submit),
                (Status::Verified, "", Step::Verify),
            ],
        };
        for (status, note, action) in steps {
            let current = store::get(db, id).await?.ok_or_else(|| {
                anyhow::anyhow!("innovation {id} is missing just after its creation")
            })?;
            crate::service::innovations::record_step(db, &actor, &current, *status, *action, note)
                .await?;
        }
    }
    Ok(())
}
