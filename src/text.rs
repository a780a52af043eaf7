//! Text clean-up shared by every input: full-width folding and phone numbers.

/// Folds a full-width ASCII variant (０-９, Ａ-Ｚ, ａ-ｚ, the ideographic space) to ASCII.
pub fn fold_full_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The first character of `text` that no field of this program takes: controls (C0, DEL, C1,
/// so also ESC and the OSC sequences it starts), and the marks that reorder or hide text on a
/// terminal (bidi embeddings, overrides and isolates, LRM/RLM/ALM, line and paragraph
/// separators, a byte-order mark inside text). Every field is one line, so tabs and line
/// breaks are refused too.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|c| {
        c.is_control()
            || matches!(
                c,
                '\u{061C}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{FEFF}'
            )
    })
}

/// `text` with every character `forbidden_char` refuses shown as `\u{1b}`: what reaches a
/// terminal from data that came in before it was refused at input.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if forbidden_char(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if forbidden_char(c.encode_utf8(&mut [0; 4])).is_some() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The refusal of a field holding such a character, in words: "含有控制字符 U+001B".
pub fn forbidden_message(c: char) -> String {
    crate::i18n::tf(
        "cli.input.control_char",
        &[("ch", &format!("U+{:04X}", u32::from(c)))],
    )
}

