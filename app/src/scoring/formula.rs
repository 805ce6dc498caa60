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
//! `MAX_DEPTH` deep, and evaluating it visits each node once (twice when
//! its exact value is needed). A formula has no value for an item when
//! any step of it has none (a division by zero, `log` or `sqrt` of what has
//! none, an overflow): the item then has no score, and `NoValue` says why.
//! `pow`, `log` and `sqrt` come from `libm`, the same code in the server
//! and in the browser, so a score is the same to the last bit on both
//! sides.
//!
//! A value is computed in binary with a bound on its distance from the
//! exact value of the decimals it was computed from; only when that bound
//! reaches a rounding boundary is the value computed exactly
//! (`super::exact`), which `+ − × ÷`, whole powers, `min`, `max`, `abs` and
//! the square roots of squares allow. Anything else is irrational, never
//! exactly at a boundary, and rounded from binary.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::exact::Exact;
use super::score::{round_to_tenth, round_to_tenth_exactly};

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

/// Why a formula has no value for an item, which then has no score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoValue {
    /// It divides by 0: by the criterion it names when that alone is the
    /// divisor (or the base of a negative power).
    DividesByZero(Option<usize>),
    /// A number in it goes beyond what a computer holds (about 1.8 × 10³⁰⁸).
    Overflows,
    /// `log` of 0 or less: of the criterion it names when that alone.
    LogarithmOfZeroOrLess(Option<usize>),
    SquareRootOfNegative,
    /// A negative number to a fractional power.
    FractionalPowerOfNegative,
}

impl NoValue {
    /// What an item says instead of a score; `names[i]` names variable `i`.
    pub fn describe(self, names: &[&str]) -> String {
        let name = |index: Option<usize>| index.and_then(|i| names.get(i).copied());
        match self {
            Self::DividesByZero(index) => match name(index) {
                Some(name) => format!("{name} is 0, and the formula divides by it"),
                None => "the formula divides by 0".to_owned(),
            },
            Self::Overflows => "the formula overflows: a number in it is too large".to_owned(),
            Self::LogarithmOfZeroOrLess(index) => match name(index) {
                Some(name) => format!("{name} is 0, and the formula takes its logarithm"),
                None => "the formula takes the logarithm of 0 or less".to_owned(),
            },
            Self::SquareRootOfNegative => {
                "the formula takes the square root of a negative number".to_owned()
            }
            Self::FractionalPowerOfNegative => {
                "the formula raises a negative number to a fractional power".to_owned()
            }
        }
    }
}

impl Formula {
    /// The formula's value for `values` (one per variable, in the order
    /// they were named to `parse`; a missing one counts as 0), as computed
    /// in binary; or why it has none.
    pub fn evaluate(&self, values: &[f64]) -> Result<f64, NoValue> {
        let binary = approximate(&self.root, values)?;
        if binary.error.is_finite() {
            return Ok(binary.value);
        }
        match exact(&self.root, values)? {
            Some(value) => finite(value.approximate()),
            None => finite(binary.value).map_err(|_| NoValue::DividesByZero(None)),
        }
    }

    /// The formula's value to one decimal, halves away from zero, as the
    /// decimals of `values` and of its numbers give it; or why it has none.
    pub fn to_tenth(&self, values: &[f64]) -> Result<f64, NoValue> {
        let binary = approximate(&self.root, values)?;
        if binary.error.is_finite() {
            let exactly = || exact(&self.root, values).ok().flatten();
            return Ok(round_to_tenth_exactly(binary.value, binary.error, exactly));
        }
        // Binary could not tell the sign of a divisor or of what `log`,
        // `sqrt` or `^` takes: the exact value decides.
        match exact(&self.root, values)? {
            Some(value) => match value.to_tenth() {
                Some(tenth) => Ok(tenth),
                // Past 10^15: no tenths left to round.
                None => finite(value.approximate()).map(round_to_tenth),
            },
            // Binary's guess at a division by what may be 0 is all there is.
            None => finite(binary.value)
                .map(round_to_tenth)
                .map_err(|_| NoValue::DividesByZero(None)),
        }
    }

