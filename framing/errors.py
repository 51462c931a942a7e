"""One exception type for problems the user can fix; the CLI prints it as one line."""


class FramingError(Exception):
    """A user-facing error: what was expected, what was found, how to fix it."""


class DataError(FramingError):
    """One or more problems in a data file; ``problems`` holds ``file:line: message`` lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)
