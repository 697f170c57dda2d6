"""The one small family of errors the core raises; the web and CLI translate them at the edge."""


class PlannerError(Exception):
    """Something a person can fix: the message says what."""


class ProblemsError(PlannerError):
    """A file with problems; ``problems`` holds each ``file:line:col: message`` found, in order."""

    def __init__(self, problems: list[str] | tuple[str, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class FrameworkError(ProblemsError):
    """The framework file is broken."""


class InputError(ProblemsError):
    """A file a person supplied (other than the framework), such as a person file, is wrong."""


class PlanningError(PlannerError):
    """A request the framework cannot answer, such as a target no route leads to."""
