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

mod parser;

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
    parser::parse(source, variables).map(|root| Formula { root })
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

#[cfg(test)]
mod tests;
