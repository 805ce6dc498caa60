//! A scoring framework's custom formula: a small expression language over
//! the framework's criteria (RICE's `reach * impact * confidence / effort`).
//!
//! It has numbers, criterion variables, `+ - * / ^` (also written `− × ÷`),
//! parentheses and the functions `min`, `max` (two or more arguments),
//! `sqrt`, `log` (natural) and `abs`. `^` binds tightest and to the right;
//! a leading minus binds looser than `^` (`-2^2` is −4).
//!
//! Nothing a formula does can hang, overflow the stack or allocate without
//! bound: a formula is at most `MAX_LENGTH` characters and nests at most
//! `MAX_DEPTH` deep, and evaluating it visits each node once. Every result
//! is a finite number: whatever would be infinite or not a number (a
//! division by zero, `log` or `sqrt` of what has none, an overflow) counts
//! as 0, so sorting by a score never meets a NaN. `pow`, `log` and `sqrt`
//! come from `libm`, the same code in the server and in the browser, so a
//! score is the same to the last bit on both sides.

use std::fmt;

/// The longest formula accepted, in characters.
pub const MAX_LENGTH: usize = 1_000;
/// How deeply parentheses, function calls, signs and powers may nest.
pub const MAX_DEPTH: usize = 32;

/// A formula that parsed: evaluate it with one value per variable, in the
/// order of the names it was parsed with.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    root: Node,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Number(f64),
    Variable(usize),
    Negate(Box<Node>),
    Binary(Operator, Box<Node>, Box<Node>),
    Call(Function, Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Function {
    Min,
    Max,
    Sqrt,
    Log,
    Abs,
}

impl Function {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "min" => Self::Min,
            "max" => Self::Max,
            "sqrt" => Self::Sqrt,
            "log" => Self::Log,
            "abs" => Self::Abs,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Max => "max",
            Self::Sqrt => "sqrt",
            Self::Log => "log",
            Self::Abs => "abs",
        }
    }
}

/// Why a formula was refused, and where: line and column of the offending
/// token, both counted from 1 (a column counts characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}:{}", self.message, self.line, self.column)
    }
}

impl std::error::Error for FormulaError {}

/// Parses `source`, whose variables must be among `variables` (matched
/// without regard to case).
pub fn parse(source: &str, variables: &[&str]) -> Result<Formula, FormulaError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens,
        next: 0,
        variables,
        end: end_of(source),
    };
    let root = parser.expression(0)?;
    match parser.peek() {
        None => Ok(Formula { root }),
        Some(token) => Err(token.error(format!("unexpected {}", token.kind.describe()))),
    }
}

impl Formula {
    /// The formula's value for `values` (one per variable, in the order
    /// they were named to `parse`; a missing one counts as 0). Always finite.
    pub fn evaluate(&self, values: &[f64]) -> f64 {
        evaluate(&self.root, values)
    }

    /// Whether the formula reads variable `index`.
    pub fn uses(&self, index: usize) -> bool {
        uses(&self.root, index)
    }
}

fn uses(node: &Node, index: usize) -> bool {
    match node {
        Node::Number(_) => false,
        Node::Variable(i) => *i == index,
        Node::Negate(inner) => uses(inner, index),
        Node::Binary(_, left, right) => uses(left, index) || uses(right, index),
        Node::Call(_, arguments) => arguments.iter().any(|a| uses(a, index)),
    }
}

