//! Dossier codes of the one-stop desk, Circular 01/2018/TT-VPCP:
//! `<receiving office code>-<YYMMDD of receipt>-<4-digit serial of the day>`, e.g.
//! `000.00.15.H12-261129-0001`, where the office code follows the national e-government
//! identifier format `NNN.NN.NN.ANN` (QCVN 102:2016/BTTTT).

use std::fmt;
use std::str::FromStr;

/// Why a dossier code is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not three parts separated by `-`.
    #[error("mã hồ sơ \"{0}\" phải có dạng <mã cơ quan>-<YYMMDD>-<số thứ tự 4 chữ số>, ví dụ 000.00.15.H12-261129-0001 / dossier code must look like 000.00.15.H12-261129-0001")]
    Shape(String),
    /// The office code is not `NNN.NN.NN.ANN`.
    #[error("mã cơ quan \"{0}\" sai dạng NNN.NN.NN.ANN (ví dụ 000.00.15.H12) / office code must look like 000.00.15.H12")]
    Office(String),
    /// The date is not a real YYMMDD date.
    #[error("ngày tiếp nhận \"{0}\" không phải ngày hợp lệ YYMMDD / receipt date is not a valid YYMMDD date")]
    Date(String),
    /// The serial is not four digits or is 0000.
    #[error("số thứ tự \"{0}\" phải gồm 4 chữ số từ 0001 / serial must be four digits from 0001")]
    Serial(String),
}

/// A validated dossier code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierCode {
    text: String,
}

impl DossierCode {
    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The receiving office's identifier (`000.00.15.H12`).
    pub fn office(&self) -> &str {
        self.text.split('-').next().unwrap_or_default()
    }

    /// The receipt date.
    pub fn date(&self) -> time::Date {
        let d = self.text.split('-').nth(1).unwrap_or_default();
        parse_yymmdd(d).unwrap_or(time::Date::MIN)
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_yymmdd(s: &str) -> Option<time::Date> {
    if !digits(s, 6) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u8>().ok();
    let month = time::Month::try_from(n(2..4)?).ok()?;
    time::Date::from_calendar_date(2000 + i32::from(n(0..2)?), month, n(4..6)?).ok()
}

impl FromStr for DossierCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        let [office, date, serial] = parts[..] else {
            return Err(CodeError::Shape(s.into()));
        };
        let o: Vec<&str> = office.split('.').collect();
        let office_ok = o.len() == 4
            && digits(o[0], 3)
            && digits(o[1], 2)
            && digits(o[2], 2)
            && o[3].len() == 3
            && o[3].as_bytes()[0].is_ascii_uppercase()
            && digits(&o[3][1..], 2);
        if !office_ok {
            return Err(CodeError::Office(office.into()));
        }
        if parse_yymmdd(date).is_none() {
            return Err(CodeError::Date(date.into()));
        }
        if !digits(serial, 4) || serial == "0000" {
            return Err(CodeError::Serial(serial.into()));
        }
        Ok(Self { text: s.into() })
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_circular_example() {
        let c: DossierCode = "000.00.15.H12-261129-0001".parse().unwrap();
        assert_eq!(c.office(), "000.00.15.H12");
        assert_eq!(c.date(), time::macros::date!(2026 - 11 - 29));
    }

    #[test]
    fn rejects_each_malformed_part() {
        let cases = [
            ("000.00.15.H12-261129", "shape"),
            ("00.00.15.H12-261129-0001", "office"),
            ("000.00.15.h12-261129-0001", "office"),
            ("000.00.15.H1-261129-0001", "office"),
            ("000.00.15.H12-261329-0001", "date"),
            ("000.00.15.H12-260230-0001", "date"),
            ("000.00.15.H12-261129-0000", "serial"),
            ("000.00.15.H12-261129-01", "serial"),
        ];
        for (code, part) in cases {
            let err = code.parse::<DossierCode>().unwrap_err();
            let got = match err {
                CodeError::Shape(_) => "shape",
                CodeError::Office(_) => "office",
                CodeError::Date(_) => "date",
                CodeError::Serial(_) => "serial",
            };
            assert_eq!(got, part, "{code}");
        }
    }
}
