"""Gadre et al.'s table fetched from its authors' release, with no internet: a real HTTP server on 127.0.0.1
serves a tiny release in the authors' layout (made here), whole, corrupted or cut short; the loader's lookup
order, its errors, and folders it must read but never write."""
from __future__ import annotations

import csv
import gzip
import hashlib
import http.server
import io
import json
import socket
import tarfile
import threading

import numpy as np
import pytest

from scalinglaws import gadre2024
from scalinglaws.download import DATA_ENV_VAR, FetchError, data_home, write_folder
from scalinglaws.gadre2024 import COMMIT, URL_ENV_VAR, build, needed, read_archive, read_folder
from scalinglaws.runs import ENV_VAR, data_dir, load_runs, load_tasks, user_dir

OFFLINE = "no network: set SCALINGLAWS_GADRE2024 to a folder holding runs.csv, or run once with a connection"

# --- a tiny release in the authors' layout -------------------------------------------------------------------
TASKS = {"arc_easy": 0.25, "hellaswag": 0.25, "copa": 0.5}  # task: random-baseline accuracy (fraction)
SUBSET = ["arc_easy", "copa"]
SHARDS = {  # validation set: a shard path as their model files give it
    "openlm": "training/eval_data/val_tok_mult/openlm/shard_00000000.tar",
    "c4_val": "training/eval_data/c4_val/shard-{0000000..0000010}.tar",
    "paloma_c4_en": "training/eval_data/val_tok_mult/paloma_c4_en/00000001.tar",
    "paloma_redpajama": "training/eval_data/val_tok_mult/paloma_redpajama/00000001.tar",
    "paloma_falcon-refinedweb": "training/eval_data/val_tok_mult/paloma_falcon-refinedweb/00000001.tar",
    "paloma_dolma_100_programing_languages":
        "training/eval_data/val_tok_mult/paloma_dolma_100_programing_languages/00000001.tar",
    "paloma_ptb": "training/eval_data/val_tok_mult/paloma_ptb/00000001.tar",
    "val_de-en_100": "training/eval_data/val_tok_mult/de-en/val_de-en_100.tar",
}
MODELS = [("rpj", "d=96_l=8_h=4", 10569312, 1.0), ("rpj", "open_lm_1b", 1439795200, 32.0),
          ("c4_original", "d=512_l=8_h=4", 78914048, 0.25)]
CONSTANTS = '''import pandas as pd

raise SystemExit("their module's code must never run")  # only its literals are read
FRIENDLY_CITATIONS = {"arc_easy": "ARC-Easy~\\cite{arc}", "hellaswag": "HellaSwag~\\cite{hs}", "copa": "COPA"}
SUBSET = ["arc_easy", "copa"]
'''
LICENCE = b"MIT License\n\nCopyright (c) 2024 mlfoundations\n"


def accuracy(i: int, task: str) -> float:
    return 0.3 + 0.1 * i + 0.01 * list(TASKS).index(task)


def tiny_release() -> dict[str, bytes]:
    """Every file :func:`gadre2024.build` reads, plus two it must ignore, in the layout of their repository."""
    files = {"scaling/constants.py": CONSTANTS.encode(), "LICENSE.txt": LICENCE,
             "README.md": b"# not read\n", "exp_data/grid.json": b"{}",
             "exp_data/eval_metadata.csv": ("Eval Task,Task Category,Random baseline,Description\n"
                                            + "".join(f'{t},x,{100 * b:g},"a, b"\n' for t, b in TASKS.items())
                                            + "mmlu,x,25,other\n").encode()}
    for i, (dataset, shape, n, mult) in enumerate(MODELS):
        name = f"{dataset}-{shape}-{mult}"
        results = [{"loss": 3.0 + i + 0.125 * j, "val_data": [shard], "tokens": 1}
                   for j, shard in enumerate(SHARDS.values())]
        model = {"name": name, "dataset_name": dataset, "results": results,
                 "hyperparameters": {"model": f"scaling/open_lm_configs/{shape}.json", "params": n,
                                     "tokens": int(20 * mult * n), "chinchilla_multiplier": mult}}
        icl = {"mmlu": 0.9, **{t: accuracy(i, t) for t in reversed(TASKS)}}
        files[f"exp_data/models/{name}.json"] = json.dumps(model).encode()
        files[f"exp_data/evals/evaluation_{name}_heavy.json"] = json.dumps(
            {"name": name, "eval_metrics": {"icl": icl}}).encode()
    return files