    /// Whether the formula reads variable `index`.
    pub fn uses(&self, index: usize) -> bool {
        uses(&self.root, index)
    }
}

fn finite(value: f64) -> Result<f64, NoValue> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(NoValue::Overflows)
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

/// The variable `node` is, when it is one alone: the criterion a reason
/// names.
fn variable(node: &Node) -> Option<usize> {
    match node {
        Node::Variable(index) => Some(*index),
        _ => None,
    }
}

/// Half a unit in the last place, relative: the most one rounding to the
/// nearest f64 is off by.
const UNIT: f64 = f64::EPSILON / 2.0;
/// The smallest f64 above 0: what a rounding into the subnormal numbers
/// may be off by at most.
const SMALLEST: f64 = 5e-324;

/// A value computed in binary, and how far at most it is from the exact
/// value of the decimals it was computed from. An infinite `error` says
/// that binary cannot tell: a divisor, or what `log`, `sqrt` or `^` takes,
/// is nearer 0 than its error.
#[derive(Debug, Clone, Copy)]
struct Approx {
    value: f64,
    error: f64,
}

impl Approx {
    /// A rating or a number of the formula: a whole number below 2⁵³ is its
    /// decimal; anything else is within half a unit of it (and a subnormal
    /// number within half of the smallest one).
    fn decimal(value: f64) -> Self {
        let whole = value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0;
        Self {
            value,
            error: if whole {
                0.0
            } else {
                value.abs() * UNIT + SMALLEST
            },
        }
    }

    /// The result of one rounded operation whose operands' errors carry
    /// `carried` into it. A result beyond f64's range from operands that are
    /// certain is certain too: an overflow.
    fn rounded(value: f64, carried: f64) -> Self {
        let error = if !carried.is_finite() {
            f64::INFINITY
        } else if !value.is_finite() {
            0.0
        } else {
            carried + value.abs() * UNIT + SMALLEST
        };
        Self { value, error }
    }

    fn undecided(value: f64) -> Self {
        Self {
            value,
            error: f64::INFINITY,
        }
    }

    /// Whether the exact value is certainly not 0, so has this value's sign.
    fn sign_is_certain(self) -> bool {
        self.error < self.value.abs()
    }

    fn is_exactly_zero(self) -> bool {
        self.value == 0.0 && self.error == 0.0
    }
}

fn approximate(node: &Node, values: &[f64]) -> Result<Approx, NoValue> {
    let result = match node {
        Node::Number(n) => Approx::decimal(*n),
        Node::Variable(index) => Approx::decimal(values.get(*index).copied().unwrap_or(0.0)),
        Node::Negate(inner) => {
            let a = approximate(inner, values)?;
            Approx {
                value: -a.value,
                error: a.error,
            }
        }
        Node::Binary(operator, left, right) => {
            let (a, b) = (approximate(left, values)?, approximate(right, values)?);
            match operator {
                Operator::Add => Approx::rounded(a.value + b.value, a.error + b.error),
                Operator::Subtract => Approx::rounded(a.value - b.value, a.error + b.error),
                Operator::Multiply => Approx::rounded(
                    a.value * b.value,
                    a.value.abs() * b.error + b.value.abs() * a.error + a.error * b.error,
                ),
                Operator::Divide if b.is_exactly_zero() => {
                    return Err(NoValue::DividesByZero(variable(right)));
                }
                Operator::Divide if !b.sign_is_certain() => Approx::undecided(a.value / b.value),
                Operator::Divide => {
                    let divisor = b.value.abs();
                    Approx::rounded(
                        a.value / b.value,
                        (a.value.abs() * b.error + divisor * a.error)
                            / (divisor * (divisor - b.error)),
                    )
                }
                Operator::Power => power(a, b, variable(left))?,
            }
        }
        Node::Call(function, arguments) => {
            let mut results = Vec::with_capacity(arguments.len());
            for argument in arguments {
                results.push(approximate(argument, values)?);
            }
            let first = results.first().copied().unwrap_or(Approx::decimal(0.0));
            let widest = results.iter().map(|r| r.error).fold(0.0, f64::max);
            match function {
                Function::Min => Approx {
                    value: results
                        .iter()
                        .map(|r| r.value)
                        .fold(f64::INFINITY, f64::min),
                    error: widest,
                },
                Function::Max => Approx {
                    value: results
                        .iter()
                        .map(|r| r.value)
                        .fold(f64::NEG_INFINITY, f64::max),
                    error: widest,
                },
                Function::Abs => Approx {
                    value: first.value.abs(),
                    error: first.error,
                },
                Function::Sqrt => square_root(first)?,
                Function::Log => logarithm(first, arguments.first().and_then(variable))?,
            }
        }
    };
    if result.error.is_nan() {
        return Ok(Approx::undecided(result.value));
    }
    if !result.value.is_finite() && result.error.is_finite() {
        return Err(NoValue::Overflows);
    }
    Ok(result)
}

