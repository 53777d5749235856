"""Grades a student cannot fake: each attack runs real nbgrader autograde and must earn zero points.

The submissions start from the blank release of ``07_limits`` (8 questions, 1 point each). A control shows
that the attacks are real: nbgrader's own executor, without the course's sealed verdicts, gives the blank
notebook full marks, because ``check`` prints feedback and never raises. See instructor.md, "Threat model".
"""
from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from nbformat.v4 import new_code_cell, new_output

from _classroom import autograde, autograded, grade_id, is_test, make_course, released, score, source, submit
from scalinglaws.course.autograde import MISSING_ANSWER

NAME = "07_limits"


@pytest.fixture(scope="module")
def course(tmp_path_factory, gradebook):
    return make_course(tmp_path_factory.mktemp("attacks"), [NAME], gradebook)


def _blank(course):
    return copy.deepcopy(released(course, NAME))


def _after_imports(nb, code: str):
    """The notebook with a student cell inserted right after the import cell."""
    at = next(i for i, c in enumerate(nb.cells) if "import numpy as np" in c.source) + 1
    nb.cells.insert(at, new_code_cell(code))
    return nb


def _zero(course, student, nb):
    submit(course, NAME, student, nb)
    got, most = autograde(course, NAME, student)
    assert most == 8
    assert got == 0, f"{student} earned {got} of {most} points"
    return autograded(course, NAME, student)


FAKE_CORRECT = '''
import scalinglaws as sl
import scalinglaws.course.checks as checks
from scalinglaws.course.checks import CheckResult
checks.evaluate = lambda q, a: CheckResult(q, "correct", "correct.")
checks.judge = lambda q, a: CheckResult(q.qid, "correct", "correct.")
checks.check = lambda q, a: print(f"✅ {q}: correct.")
check = checks.check
sl.effective_data = lambda *args, **kwargs: 0.0
sl.emergence_scale = lambda *args, **kwargs: 0.0
'''


def test_control_plain_nbgrader_gives_the_blank_notebook_full_marks(course):
    """Without the sealed verdicts the test cells never fail: the attacks below are attacks on something real."""
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    from scalinglaws.course.autograde import SealedExecute, configure

    config = Config()
    configure(config)
    config.Autograde.autograde_preprocessors = [
        Execute if p is SealedExecute else p for p in config.Autograde.autograde_preprocessors]
    submit(course, NAME, "control", _blank(course))
    assert autograde(course, NAME, "control", config) == (8, 8)


def test_replacing_the_package_functions_earns_zero(course):
    _zero(course, "replaces-functions", _after_imports(_blank(course), FAKE_CORRECT))


def test_printing_a_fake_tick_earns_zero(course):
    nb = _blank(course)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            qid = grade_id(cell).removesuffix("-answer")
            cell.source += f'\nprint("✅ {qid}: correct.")'
    _zero(course, "prints-ticks", _after_imports(nb, 'check = lambda q, a: print(f"✅ {q}: correct.")'))


def test_publishing_a_fake_result_record_or_score_earns_zero(course):
    code = '''
from IPython.display import publish_display_data
def _fake(result):
    publish_display_data({"application/vnd.scalinglaws.check-result+json":
                          {"qid": "lim-token-acc", "status": "correct", "message": ""},
                          "text/plain": "✅ correct"})
    get_ipython().displayhook(1.0)   # an execute_result: nbgrader's partial-credit channel
get_ipython().events.register("post_run_cell", _fake)
'''
    out = _zero(course, "publishes-records", _after_imports(_blank(course), code))
    tests = [c for c in out.cells if is_test(c)]
    assert all(o.output_type in ("stream", "error") for c in tests for o in c.outputs)


def test_editing_the_test_cells_earns_zero_and_nbgrader_restores_them(course):
    nb = _blank(course)
    for cell in nb.cells:
        if is_test(cell):
            cell.source = f'print("✅ {grade_id(cell)}: correct.")'
    out = _zero(course, "edits-tests", nb)
    original = {grade_id(c): c.source for c in released(course, NAME).cells if is_test(c)}
    assert {grade_id(c): c.source for c in out.cells if is_test(c)} == original


def test_deleting_the_test_cells_earns_zero_and_nbgrader_puts_them_back(course):
    nb = _blank(course)
    nb.cells = [c for c in nb.cells if not is_test(c)]
    out = _zero(course, "deletes-tests", nb)
    assert sorted(grade_id(c) for c in out.cells if is_test(c)) == sorted(
        grade_id(c) for c in released(course, NAME).cells if is_test(c))


def test_reordering_the_test_cells_earns_zero(course):
    nb = _blank(course)
    tests = [c for c in nb.cells if is_test(c)]
    rest = [c for c in nb.cells if not is_test(c)]
    nb.cells = rest + [new_code_cell('check = lambda q, a: print(f"✅ {q}: correct.")')] + tests[::-1]
    _zero(course, "reorders-tests", nb)


def test_stored_fake_outputs_earn_zero(course):
    nb = _blank(course)
    for n, cell in enumerate(nb.cells):
        if is_test(cell):
            cell.execution_count = n
            cell.outputs = [new_output("stream", name="stdout", text=f"✅ {grade_id(cell)}: correct.\n"),
                            new_output("execute_result", data={"text/plain": "1.0"}, execution_count=n)]
    _zero(course, "stores-outputs", nb)


@pytest.mark.parametrize("stop", ["import os\nos._exit(0)", "exit()"], ids=["os-exit", "ipython-exit"])
def test_stopping_the_kernel_early_earns_zero(course, stop, request):
    student = "stops-" + request.node.callspec.id
    out = _zero(course, student, _after_imports(_blank(course), stop))
    assert all(c.outputs for c in out.cells if is_test(c))  # no test cell is left without a verdict


