"""Auto-checked practice questions: ``check("q-id", answer)`` prints one line of feedback.

Every expected value is computed by the package when the check runs, never typed as a literal.
A check never raises at a learner and never evaluates their input: wrong types and typos get a
sentence saying what was expected and what to do with what they passed.
Questions are defined in ``scalinglaws.course.questions.<chapter>`` modules; see ``Question``.

Feedback on a wrong answer comes in two kinds. A known misconception (a ``Hint``) is named whenever
the answer matches it; where several misconceptions give the same number, all are named. Otherwise
the question's hint ladder (``Question.ladder``) speaks: the first miss gets the idea, the second the
method, the third the code. ``check`` counts the misses of each question in this kernel.
"""
from __future__ import annotations

import dataclasses
import dis
import importlib
import inspect
import itertools
import math
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from scalinglaws.compute import parse_quantity
from scalinglaws.course.layout import fit_lines

__all__ = ["Question", "Hint", "LookAlike", "check", "evaluate", "judge", "register", "questions", "CheckResult",
           "STATUS_MARKS", "lookalike_answers", "misses", "reset_misses", "read_number", "call_cases",
           "reference_paths", "is_stub", "tolerance_text", "GENERIC_UNIT_HINT"]

STATUS_MARKS = {"correct": "✅", "unanswered": "⏳", "wrong": "❌", "invalid": "⚠️"}
"""The mark that starts each printed line, by status."""

LADDER_LABELS = ("Idea", "Method", "Code")
"""How the steps of a three-step hint ladder are labelled: first miss, second miss, third and later misses."""


@dataclass(frozen=True)
class Hint:
    """A likely wrong answer and the misconception it reveals.

    ``value`` computes the wrong answer (numbers), names the wrong option (choices), or is a
    function producing wrong outputs (function questions). ``message`` explains the mistake.
    Every hint's value is also a look-alike: tests assert the question rejects it.
    """

    value: Any
    message: str


@dataclass(frozen=True)
class LookAlike:
    """A plausible wrong answer that the question must reject (tests/test_checks.py asserts it is rejected).

    ``value`` is the answer as a learner would give it: a number or tuple, or a zero-argument callable computing
    one (number questions); a letter (choice questions); a function (function questions). ``what`` says where it
    comes from, e.g. "the ratio at 1e24 FLOP instead of 5.76e23". Unlike a ``Hint`` it carries no message of its
    own: a rejected look-alike gets the hint ladder.
    """

    value: Any
    what: str


