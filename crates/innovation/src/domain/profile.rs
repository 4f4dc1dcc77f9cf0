//! The innovation profile (national regional-innovation profile) and the regent's four pillars.

use serde::{Deserialize, Serialize};

macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
        #[schema(as = innovation::$name)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),* } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.code() == s.trim()) }
            /// Locale key of the label.
            pub fn key(self) -> String { format!("innovation.{}.{}", stringify!($name).to_lowercase(), self.code()) }
        }
    };
}

coded!(
    /// Stage (*tahapan*): initiative → trial → implementation.
    Stage { Inisiatif = "inisiatif", UjiCoba = "uji_coba", Penerapan = "penerapan" }
);
coded!(
    /// Who started it.
    Initiator { KepalaDaerah = "kepala_daerah", Dprd = "dprd", Opd = "opd", Asn = "asn", Masyarakat = "masyarakat" }
);
coded!(Kind { Digital = "digital", NonDigital = "non_digital" });
coded!(
    /// Form of the innovation.
    Form { TataKelola = "tata_kelola", PelayananPublik = "pelayanan_publik", Lainnya = "lainnya" }
);
coded!(
    /// Government affair (*urusan*, UU 23/2014), and the supporting functions.
    Affair {
        Pendidikan = "pendidikan", Kesehatan = "kesehatan", PekerjaanUmum = "pekerjaan_umum", Perumahan = "perumahan",
        Ketertiban = "ketertiban", Sosial = "sosial", TenagaKerja = "tenaga_kerja", Perempuan = "pemberdayaan_perempuan",
        Pangan = "pangan", LingkunganHidup = "lingkungan_hidup", Kependudukan = "kependudukan", Desa = "pemberdayaan_desa",
        Perhubungan = "perhubungan", Kominfo = "komunikasi_informatika", Koperasi = "koperasi_umkm", PenanamanModal = "penanaman_modal",
        Kepemudaan = "kepemudaan_olahraga", Kebudayaan = "kebudayaan", Perpustakaan = "perpustakaan", Kearsipan = "kearsipan",
        Perikanan = "kelautan_perikanan", Pariwisata = "pariwisata", Pertanian = "pertanian", Perdagangan = "perdagangan",
        Perencanaan = "perencanaan", Keuangan = "keuangan", Kepegawaian = "kepegawaian", Penelitian = "penelitian_pengembangan",
        PemerintahanUmum = "pemerintahan_umum"
    }
);
coded!(
    /// Legal basis.
    RegulationType { Perda = "perda", Perbup = "perbup", KeputusanBupati = "keputusan_bupati", KeputusanOpd = "keputusan_opd", Lainnya = "lainnya" }
);
coded!(
    /// Collaboration partners (the pentahelix).
    PartnerKind { Pemerintah = "pemerintah", Swasta = "swasta", PerguruanTinggi = "perguruan_tinggi", Masyarakat = "masyarakat", Media = "media" }
);

/// The design (*rancang bangun*) must have at least this many words.
pub const MIN_DESIGN_WORDS: usize = 300;

/// Words as people count them (shared with the festival's proposal limits).
pub use anjungan_kernel::text::word_count;

/// The form as submitted: every field text, validated by [`Draft::validate`].
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Draft)]
#[serde(default)]
pub struct Draft {
    pub name: String,
    pub stage: String,
    pub initiator: String,
    pub kind: String,
    pub form: String,
    pub affair: String,
    /// `YYYY-MM-DD`
    pub trial_date: String,
    /// `YYYY-MM-DD`
    pub implementation_date: String,
    pub design: String,
    pub goal: String,
    pub benefit: String,
    pub result: String,
    /// SDG numbers, comma separated, e.g. `16, 17`.
    pub sdgs: String,
    pub video_url: String,
    /// Pillar 1: which regional mission it serves.
    pub vision: String,
    /// Pillar 2: legal basis.
    pub regulation_type: String,
    pub regulation_number: String,
    pub regulation_year: String,
    /// Pillar 4: SOP steps, one per line.
    pub sop_steps: String,
    pub before_minutes: String,
    pub after_minutes: String,
    pub before_steps: String,
    pub after_steps: String,
    pub before_cost: String,
    pub after_cost: String,
    /// IKM on the 25–100 scale, e.g. `78.5`.
    pub before_satisfaction: String,
    pub after_satisfaction: String,
}

