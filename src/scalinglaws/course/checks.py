"""Auto-checked practice questions: ``check("q-id", answer)`` prints one line of feedback.

Every expected value is computed by the package when the check runs, never typed as a literal.
A check never raises at a learner and never evaluates their input: wrong types and typos get a
sentence saying what was expected.
Questions are defined in ``scalinglaws.course.questions.<chapter>`` modules; see ``Question``.
"""
from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from scalinglaws.compute import parse_quantity

__all__ = ["Question", "Hint", "check", "evaluate", "judge", "register", "questions", "CheckResult", "STATUS_MARKS"]

STATUS_MARKS = {"correct": "✅", "unanswered": "⏳", "wrong": "❌", "invalid": "⚠️"}
"""The mark that starts each printed line, by status."""


@dataclass(frozen=True)
class Hint:
    """A likely wrong answer and the misconception it reveals.

    ``value`` computes the wrong answer (numbers), names the wrong option (choices), or is a
    function producing wrong outputs (function questions). ``message`` explains the mistake.
    """

    value: Any
    message: str


@dataclass(frozen=True)
class Question:
    """One checked question.

    kind:
      - ``"number"``: ``expected()`` returns a number or a tuple of numbers; answers may be
        ints, floats, numpy scalars or strings such as "1.4T"; compared with ``rtol``/``atol``.
      - ``"choice"``: ``options`` maps letters to texts; ``expected()`` returns the right letter.
      - ``"function"``: the learner passes a function; ``cases()`` returns argument tuples and
        ``expected`` is the package's reference function, called on the same arguments. Where the
        reference raises ValueError (invalid input), the learner's function must raise ValueError too.
    """

    qid: str
    kind: str
    expected: Callable[..., Any]
    prompt: str = ""
    rtol: float = 0.02
    atol: float = 0.0
    unit: str = ""
    hints: Sequence[Hint] = ()
    hint: str = ""
    explain: str = ""
    options: dict[str, str] = field(default_factory=dict)
    cases: Callable[[], list[tuple]] | None = None

    def __post_init__(self):
        if self.kind not in ("number", "choice", "function"):
            raise ValueError(f"kind must be 'number', 'choice' or 'function'; got {self.kind!r}")
        if self.kind == "choice" and not self.options:
            raise ValueError(f"question {self.qid!r}: a choice question needs options")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"question {self.qid!r}: a function question needs cases")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: status is 'correct', 'unanswered', 'wrong' or 'invalid'."""

    qid: str
    status: str
    message: str

    def line(self) -> str:
        """The one line printed to the learner."""
        return f"{STATUS_MARKS[self.status]} {self.qid}: {self.message}"


_REGISTRY: dict[str, Question] = {}
_LOADED = False


def register(*qs: Question) -> None:
    """Add questions to the registry (called by the ``scalinglaws.course.questions`` modules)."""
    for q in qs:
        if q.qid in _REGISTRY and _REGISTRY[q.qid] is not q:
            raise ValueError(f"question id {q.qid!r} is defined twice")
        _REGISTRY[q.qid] = q


def questions() -> dict[str, Question]:
    """All registered questions by id (imports every ``scalinglaws.course.questions`` module once)."""
    global _LOADED
    if not _LOADED:
        from scalinglaws.course import questions as package

        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
        _LOADED = True
    return dict(_REGISTRY)


# --- comparing -----------------------------------------------------------------------------
def _unanswered(answer: Any) -> bool:
    """None, ``...`` or a tuple/list of nothing but placeholders, e.g. ``(..., ...)`` as handed out."""
    if isinstance(answer, (tuple, list)) and answer:
        return all(_unanswered(a) for a in answer)
    return answer is None or answer is Ellipsis


def _close(got: float, want: float, q: Question) -> bool:
    return math.isfinite(got) and abs(got - want) <= max(q.atol, q.rtol * abs(want))


def _as_numbers(answer: Any, n: int) -> list[float]:
    """Read a number (n == 1) or a sequence of n numbers from the learner's answer."""
    if n == 1:
        if isinstance(answer, np.ndarray) and answer.size == 1:
            answer = answer.item()
        if isinstance(answer, (list, tuple)) and len(answer) == 1:
            answer = answer[0]
        return [parse_quantity(answer)]
    if isinstance(answer, str) or not hasattr(answer, "__len__") or len(answer) != n:
        raise ValueError(f"{n} numbers, e.g. a tuple ({', '.join(['...'] * n)})")
    return [parse_quantity(a.item() if isinstance(a, np.generic) else a) for a in answer]


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _check_number(q: Question, answer: Any) -> CheckResult:
    want = q.expected()
    wants = [float(w) for w in (want if isinstance(want, (tuple, list)) else [want])]
    try:
        got = _as_numbers(answer, len(wants))
    except ValueError as err:
        example = "a number such as 1.41, 5.8e23 or '1.4T'" if len(wants) == 1 else str(err)  # "2 numbers, e.g. ..."
        return CheckResult(q.qid, "invalid", f"could not read {answer!r}: expected {example}{_unit(q)}.")
    shown = ", ".join(_fmt(g) for g in got)
    if all(_close(g, w, q) for g, w in zip(got, wants)):
        return CheckResult(q.qid, "correct", f"correct ({shown}{_unit(q)}). {q.explain}".strip())
    for h in q.hints:
        alt = h.value() if callable(h.value) else h.value
        alts = [float(a) for a in (alt if isinstance(alt, (tuple, list)) else [alt])]
        if len(alts) == len(got) and all(_close(g, a, q) for g, a in zip(got, alts)):
            return CheckResult(q.qid, "wrong", f"{shown} is not right. {h.message}")
    return CheckResult(q.qid, "wrong", f"{shown} is not right. {_generic_hint(got, wants, q)}")