@dataclass(frozen=True)
class Question:
    """One checked question.

    kind:
      - ``"number"``: ``expected()`` returns a number or a tuple of numbers; answers may be
        ints, floats, numpy scalars or strings such as "1.4T" or "8.6%"; compared with ``rtol``/``atol``
        (never tighter than the 4 significant digits feedback prints); a part returned as an ``int`` is a
        whole number and must be exact.
      - ``"choice"``: ``options`` maps letters to texts; ``expected()`` returns the right letter.
      - ``"function"``: the learner passes a function; ``cases()`` returns argument tuples and
        ``expected`` is the package's reference function, called on the same arguments. Where the
        reference raises ValueError (invalid input), the learner's function must raise ValueError too.
        A function that uses the package's own implementation (``reference``: "module:qualname" paths,
        by default ``expected`` itself) is told so and not accepted.

    Feedback fields:
      - ``hints``: known misconceptions (``Hint``), named whenever an answer matches one.
      - ``ladder``: up to three steps shown on the first, second and third miss: the idea, the method, the
        code. Without a ladder, ``hint`` is the only step (questions written before ladders keep working).
      - ``lookalikes``: further plausible wrong answers (``LookAlike``) that tests assert are rejected.
      - ``explain``: shown with a correct answer; a string, or a zero-argument callable returning one (so that
        it can quote values computed at check time).
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
    explain: str | Callable[[], str] = ""
    options: dict[str, str] = field(default_factory=dict)
    cases: Callable[[], list[tuple]] | None = None
    ladder: Sequence[str] = ()
    lookalikes: Sequence[LookAlike] = ()
    reference: Sequence[str] = ()

    def __post_init__(self):
        if self.kind not in ("number", "choice", "function"):
            raise ValueError(f"kind must be 'number', 'choice' or 'function'; got {self.kind!r}")
        if self.kind == "choice" and not self.options:
            raise ValueError(f"question {self.qid!r}: a choice question needs options")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"question {self.qid!r}: a function question needs cases")
        if len(self.ladder) > len(LADDER_LABELS):
            raise ValueError(f"question {self.qid!r}: a ladder has at most {len(LADDER_LABELS)} steps "
                             f"(idea, method, code); got {len(self.ladder)}")

    @property
    def steps(self) -> tuple[str, ...]:
        """The hint ladder: ``ladder`` if given, else ``(hint,)``, else nothing."""
        if self.ladder:
            return tuple(self.ladder)
        return (self.hint,) if self.hint else ()


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
_MISSES: dict[str, int] = {}


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


def misses(qid: str) -> int:
    """How many wrong answers ``check`` has seen for question ``qid`` in this kernel."""
    return _MISSES.get(qid, 0)


def reset_misses() -> None:
    """Forget every counted miss (the hint ladders start again from the idea)."""
    _MISSES.clear()


# --- comparing -----------------------------------------------------------------------------
def _unanswered(answer: Any) -> bool:
    """None, ``...`` or a tuple/list of nothing but placeholders, e.g. ``(..., ...)`` as handed out."""
    if isinstance(answer, (tuple, list)) and answer:
        return all(_unanswered(a) for a in answer)
    return answer is None or answer is Ellipsis


DISPLAY_DIGITS = 4
"""Significant digits feedback prints a number with (``_fmt``)."""

DISPLAY_RTOL = 5e-4
"""The smallest relative tolerance of a number question: half a unit in the 4th significant digit, so any value
that prints like the expected one (3.02e+16 for 3.0199e16) is accepted. A question with an absolute tolerance
(``atol``) or a whole-number answer keeps its own."""


def _rtol(q: Question) -> float:
    return q.rtol if q.atol else max(q.rtol, DISPLAY_RTOL)


def _close(got: float, want: float, q: Question, whole: bool = False) -> bool:
    """Is ``got`` an accepted answer for ``want``? Whole-number answers must be exact; other numbers within the
    question's tolerance, or printed alike (to :data:`DISPLAY_DIGITS` significant digits)."""
    if not math.isfinite(got):
        return False
    if whole:
        return got == want
    return abs(got - want) <= max(q.atol, _rtol(q) * abs(want)) or _fmt(got) == _fmt(want)


def _plain(x: float) -> str:
    """A tolerance as a person writes it: 0.005 -> '0.5', 1e-06 -> '0.000001' (two significant digits)."""
    return np.format_float_positional(float(f"{x:.2g}"), trim="-")


def tolerance_text(q: Question) -> str:
    """The tolerance of a number question as a learner reads it: "exact", "within 0.2%", "within ±0.5".

    A question whose expected answer holds whole numbers (ints) and other numbers says both, e.g.
    "the whole number exact, the others within 1%".
    """
    wholes = _wholes(q.expected())
    parts = []
    if q.atol:
        parts.append(f"±{_plain(q.atol)}")
    if _rtol(q) and not q.atol or q.rtol:
        parts.append(f"{_plain(_rtol(q) * 100)}%")
    within = "within " + " or ".join(parts)
    if all(wholes):
        return "exact"
    if any(wholes):
        return f"the whole number exact, the other{'s' if len(wholes) - sum(wholes) > 1 else ''} {within}"
    return within


def read_number(x: Any) -> float:
    """One number from a learner: a number, a numpy scalar, '1.4T', '685M', '5.8e23 FLOP', a percentage
    string '8.6%' (= 0.086) or a fraction '4/7'. Raises ValueError saying what is accepted.

    ``check`` reads answers with it, and so does everything a checked answer is passed on to (``lab.submit``).
    """
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, str) and x.strip().endswith("%"):
        return parse_quantity(x.strip()[:-1].strip()) / 100.0
    if isinstance(x, str) and x.count("/") == 1 and "flop/s" not in x.lower():
        try:
            top, bottom = (parse_quantity(part.strip()) for part in x.split("/"))
        except ValueError:
            raise ValueError(f"could not read {x.strip()!r} as a fraction; write two numbers, such as 4/7") from None
        if bottom == 0:
            raise ValueError(f"the fraction {x.strip()!r} divides by zero")
        return top / bottom
    return parse_quantity(x)