/// A measured before/after pair (minutes, steps, rupiah, or IKM hundredths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Measure)]
pub struct Measure {
    pub before: i64,
    pub after: i64,
}

impl Measure {
    /// Improvement in whole percent where lower is better (time, steps, cost).
    pub fn reduction_percent(&self) -> Option<i64> {
        (self.before > 0).then(|| (self.before - self.after) * 100 / self.before)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Regulation)]
pub struct Regulation {
    pub kind: RegulationType,
    pub number: String,
    pub year: i32,
}

/// A validated profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Profile)]
pub struct Profile {
    pub name: String,
    pub stage: Stage,
    pub initiator: Initiator,
    pub kind: Kind,
    pub form: Form,
    pub affair: Affair,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "iso_date")]
    pub trial_date: Option<time::Date>,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "iso_date")]
    pub implementation_date: Option<time::Date>,
    pub design: String,
    pub goal: String,
    pub benefit: String,
    pub result: String,
    pub sdgs: Vec<u8>,
    pub video_url: String,
    pub vision: String,
    pub regulation: Option<Regulation>,
    pub sop_steps: Vec<String>,
    pub minutes: Option<Measure>,
    pub steps: Option<Measure>,
    pub cost: Option<Measure>,
    pub satisfaction: Option<Measure>,
}

fn iso_date<S: serde::Serializer>(d: &Option<time::Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// A field and the locale key of what is wrong with it.
pub type FieldError = (&'static str, &'static str);

fn date(s: &str) -> Result<Option<time::Date>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).map(Some).map_err(|_| ())
}

fn num(s: &str, max: i64) -> Result<Option<i64>, ()> {
    let s = s.trim().replace(['.', ' '], "");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .ok()
        .filter(|v| (0..=max).contains(v))
        .map(Some)
        .ok_or(())
}

/// Satisfaction `78.5` or `78,50` → hundredths.
fn hundredths(s: &str) -> Result<Option<i64>, ()> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(());
    }
    let w: i64 = whole.parse().map_err(|_| ())?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| ())?
    };
    let v = w * 100 + f;
    if (0..=10000).contains(&v) {
        Ok(Some(v))
    } else {
        Err(())
    }
}

fn pair(
    a: Result<Option<i64>, ()>,
    b: Result<Option<i64>, ()>,
    field: &'static str,
    errs: &mut Vec<FieldError>,
) -> Option<Measure> {
    match (a, b) {
        (Ok(Some(before)), Ok(Some(after))) => Some(Measure { before, after }),
        (Ok(None), Ok(None)) => None,
        (Ok(_), Ok(_)) => {
            errs.push((field, "innovation.error.measure_pair"));
            None
        }
        _ => {
            errs.push((field, "innovation.error.number"));
            None
        }
    }
}