def archive(files: dict[str, bytes], gzipped: bool = True) -> bytes:
    """A tar.gz as GitHub's archive of a commit is laid out: a pax header naming the commit, one top folder."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": COMMIT}) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"scaling-{COMMIT}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(out.getvalue(), mtime=0) if gzipped else out.getvalue()


def digests(files: dict[str, bytes]) -> dict[str, str]:
    table = build(files)
    return {name: hashlib.sha256(table[name]).hexdigest() for name in ("runs.csv", "tasks.csv")}


# --- a real HTTP server on 127.0.0.1 --------------------------------------------------------------------------
class Release(http.server.BaseHTTPRequestHandler):
    """Serves ``server.body`` at ``/tar.gz/<COMMIT>`` as codeload.github.com serves an archive. ``server.mode``:
    "whole"; "unsized" (the whole body, no Content-Length, as GitHub streams archives); "drop" (announces the
    full length, sends half, closes the connection); "drop-unsized" (no Content-Length, half the body, then
    closes); "missing" (404)."""

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.server.requests.append(self.path)
        body, mode = self.server.body, self.server.mode
        if mode == "missing" or self.path != f"/tar.gz/{COMMIT}":
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-gzip")
        if mode in ("whole", "drop"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body if mode in ("whole", "unsized") else body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def connections(monkeypatch):
    """Every address a test connects to; any but 127.0.0.1 fails the test (no test may reach the internet)."""
    real, seen = socket.create_connection, []

    def local_only(address, *args, **kwargs):
        seen.append(address)
        assert address[0] == "127.0.0.1", f"a test tried to reach {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", local_only)
    return seen


@pytest.fixture
def home(tmp_path, monkeypatch, connections):
    """A fresh user data folder; no SCALINGLAWS_GADRE2024; downloads go to a closed port on 127.0.0.1."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "data"))
    monkeypatch.setenv(URL_ENV_VAR, f"http://127.0.0.1:{port}/tar.gz")
    monkeypatch.delenv(ENV_VAR, raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def httpd():
    """One HTTP server on 127.0.0.1 for the module's tests (each test sets what it serves)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Release)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(httpd, home, monkeypatch):
    """The tiny release served whole on 127.0.0.1, with its tables' hashes recorded as the package's."""
    files = tiny_release()
    httpd.body, httpd.mode, httpd.requests, httpd.files = archive(files), "whole", [], files
    monkeypatch.setenv(URL_ENV_VAR, f"http://127.0.0.1:{httpd.server_address[1]}/tar.gz/")
    monkeypatch.setattr(gadre2024, "SHA256", digests(files))
    return httpd


def listing(folder):
    """Every path under ``folder`` (and itself) with its size and modification time: what a write would change."""
    return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in [folder, *folder.rglob("*")])


# --- building the table from their files ------------------------------------------------------------------------
def test_the_build_reads_their_files_as_their_loader_does():
    table = build(tiny_release())
    assert set(table) == {"runs.csv", "tasks.csv", "LICENSE", "README.md"}
    assert table["LICENSE"] == LICENCE  # their licence text, unchanged
    rows = list(csv.DictReader(io.StringIO(table["runs.csv"].decode())))
    assert [r["name"] for r in rows] == ["c4_original-d=512_l=8_h=4-0.25", "rpj-d=96_l=8_h=4-1.0",
                                         "rpj-open_lm_1b-32.0"]  # model files by name
    c4 = rows[0]  # MODELS[2]: i = 2
    assert (c4["dataset"], c4["model"], c4["N"], c4["D"]) == ("c4_original", "d=512_l=8_h=4", "78914048",
                                                              str(5 * 78914048))
    assert float(c4["cc_mult"]) == 0.25 and float(c4["M"]) == 5.0  # M = 20 x their multiplier
    assert [float(c4[f"loss_{v}"]) for v in SHARDS] == [5.0 + 0.125 * j for j in range(8)]  # nats/token
    errors = {t: 1.0 - accuracy(2, t) for t in TASKS}
    assert {t: float(c4[f"err_{t}"]) for t in TASKS} == errors  # mmlu is not one of their tasks: ignored
    assert float(c4["err_avg"]) == pytest.approx(np.mean(list(errors.values())), abs=1e-15)
    assert float(c4["err_avg_subset"]) == pytest.approx(np.mean([errors[t] for t in SUBSET]), abs=1e-15)
    assert table["tasks.csv"].decode() == ("task,in_17_task_subset,chance_error\narc_easy,1,0.75\n"
                                           "hellaswag,0,0.75\ncopa,1,0.5\n")
    readme = table["README.md"].decode()
    assert COMMIT in readme and "mlfoundations/scaling" in readme and "nats/token" in readme
    assert "stays with its authors' release" in readme


def test_a_folder_and_an_archive_of_the_release_give_the_same_needed_files(tmp_path):
    files = tiny_release()
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    wanted = {k: v for k, v in files.items() if needed(k)}
    assert len(wanted) == len(files) - 2  # their README and grid.json are not read
    assert read_folder(tmp_path) == wanted
    assert read_archive(archive(files)) == wanted == read_archive(archive(files, gzipped=False))
    assert needed("exp_data/evals/evaluation_x_heavy.json") and not needed("exp_data/evals/evaluation_x.json")
    assert not needed("scaling/open_lm_configs/d=96_l=8_h=4.json") and not needed("exp_data/models/a/b.json")


@pytest.mark.parametrize("path, change, message", [
    ("scaling/constants.py", None, "scaling/constants.py is missing"),
    ("exp_data/evals/evaluation_rpj-open_lm_1b-32.0_heavy.json", None,
     "evaluation_rpj-open_lm_1b-32.0_heavy.json is missing"),
    ("exp_data/models/rpj-d=96_l=8_h=4-1.0.json", b"{not json", "rpj-d=96_l=8_h=4-1.0.json is not valid JSON"),
    ("exp_data/models/rpj-d=96_l=8_h=4-1.0.json", b'{"name": "x"}', "lacks the field 'hyperparameters'"),
    ("exp_data/eval_metadata.csv", b"Eval Task,Random baseline\ncopa,50\n", "no random baseline for"),
])
def test_a_missing_or_malformed_file_is_a_value_error_naming_it(path, change, message):
    files = tiny_release()
    if change is None:
        del files[path]
    else:
        files[path] = change
    with pytest.raises(ValueError, match=message):
        build(files)


def test_the_archive_address_is_githubs_for_the_pinned_commit_unless_overridden(monkeypatch):
    monkeypatch.delenv(URL_ENV_VAR, raising=False)
    assert gadre2024.archive_url() == f"https://codeload.github.com/mlfoundations/scaling/tar.gz/{COMMIT}"
    monkeypatch.setenv(URL_ENV_VAR, "http://127.0.0.1:8/mirror/")
    assert gadre2024.archive_url() == f"http://127.0.0.1:8/mirror/{COMMIT}"


# --- fetching it on first use ---------------------------------------------------------------------------------
def test_first_use_downloads_builds_checks_and_caches_it_with_one_line(server, home, capsys):
    runs = load_runs()
    assert list(runs.name) == ["c4_original-d=512_l=8_h=4-0.25", "rpj-d=96_l=8_h=4-1.0", "rpj-open_lm_1b-32.0"]
    assert list(load_tasks().name) == list(TASKS)
    assert server.requests == [f"/tar.gz/{COMMIT}"]  # once: the second load read the cache
    folder = home / "gadre2024"
    assert data_dir() == user_dir().resolve() == folder.resolve()
    assert sorted(p.name for p in home.iterdir()) == ["gadre2024"]  # no temporary folder left beside it
    table = build(server.files)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == table
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and len(lines) == 1, err
    size = len(server.body)
    assert f"({size / 1e3:.1f} kB, MIT licence)" in lines[0]
    assert f"mlfoundations/scaling @ {COMMIT[:7]}" in lines[0] and f"/tar.gz/{COMMIT}" in lines[0]


def test_download_false_with_nothing_local_is_a_clear_error_and_touches_no_network(server, home, connections):
    for load in (load_runs, load_tasks, data_dir):
        with pytest.raises(FileNotFoundError) as info:
            load(download=False)
        message = str(info.value)
        assert f"no table in {home / 'gadre2024'} and download=False" in message and ENV_VAR in message
        assert COMMIT[:7] in message and "MIT licence" in message
    with pytest.raises(ValueError, match="download must be True or False; got 'no'"):
        load_runs(download="no")
    assert server.requests == [] and connections == []
    assert not home.exists()


def test_no_network_says_what_to_do_in_one_line_and_caches_nothing(home, connections, capsys):
    with pytest.raises(FetchError) as info:
        load_runs()
    assert str(info.value).startswith(OFFLINE) and "\n" not in str(info.value)
    assert len(connections) == 1  # one attempt, refused by the closed local port
    assert not home.exists()
    assert capsys.readouterr().err == ""  # the download line is printed only once a download starts


@pytest.mark.parametrize("corrupt", ["a changed loss", "not an archive"])
def test_a_corrupted_download_is_a_checksum_error_and_nothing_is_cached(server, home, corrupt):
    if corrupt == "a changed loss":
        files = dict(server.files)
        name = "exp_data/models/rpj-d=96_l=8_h=4-1.0.json"
        assert b'"loss": 3.125' in files[name]
        files[name] = files[name].replace(b'"loss": 3.125', b'"loss": 3.126')
        server.body, match = archive(files), "checksum mismatch: the runs.csv built from the download has SHA-256"
    else:
        server.body, match = b"<html>rate limited</html>", "not the expected release: not a complete tar archive"
    with pytest.raises(FetchError, match=match) as info:
        load_runs()
    assert "nothing was cached" in str(info.value)
    assert server.requests == [f"/tar.gz/{COMMIT}"] and not home.exists()


@pytest.mark.parametrize("mode, match", [("drop", "was cut short"), ("drop-unsized", "not a complete tar archive")])
def test_a_connection_dropped_mid_file_is_a_clear_error_and_nothing_is_cached(server, home, mode, match):
    server.mode = mode
    with pytest.raises(FetchError, match=match) as info:
        load_runs()
    assert "nothing was cached" in str(info.value) and not home.exists()
    server.mode = "whole"  # the next call, with the connection back, fetches it
    assert len(load_runs()) == len(MODELS)


def test_without_a_content_length_the_line_states_the_archives_recorded_size(server, home, capsys):
    server.mode = "unsized"
    assert len(load_runs()) == len(MODELS)
    line = capsys.readouterr().err.strip()
    assert "(about 0.5 MB, MIT licence)" in line and "\n" not in line


def test_an_http_error_or_a_malformed_address_is_reported(server, home, monkeypatch):
    server.mode = "missing"
    with pytest.raises(FetchError, match="answered HTTP 404"):
        load_runs()
    monkeypatch.setenv(URL_ENV_VAR, "codeload.github.com/no-scheme")
    with pytest.raises(FetchError, match="is not an http\\(s\\) address"):
        load_runs()
    assert not home.exists()


def test_an_unwritable_data_folder_is_a_clear_error_after_the_download_and_leaves_nothing(server, home,
                                                                                          tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(DATA_ENV_VAR, str(blocked / "data"))
    with pytest.raises(FetchError, match=f"cannot write into {blocked / 'data'}.*set {DATA_ENV_VAR}"):
        load_runs()
    assert blocked.read_text() == "not a folder"


def test_a_failed_write_leaves_no_temporary_folder_and_a_finished_one_is_kept(tmp_path):
    with pytest.raises(FetchError, match="nothing was cached"):
        write_folder(tmp_path / "t", {"runs.csv": b"1", "no/such/sub": b"2"})
    assert list(tmp_path.iterdir()) == []
    write_folder(tmp_path / "t", {"runs.csv": b"first"})
    write_folder(tmp_path / "t", {"runs.csv": b"second"})  # another process got there first: its copy stays
    assert (tmp_path / "t" / "runs.csv").read_bytes() == b"first" and len(list(tmp_path.iterdir())) == 1


# --- where it looks, and folders it must never write ---------------------------------------------------------
def write_table(folder, files=None):
    folder.mkdir(parents=True)
    for name, data in build(files or tiny_release()).items():
        (folder / name).write_bytes(data)
    return folder


def test_path_wins_over_the_environment_variable_which_wins_over_the_user_folder(server, home, tmp_path,
                                                                                  monkeypatch):
    mine, theirs = write_table(tmp_path / "mine"), write_table(tmp_path / "env")
    write_table(home / "gadre2024")
    monkeypatch.setenv(ENV_VAR, str(theirs))
    assert data_dir(mine) == mine.resolve() and data_dir() == theirs.resolve()
    monkeypatch.delenv(ENV_VAR)
    assert data_dir() == (home / "gadre2024").resolve()
    assert server.requests == []


def test_read_only_folders_are_read_and_never_written(server, home, tmp_path, monkeypatch):
    shared = write_table(tmp_path / "shared")
    cached = write_table(home / "gadre2024")
    for folder in (shared, cached):
        for file in folder.iterdir():
            file.chmod(0o444)
        folder.chmod(0o555)
    before = listing(tmp_path)
    monkeypatch.setenv(ENV_VAR, str(shared))
    assert len(load_runs()) == len(MODELS) and len(load_tasks().name) == len(TASKS)
    monkeypatch.delenv(ENV_VAR)
    assert len(load_runs(download=False)) == len(MODELS) and data_dir() == cached.resolve()
    assert listing(tmp_path) == before and server.requests == []
    for folder in (shared, cached):
        folder.chmod(0o755)


def test_a_named_folder_without_the_table_is_reported_not_replaced(server, home, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(ENV_VAR, str(empty))
    with pytest.raises(FileNotFoundError, match=f"no runs.csv and tasks.csv in {empty} \\({ENV_VAR}\\)"):
        load_runs()
    (empty / "runs.csv").write_text("name\n")
    with pytest.raises(FileNotFoundError, match=f"no tasks.csv in {empty} \\(path=\\)"):
        load_tasks(path=empty)
    assert sorted(p.name for p in empty.iterdir()) == ["runs.csv"] and server.requests == []


def test_a_partial_user_folder_is_reported_and_not_downloaded_over(server, home):
    partial = home / "gadre2024"
    partial.mkdir(parents=True)
    (partial / "runs.csv").write_text("name\n")
    with pytest.raises(FileNotFoundError, match="holds a partial table \\(no tasks.csv\\): delete that folder"):
        load_runs()
    assert server.requests == [] and [p.name for p in partial.iterdir()] == ["runs.csv"]


def test_the_user_data_folder_follows_scalinglaws_data_then_xdg_cache_home_then_home(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_home() == tmp_path / "mine" and user_dir() == tmp_path / "mine" / "gadre2024"
    monkeypatch.delenv(DATA_ENV_VAR)
    assert data_home() == tmp_path / "xdg" / "scalinglaws"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_home() == tmp_path / "home" / ".cache" / "scalinglaws"


# --- the command that builds it from a copy at hand ----------------------------------------------------------
def test_the_build_command_writes_the_checked_table_from_an_archive_or_a_folder(tmp_path, monkeypatch, capsys):
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / "tools" / "build_gadre2024.py"
    spec = importlib.util.spec_from_file_location("build_gadre2024", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    files = tiny_release()
    (tmp_path / "release.tar.gz").write_bytes(archive(files))
    for name, data in files.items():
        (tmp_path / "release" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "release" / name).write_bytes(data)

    def run(*args):
        monkeypatch.setattr("sys.argv", ["build_gadre2024.py", *map(str, args)])
        tool.main()

    with pytest.raises(SystemExit, match="checksum mismatch"):  # the tiny release is not theirs
        run(tmp_path / "release.tar.gz", "--out", tmp_path / "real")
    assert not (tmp_path / "real").exists()
    monkeypatch.setattr(gadre2024, "SHA256", digests(files))
    for source in ("release.tar.gz", "release"):
        run(tmp_path / source, "--out", tmp_path / f"out-{source}")
        assert {p.name: p.read_bytes() for p in (tmp_path / f"out-{source}").iterdir()} == build(files)
    assert "SHA-256 checked" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="is not empty"):
        run(tmp_path / "release", "--out", tmp_path / "out-release")