fn power(base: Approx, exponent: Approx, base_variable: Option<usize>) -> Result<Approx, NoValue> {
    let value = libm::pow(base.value, exponent.value);
    let whole_exponent = exponent.error == 0.0 && exponent.value.fract() == 0.0;
    if base.is_exactly_zero() {
        return if exponent.value > exponent.error {
            Ok(Approx::decimal(0.0))
        } else if exponent.is_exactly_zero() {
            Ok(Approx::decimal(1.0))
        } else if -exponent.value > exponent.error {
            Err(NoValue::DividesByZero(base_variable))
        } else {
            Ok(Approx::undecided(value))
        };
    }
    if !base.sign_is_certain() || !exponent.error.is_finite() {
        return Ok(Approx::undecided(value));
    }
    if base.value < 0.0 && !whole_exponent {
        return if exponent.error == 0.0 {
            Err(NoValue::FractionalPowerOfNegative)
        } else {
            Ok(Approx::undecided(value))
        };
    }
    if !value.is_finite() {
        return Err(NoValue::Overflows);
    }
    // `libm::pow` is within a unit in the last place; the base's relative
    // error grows to at most (1 / (1 − r))^|n| − 1 in the power, and the
    // exponent's error moves it by |ln base| times that error.
    let relative = base.error / base.value.abs();
    if relative >= 0.5 {
        return Ok(Approx::undecided(value));
    }
    let carried = libm::pow(1.0 / (1.0 - relative), exponent.value.abs()) - 1.0
        + libm::log(base.value.abs()).abs() * exponent.error * 2.0;
    Ok(Approx::rounded(value, value.abs() * (carried + 3.0 * UNIT)))
}

fn square_root(a: Approx) -> Result<Approx, NoValue> {
    if a.value < 0.0 && a.sign_is_certain() {
        return Err(NoValue::SquareRootOfNegative);
    }
    if a.value - a.error < 0.0 && !a.is_exactly_zero() {
        return Ok(Approx::undecided(libm::sqrt(a.value)));
    }
    let value = libm::sqrt(a.value);
    Ok(Approx::rounded(
        value,
        libm::sqrt(a.value + a.error) - libm::sqrt(a.value - a.error),
    ))
}

fn logarithm(a: Approx, variable: Option<usize>) -> Result<Approx, NoValue> {
    if a.value <= 0.0 && (a.error == 0.0 || (a.value < 0.0 && a.sign_is_certain())) {
        return Err(NoValue::LogarithmOfZeroOrLess(variable));
    }
    if !a.sign_is_certain() {
        return Ok(Approx::undecided(libm::log(a.value)));
    }
    let value = libm::log(a.value);
    Ok(Approx::rounded(
        value,
        libm::log(a.value + a.error) - libm::log(a.value - a.error),
    ))
}

