"""Read a learner's answer out of their kernel as plain data, and judge it outside that kernel.

Grading must not believe anything the learner's kernel says about correctness: the learner's code can
replace any function there (``check`` included), print a fake ✅ or patch numpy. So the autograder (see
``scalinglaws.course.autograde``) only asks the kernel for the answer's *value*: ``READER_SOURCE`` is run
there and turns the value into JSON made of numbers, strings, lists and a few tagged records (an array, an
``(N, D)`` pair, the placeholder ``...``, the outcomes of calling a learner's function on given inputs).
``decode`` rebuilds those values in the grading process, refusing anything else, and ``verdict`` judges them
there with ``scalinglaws.course.checks.judge``, the code ``check`` runs, so the learner sees the same line.

The kernel can still lie about the value, but a lie is just another answer: it earns the point only if it is
the right value. A learner's *function* necessarily runs in their kernel (it is called there on the inputs
the grader chooses); what it returns is judged here. Taught in instructor.md ("Threat model").
"""
from __future__ import annotations

import json
import keyword
from types import SimpleNamespace
from typing import Any

import numpy as np

from scalinglaws.course.checks import CheckResult, Question, judge, questions, reference_paths

__all__ = ["READER_SOURCE", "MAX_PAYLOAD", "reader_expression", "decode", "verdict", "encode"]

MAX_PAYLOAD = 1_000_000
"""Longest answer payload (characters of JSON) the grader reads; a longer one is judged invalid."""

_MAX_DEPTH = 32

READER_SOURCE = r'''
def __scalinglaws_encode__(x, depth=0):
    if depth > __MAX_DEPTH__:
        raise ValueError("answer nested too deeply")
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if x is Ellipsis:
        return {"$": "ellipsis"}
    if hasattr(x, "ndim") and hasattr(x, "tolist"):
        if x.ndim == 0:
            return __scalinglaws_encode__(x.item(), depth + 1)
        return {"$": "ndarray", "items": x.tolist()}
    if isinstance(x, (tuple, list)):
        items = [__scalinglaws_encode__(v, depth + 1) for v in x]
        return {"$": type(x).__name__ if type(x) in (tuple, list) else "tuple", "items": items}
    if hasattr(x, "N") and hasattr(x, "D"):
        return {"$": "ND", "N": float(x.N), "D": float(x.D)}
    if callable(x):
        return {"$": "function", "repr": repr(x)[:200]}
    return {"$": "other", "repr": repr(x)[:200]}


def __scalinglaws_decode__(x):
    import numpy
    if isinstance(x, dict) and x.get("$") == "ndarray":
        return numpy.asarray(x["items"], dtype=float)
    if isinstance(x, dict) and x.get("$") in ("tuple", "list"):
        items = [__scalinglaws_decode__(v) for v in x["items"]]
        return tuple(items) if x["$"] == "tuple" else items
    return x


def __scalinglaws_read__(value, cases=None, watch="[]"):
    import json
    if cases is None or not callable(value):
        return json.dumps(__scalinglaws_encode__(value))
    from scalinglaws.course.checks import call_cases, is_stub
    if is_stub(value):
        return json.dumps({"$": "calls", "outcomes": [], "stub": True, "forwards": False})
    args = [__scalinglaws_decode__(case) for case in json.loads(cases)]
    results, used = call_cases(value, args, json.loads(watch))
    outcomes = []
    for result in results:
        try:
            if isinstance(result, Exception):
                raise result
            outcomes.append(__scalinglaws_encode__(result))
        except Exception as err:
            outcomes.append({"$": "raised", "type": type(err).__name__, "message": str(err)[:300]})
    return json.dumps({"$": "calls", "outcomes": outcomes, "stub": False, "forwards": bool(used)})
'''.replace("__MAX_DEPTH__", str(_MAX_DEPTH))
"""Defines the reader in the learner's kernel (and, for ``encode``, in the grader's own namespace)."""

_OWN: dict[str, Any] = {}
exec(compile(READER_SOURCE, "<scalinglaws reader>", "exec"), _OWN)


def encode(value: Any) -> Any:
    """The JSON-able form of ``value`` that ``READER_SOURCE`` produces in a kernel (same code)."""
    return _OWN["__scalinglaws_encode__"](value)