def _as_numbers(answer: Any, n: int) -> list[float]:
    """Read a number (n == 1) or a sequence of n numbers from the learner's answer."""
    if n == 1:
        if isinstance(answer, np.ndarray) and answer.size == 1:
            answer = answer.item()
        if isinstance(answer, (list, tuple)) and len(answer) == 1:
            answer = answer[0]
        return [read_number(answer)]
    if isinstance(answer, str) or not hasattr(answer, "__len__") or len(answer) != n:
        raise ValueError(f"{n} numbers, e.g. a tuple ({', '.join(['...'] * n)})")
    return [read_number(a) for a in answer]


def _fmt(x: float) -> str:
    return f"{x:.{DISPLAY_DIGITS}g}"


def _explain(q: Question) -> str:
    return q.explain() if callable(q.explain) else q.explain


def _value(v: Any) -> Any:
    return v() if callable(v) else v


def _floats(v: Any) -> list[float]:
    return [float(a) for a in (v if isinstance(v, (tuple, list)) else [v])]


def _wholes(v: Any) -> list[bool]:
    """Which parts of an expected answer are whole numbers (Python or numpy ints): those are compared exactly."""
    parts = v if isinstance(v, (tuple, list)) else [v]
    return [isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in parts]


def _step(q: Question, missed: int) -> str:
    """The ladder step for an answer after ``missed`` earlier misses, labelled when the ladder has steps."""
    steps = q.steps
    if not steps:
        return ""
    i = min(missed, len(steps) - 1)
    if len(steps) == 1:
        return steps[0]
    return f"{LADDER_LABELS[i]} (hint {i + 1} of {len(steps)}): {steps[i]}"


def _diagnosis(messages: list[str]) -> str:
    """One misconception's message, or all of them when several give the same answer."""
    unique = list(dict.fromkeys(messages))
    if len(unique) == 1:
        return unique[0]
    return f"{len(unique)} different slips give this answer: " + " ".join(
        f"({i}) {m}" for i, m in enumerate(unique, 1))


def _wrong(q: Question, lead: str, matched: list[str], missed: int, extra: str = "") -> CheckResult:
    """A wrong answer's line: the misconceptions it matches (then, after a first miss, the ladder) or the ladder."""
    if matched:
        parts = [_diagnosis(matched), _step(q, missed) if missed else ""]
    else:
        parts = [extra, _step(q, missed) or "Re-read the question and try again."]
    return CheckResult(q.qid, "wrong", " ".join(p for p in [lead, *parts] if p))


def _check_number(q: Question, answer: Any, missed: int = 0) -> CheckResult:
    expected = q.expected()
    wants, wholes = _floats(expected), _wholes(expected)
    try:
        got = _as_numbers(answer, len(wants))
    except ValueError as err:
        return CheckResult(q.qid, "invalid", _reading_advice(q, answer, wants, err))
    shown = ", ".join(_fmt(g) for g in got)
    if _all_close(got, wants, q, wholes):
        return CheckResult(q.qid, "correct", f"correct ({shown}{_unit(q)}). {_explain(q)}".strip())
    matched = [h.message for h in q.hints if _all_close(got, _floats(_value(h.value)), q, wholes)]
    lead = f"{shown} is not right (accepted: {tolerance_text(q)})."
    return _wrong(q, lead, matched, missed, "" if matched else _generic_hint(got, wants, q))


def _all_close(got: list[float], wants: list[float], q: Question, wholes: list[bool]) -> bool:
    return len(got) == len(wants) and all(_close(g, w, q, h) for g, w, h in zip(got, wants, wholes))


def _unit(q: Question) -> str:
    return f" {q.unit}" if q.unit else ""


