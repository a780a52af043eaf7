//! 统一社会信用代码 (GB 32100-2015): 18 characters whose 9th to 17th form an organisation code
//! (GB 11714) with its own check character, and whose 18th checks the whole.

use std::fmt;

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    Length(usize),
    Character { position: usize, found: char },
    OrgCheck { expected: char, found: char },
    Check { expected: char, found: char },
}

impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::i18n::tf;
        let text = match self {
            Self::Length(n) => tf("cli.credit.length", &[("n", n)]),
            Self::Character { position, found } => {
                tf("cli.credit.character", &[("pos", position), ("ch", found)])
            }
            Self::OrgCheck { expected, found } => tf(
                "cli.credit.org_check",
                &[("expected", expected), ("found", found)],
            ),
            Self::Check { expected, found } => tf(
                "cli.credit.check",
                &[("expected", expected), ("found", found)],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for CreditCodeError {}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

fn org_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

/// The GB 11714 check character for the 8-character body of an organisation code.
fn org_check(body: &[char]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in body.iter().zip(ORG_WEIGHTS) {
        sum += org_value(*c)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

/// The GB 32100 check character for the first 17 characters.
fn code_check(first: &[char]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first.iter().zip(CODE_WEIGHTS) {
        sum += value(*c)? * w;
    }
    CHARSET.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// Normalises (trims, upper-cases, folds full-width characters) and validates a code.
pub fn validate(raw: &str) -> Result<String, CreditCodeError> {
    let code: String = raw
        .trim()
        .chars()
        .map(crate::domain::text::fold_full_width)
        .collect::<String>()
        .to_uppercase();
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(CreditCodeError::Length(chars.len()));
    }
    if let Some((i, c)) = chars.iter().enumerate().find(|(_, c)| value(**c).is_none()) {
        return Err(CreditCodeError::Character {
            position: i + 1,
            found: *c,
        });
    }
    let org_expected = org_check(&chars[8..16]).unwrap_or('?');
    if chars[16] != org_expected {
        return Err(CreditCodeError::OrgCheck {
            expected: org_expected,
            found: chars[16],
        });
    }
    let expected = code_check(&chars[..17]).unwrap_or('?');
    if chars[17] != expected {
        return Err(CreditCodeError::Check {
            expected,
            found: chars[17],
        });
    }
    Ok(code)
}

/// Completes a 16-character prefix (authority, category, division, org body) with both check
/// characters. Used to make valid codes for demo stores and tests.
pub fn complete(prefix16: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix16.chars().collect();
    if chars.len() != 16 || chars.iter().any(|c| value(*c).is_none()) {
        return None;
    }
    chars.push(org_check(&chars[8..16])?);
    chars.push(code_check(&chars)?);
    Some(chars.into_iter().collect())
}

/// Characters allowed in an organisation-code body (its check excludes letters GB 32100 forbids).
pub fn body_charset() -> &'static str {
    CHARSET
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Published codes of real organisations.
        for code in [
            "91110000802100433B",
            "914403001922038216",
            "91440300708461136T",
        ] {
            assert_eq!(validate(code).as_deref(), Ok(code), "{code}");
        }
    }

    #[test]
    fn normalises_case_spaces_and_full_width() {
        assert_eq!(
            validate(" ９１440300708461136t ").as_deref(),
            Ok("91440300708461136T")
        );
    }

    #[test]
    fn rejects_each_kind_of_invalid() {
        assert_eq!(
            validate("91440300708461136"),
            Err(CreditCodeError::Length(17))
        );
        assert_eq!(
            validate("9144030070846I136T"),
            Err(CreditCodeError::Character {
                position: 14,
                found: 'I'
            })
        );
        assert!(matches!(
            validate("914403001922038226"),
            Err(CreditCodeError::OrgCheck {
                expected: '1',
                found: '2'
            })
        ));
        assert!(matches!(
            validate("91440300708461136U"),
            Err(CreditCodeError::Check {
                expected: 'T',
                found: 'U'
            })
        ));
    }

    #[test]
    fn completed_prefixes_validate() {
        let code = complete("9142070012345678").unwrap();
        assert_eq!(validate(&code).as_deref(), Ok(code.as_str()));
        assert!(complete("short").is_none());
    }
}