/// The formula's exact value over the decimals of `values` and of its
/// numbers; `None` when it has no exact value this can compute (an
/// irrational one, or one too large).
fn exact(node: &Node, values: &[f64]) -> Result<Option<Exact>, NoValue> {
    macro_rules! exactly {
        ($node:expr) => {
            match exact($node, values)? {
                Some(value) => value,
                None => return Ok(None),
            }
        };
    }
    Ok(match node {
        Node::Number(n) => Exact::decimal(*n),
        Node::Variable(index) => Exact::decimal(values.get(*index).copied().unwrap_or(0.0)),
        Node::Negate(inner) => Some(exactly!(inner).negated()),
        Node::Binary(operator, left, right) => {
            let (a, b) = (exactly!(left), exactly!(right));
            match operator {
                Operator::Add => a.add(&b),
                Operator::Subtract => a.sub(&b),
                Operator::Multiply => a.mul(&b),
                Operator::Divide if b.is_zero() => {
                    return Err(NoValue::DividesByZero(variable(right)));
                }
                Operator::Divide => a.div(&b),
                Operator::Power => exact_power(&a, &b, variable(left))?,
            }
        }
        Node::Call(function, arguments) => {
            let mut results = Vec::with_capacity(arguments.len());
            for argument in arguments {
                results.push(exactly!(argument));
            }
            let mut results = results.into_iter();
            let first = results.next().unwrap_or_else(|| Exact::integer(0));
            match function {
                Function::Min => Some(results.fold(first, Exact::min)),
                Function::Max => Some(results.fold(first, Exact::max)),
                Function::Abs => Some(first.abs()),
                Function::Sqrt if first.is_negative() => {
                    return Err(NoValue::SquareRootOfNegative);
                }
                Function::Sqrt => first.sqrt_near(libm::sqrt(first.approximate())),
                Function::Log if first.is_zero() || first.is_negative() => {
                    return Err(NoValue::LogarithmOfZeroOrLess(
                        arguments.first().and_then(variable),
                    ));
                }
                // ln 1 = 0; the logarithm of any other rational is irrational.
                Function::Log => first
                    .cmp(&Exact::integer(1))
                    .is_eq()
                    .then(|| Exact::integer(0)),
            }
        }
    })
}