def _unit(q: Question) -> str:
    return f" {q.unit}" if q.unit else ""


def _generic_hint(got: list[float], wants: list[float], q: Question) -> str:
    """A hint for a wrong number that matched no known misconception."""
    tolerance = f"(within {q.rtol:.0%})" if q.rtol else f"(within ±{q.atol:g})"
    for g, w in zip(got, wants):
        if w != 0 and g != 0 and _close(-g, w, q):
            return f"Check the sign. {q.hint}".strip()
        if w > 0 and g > 0:
            decades = math.log10(g / w)
            if abs(decades) >= 0.9 and abs(decades - round(decades)) < 0.05:
                return f"Off by a factor of 10^{round(decades)}: check units and suffixes (B = 1e9, T = 1e12). {q.hint}".strip()
    return f"{q.hint or 'Re-read the question and try again.'} {tolerance}".strip()


def _check_choice(q: Question, answer: Any) -> CheckResult:
    letters = ", ".join(f"'{k}'" for k in q.options)
    if not isinstance(answer, str) or answer.strip().lower() not in q.options:
        return CheckResult(q.qid, "invalid", f"could not read {answer!r}: answer with one of the letters {letters}.")
    picked = answer.strip().lower()
    if picked == q.expected():
        return CheckResult(q.qid, "correct", f"correct ({picked}). {q.explain}".strip())
    for h in q.hints:
        if h.value == picked:
            return CheckResult(q.qid, "wrong", f"({picked}) is not right. {h.message}")
    return CheckResult(q.qid, "wrong", f"({picked}) is not right. {q.hint}".strip())


def _reference(q: Question, args: tuple) -> Any:
    """The package's output for a case, or the ValueError it raises there (the learner must raise one too)."""
    try:
        return q.expected(*args)
    except ValueError as err:
        return err


