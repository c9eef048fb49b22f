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
    message : str
        The problem said as a sentence of its own, in place of "found ...; expected ...",
        where that reads better (an unknown key, and the key it may be a typo of); it names
        the field itself.
    """

    file: str
    feature: str
    field: str
    found: str
    expected: str
    message: str = ""

    def __str__(self) -> str:
        where = inert(self.file)
        if self.feature:
            where += f": {inert(self.feature)}"
        if self.message:
            return f"{where}: {inert(self.message)}"
        if self.field:
            where += f": field '{inert(self.field)}'"
        return f"{where}: found {inert(self.found)}; expected {inert(self.expected)}"


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


class OutputInterrupted(BattleMapError):
    """SIGINT or SIGTERM came while the new output was being swapped in: it is complete."""

    exit_code = 130


def inert(text: str) -> str:
    """``text`` made safe to print on a terminal: every character that is not printable
    (control characters, ANSI and OSC escapes, line and paragraph separators, bidi
    overrides, zero-width and other format characters) shown as a visible escape."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shorten(value: object, limit: int = 60) -> str:
    """Render a found value for an error message: quoted, one line, bounded length."""
    try:
        text = inert(value if isinstance(value, str) else repr(value))
    except (ValueError, RecursionError):  # an integer too long to write out, nesting too deep
        text = f"<an integer of {value.bit_length()} bits>" if isinstance(value, int) else "<a value>"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'" if isinstance(value, str) else text