GENERIC_UNIT_HINT = "Off by a factor of 10^{n}: check units and suffixes (B = 1e9, T = 1e12)."
"""The last-resort line for an answer a whole power of ten away that matched no named slip."""


def _generic_hint(got: list[float], wants: list[float], q: Question) -> str:
    """A first sentence for a wrong number that matched no declared misconception: the slips every question can
    show (order, sign, a percent for a fraction, the neighbouring question's answer), then a power of ten."""
    if len(got) > 1:
        for order in itertools.islice(itertools.permutations(range(len(got))), 1, 24):
            if all(_close(got[i], w, q) for i, w in zip(order, wants)):
                return "Right numbers, wrong order: give them in the order the question asks for."
    for g, w in zip(got, wants):
        if w != 0 and g != 0 and _close(-g, w, q):
            return "Check the sign."
        if 0 < abs(w) <= 1 and _close(g, 100 * w, q):
            return (f"That looks like a percentage: the question asks for a fraction ({_fmt(g)}% is "
                    f"{_fmt(g / 100)}); give {_fmt(g / 100)} or the string '{_fmt(g)}%'.")
        if 0 < abs(g) <= 1 and _close(100 * g, w, q):
            return f"The question asks for a percentage as a number: {_fmt(g)} is {_fmt(100 * g)}%."
    neighbour = _neighbour(got, q)
    if neighbour:
        return neighbour
    for g, w in zip(got, wants):
        if w > 0 and g > 0:
            n = round(math.log10(g / w))
            if n and abs(g / (w * 10.0 ** n) - 1) <= max(0.01, _rtol(q)):
                return GENERIC_UNIT_HINT.format(n=n)
    return ""


def _neighbour(got: list[float], q: Question) -> str:
    """'That is the answer to <another question of this chapter>', when a number given is one."""
    chapter = q.qid.split("-")[0]
    for other in questions().values():
        if other.kind != "number" or other.qid == q.qid or other.qid.split("-")[0] != chapter:
            continue
        theirs = _floats(other.expected())
        if _all_close(got, theirs, other, [False] * len(theirs)) or (
                len(theirs) == 1 and any(_close(g, theirs[0], other) for g in got)):
            return (f"{', '.join(_fmt(g) for g in got)} is the answer to the neighbouring question "
                    f"{other.qid}; re-read what this one asks.")
    return ""


