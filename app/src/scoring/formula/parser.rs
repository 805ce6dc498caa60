//! Reading a formula: its text into tokens, and the tokens into a tree of
//! [`Node`]s, with a message that points at the column of a mistake.

use super::{FormulaError, Function, MAX_DEPTH, MAX_LENGTH, Node, Operator};

/// Parses `source` into its tree; see [`super::parse`].
pub(super) fn parse(source: &str, variables: &[&str]) -> Result<Node, FormulaError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens,
        next: 0,
        variables,
        end: end_of(source),
    };
    let root = parser.expression(0)?;
    match parser.peek() {
        None => Ok(root),
        Some(token) => Err(token.error(format!("unexpected {}", token.kind.describe()))),
    }
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
