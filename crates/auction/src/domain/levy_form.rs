//! The port's levy rules as an administrator writes them on a form: percentages with a comma
//! (`3` or `2,5` %), rupiah per kg, vessel-size bands one per line (`5 = 5.000`, `10 = 10.000`,
//! `* = 25.000`: below 5 GT, below 10 GT, the rest), accounts one per line
//! (`kas_daerah; Kas Daerah; 65`). Parsed into [`LevyRules`] and validated; shown back the
//! same way.

use super::catalogue::{format_rupiah, parse_gt, parse_rupiah};
use super::levy::{LevyAccount, LevyBasis, LevyRules, Rounding, VesselBand};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct LevyForm {
    /// `percent`, `per_kg` or `flat`.
    #[serde(default)]
    pub dasar: String,
    /// Seller's part: percent (percent basis) or rupiah per kg.
    #[serde(default)]
    pub nelayan: String,
    /// Buyer's part, likewise.
    #[serde(default)]
    pub bakul: String,
    #[serde(default)]
    pub pita: String,
    /// `half_up`, `down` or `up`.
    #[serde(default)]
    pub pembulatan: String,
    #[serde(default)]
    pub satuan: String,
    #[serde(default)]
    pub akun: String,
}

/// Why the form was refused: the field and a translation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormError(pub &'static str);

/// `2,5` (percent) → 250 basis points.
fn percent_bp(s: &str) -> Result<i64, FormError> {
    let t = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 3 {
        return Err(FormError("auction.error.levy_percent"));
    }
    let bp =
        whole.parse::<i64>().unwrap_or(0) * 100 + format!("{frac:0<2}").parse::<i64>().unwrap_or(0);
    if bp > 10_000 {
        return Err(FormError("auction.error.levy_percent"));
    }
    Ok(bp)
}