# --- answers of the wrong type ---------------------------------------------------------------
def _numeric_fields(obj: Any) -> dict[str, float]:
    """The public real-number attributes of an object (a dataclass's fields, or its instance attributes)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = [f.name for f in dataclasses.fields(obj)]
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        names = list(vars(obj))
    else:
        return {}
    out = {}
    for name in names:
        value = getattr(obj, name, None)
        if name.startswith("_") or isinstance(value, bool):
            continue
        if isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(float(value)):
            out[name] = float(value)
    return out


def _reading_advice(q: Question, answer: Any, wants: list[float], err: ValueError) -> str:
    """What to do with an answer that is not a number (or not the right count of numbers)."""
    n = len(wants)
    want_text = "one number" if n == 1 else f"{n} numbers, e.g. a tuple ({', '.join(['...'] * n)})"
    if callable(answer) and not isinstance(answer, type) and not _numeric_fields(answer):
        return f"you passed a function; call it and pass the {want_text} it returns."
    if isinstance(answer, (np.ndarray, list, tuple)):
        try:
            values = np.asarray(answer, dtype=float).ravel()
        except (TypeError, ValueError):
            values = None
        if values is not None and values.size > n:
            if n == 1 and _close(float(np.mean(values)), wants[0], q):
                return (f"you passed {values.size} values (one per item); the question asks for one number: "
                        "take their mean (np.mean).")
            if n > 1:
                return f"you passed {values.size} values: expected {want_text}{_unit(q)}."
            return (f"you passed {values.size} values; the question asks for one number{_unit(q)}. If they are "
                    "one value per item, combine them as the question says (e.g. their mean).")
    fields = _numeric_fields(answer)
    if fields:
        kind = type(answer).__name__
        var = "law" if "law" in kind.lower() else "fit" if "fit" in kind.lower() else "result"
        picks = [next((f for f, v in fields.items() if _close(v, w, q)), None) for w in wants]
        if all(picks):
            read = f"read {var}.{picks[0]}" if n == 1 else f"give ({', '.join(f'{var}.{p}' for p in picks)})"
            return f"you passed the whole {kind}; the answer is in its fields: {read}."
        listed = ", ".join(f".{f}" for f in list(fields)[:5])
        return (f"you passed the whole {kind}; the question asks for {want_text}: read it from its fields "
                f"({listed}) or its methods.")
    if n == 1:
        return f"could not read {_show(answer)}: expected a number such as 1.41, 5.8e23, '1.4T' or '8.6%'{_unit(q)}."
    reason = str(err) if str(err).startswith(("expected", "the fraction", "could not")) else f"expected {err}"
    return f"could not read {_show(answer)}: {reason}{_unit(q)}."


# --- choices ---------------------------------------------------------------------------------
_LETTER = re.compile(r"\(?\s*([a-z])\s*\)?\s*[.:]?")


def _letter(answer: Any, options: dict[str, str]) -> str | None:
    """The option letter a learner typed: 'b', 'B', '(b)', 'b)', 'b.' all read as 'b'."""
    if not isinstance(answer, str):
        return None
    match = _LETTER.fullmatch(answer.strip().lower())
    return match[1] if match and match[1] in options else None


def _check_choice(q: Question, answer: Any, missed: int = 0) -> CheckResult:
    letters = ", ".join(f"'{k}'" for k in q.options)
    picked = _letter(answer, q.options)
    if picked is None:
        return CheckResult(q.qid, "invalid", f"could not read {_show(answer)}: answer with one of the letters "
                                             f"{letters} (as a string, e.g. \"{next(iter(q.options))}\").")
    if picked == q.expected():
        return CheckResult(q.qid, "correct", f"correct ({picked}). {_explain(q)}".strip())
    matched = [h.message for h in q.hints if h.value == picked]
    return _wrong(q, f"({picked}) is not right.", matched, missed)


# --- functions -------------------------------------------------------------------------------
def _reference(q: Question, args: tuple) -> Any:
    """The package's output for a case, or the ValueError it raises there (the learner must raise one too)."""
    try:
        return q.expected(*args)
    except ValueError as err:
        return err


def reference_paths(q: Question) -> tuple[str, ...]:
    """The package functions a learner's function must not use, as "module:qualname" (``Question.reference``,
    else the question's reference function itself)."""
    if q.reference:
        return tuple(q.reference)
    return (f"{q.expected.__module__}:{q.expected.__qualname__}",)


def _resolve(path: str) -> Any:
    module, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def watched_codes(targets: Sequence[str | Callable]) -> dict:
    """The code objects of ``targets`` (functions, or "module:qualname" paths) by id: entering one is using it
    (by identity: code objects compare equal by content, and a copied function is the learner's own). A path
    that does not resolve (a function defined inside a test) is left out."""
    codes = {}
    for target in targets:
        try:
            obj = inspect.unwrap(_resolve(target) if isinstance(target, str) else target)
        except (ImportError, AttributeError):
            continue
        obj = getattr(obj, "__func__", obj)
        obj = getattr(obj, "__call__", obj) if not hasattr(obj, "__code__") else obj
        obj = getattr(obj, "__func__", obj)
        if hasattr(obj, "__code__"):
            codes[id(obj.__code__)] = obj.__code__
    return codes


class _Watch:
    """While active, notes whether any Python function with one of ``codes`` is entered (``sys.setprofile``)."""

    def __init__(self, codes: dict):
        self.codes, self.seen = codes, False

    def _profile(self, frame, event, arg):
        if event == "call" and id(frame.f_code) in self.codes:
            self.seen = True

    def __enter__(self) -> "_Watch":
        self._previous = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc) -> None:
        sys.setprofile(self._previous)


_BLANK_OPS = {"RESUME", "NOP", "CACHE", "LOAD_CONST", "POP_TOP", "RETURN_VALUE", "RETURN_CONST"}
"""The only instructions of a function whose body is ``...``, ``pass``, a docstring or ``return None``."""