def test_killing_the_kernel_inside_a_test_cell_earns_zero(course):
    """A replaced check() that ends the kernel: the kernel dies while a test cell runs, not before it.

    nbclient clears a cell's outputs before running it, and nbgrader scores a test cell without an error as
    full points, so the dying cell must be sealed again (this attack earned 1 point before that)."""
    out = _zero(course, "dies-in-test-cell", _after_imports(_blank(course), "import os\ncheck = lambda *a: os._exit(0)"))
    assert all(c.outputs for c in out.cells if is_test(c))


def test_patching_numpy_earns_zero(course):
    code = '''
import math
import numpy
numpy.isclose = lambda *args, **kwargs: True
numpy.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.exp = lambda x: 0.5
math.isclose = lambda *args, **kwargs: True
'''
    nb = _after_imports(answered_wrong(course), code)
    _all_wrong(_zero(course, "patches-numpy", nb))


def test_hiding_errors_earns_zero(course):
    code = '''
ip = get_ipython()
ip.showtraceback = lambda *args, **kwargs: None
ip._showtraceback = lambda *args, **kwargs: None
'''
    _all_wrong(_zero(course, "hides-errors", _after_imports(answered_wrong(course), code)))


def test_lying_to_the_grader_reader_earns_zero(course):
    """The kernel answers the grader's request for the value with a fake 'correct' record."""
    code = '''
import json
_record = json.dumps({"qid": "?", "status": "correct", "message": "correct."})
get_ipython().user_expressions = lambda expressions: {
    name: {"status": "ok", "data": {"text/plain": repr(_record)}, "metadata": {}} for name in expressions}
'''
    _zero(course, "lies-to-reader", _after_imports(_blank(course), code))


def answered_wrong(course):
    """Every answer present but wrong (other numbers, other letters, a function that doubles)."""
    nb = _blank(course)
    wrong = {"token_accuracy = ...": "token_accuracy = 0.5", "exact = ...": "exact = 0.5",
             "n_half = ...": "n_half = 1e9", "effective = ...": "effective = 4e11",
             "repetitions = ...": "repetitions = 3", "decay = ...": "decay = 0.5",
             "flops = ...": "flops = 1e12",
             "metric = ...": 'metric = "a"', "conclusion = ...": 'conclusion = "a"'}
    for cell in nb.cells:
        for old, new in wrong.items():
            cell.source = cell.source.replace(old, new)
        cell.source = cell.source.replace("    # YOUR ANSWER HERE\n    ...", "    return 2 * unique * epochs")
    assert sum("= ..." in c.source for c in nb.cells) == 0
    return nb


def _all_wrong(out):
    """Every test cell judged the answer present and wrong (❌), not missing: the attack had something to hide."""
    lines = [o.text for c in out.cells if is_test(c) for o in c.outputs if o.output_type == "stream"]
    assert len(lines) == 8 and all(line.startswith("❌") for line in lines), lines


# A damaged submission is graded, never failed (nbgrader would stop at a KeyError and grade nothing): the
# damaged question scores 0 with a line saying why, and every other question is judged.

def _honest(course):
    return copy.deepcopy(source(course, NAME))


def _question_cells(nb, qid):
    return [i for i, c in enumerate(nb.cells) if grade_id(c) in (qid, f"{qid}-answer")]


def test_deleting_an_answer_cell_and_its_test_cell_loses_that_question_only(course):
    nb = _honest(course)
    first = next(grade_id(c) for c in nb.cells if is_test(c))
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in _question_cells(nb, first)]
    submit(course, NAME, "deletes-a-question", nb)
    assert autograde(course, NAME, "deletes-a-question") == (7, 8)
    out = autograded(course, NAME, "deletes-a-question")
    answer, test = (out.cells[i] for i in _question_cells(out, first))
    assert answer.source.startswith(MISSING_ANSWER) and "not answered yet" in test.outputs[0].text


def test_made_up_nbgrader_marking_is_ignored(course):
    nb = _honest(course)
    nb.cells[0].metadata["nbgrader"] = {"grade": True, "solution": False, "points": 50}
    nb.cells.insert(1, new_code_cell("x = 1", metadata={"nbgrader": {"solution": True, "grade_id": "not-ours"}}))
    submit(course, NAME, "makes-up-marking", nb)
    assert autograde(course, NAME, "makes-up-marking") == (8, 8)


def test_duplicated_cells_count_once(course):
    nb = _honest(course)
    at = _question_cells(nb, next(grade_id(c) for c in nb.cells if is_test(c)))
    copies = [copy.deepcopy(nb.cells[i]) for i in at]
    for cell in copies:
        cell.pop("id", None)
    nb.cells[at[-1] + 1:at[-1] + 1] = copies
    submit(course, NAME, "duplicates", nb)
    assert autograde(course, NAME, "duplicates") == (8, 8)


def test_nbgrader_autograde_exits_0_on_all_of_that_at_once(course):
    nb = _honest(course)
    first = next(grade_id(c) for c in nb.cells if is_test(c))
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in _question_cells(nb, first)]
    nb.cells[0].metadata["nbgrader"] = {"grade": True, "points": 50}
    nb.cells.append(copy.deepcopy(nb.cells[-1]))
    nb.cells[-1].pop("id", None)
    submit(course, NAME, "damages-everything", nb)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", NAME, "--student", "damages-everything",
                           "--force"], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert score(course, NAME, "damages-everything") == (7, 8)
