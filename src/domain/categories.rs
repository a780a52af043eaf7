//! The seed's enterprise categories a sheet may give an enterprise, several at once
//! ("高新技术企业、专精特新企业"), and how a cell of them is read.

use std::fmt;

use serde::de::{Deserializer, Error as _};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::EnterpriseCategory;

/// A set of categories. In the log it is written as the `Option<EnterpriseCategory>` it replaced
/// (none, or the variant's index) so that every op already written still reads; a set of two or
/// more is written as `SEVERAL + mask`, past any variant index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Categories(u8);

const SEVERAL: u32 = 16;

impl Categories {
    pub const NONE: Categories = Categories(0);

    pub fn of(categories: impl IntoIterator<Item = EnterpriseCategory>) -> Categories {
        Categories(
            categories
                .into_iter()
                .fold(0, |mask, c| mask | Self::bit(c)),
        )
    }

    fn bit(c: EnterpriseCategory) -> u8 {
        1 << (c as u8)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, c: EnterpriseCategory) -> bool {
        self.0 & Self::bit(c) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = EnterpriseCategory> {
        EnterpriseCategory::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }

    /// The categories in the UI language, joined as the seed joins them.
    pub fn label(self) -> String {
        self.iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The seed's own words, as the official tables print them.
    pub fn names(self) -> String {
        self.iter().map(|c| c.name()).collect::<Vec<_>>().join("、")
    }

    /// A sheet's cell: the seed's names (or a leading part of one, as "高新技术"), separated by
    /// 、，,;；/ or spaces. A part that names no category is returned as the error.
    pub fn parse(cell: &str) -> Result<Categories, String> {
        let mut set = Categories::NONE;
        for part in cell
            .split(['、', '，', ',', ';', '；', '/', '／', ' ', '　'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let found = EnterpriseCategory::ALL
                .into_iter()
                .find(|c| {
                    c.name() == part || (part.chars().count() >= 2 && c.name().starts_with(part))
                })
                .ok_or_else(|| part.to_string())?;
            set.0 |= Self::bit(found);
        }
        Ok(set)
    }

    /// The four names a cell may use, for messages.
    pub fn known_names() -> String {
        EnterpriseCategory::ALL
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl From<EnterpriseCategory> for Categories {
    fn from(c: EnterpriseCategory) -> Self {
        Categories::of([c])
    }
}

impl fmt::Display for Categories {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl Serialize for Categories {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return serializer.collect_seq(self.iter());
        }
        let mut each = self.iter();
        let encoded = match (each.next(), each.next()) {
            (None, _) => None,
            (Some(one), None) => Some(one as u32),
            _ => Some(SEVERAL + u32::from(self.0)),
        };
        encoded.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Categories {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let list = Vec::<EnterpriseCategory>::deserialize(deserializer)?;
            return Ok(Categories::of(list));
        }
        let all = (1u32 << EnterpriseCategory::ALL.len()) - 1;
        match Option::<u32>::deserialize(deserializer)? {
            None => Ok(Categories::NONE),
            Some(index) if (index as usize) < EnterpriseCategory::ALL.len() => {
                Ok(Categories::from(EnterpriseCategory::ALL[index as usize]))
            }
            Some(n) if n > SEVERAL && n - SEVERAL <= all => Ok(Categories((n - SEVERAL) as u8)),
            Some(n) => Err(D::Error::custom(format!("no category set {n}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn old_single_category_ops_read_unchanged() {
        for c in EnterpriseCategory::ALL {
            let old = postcard::to_allocvec(&Some(c)).unwrap();
            let read: Categories = postcard::from_bytes(&old).unwrap();
            assert_eq!(read, Categories::from(c));
            assert_eq!(postcard::to_allocvec(&read).unwrap(), old);
        }
        let none = postcard::to_allocvec(&None::<EnterpriseCategory>).unwrap();
        assert_eq!(
            postcard::from_bytes::<Categories>(&none).unwrap(),
            Categories::NONE
        );
    }

    #[test]
    fn a_cell_keeps_every_category_it_names() {
        let set = Categories::parse("高新技术企业、专精特新企业").unwrap();
        assert!(set.contains(EnterpriseCategory::HighTech));
        assert!(set.contains(EnterpriseCategory::Specialised));
        assert_eq!(set.iter().count(), 2);
        assert_eq!(set.names(), "高新技术企业、专精特新企业");
        assert_eq!(Categories::parse("一般企业"), Err("一般企业".to_string()));
        assert_eq!(Categories::parse("  "), Ok(Categories::NONE));
    }

    #[test]
    fn json_lists_the_categories() {
        let set = Categories::of([EnterpriseCategory::Listed, EnterpriseCategory::TechSme]);
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["listed","tech-sme"]"#);
        assert_eq!(serde_json::from_str::<Categories>(&json).unwrap(), set);
    }

    proptest! {
        #[test]
        fn every_set_round_trips(mask in 0u8..16) {
            let set = Categories(mask);
            let bytes = postcard::to_allocvec(&set).unwrap();
            prop_assert_eq!(postcard::from_bytes::<Categories>(&bytes).unwrap(), set);
        }

        #[test]
        fn any_bytes_decode_or_refuse(bytes in proptest::collection::vec(any::<u8>(), 0..8)) {
            if let Ok(set) = postcard::from_bytes::<Categories>(&bytes) {
                prop_assert!(set.0 < 16);
            }
        }

        #[test]
        fn any_cell_parses_or_names_its_bad_part(cell in "\\PC{0,30}") {
            match Categories::parse(&cell) {
                Ok(set) => prop_assert!(set.0 < 16),
                Err(part) => prop_assert!(cell.contains(&part)),
            }
        }
    }
}