def is_stub(func: Any) -> bool:
    """A function whose body is only ``...``, ``pass``, a docstring or ``return None``: the handed-out blank."""
    code = getattr(inspect.unwrap(func), "__code__", None) if callable(func) else None
    if code is None:
        return False
    blank = all(i.opname in _BLANK_OPS for i in dis.get_instructions(code))
    doc = getattr(func, "__doc__", None)
    return blank and all(c is None or c is Ellipsis or (c == doc and isinstance(c, str)) for c in code.co_consts)


def call_cases(func: Callable, cases: Sequence[tuple], watch: Sequence[str | Callable] = ()) -> tuple[list, bool]:
    """Call a learner's ``func`` on each case: (what it returned or the exception it raised, per case; whether
    it used any function in ``watch`` on the way). Used by ``check`` and, in the learner's kernel, by grading."""
    codes = watched_codes(watch)
    outcomes, used = [], False
    for args in cases:
        watch = _Watch(codes)
        try:
            with watch:
                outcomes.append(func(*args))
        except Exception as err:  # the learner's code: recorded, never re-raised
            outcomes.append(err)
        used = used or watch.seen
    return outcomes, used


def _check_function(q: Question, answer: Any, missed: int = 0) -> CheckResult:
    if not callable(answer):
        return CheckResult(q.qid, "invalid", f"expected a function (pass its name without brackets); got "
                                             f"{type(answer).__name__}.")
    if getattr(answer, "stub", is_stub(answer)):
        return CheckResult(q.qid, "unanswered", "not answered yet: your function returns nothing; fill in its body.")
    cases = q.cases()
    wants = [_reference(q, args) for args in cases]
    if hasattr(answer, "forwards"):  # a function called in the learner's kernel (grading)
        outputs, used = [_outcome(answer, args) for args in cases], answer.forwards
    else:
        outputs, used = call_cases(answer, cases, tuple(q.reference) or (q.expected,))
    if used:
        names = " / ".join(path.rpartition(":")[2] for path in reference_paths(q))
        return CheckResult(q.qid, "wrong", f"your function uses the package's own {names}: the exercise is to "
                                           "compute it yourself, without calling it.")
    for args, out, want in zip(cases, outputs, wants):
        if isinstance(out, Exception) and not (isinstance(out, ValueError) and isinstance(want, ValueError)):
            return CheckResult(q.qid, "wrong", f"your function raised {type(out).__name__}: {out} for input "
                                               f"{_args(args)}.")
        if _unanswered(out):
            return CheckResult(q.qid, "wrong", f"for input {_args(args)} it returned nothing: return the value "
                                               "(a function that prints its result returns None).")
    valued = [(a, o) for a, o, w in zip(cases, outputs, wants) if not isinstance(w, ValueError)]
    for args, out, want in zip(cases, outputs, wants):
        if isinstance(want, ValueError):
            if not isinstance(out, ValueError):
                return _wrong(q, f"for input {_args(args)} your function returned {_show(out)}; it should raise "
                                 f"ValueError, as the package does ({want}).", [], missed)
        elif not _outputs_close(out, want, q):
            matched = [h.message for h in q.hints if all(_outputs_close(o, h.value(*a), q) for a, o in valued)]
            lead = f"for input {_args(args)} your function returned {_show(out)}"
            if matched:
                return _wrong(q, lead + ".", matched, missed)
            return _wrong(q, f"{lead}; expected {_show(want)}.", [], missed)
    return CheckResult(q.qid, "correct", f"correct on all {len(cases)} test inputs. {_explain(q)}".strip())


def _outcome(func: Callable, args: tuple) -> Any:
    try:
        return func(*args)
    except Exception as err:  # replayed from the learner's kernel
        return err


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
    return len(g) == len(w) and all(_strictly_close(a, b, q) for a, b in zip(g, w))


def _strictly_close(got: float, want: float, q: Question) -> bool:
    """A function's output against the reference's: within the question's own rtol/atol (no display floor)."""
    return math.isfinite(got) and abs(got - want) <= max(q.atol, q.rtol * abs(want))