impl Draft {
    /// Checks every field; returns all problems at once so the form can show them together.
    pub fn validate(&self) -> Result<Profile, Vec<FieldError>> {
        let mut errs: Vec<FieldError> = Vec::new();
        let text =
            |v: &str, field: &'static str, max: usize, errs: &mut Vec<FieldError>| -> String {
                let t = v.trim();
                if t.chars().count() > max
                    || t.chars()
                        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
                {
                    errs.push((field, "error.too_long"));
                }
                t.replace("\r\n", "\n")
            };
        let name = text(&self.name, "name", 200, &mut errs);
        if name.is_empty() {
            errs.push(("name", "innovation.error.name"));
        }
        let mut pick = |code: &str, field: &'static str| {
            if code.trim().is_empty() {
                errs.push((field, "innovation.error.choose"));
            }
            code.to_string()
        };
        let (stage, initiator, kind, form, affair) = (
            pick(&self.stage, "stage"),
            pick(&self.initiator, "initiator"),
            pick(&self.kind, "kind"),
            pick(&self.form, "form"),
            pick(&self.affair, "affair"),
        );
        let stage = Stage::parse(&stage);
        let initiator = Initiator::parse(&initiator);
        let kind = Kind::parse(&kind);
        let form = Form::parse(&form);
        let affair = Affair::parse(&affair);
        for (ok, field) in [
            (stage.is_some(), "stage"),
            (initiator.is_some(), "initiator"),
            (kind.is_some(), "kind"),
            (form.is_some(), "form"),
            (affair.is_some(), "affair"),
        ] {
            if !ok && !errs.iter().any(|(f, _)| *f == field) {
                errs.push((field, "innovation.error.choose"));
            }
        }
        let trial_date = date(&self.trial_date).unwrap_or_else(|_| {
            errs.push(("trial_date", "innovation.error.date"));
            None
        });
        let implementation_date = date(&self.implementation_date).unwrap_or_else(|_| {
            errs.push(("implementation_date", "innovation.error.date"));
            None
        });
        if let (Some(t), Some(i)) = (trial_date, implementation_date)
            && i < t
        {
            errs.push(("implementation_date", "innovation.error.dates_order"));
        }
        // The stage needs its date: a trial date from the trial on, an implementation date when implemented.
        match stage {
            Some(Stage::UjiCoba) if trial_date.is_none() => {
                errs.push(("trial_date", "innovation.error.stage_date"))
            }
            Some(Stage::Penerapan) if implementation_date.is_none() => {
                errs.push(("implementation_date", "innovation.error.stage_date"))
            }
            _ => {}
        }
        let design = text(&self.design, "design", 60_000, &mut errs);
        let goal = text(&self.goal, "goal", 5_000, &mut errs);
        let benefit = text(&self.benefit, "benefit", 5_000, &mut errs);
        let result = text(&self.result, "result", 5_000, &mut errs);
        let mut sdgs = Vec::new();
        for part in self
            .sdgs
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match part.parse::<u8>() {
                Ok(n @ 1..=17) if !sdgs.contains(&n) => sdgs.push(n),
                Ok(1..=17) => {}
                _ => {
                    errs.push(("sdgs", "innovation.error.sdgs"));
                    break;
                }
            }
        }
        sdgs.sort_unstable();
        let video_url = text(&self.video_url, "video_url", 500, &mut errs);
        if !video_url.is_empty()
            && !video_url.starts_with("https://")
            && !video_url.starts_with("http://")
        {
            errs.push(("video_url", "innovation.error.url"));
        }
        let vision = text(&self.vision, "vision", 2_000, &mut errs);
        let regulation = {
            let kind = self.regulation_type.trim();
            let number = text(&self.regulation_number, "regulation_number", 100, &mut errs);
            let year = self.regulation_year.trim();
            if kind.is_empty() && number.is_empty() && year.is_empty() {
                None
            } else {
                let k = RegulationType::parse(kind);
                let y = year
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (1945..=2100).contains(y));
                if k.is_none() {
                    errs.push(("regulation_type", "innovation.error.choose"));
                }
                if y.is_none() {
                    errs.push(("regulation_year", "innovation.error.year"));
                }
                if number.is_empty() {
                    errs.push(("regulation_number", "innovation.error.required"));
                }
                match (k, y) {
                    (Some(kind), Some(year)) if !number.is_empty() => {
                        Some(Regulation { kind, number, year })
                    }
                    _ => None,
                }
            }
        };
        let sop_steps: Vec<String> = text(&self.sop_steps, "sop_steps", 10_000, &mut errs)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let minutes = pair(
            num(&self.before_minutes, 1_000_000),
            num(&self.after_minutes, 1_000_000),
            "before_minutes",
            &mut errs,
        );
        let steps = pair(
            num(&self.before_steps, 1_000),
            num(&self.after_steps, 1_000),
            "before_steps",
            &mut errs,
        );
        let cost = pair(
            num(&self.before_cost, 1_000_000_000_000),
            num(&self.after_cost, 1_000_000_000_000),
            "before_cost",
            &mut errs,
        );
        let satisfaction = pair(
            hundredths(&self.before_satisfaction),
            hundredths(&self.after_satisfaction),
            "before_satisfaction",
            &mut errs,
        );
        if !errs.is_empty() {
            return Err(errs);
        }
        // A choice that did not parse has already added its error above.
        let (Some(stage), Some(initiator), Some(kind), Some(form), Some(affair)) =
            (stage, initiator, kind, form, affair)
        else {
            return Err(errs);
        };
        Ok(Profile {
            name,
            stage,
            initiator,
            kind,
            form,
            affair,
            trial_date,
            implementation_date,
            design,
            goal,
            benefit,
            result,
            sdgs,
            video_url,
            vision,
            regulation,
            sop_steps,
            minutes,
            steps,
            cost,
            satisfaction,
        })
    }
}