/// Trims a field of prose (a title, a venue, a reason), folding only full-width letters, digits
/// and spaces: its Chinese punctuation stays as typed, since official documents print it
/// (培训班（第九期）, never 培训班(第九期)). An empty result is `None`.
pub fn clean_prose(raw: &str) -> Option<String> {
    let folded: String = raw
        .chars()
        .map(|c| match c {
            '\u{3000}'
            | '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}' => fold_full_width(c),
            _ => c,
        })
        .collect();
    let trimmed = folded.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Trims and folds a free-text field that names someone or something to match (a person, an
/// enterprise): （ and ( must find the same one. An empty result is `None`.
pub fn clean(raw: &str) -> Option<String> {
    let folded: String = raw.chars().map(fold_full_width).collect();
    let trimmed = folded.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Whether `name` is one edit from `typed`: a character left out, added or mistyped. Names share
/// long stock parts (鄂州市…科技有限公司), so two edits already make another enterprise
/// (光谷 for 晶晶); names of fewer than four characters are never near. Read in one pass that
/// stops at the second difference, without allocating: it runs over every known enterprise.
pub fn near_name(typed: &[char], name: &str) -> bool {
    if typed.len() < 4 {
        return false;
    }
    let length = name.chars().count();
    if length == typed.len() {
        let mut differences = typed.iter().zip(name.chars()).filter(|(a, b)| **a != *b);
        return differences.next().is_some() && differences.next().is_none();
    }
    if length == typed.len() + 1 {
        return one_added(typed.iter().copied(), name.chars());
    }
    if length + 1 == typed.len() {
        return one_added(name.chars(), typed.iter().copied());
    }
    false
}

/// Whether `longer` is `shorter` with one character added somewhere.
fn one_added(shorter: impl Iterator<Item = char>, mut longer: impl Iterator<Item = char>) -> bool {
    let mut shorter = shorter.peekable();
    let mut skipped = false;
    loop {
        match (shorter.peek(), longer.next()) {
            (Some(a), Some(b)) if *a == b => {
                shorter.next();
            }
            (_, Some(_)) if !skipped => skipped = true,
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// Stock words an enterprise's name may end with, longest first: 有限公司 must go before 公司.
const STOCK_ENDINGS: [&str; 13] = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "分公司",
    "(集团)",
    "合作社",
    "公司",
    "集团",
    "科技",
    "技术",
    "实业",
    "发展",
];

/// Place names an enterprise's name may begin with (湖北省, 湖北, 鄂州市, 鄂州), by their first
/// character, longest first: looked up once per character, not tried one by one. Each place has
/// a key that says which place it is (鄂州市 and 鄂州 are both 鄂州); an empty key is a place
/// every firm may give or leave out (the province).
#[derive(Debug, Default)]
pub struct Places {
    by_first: std::collections::HashMap<char, Vec<(String, String)>>,
}

/// A name taken apart: the keys of the places it begins with, and what tells it apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts<'a> {
    pub places: Vec<&'a str>,
    pub core: &'a str,
}

impl Places {
    /// `names` as (place, key).
    pub fn new(names: impl IntoIterator<Item = (String, String)>) -> Places {
        let mut places = Places::default();
        for (name, key) in names {
            if let Some(first) = name.chars().next() {
                places.by_first.entry(first).or_default().push((name, key));
            }
        }
        for names in places.by_first.values_mut() {
            names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
            names.dedup_by(|a, b| a.0 == b.0);
        }
        places
    }

    /// `name` without the places it begins with and the stock words it ends with
    /// (鄂州晶晶水产 and 鄂州市晶晶水产科技有限公司 are both 晶晶水产), with the places' keys.
    pub fn parts<'a>(&'a self, name: &'a str) -> NameParts<'a> {
        let mut core = name;
        let mut places = Vec::new();
        while let Some((rest, key)) = core.chars().next().and_then(|first| {
            let names = self.by_first.get(&first)?;
            names.iter().find_map(|(place, key)| {
                core.strip_prefix(place.as_str())
                    .map(|rest| (rest, key.as_str()))
            })
        }) {
            core = rest;
            if !key.is_empty() {
                places.push(key);
            }
        }
        while let Some(rest) = STOCK_ENDINGS
            .iter()
            .find_map(|ending| core.strip_suffix(ending))
        {
            core = rest;
        }
        NameParts { places, core }
    }

    pub fn core<'a>(&'a self, name: &'a str) -> &'a str {
        self.parts(name).core
    }

    /// Whether `text` begins with a place name.
    fn leads_with_place(&self, text: &str) -> bool {
        text.chars()
            .next()
            .and_then(|first| self.by_first.get(&first))
            .is_some_and(|names| {
                names
                    .iter()
                    .any(|(place, _)| text.starts_with(place.as_str()))
            })
    }

    /// Whether one core starts the other and what the longer goes on with is no place: a place
    /// there names a branch (市场监督管理局鄂城分局 is not the 市场监督管理局).
    fn one_starts_the_other(&self, one: &str, other: &str) -> bool {
        let (shorter, longer) = if one.len() <= other.len() {
            (one, other)
        } else {
            (other, one)
        };
        longer
            .strip_prefix(shorter)
            .is_some_and(|rest| !self.leads_with_place(rest))
    }
}

/// Whether `shorter` (three characters or more) is `longer` with characters left out from
/// within, its first two kept: 华信化工 for 华信精细化工, 奥源零部件 for 奥源汽车零部件. Only the
/// end left out is a start, which `Places::one_starts_the_other` weighs.
fn abbreviates(shorter: &str, longer: &str) -> bool {
    if longer.starts_with(shorter) {
        return false;
    }
    let mut shorter = shorter.chars();
    let mut longer = longer.chars();
    for _ in 0..2 {
        match (shorter.next(), longer.next()) {
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
    let rest: Vec<char> = shorter.collect();
    !rest.is_empty() && rest.iter().all(|c| longer.any(|x| x == *c))
}

/// Whether two names' places may be one place: the places one gives are all among the other's.
/// 鄂州市鄂城区 agrees with 鄂城区 and with 鄂州市 (a question costs less than a firm counted
/// twice); 鄂城区 and 鄂州市 do not, as the 鄂城区 and 鄂州市 bureaus of one name are two bodies.
fn places_agree(one: &[&str], other: &[&str]) -> bool {
    let within = |a: &[&str], b: &[&str]| a.iter().all(|p| b.contains(p));
    within(one, other) || within(other, one)
}

/// A name typed in short or in full (鄂州晶晶水产 for 鄂州市晶晶水产科技有限公司, or the other way
/// round), to be tried on known names: the same place where both give one, and one's core the
/// start of the other's, two characters or more.
pub struct ShortForm<'a> {
    places: &'a Places,
    typed: NameParts<'a>,
    whole: memchr::memmem::Finder<'a>,
}

impl<'a> ShortForm<'a> {
    pub fn new(places: &'a Places, typed: &'a str) -> ShortForm<'a> {
        let typed = places.parts(typed);
        ShortForm {
            places,
            whole: memchr::memmem::Finder::new(typed.core),
            typed,
        }
    }

    /// What a known name must hold to be one: the first two characters of the typed core.
    pub fn must_hold(&self) -> Option<[char; 2]> {
        let mut chars = self.typed.core.chars();
        Some([chars.next()?, chars.next()?])
    }

    /// Of a `name` that `of` takes, whether the typed one is its short form rather than its
    /// full one: its trade name starts with the typed one's (鄂州晶晶 for 鄂州市晶晶水产, not
    /// 晶晶水产 for 晶晶实业).
    pub fn shortens(&self, name: &str) -> bool {
        self.places.parts(name).core.starts_with(self.typed.core)
    }

    /// Whether a known enterprise's `name` may be the one typed.
    pub fn of(&self, name: &str) -> bool {
        if self.must_hold().is_none() || !self.could_be(name) {
            return false;
        }
        let known = self.places.parts(name);
        let same_place = places_agree(&self.typed.places, &known.places);
        same_place
            && known.core.chars().nth(1).is_some()
            && self
                .places
                .one_starts_the_other(self.typed.core, known.core)
    }

    /// Whether a known enterprise's `name` may be the one typed with characters left out from
    /// within its trade name (`abbreviates`). Asked for one name typed at the door, not for every
    /// pair of a sheet's rows: a numbered series (新创1号, 新创12号…) would be read whole for each.
    pub fn left_out_of(&self, name: &str) -> bool {
        let Some(start) = self
            .typed
            .core
            .char_indices()
            .nth(2)
            .map(|(at, _)| &self.typed.core[..at])
        else {
            return false;
        };
        if !name.contains(start) {
            return false;
        }
        let known = self.places.parts(name);
        places_agree(&self.typed.places, &known.places) && abbreviates(self.typed.core, known.core)
    }

    /// A quick look before the name is taken apart, which a sheet of firms sharing a trade name's
    /// start would do for every pair of rows: `name` holds the typed core whole, or a start of it
    /// (two characters or more) that ends the name or a stock word follows.
    fn could_be(&self, name: &str) -> bool {
        let core = self.typed.core;
        if self.whole.find(name.as_bytes()).is_some() {
            return true;
        }
        let Some(start) = core.char_indices().nth(2).map(|(at, _)| &core[..at]) else {
            return false;
        };

        name.match_indices(start).any(|(at, _)| {
            let rest = &name[at..];
            // Any end of the shared start may be the known core's: 晶晶科创 typed, 晶晶科技 known.
            let mut shared = 0;
            rest.chars()
                .zip(core.chars())
                .take_while(|(a, b)| a == b)
                .enumerate()
                .any(|(count, (c, _))| {
                    shared += c.len_utf8();
                    let after = &rest[shared..];
                    count >= 1
                        && (after.is_empty()
                            || STOCK_ENDINGS.iter().any(|ending| after.starts_with(ending)))
                })
        })
    }
}

/// A few of the campaign's places, keyed as `campaign::places` keys them, for tests.
#[cfg(test)]
pub(crate) fn sample_places() -> Places {
    let named = [
        ("湖北省", ""),
        ("湖北", ""),
        ("鄂州市", "鄂州"),
        ("鄂州", "鄂州"),
        ("华容区", "华容"),
        ("华容", "华容"),
        ("鄂城区", "鄂城"),
        ("鄂城", "鄂城"),
        ("武汉市", "武汉"),
        ("武汉", "武汉"),
    ];
    Places::new(named.map(|(name, key)| (name.to_string(), key.to_string())))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneError(pub String);

impl std::fmt::Display for PhoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.trim().is_empty() {
            return f.write_str(&crate::i18n::t("cli.input.required"));
        }
        f.write_str(&crate::i18n::tf("cli.phone.invalid", &[("phone", &self.0)]))
    }
}

impl std::error::Error for PhoneError {}

/// A mainland mobile (11 digits, 1[3-9]...) or a landline with area code (027-86759057).
/// Spaces, dashes and full-width digits are removed; landlines keep one dash after the area code.
pub fn normalise_phone(raw: &str) -> Result<String, PhoneError> {
    let digits: String = raw
        .chars()
        .map(fold_full_width)
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+'))
        .collect();
    let digits = digits
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .unwrap_or(&digits);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(PhoneError(raw.to_string()));
    }
    let bytes = digits.as_bytes();
    if bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) {
        return Ok(digits.to_string());
    }
    if bytes.first() == Some(&b'0') && (10..=12).contains(&bytes.len()) {
        // Three-digit area codes are the big cities (010, 02x); the rest have four.
        let split = if bytes[1] == b'1' || bytes[1] == b'2' {
            3
        } else {
            4
        };
        return Ok(format!("{}-{}", &digits[..split], &digits[split..]));
    }
    Err(PhoneError(raw.to_string()))
}

/// 13812341234 -> 138****1234; landlines keep their area code and last four digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return phone.to_string();
    }
    let head = if let Some(dash) = phone.find('-') {
        dash + 1
    } else {
        3
    };
    let tail = chars.len() - 4;
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i >= head && i < tail { '*' } else { *c })
        .collect()
}