def _args(args: tuple) -> str:
    return "(" + ", ".join(_show(a) for a in args) + ")"


def _show(x: Any) -> str:
    """A short one-line rendering of a value for a feedback line."""
    if isinstance(x, np.ndarray) and x.size > 3:
        return f"array of {x.size} values from {_fmt(float(x.flat[0]))} to {_fmt(float(x.flat[-1]))}"
    if isinstance(x, (float, np.floating)):
        return _fmt(float(x))
    if isinstance(x, (tuple, list)):
        if len(x) > 3:
            return f"a {type(x).__name__} of {len(x)} values"
        return "(" + ", ".join(_show(v) for v in x) + ")"
    if hasattr(x, "N") and hasattr(x, "D"):
        return f"(N={_fmt(float(x.N))}, D={_fmt(float(x.D))})"
    text = " ".join(repr(x).split())
    return text if len(text) <= 60 else text[:57] + "..."


_CHECKERS = {"number": _check_number, "choice": _check_choice, "function": _check_function}


# --- look-alikes -----------------------------------------------------------------------------
def lookalike_answers(q: Question) -> list[tuple[str, Any]]:
    """Every plausible wrong answer declared for ``q``, as (what it is, the answer a learner would give).

    These are the question's look-alikes, the values of its hints, for a choice question every other option,
    and for a question whose answer is a pair of different numbers the pair swapped and each number given twice.
    Tests assert that ``judge`` rejects each of them: where the tolerance cannot, the question must change.
    """
    found = [(f"look-alike: {la.what}", la.value) for la in q.lookalikes]
    found += [(f"hint: {h.message[:60]}", h.value) for h in q.hints]
    if q.kind == "choice":
        right = q.expected()
        found += [(f"option ({k})", k) for k in q.options if k != right]
    if q.kind != "number":
        return found
    found = [(what, _value(v)) for what, v in found]
    wants = _floats(q.expected())
    if len(wants) == 2 and wants[0] != wants[1]:
        found += [("swapped tuple", tuple(wants[::-1])), ("first number twice", (wants[0], wants[0])),
                  ("second number twice", (wants[1], wants[1]))]
    return found


# --- entry points ----------------------------------------------------------------------------
def evaluate(qid: str, answer: Any, *, misses: int = 0) -> CheckResult:
    """Check an answer and return the result without printing (used by tests and grading).

    ``misses`` is the number of earlier wrong answers to this question; it picks the step of the hint ladder.
    """
    try:
        registry = questions()
        if not isinstance(qid, str) or qid not in registry:
            known = ", ".join(sorted(registry))
            return CheckResult(str(qid), "invalid", f"unknown question id {qid!r}; known ids: {known}.")
        return judge(registry[qid], answer, misses=misses)
    except Exception as err:  # a checker must never show a learner a traceback
        return CheckResult(str(qid), "invalid", f"could not check this answer ({type(err).__name__}: {err}).")


def judge(q: Question, answer: Any, *, misses: int = 0) -> CheckResult:
    """Check ``answer`` against question ``q`` (registered or not); placeholders count as not answered.

    ``misses`` is the number of earlier wrong answers to this question; it picks the step of the hint ladder.
    """
    try:
        if _unanswered(answer):
            return CheckResult(q.qid, "unanswered", "not answered yet: replace ... with your answer.")
        return _CHECKERS[q.kind](q, answer, max(0, int(misses)))
    except Exception as err:  # a checker must never show a learner a traceback
        return CheckResult(q.qid, "invalid", f"could not check this answer ({type(err).__name__}: {err}).")


def check(qid: str, answer: Any) -> None:
    """Check ``answer`` to question ``qid`` and print one line: correct, not answered yet, or a hint.

    Wrong answers are counted per question in this kernel, so that repeated misses climb the hint ladder.
    """
    key = qid if isinstance(qid, str) else None
    result = evaluate(qid, answer, misses=_MISSES.get(key, 0) if key else 0)
    if key and result.status == "wrong":
        _MISSES[key] = _MISSES.get(key, 0) + 1
    print(fit_lines(result.line()))

