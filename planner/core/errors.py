"""The one small family of errors the core raises; the web and CLI translate them at the edge."""


class PlannerError(Exception):
    """Something a person can fix: the message says what."""


class FrameworkError(PlannerError):
    """The framework file is broken; ``problems`` holds every ``file:line:col: message`` found."""

    def __init__(self, problems: list[str] | tuple[str, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class PlanningError(PlannerError):
    """A request the framework cannot answer, such as a target no route leads to."""


class InputError(PlannerError):
    """A file or value a person supplied (other than the framework) is wrong; ``problems`` says where."""

    def __init__(self, problems: list[str] | tuple[str, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
