"""The class lab service: budgets, races, restarts, bad requests, isolation between students."""
import itertools
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalinglaws.course.lab.client import AuthError, BudgetExceeded, RemoteLab
from scalinglaws.course.lab.grade import grade_class
from scalinglaws.course.lab.ledger import LabError, Ledger, Prediction
from scalinglaws.course.lab.service import LabService, register_roster, token_for
from scalinglaws.course.lab.world import RunSpec, World, world_seed_for

from _labserver import SECRET, LabServer, read_all, responses
RUN = dict(n_layer=4, d_model=256, n_heads=4, lr=3e-3, tokens=1_000_000)
COST = RunSpec.make(**RUN).flop  # 6 * (12*4*256^2) * 1e6 FLOP


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("lab") / "lab.sqlite")
    yield server
    server.stop()


_names = itertools.count()


class Service:
    """Two fresh students (alice, bob) on the module's server, budgets of 5.5 runs."""

    def __init__(self, lab, budget=5 * COST + COST // 2):
        n = next(_names)
        self.lab, self.url, self.ledger = lab, lab.url, lab.ledger
        enrolled = lab.enrol(f"alice{n}", f"bob{n}", budget=budget)
        self.tokens = {"alice": enrolled[f"alice{n}"], "bob": enrolled[f"bob{n}"]}
        self.names = {"alice": f"alice{n}", "bob": f"bob{n}"}

    def request(self, method, path, body=None, token=None, raw=None, headers=None):
        status, payload, _ = self.lab.request(method, path, body, token, raw, headers)
        return status, payload


@pytest.fixture
def service(lab):
    return Service(lab)


def test_a_run_is_charged_6ND_and_refused_beyond_the_budget_with_what_is_left(service):
    token = service.tokens["alice"]
    for i in range(5):
        status, payload = service.request("POST", "/v1/runs", RUN, token)
        assert status == 200 and payload["run"]["flop"] == 6 * 12 * 4 * 256**2 * 1_000_000
    status, payload = service.request("POST", "/v1/runs", RUN, token)
    assert status == 409 and payload["error"] == "budget_exceeded"
    assert payload["remaining_flop"] == COST // 2
    assert f"{COST // 2:.3e}" in payload["message"]
    assert service.request("GET", "/v1/me", token=token)[1]["spent_flop"] == 5 * COST


def test_many_threads_racing_for_the_last_flop_never_overspend(service):
    token = service.tokens["alice"]
    with ThreadPoolExecutor(max_workers=24) as pool:
        statuses = list(pool.map(lambda _: service.request("POST", "/v1/runs", RUN, token)[0], range(48)))
    assert statuses.count(200) == 5 and statuses.count(409) == 43
    me = service.request("GET", "/v1/me", token=token)[1]
    assert me["spent_flop"] == 5 * COST and me["runs"] == 5 and me["remaining_flop"] >= 0


def test_a_restart_on_the_same_file_loses_nothing(tmp_path):
    db = tmp_path / "lab.sqlite"
    first = LabServer(db)
    token = first.enrol("alice", budget=5 * COST)["alice"]
    for _ in range(3):
        first.request("POST", "/v1/runs", RUN, token)
    first.request("POST", "/v1/prediction", {"N_opt": 2e8, "loss": 3.0}, token)
    before = first.request("GET", "/v1/runs", token=token)[1]
    first.stop()
    second = LabServer(db)
    try:
        assert second.enrol("alice", budget=5 * COST)["alice"] == token  # re-registering keeps every run
        assert second.request("GET", "/v1/runs", token=token)[1] == before
        assert second.request("GET", "/v1/prediction", token=token)[1]["prediction"] == {"N_opt": 2e8, "loss": 3.0}
        statuses = [second.request("POST", "/v1/runs", RUN, token)[0] for _ in range(3)]
        assert statuses == [200, 200, 409]
    finally:
        second.stop()


@pytest.mark.parametrize("method, path, body, raw, token, status, code", [
    ("GET", "/v1/me", None, None, None, 401, "unauthorized"),
    ("GET", "/v1/me", None, None, "not-a-token", 401, "unauthorized"),
    ("POST", "/v1/runs", None, b"{not json", "alice", 400, "bad_json"),
    ("POST", "/v1/runs", {**RUN, "student": "bob"}, None, "alice", 400, "bad_request"),
    ("POST", "/v1/runs", {k: v for k, v in RUN.items() if k != "lr"}, None, "alice", 400, "bad_request"),
    ("POST", "/v1/runs", {**RUN, "d_model": 100}, None, "alice", 400, "invalid_run"),
    ("POST", "/v1/runs", {**RUN, "flop": 1e16}, None, "alice", 400, "invalid_run"),
    ("POST", "/v1/runs", {**RUN, "lr": 5.0}, None, "alice", 400, "invalid_run"),
    ("POST", "/v1/runs", [1, 2], None, "alice", 400, "bad_request"),
    ("POST", "/v1/prediction", {"N_opt": -1, "loss": 3.0}, None, "alice", 400, "invalid_prediction"),
    ("POST", "/v1/prediction", {"N_opt": "big", "loss": 3.0}, None, "alice", 400, "invalid_prediction"),
    ("POST", "/v1/prediction", {"N_opt": 3.0, "loss": 2e8}, None, "alice", 400, "invalid_prediction"),  # swapped
    ("POST", "/v1/prediction", {"N_opt": 2e8, "loss": 30.0}, None, "alice", 400, "invalid_prediction"),
    ("GET", "/v1/nothing", None, None, "alice", 404, "not_found"),
    ("DELETE", "/v1/runs", None, None, "alice", 405, "method_not_allowed"),
    ("POST", "/v1/runs", None, b"x" * 20_000, "alice", 413, "too_large"),
    ("POST", "/v1/runs", None, b"null", "alice", 400, "bad_request"),
    ("POST", "/v1/runs", None, b"[" * 2000 + b"]" * 2000, "alice", 400, "bad_json"),
    ("POST", "/v1/runs", None, b'{"n_layer": 4, "d_model": 256, "n_heads": 4, "lr": 0.003, "tokens": 1e300}',
     "alice", 400, "invalid_run"),
    ("POST", "/v1/runs", None, b'{"n_layer": 4, "d_model": 256, "n_heads": 4, "lr": 0.003, "tokens": 1e999}',
     "alice", 400, "invalid_run"),
    ("POST", "/v1/prediction", None, b'{"N_opt": 1e999, "loss": 3.0}', "alice", 400, "invalid_prediction"),
    ("POST", "/v1/runs", None, b"\xff\xfe{}", "alice", 400, "bad_json"),
    ("POST", "/v1/check", {"question": "no-such-question", "answer": 1}, None, "alice", 404, "unknown_question"),
    ("POST", "/v1/runs", RUN, None, "alice", 400, "bad_idempotency_key"),
])
def test_bad_requests_get_a_clear_4xx(service, method, path, body, raw, token, status, code):
    token = service.tokens.get(token, token)
    headers = {"Idempotency-Key": "not a key!"} if code == "bad_idempotency_key" else None
    got, payload = service.request(method, path, body, token, raw=raw, headers=headers)
    assert (got, payload["error"]) == (status, code)
    assert len(payload["message"]) > 20 and "Traceback" not in payload["message"] and "Error(" not in payload["message"]
    _assert_untouched(service)


def _assert_untouched(service):
    alice = service.names["alice"]
    assert service.ledger.spent(alice) == 0 and service.ledger.prediction(alice) is None
    assert service.ledger.misses(alice, "no-such-question") == 0 and service.ledger.runs(alice) == []


HTTP_HEAD = "POST /v1/runs HTTP/1.1\r\nHost: lab\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"


@pytest.mark.parametrize("name, request_bytes, status", [
    ("non-ASCII Content-Length", HTTP_HEAD + "Content-Length: ١٠\r\n\r\n{}", 400),
    ("two Content-Lengths", HTTP_HEAD + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
    ("huge header", HTTP_HEAD + "X-Pad: " + "a" * 20_000 + "\r\nContent-Length: 2\r\n\r\n{}", 431),
    ("huge URL", "GET /v1/me?" + "a" * 20_000 + " HTTP/1.1\r\nHost: lab\r\nAuthorization: Bearer {token}\r\n\r\n",
     414),
    ("headers arriving in pieces, 60 KB", None, 400),
    ("not HTTP", "HELLO\r\n\r\n", 400),
])
def test_hostile_requests_get_a_json_4xx_and_change_nothing(service, name, request_bytes, status):
    token = service.tokens["alice"]
    if request_bytes is None:  # the pieces arrive one after another: uvicorn's 16 KB limit
        with socket.create_connection(("127.0.0.1", service.lab.port), timeout=10) as sock:
            sock.sendall(HTTP_HEAD.format(token=token).encode())
            for _ in range(60):
                try:
                    sock.sendall(b"X-Pad: " + b"a" * 1000 + b"\r\n")
                except OSError:
                    break
                time.sleep(0.005)
            answer = read_all(sock)
    else:
        answer = service.lab.raw(request_bytes.replace("{token}", token).encode())
    [(got, payload)] = responses(answer)
    assert got == status and set(payload) == {"error", "message"} and len(payload["message"]) > 20
    _assert_untouched(service)


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PATCH", "PUT", "TRACE"])
def test_other_methods_get_a_json_405_naming_the_allowed_ones(service, method):
    answer = service.lab.raw(f"{method} /v1/runs HTTP/1.1\r\nHost: lab\r\nContent-Length: 0\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405") and b"allow: post, get" in head.lower()
    assert b"content-type: application/json" in head.lower()
    if method != "HEAD":  # a HEAD answer carries headers only
        assert json.loads(body)["error"] == "method_not_allowed"


def test_a_method_http_does_not_know_gets_a_json_400(service):
    [(status, payload)] = responses(service.lab.raw(b"BREW /v1/runs HTTP/1.1\r\nHost: lab\r\n\r\n"))
    assert (status, payload["error"]) == (400, "bad_http")


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(service, scheme):
    status, me, _ = service.lab.request("GET", "/v1/me", headers={"Authorization": f"{scheme} {service.tokens['bob']}"})
    assert status == 200 and me["student"] == service.names["bob"]


def test_an_unanswered_body_never_becomes_the_next_request(service):
    """An unauthenticated POST with a body, then a request on the same connection: the second is answered as
    itself (behind a pooling proxy the leftover body used to be parsed as the next request)."""
    body = json.dumps({"N_opt": 2e8, "loss": 3.0})
    smuggled = "GET /v1/runs HTTP/1.1\r\nHost: lab\r\nAuthorization: Bearer " + service.tokens["bob"] + "\r\n\r\n"
    first = (f"POST /v1/prediction HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\n"
             f"Content-Length: {len(body) + len(smuggled)}\r\n\r\n{body}{smuggled}")
    second = (f"POST /v1/prediction HTTP/1.1\r\nHost: lab\r\nAuthorization: Bearer {service.tokens['alice']}\r\n"
              f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}")
    got = responses(service.lab.raw((first + second).encode()))
    assert [status for status, _ in got] == [401, 200]
    assert got[1][1]["prediction"] == {"N_opt": 2e8, "loss": 3.0}
    assert service.ledger.prediction(service.names["alice"]) == Prediction(2e8, 3.0)
    assert service.ledger.prediction(service.names["bob"]) is None


def test_the_bottom_of_the_advertised_run_range_is_a_valid_run(service):
    me = service.request("GET", "/v1/me", token=service.tokens["bob"])[1]
    low = me["menu"]["run_flop_range"][0]
    for n_layer, d_model in [(2, 64), (4, 256), (24, 1536)]:
        run = {"n_layer": n_layer, "d_model": d_model, "n_heads": d_model // 64 or 1, "lr": 3e-3, "flop": low}
        status, payload = service.request("POST", "/v1/runs", run, service.tokens["bob"])
        assert status == 200, payload
        assert low - 6 * payload["run"]["params"] < payload["run"]["flop"] <= low


def test_a_student_sees_and_spends_only_their_own_budget_and_world(service):
    alice, bob = service.tokens["alice"], service.tokens["bob"]
    loss_a = service.request("POST", "/v1/runs", RUN, alice)[1]["run"]["loss"]
    assert service.request("GET", "/v1/runs", token=bob)[1]["runs"] == []
    assert service.request("GET", "/v1/me", token=bob)[1]["spent_flop"] == 0
    loss_b = service.request("POST", "/v1/runs", RUN, bob)[1]["run"]["loss"]
    assert loss_a != loss_b  # different worlds answer the same query differently
    spec = RunSpec.make(**RUN)
    name = service.names["alice"]
    assert loss_a == World.from_seed(world_seed_for(SECRET, name)).final_loss(spec)
    assert service.request("GET", "/v1/me", token=alice)[1]["student"] == name
    assert token_for(SECRET, name) == alice and token_for(b"other-secret-0123", name) != alice


def test_the_same_query_gets_the_same_answer(service):
    token = service.tokens["alice"]
    first = service.request("POST", "/v1/runs", RUN, token)[1]["run"]
    second = service.request("POST", "/v1/runs", RUN, token)[1]["run"]
    assert first["loss"] == second["loss"] and (first["index"], second["index"]) == (1, 2)


def test_the_remote_client_offers_the_local_api_and_grading_reads_the_ledger(service):
    lab = RemoteLab(service.url, service.tokens["bob"])
    record = lab.run(**RUN)
    assert record.index == 1 and lab.spent == COST and lab.remaining == lab.budget - COST
    with pytest.raises(ValueError, match="n_layer must be one of"):
        lab.run(**{**RUN, "n_layer": 5})
    for _ in range(4):
        lab.run(**RUN)
    with pytest.raises(BudgetExceeded) as refused:
        lab.run(**RUN)
    assert refused.value.remaining == COST // 2
    lab.submit(2.5e8, 2.9)
    with pytest.raises(AuthError):
        RemoteLab(service.url, "wrong")
    rows = {row["student"]: row for row in grade_class(Ledger(service.ledger.path), SECRET)}
    alice, bob = service.names["alice"], service.names["bob"]
    assert rows[alice]["notes"] == "no prediction submitted" and rows[alice]["points"] == 0
    assert rows[bob]["runs"] == 5 and rows[bob]["predicted_N_opt"] == 2.5e8
    truth = World.from_seed(world_seed_for(SECRET, bob)).truth()
    assert rows[bob]["true_N_opt"] == pytest.approx(truth.N)


def test_a_student_at_the_run_limit_is_refused_clearly(tmp_path, monkeypatch):
    import scalinglaws.course.lab.ledger as ledger_module

    monkeypatch.setattr(ledger_module, "MAX_RUNS", 2)
    ledger = Ledger(tmp_path / "limit.sqlite")
    register_roster(ledger, SECRET, ["ann"])
    spec = RunSpec.make(**RUN)
    ledger.spend("ann", spec, 3.0)
    ledger.spend("ann", spec, 3.0)
    with pytest.raises(LabError, match="the most the lab allows") as refused:
        ledger.spend("ann", spec, 3.0)
    assert refused.value.status == 409 and ledger.spent("ann") == 2 * COST


BODY_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                        st.text(max_size=4), st.lists(st.integers(), max_size=2),
                        st.sampled_from([4, 256, 3e-3, 1e15, 10**8]))


@settings(max_examples=500, deadline=None)
@given(body=st.one_of(st.dictionaries(st.sampled_from(sorted(RUN) + ["flop", "who"]), BODY_VALUES),
                      st.lists(st.integers(), max_size=2), st.text(max_size=4)))
def test_any_run_body_is_answered_or_refused_with_a_4xx_and_charged_only_when_answered(body):
    ledger = Ledger(":memory:")
    register_roster(ledger, SECRET, ["ann"])
    service = LabService(ledger, SECRET)
    try:
        answer = service.run("ann", body)
    except LabError as error:
        assert 400 <= error.status < 500 and ledger.spent("ann") == 0
    else:
        assert ledger.spent("ann") == answer["run"]["flop"] > 0


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(st.sampled_from(["N_opt", "loss", "score"]), BODY_VALUES))
def test_any_prediction_body_is_stored_or_refused_with_a_4xx(body):
    ledger = Ledger(":memory:")
    register_roster(ledger, SECRET, ["ann"])
    try:
        LabService(ledger, SECRET).submit("ann", body)
    except LabError as error:
        assert 400 <= error.status < 500 and ledger.prediction("ann") is None
    else:
        assert ledger.prediction("ann") == Prediction(float(body["N_opt"]), float(body["loss"]))


def test_a_bug_is_a_json_500_that_shows_no_internals(service, monkeypatch):
    def broken(student):
        raise RuntimeError("/srv/lab/secret internals")

    monkeypatch.setattr(service.ledger, "runs", broken)
    status, payload = service.request("GET", "/v1/runs", token=service.tokens["alice"])
    assert (status, payload["error"]) == (500, "internal") and "internals" not in payload["message"]
    assert "RuntimeError" not in payload["message"] and len(payload["message"]) > 20
