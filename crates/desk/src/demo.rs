//! Demo Petung Dadi: six letter services for every village and ward of the regency with their
//! service standard, form and letter template; a few agency services; resident registers for
//! Nglinggis and four other units; the Nglinggis head's signing key; requests in every state and
//! through every channel, with signed letters; the holiday calendar; one complaint with a LAPOR!
//! reference. Loaded once, when no service exists yet.

use crate::domain::form::{Choice, Field, FieldKind, Form};
use crate::domain::letter::LetterTemplate;
use crate::domain::nik::{Kk, Nik, Sex};
use crate::domain::register::Resident;
use crate::domain::request::Channel;
use crate::domain::standard::{COMPONENTS, Standard};
use crate::domain::workflow::{self, Command};
use crate::service;
use crate::service::requests::{NewRequest, Step};
use crate::store::services::ServiceInput;
use crate::store::{admin, services};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::room::{Demo as Platform, DemoFuture};
use sqlx::Row;
use std::path::Path;

const NGLINGGIS: &str = "35.03.05.2001";

// --- units ---

/// A village (*desa*) or ward (*kelurahan*) with its district, for the texts.
struct Unit {
    id: i64,
    code: String,
    name: String,
    ward: bool,
    district: String,
}

impl Unit {
    fn kind(&self) -> &'static str {
        if self.ward { "Kelurahan" } else { "Desa" }
    }

    fn full(&self) -> String {
        format!("{} {}", self.kind(), self.name)
    }

    /// The signer's title on the letter.
    fn head(&self) -> &'static str {
        if self.ward { "Lurah" } else { "Kepala Desa" }
    }

    /// The words behind a `[token]` of the shared texts.
    fn token(&self, name: &str, days: i64) -> Option<String> {
        Some(match (name, self.ward) {
            ("unit", _) => self.full(),
            ("nama_unit", _) => self.name.clone(),
            ("jabatan", _) => self.head().into(),
            ("kantor", _) => format!("Kantor {}", self.full()),
            ("kecamatan", _) => self.district.clone(),
            ("hari", _) => days_text(days),
            ("sekretaris", true) => "Sekretaris Kelurahan".into(),
            ("sekretaris", false) => "Sekretaris Desa".into(),
            ("dasar_unit", true) => "Peraturan Pemerintah Nomor 73 Tahun 2005 tentang Kelurahan".into(),
            ("dasar_unit", false) => "Undang-Undang Nomor 6 Tahun 2014 tentang Desa sebagaimana telah diubah terakhir dengan Undang-Undang Nomor 3 Tahun 2024".into(),
            ("pengawas_warga", true) => "Lembaga Pemberdayaan Masyarakat (LPM) Kelurahan".into(),
            ("pengawas_warga", false) => "Badan Permusyawaratan Desa (BPD)".into(),
            ("wilayah", true) => "Lingkungan".into(),
            ("wilayah", false) => "Dusun".into(),
            _ => return None,
        })
    }

    /// Replaces the `[token]`s of a shared text with this unit's words, in one pass (this runs
    /// for some 20,000 texts on every fresh start).
    fn fill(&self, text: &str, days: i64) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        let mut rest = text;
        while let Some(i) = rest.find('[') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let found = after
                .find(']')
                .and_then(|j| self.token(&after[..j], days).map(|v| (j, v)));
            match found {
                Some((j, v)) => {
                    out.push_str(&v);
                    rest = &after[j + 1..];
                }
                None => {
                    out.push('[');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// `2 (dua)`, as standards write numbers.
fn days_text(days: i64) -> String {
    let word = match days {
        1 => "satu",
        2 => "dua",
        3 => "tiga",
        5 => "lima",
        7 => "tujuh",
        14 => "empat belas",
        _ => return days.to_string(),
    };
    format!("{days} ({word})")
}

/// The fourteen components in the regulation's order.
fn standard(values: [String; 14]) -> Standard {
    Standard {
        components: COMPONENTS
            .iter()
            .zip(values)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn field(
    code: &str,
    label: &str,
    kind: FieldKind,
    required: bool,
    order: u32,
    description: &str,
) -> Field {
    Field {
        code: code.into(),
        label: label.into(),
        kind,
        required,
        order,
        description: description.into(),
        choices: Vec::new(),
    }
}

fn choice_field(
    code: &str,
    label: &str,
    required: bool,
    order: u32,
    description: &str,
    choices: &[(&str, &str)],
) -> Field {
    Field {
        choices: choices
            .iter()
            .map(|(key, name)| Choice {
                key: key.to_string(),
                name: name.to_string(),
            })
            .collect(),
        ..field(
            code,
            label,
            FieldKind::SingleChoice,
            required,
            order,
            description,
        )
    }
}

// --- the six letter services of every village and ward ---

/// One letter service as every village and ward offers it; `[tokens]` are filled per unit.
struct LetterService {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    days: i64,
    classification: &'static str,
    title: &'static str,
    requirements: &'static str,
    legal: &'static str,
    form: fn() -> Form,
    /// The body after the opening sentence, paragraphs separated by blank lines.
    body: &'static str,
    /// Whom the letter is about when not the applicant.
    subject: &'static str,
}

const OPENING: &str = "Yang bertanda tangan di bawah ini, {kepala}, [jabatan] [nama_unit], Kecamatan [kecamatan], Kabupaten Trenggalek, menerangkan dengan sebenarnya bahwa";

const RESIDENT: &str = "Nama: {nama}\n\nNIK: {nik}\n\nTempat, tanggal lahir: {tempat_lahir}, {tanggal_lahir}\n\nJenis kelamin: {jenis_kelamin}\n\nAlamat: {alamat}, RT {rt} RW {rw}, [wilayah] {dusun}, [unit], Kecamatan [kecamatan]";

const APPLICANT: &str = "{nama} (NIK {nik}), penduduk [unit] yang beralamat di {alamat}, RT {rt} RW {rw}, [wilayah] {dusun}";

const CLOSING: &str = "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya.";

fn form_domicile() -> Form {
    Form {
        fields: vec![field(
            "keperluan",
            "Keperluan surat",
            FieldKind::Text,
            true,
            1,
            "Misalnya: melamar pekerjaan, membuka rekening bank, mendaftar sekolah.",
        )],
    }
}

fn form_business() -> Form {
    Form {
        fields: vec![
            field(
                "nama_usaha",
                "Nama usaha",
                FieldKind::String,
                true,
                1,
                "Nama yang dikenal pembeli, misalnya \"Warung Makan Bu Siti\".",
            ),
            choice_field(
                "jenis_usaha",
                "Jenis usaha",
                true,
                2,
                "",
                &[
                    ("perdagangan", "Perdagangan / toko kelontong"),
                    ("kuliner", "Kuliner / warung makan"),
                    ("pertanian", "Pertanian / perkebunan"),
                    ("peternakan", "Peternakan / perikanan"),
                    ("industri_rumahan", "Kerajinan / industri rumahan"),
                    ("jasa", "Jasa"),
                ],
            ),
            field(
                "alamat_usaha",
                "Alamat tempat usaha",
                FieldKind::Text,
                true,
                3,
                "Jalan, RT/RW, dusun, atau patokan yang mudah ditemukan.",
            ),
            field(
                "mulai_usaha",
                "Mulai usaha",
                FieldKind::Date,
                false,
                4,
                "Perkiraan tanggal usaha mulai berjalan.",
            ),
        ],
    }
}

fn form_poverty() -> Form {
    Form {
        fields: vec![
            choice_field(
                "keperluan",
                "Keperluan",
                true,
                1,
                "",
                &[
                    (
                        "pendidikan",
                        "Pendidikan (beasiswa atau keringanan biaya sekolah)",
                    ),
                    ("kesehatan", "Kesehatan (berobat atau rawat inap)"),
                    ("bantuan_sosial", "Bantuan sosial"),
                ],
            ),
            field(
                "tujuan",
                "Lembaga atau instansi tujuan",
                FieldKind::String,
                true,
                2,
                "Misalnya: nama sekolah, rumah sakit, atau program bantuan.",
            ),
            field(
                "foto_rumah",
                "Foto rumah tampak depan",
                FieldKind::File,
                false,
                3,
                "JPEG, PNG atau PDF. Bisa juga diserahkan di loket.",
            ),
        ],
    }
}

fn form_police() -> Form {
    Form {
        fields: vec![field(
            "keperluan",
            "Keperluan SKCK",
            FieldKind::Text,
            true,
            1,
            "Misalnya: melamar pekerjaan, pendaftaran sekolah kedinasan, pencalonan perangkat desa.",
        )],
    }
}

fn form_birth() -> Form {
    Form {
        fields: vec![
            field("nama_bayi", "Nama bayi", FieldKind::String, true, 1, ""),
            field(
                "tanggal_lahir_bayi",
                "Tanggal lahir bayi",
                FieldKind::Date,
                true,
                2,
                "",
            ),
            field(
                "tempat_lahir_bayi",
                "Tempat lahir bayi",
                FieldKind::String,
                true,
                3,
                "Rumah sakit, puskesmas, bidan praktik, atau rumah.",
            ),
            choice_field(
                "jenis_kelamin_bayi",
                "Jenis kelamin bayi",
                true,
                4,
                "",
                &[("laki_laki", "Laki-laki"), ("perempuan", "Perempuan")],
            ),
            field(
                "nama_ibu",
                "Nama ibu",
                FieldKind::String,
                true,
                5,
                "Sesuai KTP-el.",
            ),
            field(
                "nama_ayah",
                "Nama ayah",
                FieldKind::String,
                true,
                6,
                "Sesuai KTP-el.",
            ),
        ],
    }
}

fn form_death() -> Form {
    Form {
        fields: vec![
            field(
                "nama_almarhum",
                "Nama almarhum/almarhumah",
                FieldKind::String,
                true,
                1,
                "Sesuai KTP-el atau Kartu Keluarga.",
            ),
            field(
                "tanggal_meninggal",
                "Tanggal meninggal",
                FieldKind::Date,
                true,
                2,
                "",
            ),
            field(
                "tempat_meninggal",
                "Tempat meninggal",
                FieldKind::String,
                true,
                3,
                "Rumah, rumah sakit, atau tempat lain.",
            ),
            field(
                "sebab",
                "Sebab meninggal",
                FieldKind::String,
                true,
                4,
                "Misalnya: sakit, usia lanjut, kecelakaan.",
            ),
        ],
    }
}

const LETTER_SERVICES: [LetterService; 6] = [
    LetterService {
        slug: "domisili",
        name: "Surat Keterangan Domisili",
        description: "Keterangan bahwa pemohon benar berdomisili di [unit], untuk melamar pekerjaan, membuka rekening, mendaftar sekolah dan keperluan lain.",
        days: 1,
        classification: "470",
        title: "SURAT KETERANGAN DOMISILI",
        requirements: "1. KTP-el dan Kartu Keluarga pemohon (asli diperlihatkan atau foto yang jelas);\n2. Surat pengantar Ketua RT/RW setempat;\n3. Pemohon terdaftar dalam register penduduk [unit];\n4. Mengisi formulir permohonan (keperluan surat).",
        legal: "Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil",
        form: form_domicile,
        body: ":\n\n[resident]\n\nadalah benar penduduk [unit] yang berdomisili di alamat tersebut di atas, sesuai dengan register penduduk [unit].\n\nSurat keterangan ini diberikan untuk keperluan: {isian.keperluan}.\n\n[closing]",
        subject: "",
    },
    LetterService {
        slug: "usaha",
        name: "Surat Keterangan Usaha",
        description: "Keterangan bahwa pemohon menjalankan usaha di [unit], untuk pengajuan kredit usaha rakyat, pendaftaran NIB dan bantuan usaha.",
        days: 2,
        classification: "500",
        title: "SURAT KETERANGAN USAHA",
        requirements: "1. KTP-el dan Kartu Keluarga pemohon;\n2. Surat pengantar Ketua RT/RW setempat;\n3. Foto tempat usaha;\n4. Tempat usaha berada di wilayah [unit];\n5. Mengisi formulir permohonan (nama, jenis, alamat dan mulai usaha).",
        legal: "Undang-Undang Nomor 20 Tahun 2008 tentang Usaha Mikro, Kecil, dan Menengah;\n8. Peraturan Pemerintah Nomor 7 Tahun 2021 tentang Kemudahan, Pelindungan, dan Pemberdayaan Koperasi dan Usaha Mikro, Kecil, dan Menengah",
        form: form_business,
        body: ":\n\n[resident]\n\nadalah benar penduduk [unit] yang menjalankan usaha sebagai berikut:\n\nNama usaha: {isian.nama_usaha}\n\nJenis usaha: {isian.jenis_usaha}\n\nAlamat usaha: {isian.alamat_usaha}\n\nMulai usaha: {isian.mulai_usaha}\n\nSurat keterangan ini berlaku 6 (enam) bulan sejak tanggal diterbitkan dan dapat dipergunakan untuk keperluan administrasi usaha, antara lain pengajuan kredit usaha rakyat dan pendaftaran Nomor Induk Berusaha.\n\n[closing]",
        subject: "",
    },
    LetterService {
        slug: "tidak-mampu",
        name: "Surat Keterangan Tidak Mampu",
        description: "Keterangan keluarga tidak mampu (SKTM) untuk keringanan biaya pendidikan, pengobatan, atau pengajuan bantuan sosial.",
        days: 2,
        classification: "400",
        title: "SURAT KETERANGAN TIDAK MAMPU",
        requirements: "1. KTP-el dan Kartu Keluarga pemohon;\n2. Surat pengantar Ketua RT/RW yang menerangkan kondisi ekonomi keluarga;\n3. Foto rumah tampak depan dan bagian dalam;\n4. Surat pernyataan tidak mampu yang ditandatangani pemohon;\n5. Nama lembaga tujuan (sekolah, rumah sakit, atau program bantuan).",
        legal: "Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin",
        form: form_poverty,
        body: ":\n\n[resident]\n\nNomor Kartu Keluarga: {kk}\n\nadalah benar penduduk [unit] dan berdasarkan data serta pengetahuan kami, keluarga tersebut tergolong keluarga tidak mampu.\n\nSurat keterangan ini diberikan untuk keperluan {isian.keperluan} pada {isian.tujuan}.\n\nApabila di kemudian hari keterangan ini terbukti tidak benar, pemohon bersedia menerima sanksi sesuai ketentuan peraturan perundang-undangan.\n\n[closing]",
        subject: "",
    },
    LetterService {
        slug: "skck",
        name: "Surat Pengantar SKCK",
        description: "Surat pengantar berkelakuan baik dari [unit] sebagai kelengkapan permohonan Surat Keterangan Catatan Kepolisian (SKCK).",
        days: 1,
        classification: "331",
        title: "SURAT PENGANTAR",
        requirements: "1. KTP-el dan Kartu Keluarga pemohon;\n2. Surat pengantar Ketua RT/RW setempat;\n3. Pas foto berwarna ukuran 4x6 sebanyak 2 (dua) lembar;\n4. Mengisi formulir permohonan (keperluan SKCK).",
        legal: "Undang-Undang Nomor 2 Tahun 2002 tentang Kepolisian Negara Republik Indonesia",
        form: form_police,
        body: ":\n\n[resident]\n\nadalah benar penduduk [unit] dan sepanjang pengetahuan kami berkelakuan baik, tidak pernah terlibat tindak pidana, serta tidak sedang dalam proses perkara.\n\nSurat pengantar ini diberikan sebagai kelengkapan permohonan Surat Keterangan Catatan Kepolisian (SKCK) di Kepolisian Sektor [kecamatan] atau Kepolisian Resor Trenggalek, untuk keperluan: {isian.keperluan}.\n\nDemikian surat pengantar ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
        subject: "",
    },
    LetterService {
        slug: "kelahiran",
        name: "Surat Keterangan Kelahiran",
        description: "Keterangan kelahiran dari [unit] sebagai kelengkapan pengurusan Akta Kelahiran di Dinas Kependudukan dan Pencatatan Sipil.",
        days: 2,
        classification: "474.1",
        title: "SURAT KETERANGAN KELAHIRAN",
        requirements: "1. Surat keterangan lahir dari bidan, puskesmas, atau rumah sakit;\n2. KTP-el orang tua dan Kartu Keluarga;\n3. Buku nikah atau akta perkawinan orang tua;\n4. KTP-el dua orang saksi untuk kelahiran di rumah;\n5. Mengisi formulir permohonan (data bayi dan orang tua).",
        legal: "Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil",
        form: form_birth,
        body: " telah lahir seorang anak:\n\nNama: {isian.nama_bayi}\n\nJenis kelamin: {isian.jenis_kelamin_bayi}\n\nTempat, tanggal lahir: {isian.tempat_lahir_bayi}, {isian.tanggal_lahir_bayi}\n\nNama ibu: {isian.nama_ibu}\n\nNama ayah: {isian.nama_ayah}\n\nSurat keterangan ini diberikan atas permohonan [applicant], sebagai kelengkapan pengurusan Akta Kelahiran pada Dinas Kependudukan dan Pencatatan Sipil Kabupaten Trenggalek.\n\n[closing]",
        subject: "{isian.nama_bayi}",
    },
    LetterService {
        slug: "kematian",
        name: "Surat Keterangan Kematian",
        description: "Keterangan kematian dari [unit] sebagai kelengkapan pengurusan Akta Kematian, ahli waris, dan klaim santunan.",
        days: 2,
        classification: "474.3",
        title: "SURAT KETERANGAN KEMATIAN",
        requirements: "1. Surat keterangan kematian dari rumah sakit atau puskesmas, atau keterangan dua orang saksi untuk kematian di rumah;\n2. KTP-el dan Kartu Keluarga almarhum/almarhumah;\n3. KTP-el pemohon (keluarga atau ahli waris);\n4. Mengisi formulir permohonan (nama, tanggal, tempat dan sebab kematian).",
        legal: "Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil",
        form: form_death,
        body: ":\n\nNama: {isian.nama_almarhum}\n\ntelah meninggal dunia pada tanggal {isian.tanggal_meninggal} di {isian.tempat_meninggal} karena {isian.sebab}.\n\nSurat keterangan ini diberikan atas permohonan [applicant], sebagai kelengkapan pengurusan Akta Kematian pada Dinas Kependudukan dan Pencatatan Sipil Kabupaten Trenggalek.\n\n[closing]",
        subject: "{isian.nama_almarhum}",
    },
];

const PROCEDURE: &str = "1. Pemohon mengajukan permohonan melalui Anjungan (layanan daring), WhatsApp, telepon, atau datang langsung ke loket [kantor].\n2. Petugas memeriksa kelengkapan persyaratan dan mencocokkan NIK pemohon dengan register penduduk [unit]; permohonan yang belum lengkap dikembalikan dengan catatan perbaikan.\n3. Permohonan yang lengkap diverifikasi oleh [sekretaris] dan diteruskan kepada [jabatan].\n4. [jabatan] menyetujui dan menandatangani surat secara elektronik; nomor surat diberikan otomatis.\n5. Pemohon menerima pemberitahuan, lalu mengunduh surat dengan kode lacak atau mengambilnya di [kantor].";

const COMPLAINTS: &str = "Pengaduan, saran dan masukan disampaikan melalui menu Pengaduan di Anjungan, kotak saran di [kantor], WhatsApp [unit], atau SP4N-LAPOR! (www.lapor.go.id) dengan menyebutkan nomor permohonan. Setiap pengaduan ditanggapi paling lama 5 (lima) hari kerja.";

const FACILITIES: &str = "Ruang pelayanan dan ruang tunggu [kantor]; komputer, printer dan jaringan internet; Anjungan Petung Dadi untuk layanan daring; papan informasi standar pelayanan; kotak saran; toilet dan jalur kursi roda.";

const COMPETENCE: &str = "Petugas memahami administrasi kependudukan dan tata naskah dinas, mampu mengoperasikan komputer dan aplikasi Anjungan, menjaga kerahasiaan data pribadi, serta melayani dengan ramah dan sopan.";

const SUPERVISION: &str = "Pengawasan melekat oleh [jabatan] [nama_unit] dan [sekretaris]; pembinaan dan pengawasan oleh Camat [kecamatan] dan Inspektorat Kabupaten Trenggalek; pengawasan masyarakat melalui [pengawas_warga].";

const STAFFING: &str = "3 (tiga) orang: [sekretaris] sebagai operator pelayanan, Kepala Seksi Pemerintahan sebagai pemeriksa berkas, dan [jabatan] sebagai penandatangan surat.";

const GUARANTEE: &str = "[unit] menjamin pelayanan diberikan sesuai standar pelayanan ini, tanpa pungutan biaya, dan selesai paling lama [hari] hari kerja sejak permohonan lengkap. Keterlambatan dapat diadukan dan ditindaklanjuti oleh [jabatan].";

const SECURITY: &str = "Data pribadi pemohon (NIK, nomor KK, alamat, nomor telepon) disimpan terenkripsi, ditampilkan tersamar, dan hanya dibuka oleh petugas [unit] sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi. Surat ditandatangani secara elektronik dan keasliannya dapat diperiksa melalui kode QR.";

const EVALUATION: &str = "Evaluasi kinerja petugas dilakukan setiap 6 (enam) bulan oleh [jabatan] berdasarkan hasil Survei Kepuasan Masyarakat (SKM), capaian waktu penyelesaian di Anjungan, dan tindak lanjut pengaduan.";

fn letter_service(u: &Unit, s: &LetterService) -> ServiceInput {
    let fill = |t: &str| u.fill(t, s.days);
    let legal = format!(
        "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n2. [dasar_unit];\n3. Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana telah diubah dengan Undang-Undang Nomor 24 Tahun 2013;\n4. Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik beserta perubahannya;\n5. Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi;\n6. Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan;\n7. {}.",
        s.legal
    );
    let body = format!("{OPENING}{}", s.body)
        .replace("[resident]", RESIDENT)
        .replace("[applicant]", APPLICANT)
        .replace("[closing]", CLOSING);
    ServiceInput {
        code: format!("{}.{}", u.code, s.slug),
        name: s.name.into(),
        description: fill(s.description),
        category: format!("Surat keterangan {}", u.kind().to_lowercase()),
        days: s.days,
        cost: 0,
        needs_resident: true,
        public_location: false,
        standard: standard([
            fill(s.requirements),
            fill(PROCEDURE),
            fill(
                "[hari] hari kerja sejak permohonan dinyatakan lengkap. Selama permohonan dikembalikan untuk perbaikan, waktu penyelesaian dihentikan sementara.",
            ),
            "Tidak dipungut biaya (gratis).".into(),
            fill(&format!(
                "{} yang ditandatangani secara elektronik oleh [jabatan] [nama_unit], dengan nomor surat dan kode QR untuk memeriksa keasliannya; dapat diunduh dengan kode lacak atau diambil di [kantor].",
                s.name
            )),
            fill(COMPLAINTS),
            fill(&legal),
            fill(FACILITIES),
            fill(COMPETENCE),
            fill(SUPERVISION),
            fill(STAFFING),
            fill(GUARANTEE),
            fill(SECURITY),
            fill(EVALUATION),
        ]),
        form: (s.form)(),
        letter: Some(LetterTemplate {
            title: s.title.into(),
            numbering: "{klasifikasi}/{urut}/{unit}/{tahun}".into(),
            classification: s.classification.into(),
            body: fill(&body),
            signer_title: u.head().into(),
            subject: s.subject.into(),
        }),
        active: true,
    }
}

// --- agency services ---

/// (agency code, slug, name, description, category, days, form, [requirements, procedure,
/// product, legal basis, staffing]).
type AgencyService = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    fn() -> Form,
    [&'static str; 5],
);

fn form_ktp() -> Form {
    Form {
        fields: vec![
            choice_field(
                "lokasi",
                "Tempat perekaman",
                true,
                1,
                "",
                &[
                    ("dinas", "Kantor Dispendukcapil, Trenggalek"),
                    ("kecamatan", "Kantor kecamatan"),
                    (
                        "jemput_bola",
                        "Jemput bola ke rumah (lansia, sakit, disabilitas)",
                    ),
                ],
            ),
            field(
                "tanggal",
                "Tanggal yang diinginkan",
                FieldKind::Date,
                false,
                2,
                "Pada hari kerja; petugas mengonfirmasi jadwal.",
            ),
            field(
                "keterangan",
                "Kebutuhan khusus",
                FieldKind::Text,
                false,
                3,
                "Untuk jemput bola: kondisi pemohon dan patokan rumah.",
            ),
        ],
    }
}

fn form_birth_certificate() -> Form {
    Form {
        fields: vec![
            field("nama_anak", "Nama anak", FieldKind::String, true, 1, ""),
            field(
                "tanggal_lahir_anak",
                "Tanggal lahir anak",
                FieldKind::Date,
                true,
                2,
                "",
            ),
            field(
                "tempat_lahir_anak",
                "Tempat lahir anak",
                FieldKind::String,
                true,
                3,
                "",
            ),
            field(
                "nomor_kk",
                "Nomor Kartu Keluarga",
                FieldKind::String,
                true,
                4,
                "16 angka, tertera di Kartu Keluarga.",
            ),
        ],
    }
}

fn form_micro_business() -> Form {
    Form {
        fields: vec![
            field("nama_usaha", "Nama usaha", FieldKind::String, true, 1, ""),
            field(
                "kbli",
                "Kode KBLI",
                FieldKind::String,
                false,
                2,
                "Bila sudah diketahui; petugas membantu menentukan.",
            ),
            field(
                "modal",
                "Modal usaha (rupiah)",
                FieldKind::Number,
                true,
                3,
                "Di luar tanah dan bangunan tempat usaha.",
            ),
            field(
                "alamat_usaha",
                "Alamat tempat usaha",
                FieldKind::Text,
                true,
                4,
                "",
            ),
        ],
    }
}

fn form_consultation() -> Form {
    Form {
        fields: vec![
            choice_field(
                "topik",
                "Topik konsultasi",
                true,
                1,
                "",
                &[
                    ("nib", "Nomor Induk Berusaha (NIB) melalui OSS"),
                    ("pbg", "Persetujuan Bangunan Gedung (PBG)"),
                    (
                        "pirt",
                        "Sertifikat produksi pangan industri rumah tangga (SPP-IRT)",
                    ),
                    ("lainnya", "Perizinan lainnya"),
                ],
            ),
            field("pertanyaan", "Pertanyaan", FieldKind::Text, true, 2, ""),
            field(
                "jadwal",
                "Tanggal konsultasi yang diinginkan",
                FieldKind::Date,
                false,
                3,
                "",
            ),
        ],
    }
}

fn form_internet() -> Form {
    Form {
        fields: vec![
            choice_field(
                "jenis_gangguan",
                "Jenis gangguan",
                true,
                1,
                "",
                &[
                    ("mati", "Internet mati total"),
                    ("lambat", "Koneksi sangat lambat atau putus-sambung"),
                    ("wifi_publik", "WiFi publik desa tidak dapat diakses"),
                    ("perangkat", "Perangkat (router, menara, panel surya) rusak"),
                ],
            ),
            field(
                "uraian",
                "Uraian gangguan",
                FieldKind::Text,
                true,
                2,
                "Sejak kapan, di titik akses mana, dan berapa warga yang terdampak.",
            ),
        ],
    }
}

const AGENCY_SERVICES: [AgencyService; 5] = [
    (
        "DISPENDUKCAPIL",
        "perekaman-ktp-el",
        "Perekaman KTP Elektronik",
        "Perekaman data biometrik (foto, sidik jari, iris mata dan tanda tangan) untuk penerbitan KTP-el, di kantor dinas, di kecamatan, atau jemput bola bagi lansia dan penyandang disabilitas.",
        "Administrasi kependudukan",
        1,
        form_ktp,
        [
            "1. Telah berusia 17 tahun, sudah kawin, atau pernah kawin;\n2. Kartu Keluarga (asli diperlihatkan);\n3. Terdaftar sebagai penduduk Kabupaten Trenggalek.",
            "1. Pemohon mendaftar melalui Anjungan, WhatsApp, atau langsung ke loket;\n2. Petugas memeriksa data pada basis data kependudukan dan mengonfirmasi jadwal;\n3. Pemohon datang sesuai jadwal (atau dikunjungi petugas jemput bola) untuk perekaman biometrik;\n4. KTP-el dicetak dan diserahkan, atau dikirim melalui kecamatan.",
            "Data biometrik terekam dan KTP Elektronik tercetak.",
            "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n2. Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana telah diubah dengan Undang-Undang Nomor 24 Tahun 2013;\n3. Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil;\n4. Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan.",
            "6 (enam) orang petugas perekaman di kantor dinas dan 1 (satu) tim jemput bola.",
        ],
    ),
    (
        "DISPENDUKCAPIL",
        "akta-kelahiran",
        "Akta Kelahiran",
        "Penerbitan kutipan Akta Kelahiran bagi anak yang lahir dari penduduk Kabupaten Trenggalek, dengan Kartu Keluarga yang diperbarui.",
        "Pencatatan sipil",
        14,
        form_birth_certificate,
        [
            "1. Surat keterangan kelahiran dari desa/kelurahan atau surat keterangan lahir dari fasilitas kesehatan;\n2. Kartu Keluarga dan KTP-el orang tua;\n3. Buku nikah atau akta perkawinan orang tua, atau Surat Pernyataan Tanggung Jawab Mutlak (SPTJM);\n4. KTP-el dua orang saksi bila diperlukan.",
            "1. Pemohon mengajukan permohonan melalui Anjungan atau loket dinas;\n2. Petugas memverifikasi berkas dan data kependudukan; berkas yang belum lengkap dikembalikan dengan catatan;\n3. Pejabat pencatatan sipil mencatat kelahiran dan menandatangani akta;\n4. Akta Kelahiran dan Kartu Keluarga baru diterbitkan dalam bentuk dokumen elektronik yang dapat dicetak sendiri.",
            "Kutipan Akta Kelahiran dan Kartu Keluarga yang diperbarui.",
            "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n2. Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana telah diubah dengan Undang-Undang Nomor 24 Tahun 2013;\n3. Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil;\n4. Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan.",
            "4 (empat) orang petugas verifikasi dan 1 (satu) pejabat pencatatan sipil.",
        ],
    ),
    (
        "DPMPTSP",
        "izin-usaha-mikro-kecil",
        "Izin Usaha Mikro Kecil",
        "Pendampingan perizinan berusaha bagi usaha mikro dan kecil: Nomor Induk Berusaha (NIB) melalui OSS berbasis risiko, sebagai legalitas usaha dan syarat kredit usaha rakyat.",
        "Perizinan berusaha",
        3,
        form_micro_business,
        [
            "1. KTP-el pemilik usaha;\n2. Nomor Pokok Wajib Pajak (NPWP) bila ada;\n3. Alamat surat elektronik dan nomor telepon aktif;\n4. Surat Keterangan Usaha dari desa/kelurahan.",
            "1. Pemohon mengajukan permohonan melalui Anjungan atau datang ke Mal Pelayanan Publik;\n2. Petugas membantu membuat akun dan mengisi data usaha di sistem OSS;\n3. NIB terbit melalui OSS dan dikirim ke surat elektronik pemohon;\n4. Petugas menyampaikan penjelasan kewajiban setelah NIB terbit.",
            "Nomor Induk Berusaha (NIB) yang berlaku sebagai izin usaha mikro dan kecil.",
            "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n2. Undang-Undang Nomor 20 Tahun 2008 tentang Usaha Mikro, Kecil, dan Menengah;\n3. Peraturan Pemerintah Nomor 5 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko;\n4. Peraturan Pemerintah Nomor 7 Tahun 2021 tentang Kemudahan, Pelindungan, dan Pemberdayaan Koperasi dan Usaha Mikro, Kecil, dan Menengah.",
            "3 (tiga) orang petugas front office dan 1 (satu) petugas verifikasi.",
        ],
    ),
    (
        "DPMPTSP",
        "konsultasi-perizinan",
        "Konsultasi Perizinan Berusaha",
        "Konsultasi tatap muka atau daring tentang persyaratan dan alur perizinan: NIB, Persetujuan Bangunan Gedung, SPP-IRT, dan perizinan lain.",
        "Perizinan berusaha",
        1,
        form_consultation,
        [
            "1. KTP-el pemohon;\n2. Uraian singkat rencana usaha atau bangunan;\n3. Dokumen pendukung yang sudah dimiliki (bila ada).",
            "1. Pemohon mengajukan jadwal dan pertanyaan melalui Anjungan, WhatsApp, atau loket;\n2. Petugas menetapkan jadwal dan konsultan perizinan yang sesuai;\n3. Konsultasi dilakukan tatap muka di Mal Pelayanan Publik atau melalui panggilan video;\n4. Ringkasan hasil konsultasi dikirim kepada pemohon.",
            "Ringkasan hasil konsultasi berisi persyaratan dan langkah perizinan yang harus ditempuh.",
            "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n2. Peraturan Pemerintah Nomor 5 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko;\n3. Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan.",
            "2 (dua) orang konsultan perizinan.",
        ],
    ),
    (
        "DISKOMINFO",
        "gangguan-internet-desa",
        "Pengaduan gangguan internet desa",
        "Laporan gangguan jaringan internet desa, WiFi publik dan titik akses di balai desa; petugas Diskominfo menindaklanjuti bersama penyedia jaringan.",
        "Infrastruktur TIK",
        3,
        form_internet,
        [
            "1. Nama dan nomor telepon pelapor yang dapat dihubungi;\n2. Lokasi titik akses yang terganggu (alamat atau titik peta);\n3. Uraian gangguan.",
            "1. Pelapor menyampaikan laporan melalui Anjungan, Open311, WhatsApp, atau telepon;\n2. Petugas memeriksa pemantauan jaringan dan menghubungi pelapor;\n3. Petugas memperbaiki perangkat atau meneruskan gangguan kepada penyedia jaringan;\n4. Pelapor menerima pemberitahuan setelah gangguan tertangani.",
            "Gangguan jaringan tertangani dan laporan tindak lanjut.",
            "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n2. Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik;\n3. Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan.",
            "4 (empat) orang teknisi jaringan dan 1 (satu) operator layanan.",
        ],
    ),
];

fn agency_service(code: &str, agency: &str, s: &AgencyService) -> ServiceInput {
    let (_, slug, name, description, category, days, form, [req, proc, product, legal, staff]) = s;
    let days = *days;
    ServiceInput {
        code: format!("{code}.{slug}"),
        name: name.to_string(),
        description: description.to_string(),
        category: category.to_string(),
        days,
        cost: 0,
        needs_resident: false,
        // A village's outage is about a place: Open311 readers see where.
        public_location: *slug == "gangguan-internet-desa",
        standard: standard([
            req.to_string(),
            proc.to_string(),
            format!("{} hari kerja sejak permohonan dinyatakan lengkap.", days_text(days)),
            "Tidak dipungut biaya (gratis).".into(),
            product.to_string(),
            format!("Pengaduan, saran dan masukan disampaikan melalui menu Pengaduan di Anjungan, loket pengaduan {agency}, atau SP4N-LAPOR! (www.lapor.go.id). Setiap pengaduan ditanggapi paling lama 5 (lima) hari kerja."),
            legal.to_string(),
            format!("Ruang pelayanan dan ruang tunggu {agency}, komputer dan jaringan internet, Anjungan Petung Dadi, papan informasi standar pelayanan, kotak saran, toilet dan jalur kursi roda."),
            "Petugas menguasai peraturan dan aplikasi layanan, mampu berkomunikasi dengan baik, dan menjaga kerahasiaan data pribadi.".into(),
            format!("Pengawasan melekat oleh kepala bidang dan Kepala {agency}; pengawasan fungsional oleh Inspektorat Kabupaten Trenggalek; pengawasan masyarakat melalui pengaduan."),
            staff.to_string(),
            format!("{agency} menjamin pelayanan sesuai standar ini, tanpa pungutan biaya, dan selesai paling lama {} hari kerja.", days_text(days)),
            "Data pribadi pemohon disimpan terenkripsi dan hanya dibuka oleh petugas yang berwenang, sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi; ruang pelayanan dilengkapi alat pemadam api ringan dan jalur evakuasi.".into(),
            "Evaluasi kinerja petugas setiap 6 (enam) bulan berdasarkan hasil Survei Kepuasan Masyarakat (SKM), capaian waktu penyelesaian, dan tindak lanjut pengaduan.".into(),
        ]),
        form: form(),
        letter: None,
        active: true,
    }
}

// --- resident registers ---

/// (NIK, KK, name, birth place, birth date, sex, address, RT, RW, hamlet).
type Row10 = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const NGLINGGIS_RESIDENTS: &[Row10] = &[
    (
        "3503051203850001",
        "3503050101090007",
        "Budi Santoso",
        "Trenggalek",
        "1985-03-12",
        "L",
        "Jl. Raya Nglinggis No. 4",
        "002",
        "001",
        "Krajan",
    ),
    (
        "3503055203900002",
        "3503050101090007",
        "Sri Wahyuni",
        "Tulungagung",
        "1990-03-12",
        "P",
        "Jl. Raya Nglinggis No. 4",
        "002",
        "001",
        "Krajan",
    ),
    (
        "3503052107120003",
        "3503050101090007",
        "Aditya Putra Santoso",
        "Trenggalek",
        "2012-07-21",
        "L",
        "Jl. Raya Nglinggis No. 4",
        "002",
        "001",
        "Krajan",
    ),
    (
        "3503050511680004",
        "3503051506100003",
        "Sutrisno",
        "Trenggalek",
        "1968-11-05",
        "L",
        "Jl. Raya Nglinggis No. 11",
        "001",
        "001",
        "Krajan",
    ),
    (
        "3503055702710005",
        "3503051506100003",
        "Suparmi",
        "Trenggalek",
        "1971-02-17",
        "P",
        "Jl. Raya Nglinggis No. 11",
        "001",
        "001",
        "Krajan",
    ),
    (
        "3503057009960006",
        "3503051506100003",
        "Dwi Lestari",
        "Trenggalek",
        "1996-09-30",
        "P",
        "Jl. Raya Nglinggis No. 11",
        "001",
        "001",
        "Krajan",
    ),
    (
        "3503050804790007",
        "3503052003120011",
        "Agus Riyanto",
        "Trenggalek",
        "1979-04-08",
        "L",
        "Jl. Ngemplak No. 7",
        "003",
        "002",
        "Ngemplak",
    ),
    (
        "3503056512830008",
        "3503052003120011",
        "Siti Nur Hidayah",
        "Ponorogo",
        "1983-12-25",
        "P",
        "Jl. Ngemplak No. 7",
        "003",
        "002",
        "Ngemplak",
    ),
    (
        "3503051910050009",
        "3503052003120011",
        "Rizky Ramadhan",
        "Trenggalek",
        "2005-10-19",
        "L",
        "Jl. Ngemplak No. 7",
        "003",
        "002",
        "Ngemplak",
    ),
    (
        "3503051406410010",
        "3503051108150002",
        "Kasiran",
        "Trenggalek",
        "1941-06-14",
        "L",
        "Jl. Ngemplak No. 15",
        "004",
        "002",
        "Ngemplak",
    ),
    (
        "3503054108450011",
        "3503051108150002",
        "Tukinem",
        "Trenggalek",
        "1945-08-01",
        "P",
        "Jl. Ngemplak No. 15",
        "004",
        "002",
        "Ngemplak",
    ),
    (
        "3503052701880012",
        "3503050704180009",
        "Eko Prasetyo",
        "Trenggalek",
        "1988-01-27",
        "L",
        "Jl. Ngemplak No. 22",
        "004",
        "002",
        "Ngemplak",
    ),
    (
        "3503054905920013",
        "3503050704180009",
        "Yuliana Dewi",
        "Kediri",
        "1992-05-09",
        "P",
        "Jl. Ngemplak No. 22",
        "004",
        "002",
        "Ngemplak",
    ),
    (
        "3503054211190014",
        "3503050704180009",
        "Nabila Putri Prasetyo",
        "Trenggalek",
        "2019-11-02",
        "P",
        "Jl. Ngemplak No. 22",
        "004",
        "002",
        "Ngemplak",
    ),
    (
        "3503051708750015",
        "3503052209110004",
        "Slamet Riyadi",
        "Trenggalek",
        "1975-08-17",
        "L",
        "Jl. Bendo No. 3",
        "005",
        "003",
        "Bendo",
    ),
    (
        "3503054303780016",
        "3503052209110004",
        "Winarsih",
        "Trenggalek",
        "1978-03-03",
        "P",
        "Jl. Bendo No. 3",
        "005",
        "003",
        "Bendo",
    ),
    (
        "3503050606000017",
        "3503052209110004",
        "Fajar Nugroho",
        "Trenggalek",
        "2000-06-06",
        "L",
        "Jl. Bendo No. 3",
        "005",
        "003",
        "Bendo",
    ),
    (
        "3503056204080018",
        "3503052209110004",
        "Ayu Wulandari",
        "Trenggalek",
        "2008-04-22",
        "P",
        "Jl. Bendo No. 3",
        "005",
        "003",
        "Bendo",
    ),
    (
        "3503050112900019",
        "3503050302200006",
        "Hendra Kurniawan",
        "Blitar",
        "1990-12-01",
        "L",
        "Jl. Bendo No. 18",
        "006",
        "003",
        "Bendo",
    ),
    (
        "3503055507940020",
        "3503050302200006",
        "Ratna Sari",
        "Trenggalek",
        "1994-07-15",
        "P",
        "Jl. Bendo No. 18",
        "006",
        "003",
        "Bendo",
    ),
    (
        "3503052802820021",
        "3503051901140008",
        "Joko Susilo",
        "Trenggalek",
        "1982-02-28",
        "L",
        "Jl. Raya Nglinggis No. 27",
        "001",
        "001",
        "Krajan",
    ),
    (
        "3503055010850022",
        "3503051901140008",
        "Endang Purwaningsih",
        "Trenggalek",
        "1985-10-10",
        "P",
        "Jl. Raya Nglinggis No. 27",
        "001",
        "001",
        "Krajan",
    ),
    (
        "3503050909970023",
        "3503052605160010",
        "Wahyu Hidayat",
        "Trenggalek",
        "1997-09-09",
        "L",
        "Jl. Ngemplak No. 31",
        "003",
        "002",
        "Ngemplak",
    ),
    (
        "3503057101630024",
        "3503052605160010",
        "Lilik Suryani",
        "Trenggalek",
        "1963-01-31",
        "P",
        "Jl. Ngemplak No. 31",
        "003",
        "002",
        "Ngemplak",
    ),
    (
        "3503052005600025",
        "3503052605160010",
        "Imam Syafii",
        "Trenggalek",
        "1960-05-20",
        "L",
        "Jl. Ngemplak No. 31",
        "003",
        "002",
        "Ngemplak",
    ),
];

/// Registers of four more units: Gading (Tugu), Karanggandu (Watulimo), Kelurahan Ngantru
/// (Trenggalek) and Besuki (Panggul).
const OTHER_RESIDENTS: &[(&str, &[Row10])] = &[
    (
        "35.03.05.2002",
        &[
            (
                "3503051506800001",
                "3503051203110005",
                "Sugeng Widodo",
                "Trenggalek",
                "1980-06-15",
                "L",
                "Jl. Raya Gading No. 8",
                "001",
                "001",
                "Krajan",
            ),
            (
                "3503056104840002",
                "3503051203110005",
                "Kartini",
                "Trenggalek",
                "1984-04-21",
                "P",
                "Jl. Raya Gading No. 8",
                "001",
                "001",
                "Krajan",
            ),
        ],
    ),
    (
        "35.03.08.2001",
        &[
            (
                "3503080309720001",
                "3503080907130002",
                "Suwarno",
                "Trenggalek",
                "1972-09-03",
                "L",
                "Jl. Raya Prigi No. 15",
                "003",
                "002",
                "Krajan",
            ),
            (
                "3503085112760002",
                "3503080907130002",
                "Sumiati",
                "Trenggalek",
                "1976-12-11",
                "P",
                "Jl. Raya Prigi No. 15",
                "003",
                "002",
                "Krajan",
            ),
            (
                "3503081402990003",
                "3503080907130002",
                "Bayu Saputra",
                "Trenggalek",
                "1999-02-14",
                "L",
                "Jl. Raya Prigi No. 15",
                "003",
                "002",
                "Krajan",
            ),
        ],
    ),
    (
        "35.03.11.1003",
        &[
            (
                "3503112508910001",
                "3503111402170003",
                "Andi Firmansyah",
                "Trenggalek",
                "1991-08-25",
                "L",
                "Jl. Soekarno-Hatta No. 21",
                "004",
                "002",
                "Ngantru Utara",
            ),
            (
                "3503114703930002",
                "3503111402170003",
                "Nurul Aini",
                "Malang",
                "1993-03-07",
                "P",
                "Jl. Soekarno-Hatta No. 21",
                "004",
                "002",
                "Ngantru Utara",
            ),
        ],
    ),
    (
        "35.03.01.2001",
        &[
            (
                "3503014210870001",
                "3503012801080004",
                "Sarmini",
                "Trenggalek",
                "1987-10-02",
                "P",
                "Jl. Raya Besuki No. 3",
                "002",
                "001",
                "Krajan",
            ),
            (
                "3503011901830002",
                "3503012801080004",
                "Tarno",
                "Trenggalek",
                "1983-01-19",
                "L",
                "Jl. Raya Besuki No. 3",
                "002",
                "001",
                "Krajan",
            ),
        ],
    ),
];

fn resident(r: &Row10) -> anyhow::Result<Resident> {
    let (nik, kk, name, place, born, sex, address, rt, rw, hamlet) = *r;
    let nik = Nik::parse(nik).map_err(|e| anyhow::anyhow!("demo NIK of {name}: {e}"))?;
    let birth_date = time::Date::parse(
        born,
        time::macros::format_description!("[year]-[month]-[day]"),
    )?;
    let sex = Sex::parse(sex).ok_or_else(|| anyhow::anyhow!("demo sex of {name}"))?;
    anyhow::ensure!(
        nik.agrees_with(birth_date, sex),
        "demo NIK of {name} disagrees with the birth date"
    );
    Ok(Resident {
        nik,
        kk: Kk::parse(kk).map_err(|e| anyhow::anyhow!("demo KK of {name}: {e}"))?,
        name: name.into(),
        birth_place: place.into(),
        birth_date,
        sex,
        address: address.into(),
        rt: rt.into(),
        rw: rw.into(),
        hamlet: hamlet.into(),
    })
}

// --- requests ---

/// What happens to a demo request after it is submitted.
#[derive(Clone, Copy)]
enum Go {
    Verify,
    Return(&'static str),
    Resubmit,
    Reject(&'static str),
    Sign,
    Deliver,
    Close,
    Cancel,
}

/// A demo request: service code, channel, applicant's NIK (from a register), name, phone, the
/// form answers, address and location (for the agencies' reports), and its path.
struct Plan {
    service: String,
    channel: Channel,
    nik: Option<&'static str>,
    applicant: &'static str,
    phone: &'static str,
    answers: &'static [(&'static str, &'static str)],
    place: (&'static str, &'static str, &'static str),
    path: &'static [Go],
}

#[allow(clippy::too_many_arguments)]
fn plan(
    unit: &str,
    slug: &str,
    channel: Channel,
    nik: &'static str,
    applicant: &'static str,
    phone: &'static str,
    answers: &'static [(&'static str, &'static str)],
    path: &'static [Go],
) -> Plan {
    Plan {
        service: format!("{unit}.{slug}"),
        channel,
        nik: Some(nik),
        applicant,
        phone,
        answers,
        place: ("", "", ""),
        path,
    }
}

fn plans() -> Vec<Plan> {
    use Channel::{Counter, Phone, Web, Whatsapp};
    use Go::*;
    let n = NGLINGGIS;
    let mut p = vec![
        // Just submitted, through each channel.
        plan(
            n,
            "domisili",
            Web,
            "3503055203900002",
            "Sri Wahyuni",
            "6281234500001",
            &[(
                "keperluan",
                "Melamar pekerjaan sebagai tenaga administrasi di Surabaya",
            )],
            &[],
        ),
        plan(
            n,
            "usaha",
            Whatsapp,
            "3503052802820021",
            "Joko Susilo",
            "6281234500002",
            &[
                ("nama_usaha", "Keripik Tempe Bu Endang"),
                ("jenis_usaha", "industri_rumahan"),
                (
                    "alamat_usaha",
                    "Jl. Raya Nglinggis No. 27, RT 001 RW 001, Dusun Krajan",
                ),
                ("mulai_usaha", "2017-05-02"),
            ],
            &[],
        ),
        plan(
            n,
            "skck",
            Phone,
            "3503050606000017",
            "Fajar Nugroho",
            "6281234500003",
            &[(
                "keperluan",
                "Melamar pekerjaan sebagai petugas keamanan di Kawasan Industri Kediri",
            )],
            &[],
        ),
        // Returned for correction, the SLA clock paused.
        plan(
            n,
            "tidak-mampu",
            Counter,
            "3503055702710005",
            "Suparmi",
            "6281234500004",
            &[
                ("keperluan", "kesehatan"),
                ("tujuan", "RSUD dr. Soedomo Trenggalek"),
            ],
            &[Return(
                "Mohon lengkapi surat pengantar RT/RW dan foto rumah tampak depan serta bagian dalam.",
            )],
        ),
        // Returned, corrected and submitted again.
        plan(
            n,
            "domisili",
            Web,
            "3503050112900019",
            "Hendra Kurniawan",
            "6281234500005",
            &[(
                "keperluan",
                "Membuka rekening tabungan di Bank Jatim Cabang Trenggalek",
            )],
            &[
                Return(
                    "Alamat pada permohonan berbeda dengan Kartu Keluarga; mohon dicek kembali.",
                ),
                Resubmit,
            ],
        ),
        // Rejected with a reason.
        plan(
            n,
            "usaha",
            Web,
            "3503050909970023",
            "Wahyu Hidayat",
            "6281234500006",
            &[
                ("nama_usaha", "Bengkel Motor Wahyu"),
                ("jenis_usaha", "jasa"),
                (
                    "alamat_usaha",
                    "Jl. Raya Kauman No. 9, Kabupaten Tulungagung",
                ),
            ],
            &[Reject(
                "Tempat usaha berada di Kabupaten Tulungagung; surat keterangan usaha diterbitkan oleh desa atau kelurahan tempat usaha berada.",
            )],
        ),
        // Verified, waiting for the head's signature.
        plan(
            n,
            "kelahiran",
            Counter,
            "3503052701880012",
            "Eko Prasetyo",
            "6281234500007",
            &[
                ("nama_bayi", "Muhammad Alif Prasetyo"),
                ("tanggal_lahir_bayi", "2026-11-20"),
                ("tempat_lahir_bayi", "Puskesmas Pucanganak, Kecamatan Tugu"),
                ("jenis_kelamin_bayi", "laki_laki"),
                ("nama_ibu", "Yuliana Dewi"),
                ("nama_ayah", "Eko Prasetyo"),
            ],
            &[Verify],
        ),
        // Signed and issued.
        plan(
            n,
            "domisili",
            Whatsapp,
            "3503057009960006",
            "Dwi Lestari",
            "6281234500008",
            &[(
                "keperluan",
                "Pendaftaran program magister di Universitas Negeri Malang",
            )],
            &[Verify, Sign],
        ),
        plan(
            n,
            "usaha",
            Web,
            "3503056512830008",
            "Siti Nur Hidayah",
            "6281234500009",
            &[
                ("nama_usaha", "Warung Makan Bu Siti"),
                ("jenis_usaha", "kuliner"),
                (
                    "alamat_usaha",
                    "Jl. Raya Nglinggis No. 30, dekat Anjungan Cerdas",
                ),
                ("mulai_usaha", "2019-07-01"),
            ],
            &[Verify, Sign],
        ),
        // Delivered.
        plan(
            n,
            "skck",
            Counter,
            "3503051910050009",
            "Rizky Ramadhan",
            "6281234500010",
            &[("keperluan", "Pendaftaran calon bintara Polri")],
            &[Verify, Sign, Deliver],
        ),
        // Closed.
        plan(
            n,
            "kematian",
            Phone,
            "3503050804790007",
            "Agus Riyanto",
            "6281234500011",
            &[
                ("nama_almarhum", "Kasiran"),
                ("tanggal_meninggal", "2026-11-16"),
                ("tempat_meninggal", "rumah keluarga, Jl. Ngemplak No. 15"),
                ("sebab", "sakit"),
            ],
            &[Verify, Sign, Deliver, Close],
        ),
        plan(
            n,
            "tidak-mampu",
            Web,
            "3503054303780016",
            "Winarsih",
            "6281234500012",
            &[
                ("keperluan", "pendidikan"),
                ("tujuan", "Pendaftaran KIP Kuliah atas nama Ayu Wulandari"),
            ],
            &[Verify, Sign, Deliver, Close],
        ),
        // Cancelled by the citizen.
        plan(
            n,
            "kelahiran",
            Web,
            "3503055507940020",
            "Ratna Sari",
            "6281234500013",
            &[
                ("nama_bayi", "Kirana Ayu Kurniawan"),
                ("tanggal_lahir_bayi", "2026-11-10"),
                ("tempat_lahir_bayi", "RSUD dr. Soedomo Trenggalek"),
                ("jenis_kelamin_bayi", "perempuan"),
                ("nama_ibu", "Ratna Sari"),
                ("nama_ayah", "Hendra Kurniawan"),
            ],
            &[Cancel],
        ),
        // Other villages and a ward: just submitted.
        plan(
            "35.03.05.2002",
            "domisili",
            Web,
            "3503056104840002",
            "Kartini",
            "6281234500014",
            &[(
                "keperluan",
                "Persyaratan pindah sekolah anak ke SD Negeri 2 Tugu",
            )],
            &[],
        ),
        plan(
            "35.03.05.2002",
            "usaha",
            Whatsapp,
            "3503051506800001",
            "Sugeng Widodo",
            "6281234500015",
            &[
                ("nama_usaha", "Toko Kelontong Widodo"),
                ("jenis_usaha", "perdagangan"),
                ("alamat_usaha", "Jl. Raya Gading No. 8, RT 001 RW 001"),
                ("mulai_usaha", "2015-03-01"),
            ],
            &[],
        ),
        plan(
            "35.03.08.2001",
            "skck",
            Counter,
            "3503081402990003",
            "Bayu Saputra",
            "6281234500016",
            &[(
                "keperluan",
                "Melamar kerja sebagai anak buah kapal di Pelabuhan Perikanan Nusantara Prigi",
            )],
            &[],
        ),
        plan(
            "35.03.08.2001",
            "tidak-mampu",
            Phone,
            "3503085112760002",
            "Sumiati",
            "6281234500017",
            &[
                ("keperluan", "kesehatan"),
                ("tujuan", "RSUD dr. Soedomo Trenggalek"),
            ],
            &[],
        ),
        plan(
            "35.03.11.1003",
            "domisili",
            Web,
            "3503112508910001",
            "Andi Firmansyah",
            "6281234500018",
            &[("keperluan", "Pendaftaran BPJS Ketenagakerjaan")],
            &[],
        ),
        plan(
            "35.03.01.2001",
            "kelahiran",
            Whatsapp,
            "3503014210870001",
            "Sarmini",
            "6281234500019",
            &[
                ("nama_bayi", "Putri Ayu Lestari"),
                ("tanggal_lahir_bayi", "2026-11-24"),
                ("tempat_lahir_bayi", "Puskesmas Panggul"),
                ("jenis_kelamin_bayi", "perempuan"),
                ("nama_ibu", "Sarmini"),
                ("nama_ayah", "Tarno"),
            ],
            &[],
        ),
    ];
    // Agency services: a birth certificate and two network reports with a place on the map.
    p.push(plan(
        "DISPENDUKCAPIL",
        "akta-kelahiran",
        Web,
        "3503052701880012",
        "Eko Prasetyo",
        "6281234500007",
        &[
            ("nama_anak", "Nabila Putri Prasetyo"),
            ("tanggal_lahir_anak", "2019-11-02"),
            ("tempat_lahir_anak", "Trenggalek"),
            ("nomor_kk", "3503050704180009"),
        ],
        &[],
    ));
    p.push(Plan {
        nik: None,
        place: ("Balai Desa Karanggandu, Kecamatan Watulimo", "-8.2803", "111.7249"),
        ..plan("DISKOMINFO", "gangguan-internet-desa", Web, "", "Suwarno", "6281234500020",
            &[("jenis_gangguan", "wifi_publik"),
              ("uraian", "Sejak Selasa sore WiFi publik di balai desa tidak bisa tersambung; lampu router menyala merah. Sekitar 30 warga dan pelajar biasa memakai titik akses ini.")], &[])
    });
    p.push(Plan {
        nik: None,
        place: ("Kantor Desa Gading, Kecamatan Tugu", "-8.0802", "111.6321"),
        ..plan("DISKOMINFO", "gangguan-internet-desa", Whatsapp, "", "Sugeng Widodo", "6281234500015",
            &[("jenis_gangguan", "mati"),
              ("uraian", "Internet kantor desa mati total sejak pagi setelah hujan deras dan petir; pelayanan surat terpaksa manual.")], &[Verify])
    });
    p
}

/// Who takes each step of the demo requests.
struct Staff<'a> {
    operators: Vec<(i64, Actor)>,
    /// The demo citizen, who filed the web requests from their account ("Permohonan saya").
    citizen: Option<(i64, Actor)>,
    /// Closed requests invite their citizen to the unit's survey.
    survey: Option<&'a crate::ports::Invitations>,
    /// Nglinggis' head: user id and actor, when the demo accounts exist.
    head: Option<(i64, Actor)>,
    nglinggis: Option<i64>,
}

impl Staff<'_> {
    fn operator(&self, org_id: i64) -> Option<&Actor> {
        self.operators
            .iter()
            .find(|(o, _)| *o == org_id)
            .map(|(_, a)| a)
    }
}

async fn user_actor(db: &Db, email: &str) -> anyhow::Result<Option<(i64, Actor)>> {
    let row = sqlx::query("SELECT id, name FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let id: i64 = r.try_get("id")?;
                (
                    id,
                    Actor {
                        user_id: Some(id),
                        label: r.try_get("name")?,
                        channel: audit::Channel::Web,
                        request_id: None,
                    },
                )
            })
        })
        .transpose()?)
}

async fn run(
    db: &Db,
    keys: &Keys,
    (data_dir, base_url): (&Path, &str),
    staff: &Staff<'_>,
    p: &Plan,
) -> anyhow::Result<()> {
    let Some(service) = services::by_code(db, &p.service).await? else {
        return Ok(());
    };
    let raw: Vec<(String, String)> = p
        .answers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let answers = service
        .form
        .validate(&raw)
        .map_err(|e| anyhow::anyhow!("demo answers for {}: {e:?}", p.service))?;
    let operator = staff.operator(service.org_id);
    let by_staff = p.channel != Channel::Web && p.channel != Channel::Open311;
    let system = Actor::system("demo");
    let citizen = match (&staff.citizen, p.channel) {
        (Some((_, a)), Channel::Web) => a.clone(),
        _ => Actor::anonymous(audit::Channel::Web),
    };
    let submitter = match (by_staff, operator) {
        (true, Some(op)) => op,
        (true, None) => &system,
        (false, _) => &citizen,
    };
    let request = NewRequest {
        channel: p.channel,
        applicant: p.applicant.into(),
        nik: p
            .nik
            .map(Nik::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("demo NIK: {e}"))?,
        phone: Some(p.phone.into()),
        email: None,
        answers,
        description: String::new(),
        address: p.place.0.into(),
        lat: p.place.1.into(),
        lon: p.place.2.into(),
        created_by: submitter.user_id,
        api_client: None,
    };
    let done = service::requests::submit(db, keys, submitter, base_url, &service, &request).await?;
    let staff_actor = operator.unwrap_or(&system);
    for go in p.path {
        let (command, role, actor, note) = match *go {
            Go::Verify => (Command::Verify, workflow::Actor::Operator, staff_actor, ""),
            Go::Return(n) => (Command::Return, workflow::Actor::Operator, staff_actor, n),
            Go::Reject(n) => (Command::Reject, workflow::Actor::Operator, staff_actor, n),
            Go::Resubmit => (Command::Resubmit, workflow::Actor::Citizen, &citizen, ""),
            Go::Cancel => (Command::Cancel, workflow::Actor::Citizen, &citizen, ""),
            Go::Deliver => (Command::Deliver, workflow::Actor::Operator, staff_actor, ""),
            Go::Close => (Command::Close, workflow::Actor::Citizen, &citizen, ""),
            Go::Sign => {
                // Only Nglinggis' head has a key; elsewhere the request waits for a signature.
                let Some((user_id, head)) = staff
                    .head
                    .as_ref()
                    .filter(|_| staff.nglinggis == Some(service.org_id))
                else {
                    return Ok(());
                };
                crate::service::letters::sign(
                    db,
                    &crate::service::letters::SignContext {
                        keys,
                        actor: head,
                        user_id: *user_id,
                        signer_name: "Bambang Kades Nglinggis",
                        base_url,
                        data_dir,
                        letterhead: vec![
                            "Kecamatan Tugu".into(),
                            "Jl. Raya Nglinggis, Trenggalek".into(),
                        ],
                    },
                    done.id,
                )
                .await?;
                continue;
            }
        };
        let step = Step {
            actor,
            role,
            base_url,
            survey: staff.survey,
        };
        service::requests::act(db, keys, step, done.id, command, note).await?;
    }
    Ok(())
}

// --- the loader ---

/// The room's part of the demo data set (the platform's agencies and accounts exist already).
pub fn load<'a>(d: &'a Platform<'a>) -> DemoFuture<'a> {
    let survey = d.ports.get::<crate::ports::Invitations>().ok().cloned();
    Box::pin(seed(d.db, d.keys, d.data_dir, d.base_url, survey))
}

/// Letters signed in the demo carry QR codes to `base_url`, the installation's own address.
async fn seed(
    db: &Db,
    keys: &Keys,
    data_dir: &Path,
    base_url: &str,
    survey: Option<crate::ports::Invitations>,
) -> anyhow::Result<()> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM desk_services")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    // The demo's notices go to made-up numbers: they are dropped from the outbox afterwards, so a
    // configured gateway never sends them.
    let outbox_before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")
        .fetch_one(&db.pool)
        .await?;
    fill(db, keys, data_dir, base_url, survey.as_ref()).await?;
    sqlx::query("DELETE FROM outbox WHERE id > $1")
        .bind(outbox_before)
        .execute(&db.pool)
        .await?;
    // Nor do the demo's open requests remind anyone.
    sqlx::query("UPDATE desk_requests SET reminded = 1")
        .execute(&db.pool)
        .await?;
    Ok(())
}

