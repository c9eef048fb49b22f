"""The checker's shortcuts for the usual case answer as its field-by-field checks (the rules' own
failing examples are in test_load.py and test_schema.py)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from layers.data.checker import Checker
from layers.errors import Problem


def test_an_id_accepted_against_one_bibliography_is_checked_again_against_another() -> None:
    problems: list[Problem] = []
    check = Checker("f.geojson", problems, {"a", "b"})
    assert check.id_list({"sources": ["a", "b"]}, "sources") == ("a", "b")
    assert check.id_list({"sources": ["a"]}, "sources") == ("a",) and not problems
    check.known_sources = {"b"}
    assert check.id_list({"sources": ["a", "b"]}, "sources") == ("b",)
    assert [(p.field, p.expected) for p in problems] == [("sources[0]", "a source id from the bibliography")]


def test_a_date_text_read_before_is_the_same_day_and_a_bad_one_still_reported() -> None:
    problems: list[Problem] = []
    check = Checker("f.geojson", problems)
    for _ in range(2):
        assert check.day({"start": "1944-06-23"}, "start") == date(1944, 6, 23)
        assert check.day({"start": "1944-02-30"}, "start") is None
    assert [p.found for p in problems] == ["'1944-02-30'", "'1944-02-30'"]


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(["held", "lost", "1944-06-23", "1944-13-01", "a", "Z", " ", ""]),
    st.lists(st.sampled_from(["a", "b", "Z", 1, None]), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@given(_VALUES, st.booleans())
def test_what_a_checker_keeps_between_calls_changes_no_answer(value: object, required: bool) -> None:
    """take, choice, day and id_list, called a second time on the same value (through what the
    first call kept: accepted ids, parsed dates), give the value and problems of the first."""
    for method, args in (
        ("take", ("v", (int, float), "a number")),
        ("take", ("v", str, "a text")),
        ("choice", ("v", ("held", "lost"))),
        ("day", ("v",)),
        ("id_list", ("v",)),
    ):
        runs = []
        for fresh in (True, False):
            problems: list[Problem] = []
            check = Checker("f", problems, {"a", "b"})
            if not fresh:  # the second of two calls, after whatever the first kept
                getattr(check, method)({"v": value}, *args, required=required)
                problems.clear()
            found = getattr(check, method)({"v": value}, *args, required=required)
            runs.append((found, problems))
        assert runs[0] == runs[1], method
