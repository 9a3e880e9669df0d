"""Errors a user can act on. Every message names the field, the value given and what is allowed."""


class ScenarioError(ValueError):
    """Invalid scenario, lever, rule or chip input."""


class MissingSpecError(ScenarioError):
    """A rule needs a chip figure that is not known (e.g. interconnect under the Oct 2022 rule)."""


def suggest(name: str, choices) -> str:
    """Return ' (did you mean 'x'?)' for a near miss, else ''."""
    import difflib

    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
