//! Path patterns for `QSslCertificate::fromPath`.
//!
//! Qt matches file paths with `QRegularExpression` (PCRE2). This module has
//! a small backtracking matcher for the part of that syntax people write in
//! path patterns, and Qt 6's wildcard-to-regular-expression conversion for
//! file paths on Unix.
//!
//! Supported syntax: literals; `.`; character classes `[...]` and `[^...]`
//! with ranges, escapes and POSIX names (`[:alpha:]`, ...); the escapes
//! `\d \D \w \W \s \S \h \H \v \V`, `\n \t \r \f \e \a \0 \xhh \x{hhhh}`,
//! `\Q...\E` and any escaped punctuation; anchors `^ $ \A \z \Z \b \B`;
//! groups `(...)`, `(?:...)`, named groups, atomic groups `(?>...)`,
//! lookahead `(?=...)` and `(?!...)`, comments `(?#...)`; alternation `|`;
//! quantifiers `* + ? {n} {n,} {n,m}`, each greedy, lazy (`?`) or
//! possessive (`+`). Classes are ASCII, as in PCRE2 without Unicode
//! properties (Qt's default). Back-references, lookbehind, inline options
//! and conditionals are rejected as invalid, so such a pattern matches
//! nothing (as an invalid `QRegularExpression` does).
//!
//! Matching is bounded: after [`MAX_STEPS`] steps or [`MAX_DEPTH`] nested
//! calls the match is abandoned and reported as "no match".

use std::cell::Cell;

/// Work limit per match attempt (steps of the matcher).
pub(crate) const MAX_STEPS: u32 = 2_000_000;
/// Nesting limit per match attempt (bounds stack use).
pub(crate) const MAX_DEPTH: u32 = 1_000;
/// Largest repeat count accepted in `{n,m}` (PCRE2's limit).
const MAX_REPEAT: u32 = 65_535;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Posix {
    Alpha,
    Digit,
    Alnum,
    Space,
    Upper,
    Lower,
    Punct,
    Xdigit,
    Word,
    Blank,
    Cntrl,
    Graph,
    Print,
    Ascii,
}

impl Posix {
    fn from_name(name: &str) -> Option<Posix> {
        Some(match name {
            "alpha" => Posix::Alpha,
            "digit" => Posix::Digit,
            "alnum" => Posix::Alnum,
            "space" => Posix::Space,
            "upper" => Posix::Upper,
            "lower" => Posix::Lower,
            "punct" => Posix::Punct,
            "xdigit" => Posix::Xdigit,
            "word" => Posix::Word,
            "blank" => Posix::Blank,
            "cntrl" => Posix::Cntrl,
            "graph" => Posix::Graph,
            "print" => Posix::Print,
            "ascii" => Posix::Ascii,
            _ => return None,
        })
    }

