//! Every error a user can meet implements [`UserFacing`], so the error page never shows a
//! debug string and each flow step names what went wrong and what to do next.

/// Plain-words wording of an error, for the error page.
pub trait UserFacing {
    /// A short heading, e.g. "Sign-in was cancelled".
    fn title(&self) -> String;
    /// One or two sentences saying what went wrong, naming the thing that was wrong.
    fn message(&self) -> String;
    /// What the user can do about it, when there is something useful to say.
    fn hint(&self) -> Option<String> {
        None
    }
}

/// A rendered problem: what the error page and tests read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Heading.
    pub title: String,
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl<E: UserFacing> From<E> for Problem {
    fn from(error: E) -> Self {
        Problem {
            title: error.title(),
            message: error.message(),
            hint: error.hint(),
        }
    }
}