def reader_expression(question: Question, expression: str) -> str:
    """The expression the kernel evaluates to hand over the answer ``expression`` as a JSON string.

    For a function question it also carries the question's test inputs, on which the kernel calls the
    learner's function.
    """
    if question.kind != "function":
        return f"__scalinglaws_read__({expression})"
    cases = json.dumps(json.dumps([encode(tuple(args)) for args in question.cases()]))
    watch = json.dumps(json.dumps(list(reference_paths(question))))
    return f"__scalinglaws_read__({expression}, {cases}, {watch})"


class _Unreadable:
    """Stands for a kernel value that is not plain data; it shows as the kernel's own repr."""

    def __init__(self, text: str):
        self._text = text

    def __repr__(self) -> str:
        return self._text


def _rebuild(x: Any, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        raise ValueError("answer nested too deeply")
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, list):
        return [_rebuild(v, depth + 1) for v in x]
    if not isinstance(x, dict):
        raise ValueError(f"unexpected JSON value of type {type(x).__name__}")
    tag = x.get("$")
    if tag == "ellipsis":
        return ...
    if tag == "ndarray":
        return np.asarray(x["items"], dtype=float)
    if tag in ("tuple", "list"):
        items = [_rebuild(v, depth + 1) for v in x["items"]]
        return tuple(items) if tag == "tuple" else items
    if tag == "ND":
        return SimpleNamespace(N=float(x["N"]), D=float(x["D"]))
    if tag in ("function", "other"):
        return _Unreadable(str(x.get("repr", "?"))[:200])
    if tag == "raised":
        return _Raised(str(x.get("type", "Exception")), str(x.get("message", "")))
    if tag == "calls":
        return _Replay([_rebuild(o, depth + 1) for o in x["outcomes"]], stub=x.get("stub") is True,
                       forwards=x.get("forwards") is True)
    raise ValueError(f"unknown record {tag!r}")


def decode(payload: str) -> Any:
    """The value a kernel's reader handed over, rebuilt from JSON; ValueError for anything else."""
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD:
        raise ValueError(f"the answer must arrive as a JSON string of at most {MAX_PAYLOAD} characters")
    return _rebuild(json.loads(payload))


class _Raised:
    """A learner's function raised this (by name and message) on one input."""

    def __init__(self, name: str, message: str):
        self.name, self.message = name, message

    def exception(self) -> Exception:
        if self.name == "ValueError":
            return ValueError(self.message)
        name = self.name if self.name.isidentifier() and not keyword.iskeyword(self.name) else "Exception"
        return type(name, (Exception,), {})(self.message)


class _Replay:
    """A stand-in for a learner's function: returns, input by input, what it returned in their kernel.

    ``stub``: the function's body was the handed-out blank; ``forwards``: it used the package's own
    implementation (``Question.reference``) on the way.
    """

    def __init__(self, outcomes: list[Any], stub: bool = False, forwards: bool = False):
        self._outcomes = outcomes
        self.stub, self.forwards = stub, forwards
        self._keys: dict[str, Any] = {}

    def bind(self, question: Question) -> "_Replay":
        cases = question.cases()
        if self.stub:
            return self
        if len(cases) != len(self._outcomes):
            raise ValueError(f"expected {len(cases)} outcomes, got {len(self._outcomes)}")
        self._keys = {json.dumps(encode(tuple(c))): o for c, o in zip(cases, self._outcomes)}
        return self

    def __call__(self, *args: Any) -> Any:
        outcome = self._keys[json.dumps(encode(tuple(args)))]
        if isinstance(outcome, _Raised):
            raise outcome.exception()
        return outcome


def verdict(qid: str, payload: str) -> CheckResult:
    """Judge the answer a kernel handed over for question ``qid``, in this process.

    Never raises: an answer that cannot be read is ``invalid``, an unknown question id too.
    """
    registry = questions()
    if qid not in registry:
        return CheckResult(qid, "invalid", f"unknown question id {qid!r}.")
    question = registry[qid]
    try:
        answer = decode(payload)
        if isinstance(answer, _Replay):
            answer = answer.bind(question)
    except (ValueError, KeyError, TypeError) as err:
        return CheckResult(qid, "invalid", f"could not read your answer ({err}).")
    return judge(question, answer)
