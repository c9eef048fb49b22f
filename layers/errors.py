"""One exception family for everything the CLI reports to a person."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    Parameters
    ----------
    file : str
        Path of the offending file, relative to the data folder where possible.
    feature : str
        Feature, phase or source id the problem belongs to ("" for the file as a whole).
    field : str
        Property or key that is wrong ("" when the whole record is wrong).
    found : str
        What was found, already shortened for display.
    expected : str
        What was expected instead.
    """

    file: str
    feature: str
    field: str
    found: str
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.feature:
            where += f": {self.feature}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: found {self.found}; expected {self.expected}"


class BattleMapError(Exception):
    """Base class of every error the tool reports without a traceback."""

    exit_code = 4


class GeoDataError(BattleMapError):
    """The data folder is invalid; carries every problem found, not only the first."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the battle data"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class OutputError(BattleMapError):
    """The pages could not be written; the previous output is left as it was."""

    exit_code = 3


def shorten(value: object, limit: int = 60) -> str:
    """Render a found value for an error message: quoted, one line, bounded length."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'" if isinstance(value, str) else text
