"""The documented commands: serve (killed and restarted on the same ledger file) and grade."""
import csv
import json
import urllib.error
import urllib.request

import pytest

from _labserver import free_port, start_serve
from scalinglaws.course.lab.grade import main as grade_main
from scalinglaws.course.lab.serve import read_roster, read_secret
from scalinglaws.course.lab.world import World, world_seed_for

RUN = {"n_layer": 4, "d_model": 256, "n_heads": 4, "lr": 3e-3, "flop": 1e16}


def _call(port, token, method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "secret.txt").write_text("0123456789abcdef0123456789abcdef\n")
    (tmp_path / "roster.txt").write_text("# class of two\nann\n\nben\n")
    return tmp_path


def test_a_killed_service_restarts_on_its_ledger_and_grading_reads_it(folder):
    port = free_port()
    first = start_serve(folder, port)
    try:
        tokens = {row["student"]: row["token"] for row in csv.DictReader(open(folder / "tokens.csv"))}
        assert set(tokens) == {"ann", "ben"}
        losses = [_call(port, tokens["ann"], "POST", "/v1/runs", RUN)[1]["run"]["loss"] for _ in range(3)]
        assert _call(port, tokens["ann"], "POST", "/v1/prediction", {"N_opt": 3e8, "loss": 3.1})[0] == 200
    finally:
        first.kill()  # no clean shutdown: what was answered must already be on disk
        first.wait()
    second = start_serve(folder, port)
    try:
        status, me = _call(port, tokens["ann"], "GET", "/v1/me")
        assert status == 200 and me["runs"] == 3 and me["spent_flop"] == 3 * (
            6 * 12 * 4 * 256**2 * int(1e16 // (6 * 12 * 4 * 256**2)))
        assert _call(port, tokens["ann"], "POST", "/v1/runs", RUN)[1]["run"]["loss"] == losses[0]
        assert _call(port, tokens["ben"], "GET", "/v1/runs")[1]["runs"] == []
    finally:
        second.terminate()
        second.wait()
    out = folder / "scores.csv"
    assert grade_main(["--db", str(folder / "lab.sqlite"), "--secret-file", str(folder / "secret.txt"),
                       "--out", str(out)]) == 0
    rows = {row["student"]: row for row in csv.DictReader(open(out))}
    truth = World.from_seed(world_seed_for(read_secret(folder / "secret.txt"), "ann")).truth()
    assert float(rows["ann"]["true_N_opt"]) == pytest.approx(truth.N) and rows["ann"]["runs"] == "4"
    assert rows["ben"]["notes"] == "no prediction submitted"


def test_the_commands_refuse_a_missing_or_short_secret(tmp_path):
    with pytest.raises(SystemExit, match="secrets.token_hex"):
        read_secret(tmp_path / "absent.txt")
    (tmp_path / "short.txt").write_text("abc")
    with pytest.raises(SystemExit, match="too short"):
        read_secret(tmp_path / "short.txt")


def test_the_roster_skips_blank_lines_and_comments(folder):
    assert read_roster(folder / "roster.txt") == ["ann", "ben"]