    fn matches(self, c: char) -> bool {
        match self {
            Posix::Alpha => c.is_ascii_alphabetic(),
            Posix::Digit => c.is_ascii_digit(),
            Posix::Alnum => c.is_ascii_alphanumeric(),
            Posix::Space => is_space(c),
            Posix::Upper => c.is_ascii_uppercase(),
            Posix::Lower => c.is_ascii_lowercase(),
            Posix::Punct => c.is_ascii_punctuation(),
            Posix::Xdigit => c.is_ascii_hexdigit(),
            Posix::Word => is_word(c),
            Posix::Blank => c == ' ' || c == '\t',
            Posix::Cntrl => c.is_ascii_control(),
            Posix::Graph => c.is_ascii_graphic(),
            Posix::Print => c.is_ascii_graphic() || c == ' ',
            Posix::Ascii => c.is_ascii(),
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r')
}

fn is_hspace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{1680}' | '\u{180e}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

fn is_vspace(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{0b}' | '\u{0c}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// One member of a character class.
#[derive(Debug, Clone)]
enum Item {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
    HSpace(bool),
    VSpace(bool),
    Posix(Posix, bool),
}

impl Item {
    fn matches(&self, c: char) -> bool {
        match *self {
            Item::Range(a, b) => a <= c && c <= b,
            Item::Digit(neg) => c.is_ascii_digit() != neg,
            Item::Word(neg) => is_word(c) != neg,
            Item::Space(neg) => is_space(c) != neg,
            Item::HSpace(neg) => is_hspace(c) != neg,
            Item::VSpace(neg) => is_vspace(c) != neg,
            Item::Posix(p, neg) => p.matches(c) != neg,
        }
    }
}

#[derive(Debug, Clone)]
struct Set {
    negated: bool,
    items: Vec<Item>,
}

impl Set {
    fn single(item: Item) -> Set {
        Set {
            negated: false,
            items: vec![item],
        }
    }

    fn matches(&self, c: char) -> bool {
        self.items.iter().any(|i| i.matches(c)) != self.negated
    }
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(char),
    Literal(Vec<char>),
    Any,
    Set(Set),
    Start,
    End,
    EndAbs,
    WordBoundary(bool),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        kind: Kind,
    },
    Look {
        node: Box<Node>,
        negate: bool,
    },
    Atomic(Box<Node>),
}

impl Node {
    /// True for nodes that match exactly one character.
    fn single_char(&self, c: char) -> Option<bool> {
        match self {
            Node::Char(x) => Some(*x == c),
            Node::Any => Some(c != '\n'),
            Node::Set(s) => Some(s.matches(c)),
            _ => None,
        }
    }

    fn is_single(&self) -> bool {
        matches!(self, Node::Char(_) | Node::Any | Node::Set(_))
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: u32,
}

type PResult<T> = Result<T, String>;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn parse_alt(&mut self) -> PResult<Node> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("groups nested too deeply".into());
        }
        let mut alts = vec![self.parse_concat()?];
        while self.eat('|') {
            alts.push(self.parse_concat()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn parse_concat(&mut self) -> PResult<Node> {
        let mut items: Vec<Node> = Vec::new();
        loop {
            match self.peek() {
                None | Some('|') | Some(')') => break,
                _ => {}
            }
            let atom = match self.parse_atom()? {
                Some(a) => a,
                None => continue,
            };
            let atom = self.parse_quantifier(atom)?;
            items.push(atom);
        }
        Ok(merge_literals(items))
    }

    /// Parses `{n}`, `{n,}` or `{n,m}` at the current position; `None` (and
    /// no input consumed) when the brace does not start a quantifier, in
    /// which case PCRE2 reads it as a literal.
    fn try_braces(&mut self) -> PResult<Option<(u32, Option<u32>)>> {
        if self.peek() != Some('{') {
            return Ok(None);
        }
        let start = self.pos;
        self.pos += 1;
        let read_num = |p: &mut Parser| -> Option<u64> {
            let s = p.pos;
            let mut v: u64 = 0;
            while let Some(c) = p.peek() {
                if let Some(d) = c.to_digit(10) {
                    v = v.saturating_mul(10).saturating_add(u64::from(d));
                    p.pos += 1;
                } else {
                    break;
                }
            }
            (p.pos > s).then_some(v)
        };
        let min = read_num(self);
        let Some(min) = min else {
            self.pos = start;
            return Ok(None);
        };
        let max = if self.eat(',') {
            read_num(self)
        } else {
            Some(min)
        };
        if !self.eat('}') {
            self.pos = start;
            return Ok(None);
        }
        let too_big = |v: u64| v > u64::from(MAX_REPEAT);
        if too_big(min) || max.is_some_and(too_big) {
            return Err("number too big in {} quantifier".into());
        }
        let min = min as u32;
        let max = max.map(|m| m as u32);
        if max.is_some_and(|m| m < min) {
            return Err("numbers out of order in {} quantifier".into());
        }
        Ok(Some((min, max)))
    }

    fn parse_quantifier(&mut self, atom: Node) -> PResult<Node> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, None)
            }
            Some('+') => {
                self.pos += 1;
                (1, None)
            }
            Some('?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some('{') => match self.try_braces()? {
                Some(q) => q,
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        if matches!(
            atom,
            Node::Start | Node::End | Node::EndAbs | Node::WordBoundary(_)
        ) {
            return Err("quantifier does not follow a repeatable item".into());
        }
        let kind = if self.eat('?') {
            Kind::Lazy
        } else if self.eat('+') {
            Kind::Possessive
        } else {
            Kind::Greedy
        };
        match self.peek() {
            Some('*') | Some('+') | Some('?') => {
                return Err("quantifier does not follow a repeatable item".into());
            }
            Some('{') => {
                let save = self.pos;
                if self.try_braces()?.is_some() {
                    return Err("quantifier does not follow a repeatable item".into());
                }
                self.pos = save;
            }
            _ => {}
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            kind,
        })
    }

    /// One atom; `Ok(None)` for constructs that match nothing (comments,
    /// an empty `\Q\E`).
    fn parse_atom(&mut self) -> PResult<Option<Node>> {
        let Some(c) = self.bump() else {
            return Err("unexpected end of pattern".into());
        };
        Ok(Some(match c {
            '(' => return self.parse_group(),
            '[' => Node::Set(self.parse_class()?),
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => return self.parse_escape(),
            '*' | '+' | '?' => {
                return Err("quantifier does not follow a repeatable item".into());
            }
            '{' => {
                self.pos -= 1;
                if self.try_braces()?.is_some() {
                    return Err("quantifier does not follow a repeatable item".into());
                }
                self.pos += 1;
                Node::Char('{')
            }
            other => Node::Char(other),
        }))
    }

    fn parse_group(&mut self) -> PResult<Option<Node>> {
        enum G {
            Plain,
            Look(bool),
            Atomic,
        }
        let mut g = G::Plain;
        if self.eat('?') {
            match self.bump() {
                Some(':') => {}
                Some('=') => g = G::Look(false),
                Some('!') => g = G::Look(true),
                Some('>') => g = G::Atomic,
                Some('#') => {
                    while let Some(c) = self.bump() {
                        if c == ')' {
                            return Ok(None);
                        }
                    }
                    return Err("missing ) after (?# comment".into());
                }
                Some('P') if self.peek() == Some('<') => {
                    self.pos += 1;
                    self.group_name('>')?;
                }
                Some('<') if !matches!(self.peek(), Some('=') | Some('!')) => {
                    self.group_name('>')?;
                }
                Some('\'') => {
                    self.group_name('\'')?;
                }
                _ => return Err("unsupported (? group construct".into()),
            }
        }
        let inner = self.parse_alt()?;
        if !self.eat(')') {
            return Err("missing closing parenthesis".into());
        }
        Ok(Some(match g {
            G::Plain => inner,
            G::Look(negate) => Node::Look {
                node: Box::new(inner),
                negate,
            },
            G::Atomic => Node::Atomic(Box::new(inner)),
        }))
    }

    fn group_name(&mut self, end: char) -> PResult<()> {
        let start = self.pos;
        while let Some(c) = self.bump() {
            if c == end {
                if self.pos - 1 == start {
                    return Err("group name must not be empty".into());
                }
                return Ok(());
            }
            if !is_word(c) {
                return Err("invalid character in group name".into());
            }
        }
        Err("unterminated group name".into())
    }

    fn hex_escape(&mut self) -> PResult<char> {
        let mut v: u32 = 0;
        if self.eat('{') {
            let mut n = 0;
            while let Some(c) = self.peek() {
                if c == '}' {
                    break;
                }
                let d = c
                    .to_digit(16)
                    .ok_or_else(|| "invalid \\x{...} escape".to_string())?;
                v = v.saturating_mul(16).saturating_add(d);
                n += 1;
                self.pos += 1;
            }
            if !self.eat('}') || n == 0 {
                return Err("invalid \\x{...} escape".into());
            }
        } else {
            for _ in 0..2 {
                match self.peek().and_then(|c| c.to_digit(16)) {
                    Some(d) => {
                        v = v * 16 + d;
                        self.pos += 1;
                    }
                    None => break,
                }
            }
        }
        char::from_u32(v).ok_or_else(|| "character code point value is invalid".into())
    }

    fn octal_escape(&mut self) -> char {
        // After "\0": up to two more octal digits.
        let mut v: u32 = 0;
        for _ in 0..2 {
            match self.peek().and_then(|c| c.to_digit(8)) {
                Some(d) => {
                    v = v * 8 + d;
                    self.pos += 1;
                }
                None => break,
            }
        }
        char::from_u32(v).unwrap_or('\0')
    }

    /// A character escape shared by classes and the top level; `None` if
    /// `c` is not one.
    fn char_escape(&mut self, c: char) -> PResult<Option<char>> {
        Ok(Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\u{0c}',
            'e' => '\u{1b}',
            'a' => '\u{07}',
            '0' => self.octal_escape(),
            'x' => self.hex_escape()?,
            c if !c.is_ascii_alphanumeric() => c,
            _ => return Ok(None),
        }))
    }

    fn class_escape(c: char) -> Option<Item> {
        Some(match c {
            'd' => Item::Digit(false),
            'D' => Item::Digit(true),
            'w' => Item::Word(false),
            'W' => Item::Word(true),
            's' => Item::Space(false),
            'S' => Item::Space(true),
            'h' => Item::HSpace(false),
            'H' => Item::HSpace(true),
            'v' => Item::VSpace(false),
            'V' => Item::VSpace(true),
            _ => return None,
        })
    }

    fn parse_escape(&mut self) -> PResult<Option<Node>> {
        let Some(c) = self.bump() else {
            return Err("\\ at end of pattern".into());
        };
        if let Some(item) = Self::class_escape(c) {
            return Ok(Some(Node::Set(Set::single(item))));
        }
        Ok(Some(match c {
            'b' => Node::WordBoundary(true),
            'B' => Node::WordBoundary(false),
            'A' => Node::Start,
            'z' => Node::EndAbs,
            'Z' => Node::End,
            'Q' => {
                let mut lit = Vec::new();
                loop {
                    match self.bump() {
                        None => break,
                        Some('\\') if self.peek() == Some('E') => {
                            self.pos += 1;
                            break;
                        }
                        Some(ch) => lit.push(ch),
                    }
                }
                return Ok(match lit.len() {
                    0 => None,
                    1 => Some(Node::Char(lit[0])),
                    _ => Some(Node::Literal(lit)),
                });
            }
            'E' => return Ok(None),
            '1'..='9' => return Err("back-references are not supported".into()),
            other => match self.char_escape(other)? {
                Some(ch) => Node::Char(ch),
                None => return Err(format!("unrecognized escape \\{other}")),
            },
        }))
    }

    fn parse_class(&mut self) -> PResult<Set> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.bump() else {
                return Err("missing terminating ] for character class".into());
            };
            if c == ']' && !first {
                break;
            }
            first = false;
            // POSIX class [:name:] / [:^name:]
            if c == '[' && self.peek() == Some(':') {
                let save = self.pos;
                self.pos += 1;
                let neg = self.eat('^');
                let mut name = String::new();
                while let Some(ch) = self.peek() {
                    if ch.is_ascii_alphabetic() {
                        name.push(ch);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                if self.eat(':') && self.eat(']') {
                    let p = Posix::from_name(&name)
                        .ok_or_else(|| format!("unknown POSIX class name {name}"))?;
                    items.push(Item::Posix(p, neg));
                    continue;
                }
                self.pos = save;
            }
            let lo = if c == '\\' {
                let Some(e) = self.bump() else {
                    return Err("\\ at end of pattern".into());
                };
                if let Some(item) = Self::class_escape(e) {
                    items.push(item);
                    continue;
                }
                match e {
                    'b' => '\u{08}',
                    'Q' | 'E' => continue,
                    other => match self.char_escape(other)? {
                        Some(ch) => ch,
                        None => return Err(format!("unrecognized escape \\{other} in class")),
                    },
                }
            } else {
                c
            };
            // A range lo-hi, unless '-' is last.
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']') {
                let save = self.pos;
                self.pos += 1;
                let hi_c = self.bump().unwrap_or(']');
                let hi = if hi_c == '\\' {
                    let Some(e) = self.bump() else {
                        return Err("\\ at end of pattern".into());
                    };
                    if Self::class_escape(e).is_some() {
                        // "a-\d": '-' is literal.
                        self.pos = save;
                        items.push(Item::Range(lo, lo));
                        continue;
                    }
                    match e {
                        'b' => '\u{08}',
                        other => match self.char_escape(other)? {
                            Some(ch) => ch,
                            None => {
                                return Err(format!("unrecognized escape \\{other} in class"));
                            }
                        },
                    }
                } else if hi_c == '[' && self.peek() == Some(':') {
                    self.pos = save;
                    items.push(Item::Range(lo, lo));
                    continue;
                } else {
                    hi_c
                };
                if hi < lo {
                    return Err("range out of order in character class".into());
                }
                items.push(Item::Range(lo, hi));
            } else {
                items.push(Item::Range(lo, lo));
            }
        }
        Ok(Set { negated, items })
    }
}