fn evaluate(node: &Node, values: &[f64]) -> f64 {
    let value = match node {
        Node::Number(n) => *n,
        Node::Variable(index) => values.get(*index).copied().unwrap_or(0.0),
        Node::Negate(inner) => -evaluate(inner, values),
        Node::Binary(operator, left, right) => {
            let (a, b) = (evaluate(left, values), evaluate(right, values));
            match operator {
                Operator::Add => a + b,
                Operator::Subtract => a - b,
                Operator::Multiply => a * b,
                Operator::Divide => a / b,
                Operator::Power => libm::pow(a, b),
            }
        }
        Node::Call(function, arguments) => {
            let mut values = arguments.iter().map(|a| evaluate(a, values));
            match function {
                Function::Min => values.fold(f64::INFINITY, f64::min),
                Function::Max => values.fold(f64::NEG_INFINITY, f64::max),
                Function::Sqrt => libm::sqrt(values.next().unwrap_or(0.0)),
                Function::Log => libm::log(values.next().unwrap_or(0.0)),
                Function::Abs => values.next().unwrap_or(0.0).abs(),
            }
        }
    };
    if value.is_finite() { value } else { 0.0 }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Number(f64),
    Name(String),
    Plus,
    Minus,
    Times,
    Divide,
    Power,
    Open,
    Close,
    Comma,
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Self::Number(_) => "number".into(),
            Self::Name(name) => format!("`{name}`"),
            Self::Plus => "`+`".into(),
            Self::Minus => "`-`".into(),
            Self::Times => "`*`".into(),
            Self::Divide => "`/`".into(),
            Self::Power => "`^`".into(),
            Self::Open => "`(`".into(),
            Self::Close => "`)`".into(),
            Self::Comma => "`,`".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    line: usize,
    column: usize,
}

impl Token {
    fn error(&self, message: String) -> FormulaError {
        FormulaError {
            line: self.line,
            column: self.column,
            message,
        }
    }
}

/// Where an error at the end of `source` is reported: just past its last
/// character.
fn end_of(source: &str) -> (usize, usize) {
    let mut position = (1, 1);
    for c in source.chars() {
        position = if c == '\n' {
            (position.0 + 1, 1)
        } else {
            (position.0, position.1 + 1)
        };
    }
    position
}

