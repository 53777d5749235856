"""fit_lines: printed feedback and readouts wrapped to the page width, tables left alone."""
import pytest

from scalinglaws.course.layout import CONTINUATION, PAGE_WIDTH, fit_lines


def test_lines_that_fit_are_kept_exactly():
    table = "fit      alpha\n" + "x" * PAGE_WIDTH + "\n  1e+18    0.34  "
    assert fit_lines(table) == table


def test_a_long_line_wraps_at_spaces_with_indented_continuations_and_keeps_every_word():
    line = "✅ q: " + " ".join(f"w{i}" for i in range(60))
    lines = fit_lines(line).split("\n")
    assert len(lines) > 1 and all(len(x) <= PAGE_WIDTH for x in lines)
    assert all(x.startswith(CONTINUATION) for x in lines[1:])
    assert " ".join(x.strip() for x in lines) == line


def test_a_word_longer_than_the_page_is_not_split():
    word = "y" * (PAGE_WIDTH + 5)
    assert fit_lines(f"a {word} b").split("\n") == ["a", f"{CONTINUATION}{word}", f"{CONTINUATION}b"]


def test_a_width_no_wider_than_the_indent_is_refused():
    with pytest.raises(ValueError, match="width must exceed"):
        fit_lines("text", width=len(CONTINUATION))