/// One of the regent's four pillars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Pillar)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    Vision,
    Regulation,
    Partners,
    Execution,
}

impl Pillar {
    pub const ALL: [Pillar; 4] = [
        Pillar::Vision,
        Pillar::Regulation,
        Pillar::Partners,
        Pillar::Execution,
    ];
    /// The section's code in URLs, forms, the database and the API.
    pub fn code(self) -> &'static str {
        ["vision", "regulation", "partners", "execution"][self as usize]
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s.trim())
    }
    pub fn key(self) -> &'static str {
        [
            "innovation.pillar.vision",
            "innovation.pillar.regulation",
            "innovation.pillar.partners",
            "innovation.pillar.execution",
        ][self as usize]
    }
}

impl Profile {
    /// Which pillars are complete: vision stated; regulation with type, number and year;
    /// at least one partner; an SOP and at least one measured before/after figure.
    pub fn readiness(&self, partners: usize) -> [(Pillar, bool); 4] {
        [
            (Pillar::Vision, self.vision.chars().count() >= 10),
            (Pillar::Regulation, self.regulation.is_some()),
            (Pillar::Partners, partners > 0),
            (
                Pillar::Execution,
                !self.sop_steps.is_empty()
                    && (self.minutes.is_some()
                        || self.steps.is_some()
                        || self.cost.is_some()
                        || self.satisfaction.is_some()),
            ),
        ]
    }

    /// What still blocks submission (locale keys): the national profile's required parts.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if word_count(&self.design) < MIN_DESIGN_WORDS {
            m.push("innovation.missing.design");
        }
        for (v, key) in [
            (&self.goal, "innovation.missing.goal"),
            (&self.benefit, "innovation.missing.benefit"),
            (&self.result, "innovation.missing.result"),
        ] {
            if v.trim().is_empty() {
                m.push(key);
            }
        }
        m
    }
}

impl Profile {
    /// The year the catalogue files the innovation under: its implementation, else its trial,
    /// else the year it is saved in (Western Indonesian Time).
    pub fn catalogue_year(&self, now: anjungan_kernel::clock::Millis) -> i64 {
        self.implementation_date
            .or(self.trial_date)
            .map(|d| d.year() as i64)
            .unwrap_or_else(|| anjungan_kernel::clock::to_wib(now).year() as i64)
    }
}

impl Draft {
    /// The profile fields that differ from `other`, by their names, for the audit of an edit.
    pub fn changed_fields(&self, other: &Draft) -> Vec<String> {
        let (va, vb) = (
            serde_json::to_value(self).unwrap_or_default(),
            serde_json::to_value(other).unwrap_or_default(),
        );
        let mut out = Vec::new();
        if let (Some(ma), Some(mb)) = (va.as_object(), vb.as_object()) {
            for (k, v) in ma {
                if mb.get(k) != Some(v) {
                    out.push(k.clone());
                }
            }
        }
        out
    }
}

/// A collaboration partner (pillar 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Partner)]
pub struct Partner {
    pub name: String,
    pub kind: PartnerKind,
    pub role: String,
}