impl LevyForm {
    pub fn parse(&self) -> Result<LevyRules, FormError> {
        let basis = match self.dasar.as_str() {
            "percent" => LevyBasis::Percent {
                seller_bp: percent_bp(&self.nelayan)?,
                buyer_bp: percent_bp(&self.bakul)?,
            },
            "per_kg" => LevyBasis::PerKg {
                seller_per_kg: parse_rupiah(&self.nelayan)
                    .map_err(|_| FormError("auction.error.levy_amount"))?,
                buyer_per_kg: parse_rupiah(&self.bakul)
                    .map_err(|_| FormError("auction.error.levy_amount"))?,
            },
            "flat" => {
                let mut bands = Vec::new();
                for line in self.pita.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let (upto, amount) = line
                        .split_once('=')
                        .ok_or(FormError("auction.error.levy_bands"))?;
                    let amount =
                        parse_rupiah(amount).map_err(|_| FormError("auction.error.levy_bands"))?;
                    let upto = match upto.trim() {
                        "*" => None,
                        gt => {
                            Some(parse_gt(gt).map_err(|_| FormError("auction.error.levy_bands"))?)
                        }
                    };
                    bands.push(VesselBand {
                        upto_gt_tenths: upto,
                        amount,
                    });
                }
                LevyBasis::FlatByVessel { bands }
            }
            _ => return Err(FormError("auction.error.levy_basis")),
        };
        let rounding = match self.pembulatan.as_str() {
            "down" => Rounding::Down,
            "up" => Rounding::Up,
            _ => Rounding::HalfUp,
        };
        let round_to = if self.satuan.trim().is_empty() {
            1
        } else {
            parse_rupiah(&self.satuan).map_err(|_| FormError("auction.error.levy_amount"))?
        };
        let mut accounts = Vec::new();
        for line in self.akun.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let [code, name, share] = parts[..] else {
                return Err(FormError("auction.error.levy_accounts"));
            };
            let code_ok = !code.is_empty()
                && code.len() <= 40
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !code_ok || name.is_empty() {
                return Err(FormError("auction.error.levy_accounts"));
            }
            accounts.push(LevyAccount {
                code: code.to_string(),
                name: name.to_string(),
                share_bp: percent_bp(share)
                    .map_err(|_| FormError("auction.error.levy_accounts"))?,
            });
        }
        let rules = LevyRules {
            basis,
            rounding,
            round_to,
            accounts,
        };
        rules
            .validate()
            .map_err(|_| FormError("auction.error.levy_rules"))?;
        Ok(rules)
    }

    /// The rules written back on the form.
    pub fn from_rules(r: &LevyRules) -> LevyForm {
        let pct = |bp: i64| {
            if bp % 100 == 0 {
                (bp / 100).to_string()
            } else {
                format!("{},{:02}", bp / 100, bp % 100)
                    .trim_end_matches('0')
                    .to_string()
            }
        };
        let plain = |v: i64| format_rupiah(v).trim_start_matches("Rp ").to_string();
        let (dasar, nelayan, bakul, pita) = match &r.basis {
            LevyBasis::Percent {
                seller_bp,
                buyer_bp,
            } => ("percent", pct(*seller_bp), pct(*buyer_bp), String::new()),
            LevyBasis::PerKg {
                seller_per_kg,
                buyer_per_kg,
            } => (
                "per_kg",
                plain(*seller_per_kg),
                plain(*buyer_per_kg),
                String::new(),
            ),
            LevyBasis::FlatByVessel { bands } => (
                "flat",
                String::new(),
                String::new(),
                bands
                    .iter()
                    .map(|b| {
                        let upto = match b.upto_gt_tenths {
                            Some(t) if t % 10 == 0 => (t / 10).to_string(),
                            Some(t) => format!("{},{}", t / 10, t % 10),
                            None => "*".into(),
                        };
                        format!("{upto} = {}", plain(b.amount))
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        };
        LevyForm {
            dasar: dasar.into(),
            nelayan,
            bakul,
            pita,
            pembulatan: match r.rounding {
                Rounding::HalfUp => "half_up",
                Rounding::Down => "down",
                Rounding::Up => "up",
            }
            .into(),
            satuan: r.round_to.to_string(),
            akun: r
                .accounts
                .iter()
                .map(|a| format!("{}; {}; {}", a.code, a.name, pct(a.share_bp)))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rules_go_round_the_form() {
        let rules = LevyRules::trenggalek_default();
        let form = LevyForm::from_rules(&rules);
        assert_eq!(
            (
                form.dasar.as_str(),
                form.nelayan.as_str(),
                form.bakul.as_str()
            ),
            ("percent", "3", "3")
        );
        assert_eq!(form.akun.lines().next(), Some("kas_daerah; Kas Daerah; 65"));
        assert_eq!(form.parse(), Ok(rules));
    }

    #[test]
    fn per_kg_and_vessel_bands_parse() {
        let f = LevyForm {
            dasar: "flat".into(),
            pita: "5 = 5.000\n10 = 10.000\n* = 25.000".into(),
            pembulatan: "down".into(),
            satuan: "100".into(),
            akun: "kas_daerah; Kas Daerah; 100".into(),
            ..Default::default()
        };
        let r = f.parse().unwrap();
        assert_eq!(
            r.basis,
            LevyBasis::FlatByVessel {
                bands: vec![
                    VesselBand {
                        upto_gt_tenths: Some(50),
                        amount: 5_000
                    },
                    VesselBand {
                        upto_gt_tenths: Some(100),
                        amount: 10_000
                    },
                    VesselBand {
                        upto_gt_tenths: None,
                        amount: 25_000
                    },
                ]
            }
        );
        assert_eq!(LevyForm::from_rules(&r).parse(), Ok(r));
        let f = LevyForm {
            dasar: "per_kg".into(),
            nelayan: "150".into(),
            bakul: "0".into(),
            akun: "a; A; 2,5\nb; B; 97,5".into(),
            ..Default::default()
        };
        let r = f.parse().unwrap();
        assert_eq!(
            r.basis,
            LevyBasis::PerKg {
                seller_per_kg: 150,
                buyer_per_kg: 0
            }
        );
        assert_eq!(r.accounts[0].share_bp, 250);
    }

    #[test]
    fn bad_forms_say_which_part_is_wrong() {
        let ok = LevyForm::from_rules(&LevyRules::trenggalek_default());
        assert_eq!(
            LevyForm {
                dasar: "x".into(),
                ..ok.clone()
            }
            .parse(),
            Err(FormError("auction.error.levy_basis"))
        );
        assert_eq!(
            LevyForm {
                nelayan: "3,555".into(),
                ..ok.clone()
            }
            .parse(),
            Err(FormError("auction.error.levy_percent"))
        );
        assert_eq!(
            LevyForm {
                bakul: "101".into(),
                ..ok.clone()
            }
            .parse(),
            Err(FormError("auction.error.levy_percent"))
        );
        assert_eq!(
            LevyForm {
                akun: "Kas Daerah 65".into(),
                ..ok.clone()
            }
            .parse(),
            Err(FormError("auction.error.levy_accounts"))
        );
        // Shares must make exactly 100 %.
        assert_eq!(
            LevyForm {
                akun: "a; A; 60\nb; B; 30".into(),
                ..ok.clone()
            }
            .parse(),
            Err(FormError("auction.error.levy_rules"))
        );
        assert_eq!(
            LevyForm {
                dasar: "flat".into(),
                pita: "5 = lima ribu".into(),
                ..ok.clone()
            }
            .parse(),
            Err(FormError("auction.error.levy_bands"))
        );
        // The last band must be open (`*`).
        assert_eq!(
            LevyForm {
                dasar: "flat".into(),
                pita: "5 = 5.000".into(),
                ..ok
            }
            .parse(),
            Err(FormError("auction.error.levy_rules"))
        );
    }
}
