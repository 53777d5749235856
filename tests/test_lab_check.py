"""Answer checking in the class service: the same line as ``check`` prints, the hint ladder kept in the ledger."""
import csv
import math

import pytest

from scalinglaws.course import checks
from scalinglaws.course.lab import attempts
from scalinglaws.course.lab.client import RemoteLab
from scalinglaws.sampling import pass_at_k

from _labserver import LabServer


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("check") / "lab.sqlite"


@pytest.fixture(scope="module")
def lab(db):
    server = LabServer(db)
    yield server
    server.stop()


def _local_lines(capsys, answers):
    """What ``check`` prints in a fresh kernel for each (question, answer), in order."""
    checks.reset_misses()
    lines = []
    for qid, answer in answers:
        checks.check(qid, answer)
        lines.append(capsys.readouterr().out.rstrip("\n"))
    checks.reset_misses()
    return lines


def _biased(n, c, k):  # the plug-in estimate: a named slip
    if k > n:
        raise ValueError("k must not exceed n")
    return 1 - (1 - c / n) ** k


def _no_check(n, c, k):  # right values, but no ValueError where the package raises one
    return 1.0 if n - c < k else 1 - math.prod(1 - k / i for i in range(n - c + 1, n + 1))


def _honest(n, c, k):  # the unbiased estimator, written out, with the package's checks
    if not (0 <= c <= n and 1 <= k <= n):
        raise ValueError("need 0 <= c <= n and 1 <= k <= n")
    return _no_check(n, c, k)


ANSWERS = [("pl-slope", 0.3), ("pl-slope", "0.3"), ("pl-slope", [1, 2]), ("pl-slope", -3.0), ("pl-slope", None),
           ("pl-slope", "-0.3"), ("kaplan-joint-floor", "z"), ("kaplan-joint-floor", "a"),
           ("inf-implement-passk", _biased), ("inf-implement-passk", _no_check),
           ("inf-implement-passk", pass_at_k), ("inf-implement-passk", _honest)]


def test_the_service_prints_exactly_the_line_check_prints_locally(lab, db, capsys):
    token = lab.enrol("una")["una"]
    expected = _local_lines(capsys, ANSWERS)
    half = len(ANSWERS) // 2
    remote = [RemoteLab(lab.url, token).check(qid, answer) for qid, answer in ANSWERS[:half]]
    again = LabServer(db)  # another server process on the same ledger continues the hint ladders
    try:
        remote += [RemoteLab(again.url, token).check(qid, answer) for qid, answer in ANSWERS[half:]]
    finally:
        again.stop()
    capsys.readouterr()
    assert remote == expected
    assert any("(hint 3" in line for line in remote)  # the ladder climbed across requests and servers
    assert remote[-1].startswith("✅")


def test_every_attempt_is_logged_and_exported(lab, tmp_path):
    token = lab.enrol("vic")["vic"]
    student = RemoteLab(lab.url, token)
    student.check("pl-slope", 1.0)
    student.check("pl-slope", -0.3)
    out = tmp_path / "attempts.csv"
    assert attempts.main(["--db", lab.ledger.path, "--out", str(out)]) == 0
    rows = [row for row in csv.DictReader(open(out)) if row["student"] == "vic"]
    assert [(row["question"], row["status"], row["answer"]) for row in rows] == [
        ("pl-slope", "wrong", "1.0"), ("pl-slope", "correct", "-0.3")]
    assert rows[0]["created"] <= rows[1]["created"] and rows[1]["line"].startswith("✅ pl-slope")
    assert lab.ledger.misses("vic", "pl-slope") == 1


@pytest.mark.parametrize("answer", [[[[[[1]]]]], {"raises": "ValueError"}, "x" * 3000, 1e308, [None] * 50])
def test_odd_answers_get_a_line_never_a_500(lab, answer):
    token = lab.enrol("wyn")["wyn"]
    for qid in ["pl-slope", "kaplan-joint-floor", "inf-implement-passk"]:
        status, payload, _ = lab.request("POST", "/v1/check", {"question": qid, "answer": answer}, token)
        assert status in (200, 400), payload
        assert status == 400 or payload["line"].split()[0] in ("❌", "⚠️", "⏳")
        assert "Traceback" not in str(payload)


def test_a_function_questions_inputs_come_from_the_service(lab):
    token = lab.enrol("xan")["xan"]
    status, question, _ = lab.request("GET", "/v1/questions/inf-implement-passk", token=token)
    assert status == 200 and question["kind"] == "function"
    assert [tuple(args) for args in question["inputs"]] == checks.questions()["inf-implement-passk"].cases()
    assert lab.request("GET", "/v1/questions/inf-implement-passk")[0] == 401