fn exact_power(
    base: &Exact,
    exponent: &Exact,
    base_variable: Option<usize>,
) -> Result<Option<Exact>, NoValue> {
    if base.is_zero() {
        return if exponent.is_negative() {
            Err(NoValue::DividesByZero(base_variable))
        } else if exponent.is_zero() {
            Ok(Some(Exact::integer(1)))
        } else {
            Ok(Some(Exact::integer(0)))
        };
    }
    if let Some(whole) = exponent.as_integer() {
        return Ok(base.pow(whole));
    }
    if base.is_negative() {
        return Err(NoValue::FractionalPowerOfNegative);
    }
    // x ^ 0.5 is a square root; other fractional powers of rationals are
    // rational only in cases not worth their cost.
    let half = Exact::integer(1).div(&Exact::integer(2));
    if half.is_some_and(|half| half.cmp(exponent).is_eq()) {
        return Ok(base.sqrt_near(libm::sqrt(base.approximate())));
    }
    Ok(None)
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
            .unwrap_or_else(|e| panic!("{source}: {e:?}"))
    }

    fn no_value(source: &str, values: &[f64]) -> NoValue {
        let formula = parse(source, RICE).unwrap_or_else(|e| panic!("{source}: {e}"));
        let reason = formula.evaluate(values).expect_err(source);
        assert_eq!(formula.to_tenth(values), Err(reason), "{source}");
        reason
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
    fn what_has_no_value_says_why() {
        let effort_0 = [1.0, 2.0, 3.0, 0.0];
        for (source, reason) in [
            ("reach / effort", NoValue::DividesByZero(Some(3))),
            ("1 / 0", NoValue::DividesByZero(None)),
            ("1 / 0 + 5", NoValue::DividesByZero(None)),
            ("1 / (reach - 1)", NoValue::DividesByZero(None)),
            // Zero in decimals, 5.6e-17 in binary.
            ("1 / (0.1 + 0.2 - 0.3)", NoValue::DividesByZero(None)),
            ("effort ^ -1", NoValue::DividesByZero(Some(3))),
            ("log(effort)", NoValue::LogarithmOfZeroOrLess(Some(3))),
            ("log(-1)", NoValue::LogarithmOfZeroOrLess(None)),
            ("sqrt(-4)", NoValue::SquareRootOfNegative),
            ("(-8) ^ 0.5", NoValue::FractionalPowerOfNegative),
            ("10 ^ 400", NoValue::Overflows),
            ("10 ^ 400 / 10 ^ 399", NoValue::Overflows),
            ("10 ^ 300 * 10 ^ 300", NoValue::Overflows),
        ] {
            assert_eq!(no_value(source, &effort_0), reason, "{source}");
        }
        assert_eq!(value("reach", &[]), 0.0, "a missing value counts as 0");
        let names = ["Reach", "Impact", "Confidence", "Effort"];
        assert_eq!(
            NoValue::DividesByZero(Some(3)).describe(&names),
            "Effort is 0, and the formula divides by it"
        );
        assert_eq!(
            NoValue::DividesByZero(None).describe(&names),
            "the formula divides by 0"
        );
        assert_eq!(
            NoValue::Overflows.describe(&names),
            "the formula overflows: a number in it is too large"
        );
    }

    #[test]
    fn values_near_a_rounding_tie_round_as_their_decimals() {
        let tenth = |source: &str, values: &[f64]| parse(source, RICE).unwrap().to_tenth(values);
        // In binary: −0.44999999999999929, 0.049999999999999996, 2.3499…,
        // 2.2499999999999996, 0.04999999999999999.
        assert_eq!(tenth("reach - 10", &[9.55]), Ok(-0.5));
        assert_eq!(
            tenth(
                "reach * impact * confidence / 100 / effort",
                &[1.0, 0.5, 30.0, 3.0]
            ),
            Ok(0.1)
        );
        assert_eq!(tenth("reach + impact", &[1.1, 1.25]), Ok(2.4));
        // Halves that binary holds exactly, and values near but not at one.
        assert_eq!(tenth("reach / 8", &[5.0]), Ok(0.6));
        assert_eq!(tenth("-reach / 8", &[5.0]), Ok(-0.6));
        assert_eq!(tenth("reach - 0.0000001", &[0.05]), Ok(0.0));
        // Exact through whole powers, min, max, abs and square roots of squares.
        assert_eq!(tenth("reach ^ 2 * 100", &[0.15]), Ok(2.3));
        assert_eq!(tenth("reach ^ -1 - 0.2", &[4.0]), Ok(0.1));
        assert_eq!(tenth("sqrt(reach)", &[0.0225]), Ok(0.2));
        assert_eq!(tenth("reach ^ 0.5", &[0.0225]), Ok(0.2));
        assert_eq!(
            tenth("abs(min(reach, impact) - 10)", &[9.55, 20.0]),
            Ok(0.5)
        );
        assert_eq!(tenth("max(reach, impact) - 10", &[9.55, 2.0]), Ok(-0.5));
        // Irrational: from binary.
        assert_eq!(tenth("sqrt(2)", &[]), Ok(1.4));
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
                    if let Ok(value) = formula.evaluate(&values) {
                        assert!(value.is_finite(), "{source}");
                    }
                    assert_eq!(
                        formula.evaluate(&values).err(),
                        formula.to_tenth(&values).err(),
                        "{source}"
                    );
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