fn tokenize(source: &str) -> Result<Vec<Token>, FormulaError> {
    if source.chars().count() > MAX_LENGTH {
        return Err(FormulaError {
            line: 1,
            column: 1,
            message: format!("a formula has at most {MAX_LENGTH} characters"),
        });
    }
    let mut tokens = Vec::new();
    let mut chars = source.chars().peekable();
    let (mut line, mut column) = (1, 1);
    while let Some(c) = chars.next() {
        let start = (line, column);
        if c == '\n' {
            line += 1;
            column = 1;
            continue;
        }
        column += 1;
        let kind = match c {
            c if c.is_whitespace() => continue,
            '+' => Kind::Plus,
            '-' | '−' => Kind::Minus,
            '*' | '×' => Kind::Times,
            '/' | '÷' => Kind::Divide,
            '^' => Kind::Power,
            '(' => Kind::Open,
            ')' => Kind::Close,
            ',' => Kind::Comma,
            c if is_number_char(c) => {
                let text = run(c, &mut chars, &mut column, is_number_char);
                match text.parse::<f64>() {
                    Ok(n) if n.is_finite() && text != "." => Kind::Number(n),
                    _ => {
                        return Err(FormulaError {
                            line: start.0,
                            column: start.1,
                            message: format!("`{text}` is not a number"),
                        });
                    }
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                Kind::Name(run(c, &mut chars, &mut column, |d| {
                    d.is_alphanumeric() || d == '_'
                }))
            }
            other => {
                return Err(FormulaError {
                    line: start.0,
                    column: start.1,
                    message: format!("unexpected character `{other}`"),
                });
            }
        };
        tokens.push(Token {
            kind,
            line: start.0,
            column: start.1,
        });
    }
    Ok(tokens)
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.'
}

/// `first` and the characters after it that `more` takes, moving `column`
/// past them.
fn run(
    first: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    column: &mut usize,
    more: fn(char) -> bool,
) -> String {
    let mut text = String::from(first);
    while let Some(&c) = chars.peek()
        && more(c)
    {
        text.push(c);
        chars.next();
        *column += 1;
    }
    text
}

struct Parser<'a> {
    tokens: Vec<Token>,
    next: usize,
    variables: &'a [&'a str],
    end: (usize, usize),
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn take(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.next).cloned();
        self.next += usize::from(token.is_some());
        token
    }

    fn at_end(&self, message: &str) -> FormulaError {
        FormulaError {
            line: self.end.0,
            column: self.end.1,
            message: message.to_owned(),
        }
    }

    fn deeper(&self, depth: usize) -> Result<usize, FormulaError> {
        if depth >= MAX_DEPTH {
            let (line, column) = self.peek().map_or(self.end, |t| (t.line, t.column));
            return Err(FormulaError {
                line,
                column,
                message: format!("a formula nests at most {MAX_DEPTH} deep"),
            });
        }
        Ok(depth + 1)
    }

    /// Sums and differences of terms.
    fn expression(&mut self, depth: usize) -> Result<Node, FormulaError> {
        let depth = self.deeper(depth)?;
        self.chain(depth, Self::term, |kind| match kind {
            Kind::Plus => Some(Operator::Add),
            Kind::Minus => Some(Operator::Subtract),
            _ => None,
        })
    }

    /// Products and quotients of signed factors.
    fn term(&mut self, depth: usize) -> Result<Node, FormulaError> {
        self.chain(depth, Self::signed, |kind| match kind {
            Kind::Times => Some(Operator::Multiply),
            Kind::Divide => Some(Operator::Divide),
            _ => None,
        })
    }

    /// Operands read by `operand`, joined left to right by the operators
    /// `operator` knows.
    fn chain(
        &mut self,
        depth: usize,
        operand: fn(&mut Self, usize) -> Result<Node, FormulaError>,
        operator: fn(&Kind) -> Option<Operator>,
    ) -> Result<Node, FormulaError> {
        let mut left = operand(self, depth)?;
        while let Some(op) = self.peek().and_then(|t| operator(&t.kind)) {
            self.next += 1;
            let right = operand(self, depth)?;
            left = Node::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// A power, with any number of leading signs.
    fn signed(&mut self, depth: usize) -> Result<Node, FormulaError> {
        match self.peek().map(|t| &t.kind) {
            Some(Kind::Minus) => {
                self.next += 1;
                let depth = self.deeper(depth)?;
                Ok(Node::Negate(Box::new(self.signed(depth)?)))
            }
            Some(Kind::Plus) => {
                self.next += 1;
                let depth = self.deeper(depth)?;
                self.signed(depth)
            }
            _ => self.power(depth),
        }
    }

    /// `a ^ b`, to the right: `2 ^ 3 ^ 2` is 2⁹; the exponent may be signed.
    fn power(&mut self, depth: usize) -> Result<Node, FormulaError> {
        let base = self.primary(depth)?;
        if self.peek().is_some_and(|t| t.kind == Kind::Power) {
            self.next += 1;
            let depth = self.deeper(depth)?;
            let exponent = self.signed(depth)?;
            return Ok(Node::Binary(
                Operator::Power,
                Box::new(base),
                Box::new(exponent),
            ));
        }
        Ok(base)
    }

    /// A number, a variable, a call or a parenthesised expression.
    fn primary(&mut self, depth: usize) -> Result<Node, FormulaError> {
        let Some(token) = self.take() else {
            return Err(self.at_end(if self.tokens.is_empty() {
                "the formula is empty"
            } else {
                "the formula ends where a number, a criterion or `(` should come"
            }));
        };
        match &token.kind {
            Kind::Number(n) => Ok(Node::Number(*n)),
            Kind::Open => {
                let inner = self.expression(depth)?;
                self.close(&token)?;
                Ok(inner)
            }
            Kind::Name(name) => {
                let lower = name.to_lowercase();
                if self.peek().is_some_and(|t| t.kind == Kind::Open) {
                    let Some(function) = Function::named(&lower) else {
                        return Err(token.error(format!("unknown function `{name}`")));
                    };
                    let open = self.take().expect("peeked");
                    return self.call(function, &token, &open, depth);
                }
                match self
                    .variables
                    .iter()
                    .position(|v| v.to_lowercase() == lower)
                {
                    Some(index) => Ok(Node::Variable(index)),
                    None if Function::named(&lower).is_some() => {
                        Err(token.error(format!("`{name}` needs its arguments in parentheses")))
                    }
                    None => Err(token.error(format!("unknown variable `{name}`"))),
                }
            }
            other => Err(token.error(format!(
                "expected a number, a criterion or `(`, not {}",
                other.describe()
            ))),
        }
    }

    /// A function's arguments, after its `(`.
    fn call(
        &mut self,
        function: Function,
        name: &Token,
        open: &Token,
        depth: usize,
    ) -> Result<Node, FormulaError> {
        let mut arguments = vec![self.expression(depth)?];
        while self.peek().is_some_and(|t| t.kind == Kind::Comma) {
            self.next += 1;
            arguments.push(self.expression(depth)?);
        }
        self.close(open)?;
        let fits = match function {
            Function::Min | Function::Max => arguments.len() >= 2,
            Function::Sqrt | Function::Log | Function::Abs => arguments.len() == 1,
        };
        if !fits {
            let wanted = match function {
                Function::Min | Function::Max => "two or more arguments",
                _ => "one argument",
            };
            return Err(name.error(format!("`{}` takes {wanted}", function.name())));
        }
        Ok(Node::Call(function, arguments))
    }

    /// The `)` that closes `open`.
    fn close(&mut self, open: &Token) -> Result<(), FormulaError> {
        match self.take() {
            Some(token) if token.kind == Kind::Close => Ok(()),
            Some(token) => Err(token.error(format!(
                "expected `)` to close the `(` at {}:{}, not {}",
                open.line,
                open.column,
                token.kind.describe()
            ))),
            None => Err(open.error("this `(` is never closed".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RICE: &[&str] = &["reach", "impact", "confidence", "effort"];

    fn value(source: &str, values: &[f64]) -> f64 {
        parse(source, RICE)
            .unwrap_or_else(|e| panic!("{source}: {e}"))
            .evaluate(values)
    }

    fn error(source: &str) -> String {
        parse(source, RICE).expect_err(source).to_string()
    }

    #[test]
    fn rice_is_reach_times_impact_times_confidence_over_effort() {
        let rice = "reach * impact * confidence / effort";
        assert_eq!(value(rice, &[1000.0, 2.0, 0.8, 4.0]), 400.0);
        assert_eq!(
            value("Reach × Impact ÷ EFFORT", &[10.0, 3.0, 0.0, 2.0]),
            15.0
        );
    }

    #[test]
    fn operators_bind_as_in_arithmetic() {
        assert_eq!(value("1 + 2 * 3", &[]), 7.0);
        assert_eq!(value("(1 + 2) * 3", &[]), 9.0);
        assert_eq!(value("10 - 4 - 3", &[]), 3.0, "left to right");
        assert_eq!(value("2 ^ 3 ^ 2", &[]), 512.0, "powers to the right");
        assert_eq!(value("-2 ^ 2", &[]), -4.0, "the sign binds looser");
        assert_eq!(value("2 ^ -1", &[]), 0.5);
        assert_eq!(value("--3 + +1", &[]), 4.0);
        assert_eq!(value("8 − 2 × 3 ÷ 2", &[]), 5.0);
        assert_eq!(value(".5 + 1.25", &[]), 1.75);
    }

    #[test]
    fn functions_take_their_arguments() {
        assert_eq!(value("min(reach, impact, 3)", &[5.0, 4.0]), 3.0);
        assert_eq!(value("max(reach, impact)", &[5.0, 4.0]), 5.0);
        assert_eq!(value("sqrt(16) + abs(-2)", &[]), 6.0);
        assert_eq!(value("log(1)", &[]), 0.0);
        assert!((value("LOG(2.718281828459045)", &[]) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn what_has_no_value_counts_as_zero() {
        for source in [
            "reach / effort",
            "1 / 0",
            "log(0)",
            "log(-1)",
            "sqrt(-4)",
            "(-8) ^ 0.5",
            "10 ^ 400",
            "0 ^ -1",
        ] {
            let v = value(source, &[1.0, 0.0, 0.0, 0.0]);
            assert_eq!(v, 0.0, "{source}");
        }
        assert_eq!(value("1 / 0 + 5", &[]), 5.0, "and the rest still counts");
        assert_eq!(value("reach", &[]), 0.0, "a missing value");
    }

    #[test]
    fn errors_say_what_is_wrong_and_where() {
        assert_eq!(error("reach * reech"), "unknown variable `reech` at 1:9");
        assert_eq!(error("reech"), "unknown variable `reech` at 1:1");
        assert_eq!(
            error("reach *\n  effrot"),
            "unknown variable `effrot` at 2:3"
        );
        assert_eq!(error("pow(reach, 2)"), "unknown function `pow` at 1:1");
        assert_eq!(
            error("min(reach)"),
            "`min` takes two or more arguments at 1:1"
        );
        assert_eq!(error("sqrt(1, 2)"), "`sqrt` takes one argument at 1:1");
        assert_eq!(
            error("sqrt"),
            "`sqrt` needs its arguments in parentheses at 1:1"
        );
        assert_eq!(error("2 * (reach + 1"), "this `(` is never closed at 1:5");
        assert_eq!(
            error("(reach + 1 impact)"),
            "expected `)` to close the `(` at 1:1, not `impact` at 1:12"
        );
        assert_eq!(
            error("reach +"),
            "the formula ends where a number, a criterion or `(` should come at 1:8"
        );
        assert_eq!(error("reach )"), "unexpected `)` at 1:7");
        assert_eq!(
            error("* reach"),
            "expected a number, a criterion or `(`, not `*` at 1:1"
        );
        assert_eq!(error("reach % 2"), "unexpected character `%` at 1:7");
        assert_eq!(error("1.2.3"), "`1.2.3` is not a number at 1:1");
        assert_eq!(error(" "), "the formula is empty at 1:2");
        assert_eq!(error("reach impact"), "unexpected `impact` at 1:7");
    }

    #[test]
    fn any_input_parses_or_is_refused_and_every_value_is_finite() {
        // Formulas made of random pieces, from a fixed seed.
        const PIECES: &[&str] = &[
            "reach", "effort", "reech", "1", "0", "2.5", "1e9", "9999999", ".", "+", "-", "*", "/",
            "^", "(", ")", ",", "min(", "max(", "sqrt(", "log(", "abs(", " ", "\n", "×", "÷", "−",
            "%", "é", "_x",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = move |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % bound
        };
        let mut parsed = 0;
        for _ in 0..20_000 {
            let length = next(40);
            let source: String = (0..length).map(|_| PIECES[next(PIECES.len())]).collect();
            match parse(&source, RICE) {
                Ok(formula) => {
                    parsed += 1;
                    let values = [next(2000) as f64 - 1000.0, 0.0, 1e300, next(10) as f64];
                    assert!(formula.evaluate(&values).is_finite(), "{source}");
                }
                Err(e) => assert!(e.line >= 1 && e.column >= 1, "{source}: {e}"),
            }
        }
        assert!(
            parsed > 100,
            "only {parsed} parsed: the pieces make too few formulas"
        );
    }

    #[test]
    fn nothing_can_nest_or_grow_without_bound() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(error(&deep).contains("at most 1000 characters"));
        let nested = format!("{}1{}", "(".repeat(400), ")".repeat(400));
        assert!(error(&nested).contains("nests at most 32 deep"));
        let signs = format!("{}1", "-".repeat(900));
        assert!(error(&signs).contains("nests at most 32 deep"));
        let powers = vec!["2"; 400].join("^");
        assert!(error(&powers).contains("nests at most 32 deep"));
        // Long but flat is fine: its depth is bounded by its length.
        let flat = vec!["reach"; 100].join(" + ");
        assert_eq!(value(&flat, &[2.0]), 200.0);
        let longest = vec!["1"; 500].join("+");
        assert_eq!(longest.len(), 999);
        assert_eq!(value(&longest, &[]), 500.0);
        let within = format!("{}1{}", "(".repeat(30), ")".repeat(30));
        assert_eq!(value(&within, &[]), 1.0);
    }
}