async fn fill(
    db: &Db,
    keys: &Keys,
    data_dir: &Path,
    base_url: &str,
    survey: Option<&crate::ports::Invitations>,
) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    // The working-day calendar: fixed national holidays, and some of 2026's moveable ones.
    admin::seed_fixed_holidays(db, &[2025, 2026, 2027]).await?;
    for (day, name, kind) in [
        ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili", "national"),
        ("2026-04-03", "Wafat Yesus Kristus", "national"),
        ("2026-05-14", "Kenaikan Yesus Kristus", "national"),
        (
            "2026-12-24",
            "Cuti bersama Hari Raya Natal",
            "collective_leave",
        ),
    ] {
        service::admin::set_holiday(db, &actor, day, name, kind).await?;
    }

    // Services: six letters in every village and ward, and the agencies', in one transaction.
    let units: Vec<Unit> = sqlx::query(
        "SELECT o.id, o.code, o.name, o.kind, COALESCE(p.name, '') AS district FROM organisations o \
         LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.kind IN ('village', 'ward') ORDER BY o.code",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| -> std::result::Result<_, sqlx::Error> { Ok(Unit {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        ward: r.try_get::<&str, _>("kind")? == "ward",
        district: r.try_get("district")?,
    }) })
    .collect::<std::result::Result<Vec<_>, _>>()?;
    let agencies: Vec<(i64, String, String)> =
        sqlx::query("SELECT id, code, name FROM organisations WHERE kind = 'agency'")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| -> std::result::Result<_, sqlx::Error> {
                Ok((r.try_get("id")?, r.try_get("code")?, r.try_get("name")?))
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut catalogue = Vec::with_capacity(units.len() * LETTER_SERVICES.len() + 8);
    for u in &units {
        for s in &LETTER_SERVICES {
            catalogue.push((u.id, letter_service(u, s)));
        }
    }
    for s in &AGENCY_SERVICES {
        if let Some((id, code, name)) = agencies.iter().find(|(_, c, _)| c == s.0) {
            catalogue.push((*id, agency_service(code, name, s)));
        }
    }
    let mut tx = db.begin_write().await?;
    service::catalogue::insert_many(&mut tx, &actor, &catalogue).await?;
    tx.commit().await?;

    // Resident registers.
    let org_id = |code: &str| units.iter().find(|u| u.code == code).map(|u| u.id);
    let nglinggis = org_id(NGLINGGIS);
    let registers =
        std::iter::once((NGLINGGIS, NGLINGGIS_RESIDENTS)).chain(OTHER_RESIDENTS.iter().copied());
    for (code, rows) in registers {
        let Some(id) = org_id(code) else { continue };
        let rows = rows
            .iter()
            .map(resident)
            .collect::<anyhow::Result<Vec<_>>>()?;
        service::residents::import(db, keys, &actor, id, &rows).await?;
    }

    // The Nglinggis head's signing key, and who acts for the units.
    let head = user_actor(db, "kades.nglinggis@anjungan.test").await?;
    if let (Some((user_id, head_actor)), Some(org)) = (&head, nglinggis) {
        service::letters::rotate_key(db, keys, head_actor, *user_id, org).await?;
    }
    let mut operators = Vec::new();
    if let (Some((_, a)), Some(org)) = (
        user_actor(db, "sekdes.nglinggis@anjungan.test").await?,
        nglinggis,
    ) {
        operators.push((org, a));
    }
    if let (Some((_, a)), Some((org, _, _))) = (
        user_actor(db, "operator.kominfo@anjungan.test").await?,
        agencies.iter().find(|(_, c, _)| c == "DISKOMINFO"),
    ) {
        operators.push((*org, a));
    }
    let staff = Staff {
        operators,
        citizen: user_actor(db, "warga@anjungan.test").await?,
        survey,
        head,
        nglinggis,
    };

    // Requests in every state and through every channel.
    for p in plans() {
        run(db, keys, (data_dir, base_url), &staff, &p).await?;
    }

    // A complaint that also went to LAPOR!, about the returned request.
    if let Some(org) = nglinggis {
        let service = services::by_code(db, &format!("{NGLINGGIS}.tidak-mampu")).await?;
        let request: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM desk_requests WHERE org_id = $1 AND state = 'returned' ORDER BY id LIMIT 1",
        )
        .bind(org)
        .fetch_optional(&db.pool)
        .await?;
        service::admin::complain(
            db,
            keys,
            &Actor::anonymous(audit::Channel::Web),
            &service::admin::NewComplaint {
                org_id: org,
                service_id: service.map(|s| s.id),
                request_id: request,
                body: "Permohonan SKTM untuk berobat ibu saya dikembalikan karena kurang foto rumah, padahal foto sudah saya serahkan di loket. Mohon dicek kembali, ibu saya harus segera kontrol ke RSUD.".into(),
                contact: "6281234500004".into(),
                lapor_ref: "5187342".into(),
            },
        )
        .await?;
        // An earlier complaint, already answered: its tracking page shows the unit's answer.
        let answered = service::admin::complain(
            db,
            keys,
            &Actor::anonymous(audit::Channel::Web),
            &service::admin::NewComplaint {
                org_id: org,
                service_id: None,
                request_id: None,
                body: "Loket pelayanan di balai desa sering tutup sebelum jam 14.00 padahal papan pengumuman menulis buka sampai jam 15.00.".into(),
                contact: "warga@anjungan.test".into(),
                lapor_ref: String::new(),
            },
        )
        .await?;
        if let Some((_, head)) = &staff.head {
            service::admin::respond(
                db,
                keys,
                head,
                org,
                answered.id,
                "Terima kasih atas masukannya. Mulai Senin loket dijaga bergantian sehingga tetap buka sampai pukul 15.00; jadwal petugas kami tempel di papan pengumuman.",
            )
            .await?;
        }
    }
    Ok(())
}