impl Partner {
    pub fn parse(name: &str, kind: &str, role: &str) -> Result<Self, FieldError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(("partner_name", "innovation.error.name"));
        }
        let kind = PartnerKind::parse(kind).ok_or(("partner_kind", "innovation.error.choose"))?;
        let role = role.trim();
        if role.chars().count() > 500 {
            return Err(("partner_role", "error.too_long"));
        }
        Ok(Partner {
            name: name.to_string(),
            kind,
            role: role.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn words(n: usize) -> String {
        (0..n)
            .map(|i| format!("kata{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn valid() -> Draft {
        Draft {
            name: "Petung Dadi".into(),
            stage: "penerapan".into(),
            initiator: "opd".into(),
            kind: "digital".into(),
            form: "pelayanan_publik".into(),
            affair: "komunikasi_informatika".into(),
            trial_date: "2019-08-01".into(),
            implementation_date: "2020-01-02".into(),
            design: words(300),
            goal: "Satu pintu".into(),
            benefit: "Cepat".into(),
            result: "Surat lewat WhatsApp".into(),
            sdgs: "16, 9".into(),
            ..Default::default()
        }
    }

    #[test]
    fn words_are_counted_as_people_count_them() {
        assert_eq!(word_count("  satu  dua\n tiga — empat, 5 "), 5);
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn a_complete_profile_validates() {
        let p = valid().validate().unwrap();
        assert_eq!(p.stage, Stage::Penerapan);
        assert_eq!(p.sdgs, vec![9, 16]);
        assert!(p.missing().is_empty());
        let mut short = valid();
        short.design = words(299);
        assert_eq!(
            short.validate().unwrap().missing(),
            vec!["innovation.missing.design"]
        );
    }

    #[test]
    fn all_problems_are_reported_together() {
        let d = Draft {
            stage: "selesai".into(),
            trial_date: "2020-02-30".into(),
            sdgs: "18".into(),
            video_url: "ftp://x".into(),
            before_minutes: "60".into(),
            ..Default::default()
        };
        let errs = d.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.0).collect();
        for f in [
            "name",
            "stage",
            "initiator",
            "kind",
            "form",
            "affair",
            "trial_date",
            "sdgs",
            "video_url",
            "before_minutes",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn stage_dates_and_order() {
        let mut d = valid();
        d.implementation_date = String::new();
        assert!(
            d.validate()
                .unwrap_err()
                .contains(&("implementation_date", "innovation.error.stage_date"))
        );
        let mut d = valid();
        d.implementation_date = "2019-01-01".into();
        assert!(
            d.validate()
                .unwrap_err()
                .contains(&("implementation_date", "innovation.error.dates_order"))
        );
    }

    #[test]
    fn pillars_and_measures() {
        let mut d = valid();
        let p = d.validate().unwrap();
        assert_eq!(p.readiness(0).iter().filter(|(_, ok)| *ok).count(), 0);
        d.vision = "Misi 2: pelayanan publik yang cepat".into();
        d.regulation_type = "perbup".into();
        d.regulation_number = "12".into();
        d.regulation_year = "2020".into();
        d.sop_steps = "Warga menelepon\nSekdes memverifikasi NIK\n\nKades menandatangani".into();
        d.before_minutes = "4.320".into();
        d.after_minutes = "60".into();
        d.before_satisfaction = "76,5".into();
        d.after_satisfaction = "88.31".into();
        let p = d.validate().unwrap();
        assert!(p.readiness(1).iter().all(|(_, ok)| *ok));
        assert_eq!(p.sop_steps.len(), 3);
        assert_eq!(p.minutes.unwrap().reduction_percent(), Some(98));
        assert_eq!(
            p.satisfaction,
            Some(Measure {
                before: 7650,
                after: 8831
            })
        );
        d.after_minutes = String::new();
        assert!(
            d.validate()
                .unwrap_err()
                .contains(&("before_minutes", "innovation.error.measure_pair"))
        );
        d.after_minutes = "-5".into();
        assert!(
            d.validate()
                .unwrap_err()
                .contains(&("before_minutes", "innovation.error.number"))
        );
        let mut r = valid();
        r.regulation_type = "perbup".into();
        assert!(
            r.validate()
                .unwrap_err()
                .iter()
                .any(|e| e.0 == "regulation_year")
        );
    }

    #[test]
    fn partners() {
        assert!(Partner::parse("Telkom", "swasta", "Jaringan").is_ok());
        assert!(Partner::parse("", "swasta", "").is_err());
        assert!(Partner::parse("X", "alien", "").is_err());
    }

    #[test]
    fn an_edit_names_the_fields_it_changed() {
        let a = valid();
        assert!(a.changed_fields(&a).is_empty());
        let mut b = valid();
        b.name = "Petung Dadi 2".into();
        b.goal = "Lain".into();
        let mut changed = a.changed_fields(&b);
        changed.sort();
        assert_eq!(changed, vec!["goal".to_string(), "name".to_string()]);
    }

    #[test]
    fn the_catalogue_year_is_the_implementation_then_the_trial_then_now() {
        let p = valid().validate().unwrap();
        let trial = p.trial_date.unwrap().year() as i64;
        let mut q = p.clone();
        q.implementation_date = None;
        assert_eq!(q.catalogue_year(0), trial);
        if let Some(d) = p.implementation_date {
            assert_eq!(p.catalogue_year(0), d.year() as i64);
        }
        q.trial_date = None;
        // 2024-12-31 17:30 UTC is already 2025 in Trenggalek.
        assert_eq!(q.catalogue_year(1_735_666_200_000), 2025);
    }
}