/// Joins runs of plain characters into literals (fewer, shallower steps).
fn merge_literals(items: Vec<Node>) -> Node {
    let mut out: Vec<Node> = Vec::with_capacity(items.len());
    for n in items {
        match (out.last_mut(), n) {
            (Some(Node::Char(a)), Node::Char(b)) => {
                let a = *a;
                out.pop();
                out.push(Node::Literal(vec![a, b]));
            }
            (Some(Node::Literal(v)), Node::Char(b)) => v.push(b),
            (_, n) => out.push(n),
        }
    }
    match out.len() {
        0 => Node::Empty,
        1 => out.pop().unwrap_or(Node::Empty),
        _ => Node::Concat(out),
    }
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    root: Node,
}

impl Regex {
    /// Compiles `pattern`; an error names what is wrong.
    pub(crate) fn new(pattern: &str) -> Result<Regex, String> {
        let mut p = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            depth: 0,
        };
        let root = p.parse_alt()?;
        if p.pos < p.chars.len() {
            return Err("unmatched closing parenthesis".into());
        }
        Ok(Regex { root })
    }

    /// Qt's `QRegularExpression::anchoredPattern`: `\A(?:pattern)\z`.
    pub(crate) fn anchored(pattern: &str) -> Result<Regex, String> {
        Regex::new(&format!("\\A(?:{pattern})\\z"))
    }

    /// True if the pattern matches somewhere in `text` (PCRE2's unanchored
    /// search; anchors in the pattern decide where it may match).
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let m = Matcher {
            text: text.chars().collect(),
            steps: Cell::new(0),
            depth: Cell::new(0),
            aborted: Cell::new(false),
        };
        for start in 0..=m.text.len() {
            if m.node(&self.root, start, &mut |_| true) {
                return true;
            }
            if m.aborted.get() {
                return false;
            }
        }
        false
    }
}

