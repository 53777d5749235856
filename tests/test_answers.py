"""Judging answers handed over as data, outside the learner's kernel (scalinglaws.course.answers)."""
import json

import numpy as np
import pytest

from scalinglaws import effective_data
from scalinglaws.course.answers import MAX_PAYLOAD, READER_SOURCE, decode, encode, reader_expression, verdict
from scalinglaws.course.checks import evaluate, questions


def _kernel_reads(value, qid):
    """What the reader hands over for ``value``, run here in a fresh namespace as a kernel would run it."""
    namespace = {"value": value}
    exec(READER_SOURCE, namespace)
    return eval(reader_expression(questions()[qid], "value"), namespace)


@pytest.mark.parametrize("qid, answer", [
    ("lim-token-acc", np.exp(-0.3)),            # number, as a numpy scalar
    ("lim-token-acc", 0.5),                      # wrong number
    ("lim-token-acc", ...),                      # placeholder
    ("lim-token-acc", "0.74"),                   # text
    ("lim-effective-data", "250B"),
    ("lim-metric", "c"),                         # choice
    ("lim-metric", "z"),                         # invalid choice
    ("over-tokens-per-param", (1.0, 2.0)),       # tuple answer
])
def test_a_value_judged_outside_gets_the_line_check_prints(qid, answer):
    assert verdict(qid, _kernel_reads(answer, qid)) == evaluate(qid, answer)


def _effective_tokens(unique, epochs):
    repetitions = np.asarray(epochs, dtype=float) - 1
    return unique + unique * 15.0 * (1 - np.exp(-repetitions / 15.0))


@pytest.mark.parametrize("function", [
    lambda u, e: effective_data(u, e),           # right
    _effective_tokens,                           # wrong constant
    lambda u, e: None,                           # blank body
    lambda u, e: 1 / 0,                          # raises
])
def test_a_function_is_called_in_the_kernel_and_its_outputs_judged_outside(function):
    qid = "lim-implement-effective"
    assert verdict(qid, _kernel_reads(function, qid)) == evaluate(qid, function)


@pytest.mark.parametrize("qid", sorted(q.qid for q in questions().values() if q.kind == "function"))
def test_the_package_reference_is_refused_in_the_kernel_and_through_the_reader(qid):
    reference = questions()[qid].expected  # returns pairs, arrays, allocations; raises ValueError on bad input
    forwarding = lambda *args: reference(*args)  # noqa: E731 (a learner's one-line wrapper)
    for function in (reference, forwarding):
        result = verdict(qid, _kernel_reads(function, qid))
        assert result == evaluate(qid, function) and result.status == "wrong"
        assert "uses the package's own" in result.message


def test_a_function_that_prints_is_told_to_return_and_a_blank_one_is_not_answered():
    def prints(unique, epochs):
        print(unique * epochs)

    def blank(unique, epochs):
        """Effective tokens."""
        ...

    qid = "lim-implement-effective"
    printed = verdict(qid, _kernel_reads(prints, qid))
    assert printed == evaluate(qid, prints) and "returned nothing: return the value" in printed.message
    assert verdict(qid, _kernel_reads(blank, qid)).status == evaluate(qid, blank).status == "unanswered"


@pytest.mark.parametrize("payload", [
    '{"$": "pickle", "data": "..."}',            # an unknown record
    '{"qid": "lim-token-acc", "status": "correct", "message": ""}',  # a fake result record
    "not json",
    "[" * 100 + "]" * 100,                       # nested too deeply
    json.dumps("x" * (MAX_PAYLOAD + 1)),         # too long
])
def test_anything_but_plain_data_is_invalid_never_correct(payload):
    result = verdict("lim-token-acc", payload)
    assert result.status == "invalid"


def test_decode_rebuilds_the_tagged_values():
    assert decode(json.dumps(encode((1, [2.0, "a"], None)))) == (1, [2.0, "a"], None)
    assert decode(json.dumps(encode(...))) is Ellipsis
    assert np.array_equal(decode(json.dumps(encode(np.arange(3.0)))), np.arange(3.0))


def test_an_unknown_question_is_invalid():
    assert verdict("no-such-question", "1").status == "invalid"