def _check_function(q: Question, answer: Any) -> CheckResult:
    if not callable(answer):
        return CheckResult(q.qid, "invalid", f"expected a function (pass its name without brackets); got {type(answer).__name__}.")
    cases = q.cases()
    wants = [_reference(q, args) for args in cases]
    outputs = []
    for args, want in zip(cases, wants):
        try:
            out = answer(*args)
        except Exception as err:  # the learner's code: report, never re-raise
            if isinstance(err, ValueError) and isinstance(want, ValueError):
                outputs.append(err)  # rejected, as the package rejects it
                continue
            return CheckResult(q.qid, "wrong", f"your function raised {type(err).__name__}: {err} for input {_args(args)}.")
        if _unanswered(out):
            return CheckResult(q.qid, "unanswered", "not answered yet: your function returns nothing; fill in its body.")
        outputs.append(out)
    valued = [(a, o) for a, o, w in zip(cases, outputs, wants) if not isinstance(w, ValueError)]
    for args, out, want in zip(cases, outputs, wants):
        if isinstance(want, ValueError):
            if not isinstance(out, ValueError):
                return CheckResult(q.qid, "wrong", f"for input {_args(args)} your function returned {_show(out)}; it should "
                                   f"raise ValueError, as the package does ({want}). {q.hint}".strip())
        elif not _outputs_close(out, want, q):
            for h in q.hints:
                if all(_outputs_close(o, h.value(*a), q) for a, o in valued):
                    return CheckResult(q.qid, "wrong", f"for input {_args(args)} your function returned {_show(out)}. {h.message}")
            return CheckResult(q.qid, "wrong",
                               f"for input {_args(args)} your function returned {_show(out)}; expected {_show(want)}. {q.hint}".strip())
    return CheckResult(q.qid, "correct", f"correct on all {len(cases)} test inputs. {q.explain}".strip())


def _flatten(x: Any) -> list[float]:
    if hasattr(x, "N") and hasattr(x, "D") and not isinstance(x, (tuple, list)):
        return [float(x.N), float(x.D)]
    if isinstance(x, (tuple, list, np.ndarray)):
        return [float(v) for v in np.ravel(np.asarray(x, dtype=float))]
    return [float(x)]


def _outputs_close(got: Any, want: Any, q: Question) -> bool:
    try:
        g, w = _flatten(got), _flatten(want)
    except (TypeError, ValueError):
        return False
    return len(g) == len(w) and all(_close(a, b, q) for a, b in zip(g, w))


def _args(args: tuple) -> str:
    return "(" + ", ".join(_show(a) for a in args) + ")"


def _show(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size > 3:
        return f"array of {x.size} values from {_fmt(float(x.flat[0]))} to {_fmt(float(x.flat[-1]))}"
    if isinstance(x, (float, np.floating)):
        return _fmt(float(x))
    if isinstance(x, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in x) + ")"
    if hasattr(x, "N") and hasattr(x, "D"):
        return f"(N={_fmt(float(x.N))}, D={_fmt(float(x.D))})"
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


_CHECKERS = {"number": _check_number, "choice": _check_choice, "function": _check_function}


def evaluate(qid: str, answer: Any) -> CheckResult:
    """Check an answer and return the result without printing (used by tests and grading)."""
    try:
        registry = questions()
        if not isinstance(qid, str) or qid not in registry:
            known = ", ".join(sorted(registry))
            return CheckResult(str(qid), "invalid", f"unknown question id {qid!r}; known ids: {known}.")
        return judge(registry[qid], answer)
    except Exception as err:  # a checker must never show a learner a traceback
        return CheckResult(str(qid), "invalid", f"could not check this answer ({type(err).__name__}: {err}).")


def judge(q: Question, answer: Any) -> CheckResult:
    """Check ``answer`` against question ``q`` (registered or not); placeholders count as not answered."""
    try:
        if _unanswered(answer):
            return CheckResult(q.qid, "unanswered", "not answered yet: replace ... with your answer.")
        return _CHECKERS[q.kind](q, answer)
    except Exception as err:  # a checker must never show a learner a traceback
        return CheckResult(q.qid, "invalid", f"could not check this answer ({type(err).__name__}: {err}).")


def check(qid: str, answer: Any) -> None:
    """Check ``answer`` to question ``qid`` and print one line: correct, not answered yet, or a hint."""
    print(evaluate(qid, answer).line())