struct Matcher {
    text: Vec<char>,
    steps: Cell<u32>,
    depth: Cell<u32>,
    aborted: Cell<bool>,
}

type Cont<'a> = &'a mut dyn FnMut(usize) -> bool;

impl Matcher {
    fn tick(&self) -> bool {
        if self.aborted.get() {
            return false;
        }
        let s = self.steps.get() + 1;
        self.steps.set(s);
        if s > MAX_STEPS {
            self.aborted.set(true);
            return false;
        }
        true
    }

    fn word_at(&self, i: usize) -> bool {
        self.text.get(i).is_some_and(|&c| is_word(c))
    }

    fn node(&self, n: &Node, i: usize, k: Cont<'_>) -> bool {
        if !self.tick() {
            return false;
        }
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            self.aborted.set(true);
            return false;
        }
        self.depth.set(d + 1);
        let r = self.node_inner(n, i, k);
        self.depth.set(d);
        r
    }

    fn node_inner(&self, n: &Node, i: usize, k: Cont<'_>) -> bool {
        let len = self.text.len();
        match n {
            Node::Empty => k(i),
            Node::Char(_) | Node::Any | Node::Set(_) => {
                i < len && n.single_char(self.text[i]) == Some(true) && k(i + 1)
            }
            Node::Literal(lit) => {
                i + lit.len() <= len && self.text[i..i + lit.len()] == lit[..] && k(i + lit.len())
            }
            Node::Start => i == 0 && k(i),
            Node::End => (i == len || (i + 1 == len && self.text[i] == '\n')) && k(i),
            Node::EndAbs => i == len && k(i),
            Node::WordBoundary(want) => {
                let before = i > 0 && self.word_at(i - 1);
                let after = self.word_at(i);
                ((before != after) == *want) && k(i)
            }
            Node::Concat(v) => self.seq(v, i, k),
            Node::Alt(v) => {
                for a in v {
                    if self.node(a, i, k) {
                        return true;
                    }
                    if self.aborted.get() {
                        return false;
                    }
                }
                false
            }
            Node::Repeat {
                node,
                min,
                max,
                kind,
            } => {
                if node.is_single() {
                    self.repeat_single(node, *min, *max, *kind, i, k)
                } else if *kind == Kind::Possessive {
                    let mut end = None;
                    let found = self.repeat(node, *min, *max, false, 0, i, &mut |j| {
                        end = Some(j);
                        true
                    });
                    found && k(end.unwrap_or(i))
                } else {
                    self.repeat(node, *min, *max, *kind == Kind::Lazy, 0, i, k)
                }
            }
            Node::Look { node, negate } => {
                let found = self.node(node, i, &mut |_| true);
                if self.aborted.get() {
                    return false;
                }
                found != *negate && k(i)
            }
            Node::Atomic(node) => {
                let mut end = None;
                let found = self.node(node, i, &mut |j| {
                    end = Some(j);
                    true
                });
                found && k(end.unwrap_or(i))
            }
        }
    }

    fn seq(&self, nodes: &[Node], i: usize, k: Cont<'_>) -> bool {
        match nodes.split_first() {
            None => k(i),
            Some((first, [])) => self.node(first, i, k),
            Some((first, rest)) => self.node(first, i, &mut |j| self.seq(rest, j, k)),
        }
    }

    fn repeat_single(
        &self,
        node: &Node,
        min: u32,
        max: Option<u32>,
        kind: Kind,
        i: usize,
        k: Cont<'_>,
    ) -> bool {
        let avail = self.text.len() - i;
        let limit = max.map_or(avail, |m| (m as usize).min(avail));
        let mut n = 0;
        while n < limit && node.single_char(self.text[i + n]) == Some(true) {
            n += 1;
        }
        let min = min as usize;
        if n < min {
            return false;
        }
        match kind {
            Kind::Possessive => k(i + n),
            Kind::Greedy => {
                for c in (min..=n).rev() {
                    if !self.tick() {
                        return false;
                    }
                    if k(i + c) {
                        return true;
                    }
                }
                false
            }
            Kind::Lazy => {
                for c in min..=n {
                    if !self.tick() {
                        return false;
                    }
                    if k(i + c) {
                        return true;
                    }
                }
                false
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &self,
        node: &Node,
        min: u32,
        max: Option<u32>,
        lazy: bool,
        count: u32,
        i: usize,
        k: Cont<'_>,
    ) -> bool {
        if !self.tick() {
            return false;
        }
        let enough = count >= min;
        let can_more = max.is_none_or(|m| count < m);
        if enough && lazy && k(i) {
            return true;
        }
        if can_more {
            let more = self.node(node, i, &mut |j| {
                // An iteration that consumed nothing cannot lead anywhere new.
                if j == i && enough {
                    return false;
                }
                self.repeat(node, min, max, lazy, count.saturating_add(1), j, k)
            });
            if more {
                return true;
            }
        }
        enough && !lazy && !self.aborted.get() && k(i)
    }
}

/// Qt 6's `QRegularExpression::wildcardToRegularExpression(pattern,
/// UnanchoredWildcardConversion)` for file paths on Unix: `*` and `?` do not
/// match '/', `[...]` (with `[!...]` for negation) is a class, other regex
/// metacharacters and '\' are escaped. A '/' inside a class ends the
/// conversion (the result is then an invalid pattern, as in Qt).
pub(crate) fn wildcard_to_regex(pattern: &str) -> String {
    let wc: Vec<char> = pattern.chars().collect();
    let len = wc.len();
    let mut rx = String::with_capacity(len + len / 16 + 8);
    let mut i = 0;
    while i < len {
        let c = wc[i];
        i += 1;
        match c {
            '*' => rx.push_str("[^/]*"),
            '?' => rx.push_str("[^/]"),
            '\\' | '$' | '(' | ')' | '+' | '.' | '^' | '{' | '|' | '}' => {
                rx.push('\\');
                rx.push(c);
            }
            '[' => {
                rx.push('[');
                if i < len {
                    if wc[i] == '!' {
                        rx.push('^');
                        i += 1;
                    }
                    if i < len && wc[i] == ']' {
                        rx.push(']');
                        i += 1;
                    }
                    while i < len && wc[i] != ']' {
                        if wc[i] == '/' {
                            return rx;
                        }
                        if wc[i] == '\\' {
                            rx.push('\\');
                        }
                        rx.push(wc[i]);
                        i += 1;
                    }
                }
            }
            other => rx.push(other),
        }
    }
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(p: &str, t: &str) -> bool {
        Regex::anchored(p).map(|r| r.is_match(t)).unwrap_or(false)
    }

    #[test]
    fn literals_and_dot() {
        assert!(full("abc", "abc"));
        assert!(!full("abc", "abcd"));
        assert!(full("a.c", "abc"));
        assert!(!full("a.c", "a\nc"));
        assert!(full("pattern/a.pe.", "pattern/a.pem"));
        assert!(full("a\\.c", "a.c"));
        assert!(!full("a\\.c", "abc"));
    }

    #[test]
    fn quantifiers() {
        assert!(full("ab*c", "ac"));
        assert!(full("ab*c", "abbbc"));
        assert!(full("ab+c", "abc"));
        assert!(!full("ab+c", "ac"));
        assert!(full("ab?c", "ac"));
        assert!(full("a{2,3}", "aaa"));
        assert!(!full("a{2,3}", "aaaa"));
        assert!(full("a{2}", "aa"));
        assert!(full("a{2,}", "aaaaa"));
        assert!(full("a{,2}", "a{,2}"), "not a quantifier: literal");
        assert!(full("x{", "x{"));
        assert!(full("a.*?b", "axxb"));
        assert!(!full("a*+a", "aaa"), "possessive does not give back");
        assert!(full("(ab)+", "ababab"));
        assert!(full("(a|b)*c", "abbac"));
        assert!(full("(?:a*)*b", "aaab"));
        assert!(!full("(?:a*)*b", "aaac"));
        assert!(Regex::new("*a").is_err());
        assert!(Regex::new("a**").is_err());
        assert!(Regex::new("a{3,2}").is_err());
    }

    #[test]
    fn classes() {
        assert!(full("[ab]\\.pem", "a.pem"));
        assert!(!full("[ab]\\.pem", "c.pem"));
        assert!(full("[^/]*", "abc"));
        assert!(!full("[^/]*", "a/c"));
        assert!(full("[a-c]+", "abcabc"));
        assert!(full("[]a]", "]"));
        assert!(full("[a-]", "-"));
        assert!(full("[\\d]+", "123"));
        assert!(full("\\d\\w\\s", "1a "));
        assert!(full("[[:alpha:]]+", "abc"));
        assert!(!full("[[:digit:]]", "a"));
        assert!(Regex::new("[abc").is_err());
        assert!(Regex::new("[z-a]").is_err());
    }

    #[test]
    fn groups_anchors_lookaround() {
        assert!(full("a|b", "b"));
        assert!(full("(?:x|y)z", "yz"));
        assert!(full("(?<name>ab)c", "abc"));
        assert!(full("a(?=b)b", "ab"));
        assert!(!full("a(?!b)b", "ab"));
        assert!(full("(?>a+)b", "aab"));
        assert!(!full("(?>a*)a", "aa"));
        assert!(full("\\bab\\b", "ab"));
        assert!(full("^ab$", "ab"));
        assert!(full("a(?#comment)b", "ab"));
        assert!(full("\\Qa.b\\E", "a.b"));
        assert!(!full("\\Qa.b\\E", "axb"));
        assert!(Regex::new("(a").is_err());
        assert!(Regex::new("a)").is_err());
        assert!(Regex::new("(a)\\1").is_err());
        assert!(Regex::new("(?<=a)b").is_err());
        assert!(Regex::new("(?i)a").is_err());
        assert!(Regex::new("\\i").is_err());
    }

    #[test]
    fn anchored_wrapper_is_literal_text() {
        // As in Qt, the pattern is pasted into \A(?:...)\z, so a stray ')'
        // can change the meaning instead of being an error.
        let r = Regex::anchored("a)|(b").unwrap();
        assert!(r.is_match("a"));
        assert!(r.is_match("xxb"));
    }

    #[test]
    fn wildcard_conversion() {
        assert_eq!(wildcard_to_regex("pattern/*.pem"), "pattern/[^/]*\\.pem");
        assert_eq!(wildcard_to_regex("a?[!bc]d"), "a[^/][^bc]d");
        assert_eq!(wildcard_to_regex("[]x]"), "[]x]");
        assert_eq!(wildcard_to_regex("a\\b"), "a\\\\b");
        assert_eq!(wildcard_to_regex("x[a/b]"), "x[a");
        assert!(full(&wildcard_to_regex("pattern/*.pem"), "pattern/a.pem"));
        assert!(!full(
            &wildcard_to_regex("pattern/*.pem"),
            "pattern/sub/d.pem"
        ));
        assert!(full(
            &wildcard_to_regex("pattern/*/*.pem"),
            "pattern/sub/d.pem"
        ));
        assert!(!full(&wildcard_to_regex("x[a/b]"), "xa"));
    }

    #[test]
    fn catastrophic_patterns_are_bounded() {
        let text = "a".repeat(40) + "b";
        assert!(!full("(a*)*c", &text));
        assert!(!full("(a|a)*c", &text));
        let long = "x".repeat(10_000);
        assert!(full(".*", &long));
        assert!(full("x+", &long));
    }
}