/// Whether `c` is a zero-width joiner or space, which pasted text brings and nobody sees.
pub fn is_unseen(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// Whether `typed` names `known`: the same characters but for spaces and the dots between the
/// parts of a transliterated name, Latin letters in any case. Nothing typed names anyone.
pub fn same_name(typed: &str, known: &str) -> bool {
    let plain = |name: &str| -> String {
        name.chars()
            .map(fold_full_width)
            .filter(|c| {
                let dot = matches!(c, '·' | '•' | '.' | '・' | '‧' | '･' | '∙' | '⋅' | '⸱');
                !c.is_whitespace() && !dot && !is_unseen(*c)
            })
            .flat_map(char::to_lowercase)
            .collect()
    };
    let typed = plain(typed);
    typed.is_empty() || typed == plain(known)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    /// The edit distance worked out in full, to check the one-pass reading against.
    fn distance(a: &[char], b: &[char]) -> usize {
        let mut previous: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut current = vec![i + 1];
            for (j, y) in b.iter().enumerate() {
                let step = (previous[j] + usize::from(x != y))
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1);
                current.push(step);
            }
            previous = current;
        }
        previous[b.len()]
    }

    proptest::proptest! {
        #[test]
        fn near_is_exactly_one_edit(typed in "[晶水产a]{4,9}", name in "[晶水产a]{2,10}") {
            let typed: Vec<char> = typed.chars().collect();
            let chars: Vec<char> = name.chars().collect();
            proptest::prop_assert_eq!(near_name(&typed, &name), distance(&typed, &chars) == 1);
        }
    }

    fn places() -> Places {
        sample_places()
    }

    proptest::proptest! {
        #[test]
        fn a_core_is_a_part_of_the_name(name in "[鄂州市湖北华容晶水产科技有限公司a]{0,14}") {
            let places = places();
            let core = places.core(&name);
            proptest::prop_assert!(name.contains(core));
            proptest::prop_assert_eq!(places.core(core), core, "stripped to the end");
        }
    }

    #[test]
    fn a_core_is_the_name_without_its_places_and_stock_words() {
        let places = places();
        assert_eq!(places.core("鄂州市晶晶水产科技有限公司"), "晶晶水产");
        assert_eq!(
            places.core("湖北鄂州晶晶水产"),
            "晶晶水产",
            "places in turn"
        );
        assert_eq!(places.core("鄂州华容晶晶水产股份有限公司"), "晶晶水产");
        assert_eq!(
            places.core("晶晶水产有限司"),
            "晶晶水产有限司",
            "a slip is no stock word"
        );
        assert_eq!(places.core("鄂州市科技有限公司"), "");
        assert_eq!(
            places.core("上海晶晶"),
            "上海晶晶",
            "a place not of the campaign"
        );
        let parts = places.parts("湖北省鄂州市晶晶水产(集团)有限公司");
        assert_eq!(
            (parts.places, parts.core),
            (vec!["鄂州"], "晶晶水产"),
            "the province has no key"
        );
    }

    /// A firm's name as they are made: a place or none, a trade name, stock words or none.
    fn firm_name() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::sample::select;
        (
            select(vec!["", "鄂州市", "鄂州", "华容区", "湖北"]),
            "[晶水产科技有限公司]{1,4}",
            select(vec![
                "",
                "公司",
                "科技有限公司",
                "有限公司",
                "水产",
                "鄂城分局",
            ]),
        )
            .prop_map(|(place, trade, stock)| format!("{place}{trade}{stock}"))
    }

    proptest::proptest! {
        /// The quick look turns away no name the whole comparison would take.
        #[test]
        fn the_quick_look_misses_no_short_form(typed in firm_name(), name in firm_name()) {
            let places = places();
            let (t, k) = (places.parts(&typed), places.parts(&name));
            let same_place = places_agree(&t.places, &k.places);
            let whole = t.core.chars().nth(1).is_some()
                && k.core.chars().nth(1).is_some()
                && same_place
                && places.one_starts_the_other(t.core, k.core);
            proptest::prop_assert_eq!(ShortForm::new(&places, &typed).of(&name), whole);
        }
    }

    #[test]
    fn a_short_form_is_the_start_of_the_name_in_the_same_place() {
        let places = places();
        let short = |typed: &str, known: &str| ShortForm::new(&places, typed).of(known);
        assert!(short("鄂州晶晶水产", "鄂州市晶晶水产科技有限公司"));
        assert!(
            short("晶晶水产公司", "鄂州市晶晶水产科技有限公司"),
            "no place typed"
        );
        assert!(
            short("湖北省宏达机械有限公司", "湖北宏达"),
            "the known one is the short one"
        );
        assert!(!short("鄂州晶晶水产", "鄂州市晶华水产科技有限公司"));
        assert!(
            !short("鄂城区市场监督管理局", "鄂州市市场监督管理局"),
            "another place"
        );
        assert!(
            short("鄂州市鄂城区晶晶水产", "鄂城区晶晶水产科技有限公司"),
            "the same narrowest place, the city given too"
        );
        assert!(
            short("鄂城区晶晶水产", "湖北省鄂州市鄂城区晶晶水产有限公司"),
            "the other way round"
        );
        assert!(
            short("鄂州晶晶水产", "鄂州市鄂城区晶晶水产科技有限公司"),
            "the city given, the county left out"
        );
        assert!(
            !short("鄂州市市场监督管理局鄂城分局", "鄂州市市场监督管理局"),
            "a branch named by its place is not the body"
        );
        assert!(
            !short("鄂州市市场监督管理局", "鄂州市市场监督管理局华容分局"),
            "nor the body its branch"
        );
        assert!(
            !short("华容区水务有限公司", "鄂州市水务集团有限公司"),
            "another place"
        );
        assert!(
            !short("武汉市宏达机械有限公司", "鄂州市宏达机械有限公司"),
            "another city"
        );
        assert!(
            !short("鄂州新创", "鄂州市科技创新有限公司"),
            "not from the start"
        );
        assert!(
            !short("鄂州科技有限公司", "鄂州市华达科技有限公司"),
            "nothing tells it apart"
        );
        assert!(
            !short("鄂州晶", "鄂州市晶晶水产科技有限公司"),
            "one character says too little"
        );
        assert_eq!(
            ShortForm::new(&places, "鄂州晶晶水产").must_hold(),
            Some(['晶', '晶'])
        );
        let left_out = |typed: &str, known: &str| ShortForm::new(&places, typed).left_out_of(known);
        assert!(
            left_out("华信化工", "鄂州华信精细化工有限责任公司"),
            "characters left out, the first two kept"
        );
        assert!(left_out("鄂州奥源零部件", "鄂州奥源汽车零部件股份有限公司"));
        assert!(
            !left_out("鄂州奥源配件", "鄂州奥源汽车零部件股份有限公司"),
            "a character the name does not have"
        );
        assert!(
            !left_out("华容区华信化工", "鄂州华信精细化工有限责任公司"),
            "another place"
        );
        let typed = ShortForm::new(&places, "晶晶水产");
        assert!(typed.shortens("鄂州市晶晶水产科技有限公司"));
        assert!(
            typed.of("鄂州市晶晶实业有限公司") && !typed.shortens("鄂州市晶晶实业有限公司"),
            "晶晶 is short for 晶晶水产, not the other way"
        );
    }

    #[test]
    fn near_names_are_one_character_apart() {
        let near = |typed: &str, name: &str| near_name(&typed.chars().collect::<Vec<_>>(), name);
        assert!(near(
            "鄂州晶晶水产科技有限公司",
            "鄂州市晶晶水产科技有限公司"
        ));
        assert!(near(
            "鄂州市晶晶水产科技有限公同",
            "鄂州市晶晶水产科技有限公司"
        ));
        assert!(!near(
            "鄂州晶晶水产科技有公司",
            "鄂州市晶晶水产科技有限公司"
        ));
        assert!(!near(
            "鄂州市光谷水产科技有限公司",
            "鄂州市晶晶水产科技有限公司"
        ));
        assert!(!near("晶晶水产", "晶晶食品"), "two apart in four");
        assert!(near("晶晶水产", "晶晶水厂"));
        assert!(!near("晶水", "晶火"), "too short to tell");
        assert!(!near(
            "鄂州市晶晶水产科技有限公司",
            "鄂州市晶晶水产科技有限公司集团分公司"
        ));
        assert!(!near("鄂州市晶晶水产", "鄂州市晶晶水产"), "the same");
        assert!(near("晶晶水产a", "晶晶水产"), "one added at the end");
        assert!(near("a晶晶水产", "晶晶水产"), "one added at the start");
        assert!(near("ABCDE", "ABXDE") && !near("ABCDE", "AXCDY"));
    }

    #[test]
    fn prose_keeps_its_punctuation_and_folds_full_width_letters_and_digits() {
        assert_eq!(
            clean_prose("\u{3000}鄂州市培训班（第９期）：ＩＰ，专利\u{3000}").as_deref(),
            Some("鄂州市培训班（第9期）：IP，专利")
        );
        assert_eq!(clean("晶晶（鄂州）").as_deref(), Some("晶晶(鄂州)"));
        assert_eq!(clean_prose("\u{3000} "), None);
    }

    #[test]
    fn phones_are_cleaned_and_checked() {
        assert_eq!(
            normalise_phone("138 0000-1234").as_deref(),
            Ok("13800001234")
        );
        assert_eq!(
            normalise_phone("１３８００００１２３４").as_deref(),
            Ok("13800001234")
        );
        assert_eq!(
            normalise_phone("+86 13800001234").as_deref(),
            Ok("13800001234")
        );
        assert_eq!(
            normalise_phone("027-86759057").as_deref(),
            Ok("027-86759057")
        );
        assert_eq!(
            normalise_phone("0711 3201234").as_deref(),
            Ok("0711-3201234")
        );
        assert!(normalise_phone("12345").is_err());
        assert!(normalise_phone("1280000123a").is_err());
        assert!(normalise_phone("12800001234").is_err());
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("027-86759057"), "027-****9057");
        assert_eq!(mask_phone("123"), "123");
    }

    #[test]
    fn clean_folds_and_trims() {
        assert_eq!(clean("\u{3000}张三 ").as_deref(), Some("张三"));
        assert_eq!(clean("  "), None);
    }
}

