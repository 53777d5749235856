"""instructor.md's class-service section, followed command by command on a fresh folder.

Every ```bash and ```python block of "Running the scaling-law lab as a class" runs in order, as written, with
three substitutions a reader makes too: this environment's Python for ``.venv/bin/python``, a free port for 8765
(and 127.0.0.1 for HOST), and a token from ``tokens.csv`` for the placeholder. The nbgrader block is the one
exception: it needs a course folder with submissions, and ``tests/test_lab_nbgrader.py`` runs that path. The
service runs as its own process; the other commands run their ``main`` in this one (the same code, without a
second start-up).
"""
import contextlib
import csv
import importlib
import io
import os
import re
import shlex
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scalinglaws.course.lab.client import AuthError, RemoteLab

from _labserver import free_port, tokens_of

GUIDE = Path(__file__).parent.parent / "instructor.md"
SECTION = "## Running the scaling-law lab as a class"


def _blocks() -> list[tuple[str, str]]:
    text = GUIDE.read_text()
    section = text[text.index(SECTION):]
    end = section.find("\n## ", 1)
    section = section if end < 0 else section[:end]
    return re.findall(r"```(bash|python)\n(.*?)```", section, flags=re.S)


def _commands(block: str) -> list[str]:
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read())
            time.sleep(0.05)
    raise RuntimeError("the service did not start")


def _student(url, token):
    try:
        return RemoteLab(url, token, retries=0).student
    except AuthError:
        return None


def test_the_class_service_section_runs_as_written(tmp_path):
    blocks = _blocks()
    assert [kind for kind, _ in blocks][:4] == ["bash", "bash", "python", "bash"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = None
    ran = []
    try:
        for kind, block in blocks:
            block = block.replace(".venv/bin/python", shlex.quote(sys.executable)).replace("8765", str(port))
            if "nbgrader " in block:
                continue
            if kind == "python":
                first = tokens = tokens_of(tmp_path / "tokens.csv")
                code = block.replace("HOST", "127.0.0.1").replace("<token from tokens.csv>", tokens["alice"])
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):
                    exec(code, {"N_opt": 3.0e8, "loss": 3.1})
                assert printed.getvalue().startswith("✅ pl-slope")
                ran.append("python")
                continue
            for command in _commands(block):
                if "lab.serve" in command:
                    service = subprocess.Popen(shlex.split(command), cwd=tmp_path, stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE, text=True)
                    _wait_for(port, service)
                elif " -m " in command:  # the package's other commands: their main(), in this process
                    words = shlex.split(command)
                    module = importlib.import_module(words[2])
                    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(io.StringIO()):
                        assert module.main(words[3:]) == 0
                else:
                    subprocess.run(command, shell=True, cwd=tmp_path, check=True, capture_output=True, timeout=120)
                ran.append(command.split()[2] if "-m" in command else command.split()[0])
        assert ran == ["printf", "scalinglaws.course.lab.serve", "python"] + ["scalinglaws.course.lab.roster"] * 3 + [
            "scalinglaws.course.lab.grade", "scalinglaws.course.lab.attempts"]

        # what the section promises happened
        tokens = tokens_of(tmp_path / "tokens.csv")
        assert set(tokens) == {"alice", "carol"}  # bob revoked
        assert _student(url, tokens["carol"]) == "carol" and _student(url, tokens["alice"]) == "alice"
        assert _student(url, first["alice"]) is None and _student(url, first["bob"]) is None  # re-issued, revoked
    finally:
        if service is not None:
            service.terminate()
            service.wait(30)
    scores = {row["student"]: row for row in csv.DictReader(open(tmp_path / "lab_scores.csv"))}
    assert scores["alice"]["runs"] == "1" and float(scores["alice"]["predicted_N_opt"]) == 3.0e8
    assert scores["bob"]["notes"] == "no prediction submitted" and set(scores) == {"alice", "bob", "carol"}
    attempts = list(csv.DictReader(open(tmp_path / "attempts.csv")))
    assert [(a["student"], a["question"], a["status"]) for a in attempts] == [("alice", "pl-slope", "correct")]
    for name in ["lab-secret.txt", "tokens.csv", "lab.sqlite"]:
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name


@pytest.mark.parametrize("flag", ["--workers", "--rate", "--burst", "--fsync"])
def test_every_flag_the_guide_names_exists(flag):
    assert flag in GUIDE.read_text()
    from scalinglaws.course.lab import serve

    with pytest.raises(SystemExit), contextlib.redirect_stdout(io.StringIO()) as out:
        serve.main(["--help"])
    assert flag in out.getvalue()