#[cfg(test)]
mod clean_tests {
    use super::*;

    #[test]
    fn controls_and_reordering_marks_are_refused_and_shown_escaped() {
        for bad in [
            "欧\u{1b}]0;x\u{7}阳",
            "a\tb",
            "a\nb",
            "\u{202E}abc",
            "x\u{9b}y",
            "\u{2066}名",
        ] {
            assert!(forbidden_char(bad).is_some(), "{bad:?}");
            assert!(!printable(bad)
                .chars()
                .any(|c| forbidden_char(&c.to_string()).is_some()));
        }
        assert_eq!(printable("欧\u{1b}阳"), "欧\\u{1b}阳");
        for good in [
            "欧阳明",
            "鄂州市华宇光电科技有限公司（分公司）",
            "027-86759057",
            "Ａ　Ｂ",
        ] {
            assert_eq!(forbidden_char(good), None, "{good:?}");
            assert_eq!(printable(good), good);
        }
    }
}

#[cfg(test)]
mod same_name_tests {
    use super::same_name;

    #[test]
    fn a_name_is_the_same_but_for_spaces_dots_width_and_case() {
        assert!(same_name("欧阳 明月", "欧阳明月"));
        assert!(same_name("艾力·买买提", "艾力 买买提"));
        assert!(same_name("艾力‧买买提\u{200b}", "艾力·买买提"));
        assert!(same_name("ＭＡＲＹ smith", "Mary Smith"));
        assert!(
            same_name("  ", "张三"),
            "nothing typed names the phone's owner"
        );
        assert!(!same_name("张珊", "张三"));
        assert!(!same_name("张三丰", "张三"));
    }
}
