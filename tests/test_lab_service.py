"""The class lab service: budgets, races, restarts, bad requests, isolation between students."""
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalinglaws.course.lab.client import AuthError, BudgetExceeded, RemoteLab
from scalinglaws.course.lab.grade import grade_class
from scalinglaws.course.lab.ledger import LabError, Ledger, Prediction
from scalinglaws.course.lab.service import LabService, make_server, register_roster, token_for
from scalinglaws.course.lab.world import RunSpec, World, world_seed_for

SECRET = b"test-secret-0123456789"
RUN = dict(n_layer=4, d_model=256, n_heads=4, lr=3e-3, tokens=1_000_000)
COST = RunSpec.make(**RUN).flop  # 6 * (12*4*256^2) * 1e6 FLOP


class Service:
    """A running service on a free port over the ledger file ``db``."""

    def __init__(self, db, students=("alice", "bob"), budget=None):
        self.ledger = Ledger(db)
        kwargs = {} if budget is None else {"budget_flop": budget}
        self.tokens = register_roster(self.ledger, SECRET, students, **kwargs)
        self.server = make_server(self.ledger, SECRET, port=0)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        # A short poll interval: stop() (shutdown) returns within 10 ms instead of the default 0.5 s.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def request(self, method, path, body=None, token=None, raw=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=30)
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        head = {"Content-Type": "application/json", **(headers or {})}
        if token:
            head["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=data, headers=head)
        response = conn.getresponse()
        payload = json.loads(response.read())
        conn.close()
        return response.status, payload


@pytest.fixture
def service(tmp_path):
    svc = Service(tmp_path / "lab.sqlite", budget=5 * COST + COST // 2)
    yield svc
    svc.stop()


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
    first = Service(db, budget=5 * COST)
    for _ in range(3):
        first.request("POST", "/v1/runs", RUN, first.tokens["alice"])
    first.request("POST", "/v1/prediction", {"N_opt": 2e8, "loss": 3.0}, first.tokens["alice"])
    before = first.request("GET", "/v1/runs", token=first.tokens["alice"])[1]
    first.stop()
    second = Service(db, budget=5 * COST)  # re-registering the roster keeps every run
    try:
        token = second.tokens["alice"]
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
    ("GET", "/v1/nothing", None, None, "alice", 404, "not_found"),
    ("DELETE", "/v1/runs", None, None, "alice", 405, "method_not_allowed"),
    ("POST", "/v1/runs", None, b"x" * 5000, "alice", 413, "too_large"),
])
def test_bad_requests_get_a_clear_4xx(service, method, path, body, raw, token, status, code):
    token = service.tokens.get(token, token)
    got, payload = service.request(method, path, body, token, raw=raw)
    assert (got, payload["error"]) == (status, code)
    assert len(payload["message"]) > 20
    assert service.request("GET", "/v1/me", token=service.tokens["alice"])[1]["spent_flop"] == 0


def test_a_student_sees_and_spends_only_their_own_budget_and_world(service):
    alice, bob = service.tokens["alice"], service.tokens["bob"]
    loss_a = service.request("POST", "/v1/runs", RUN, alice)[1]["run"]["loss"]
    assert service.request("GET", "/v1/runs", token=bob)[1]["runs"] == []
    assert service.request("GET", "/v1/me", token=bob)[1]["spent_flop"] == 0
    loss_b = service.request("POST", "/v1/runs", RUN, bob)[1]["run"]["loss"]
    assert loss_a != loss_b  # different worlds answer the same query differently
    spec = RunSpec.make(**RUN)
    assert loss_a == World.from_seed(world_seed_for(SECRET, "alice")).final_loss(spec)
    assert service.request("GET", "/v1/me", token=alice)[1]["student"] == "alice"
    assert token_for(SECRET, "alice") == alice and token_for(b"other-secret-0123", "alice") != alice


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
    assert rows["alice"]["notes"] == "no prediction submitted" and rows["alice"]["points"] == 0
    assert rows["bob"]["runs"] == 5 and rows["bob"]["predicted_N_opt"] == 2.5e8
    truth = World.from_seed(world_seed_for(SECRET, "bob")).truth()
    assert rows["bob"]["true_N_opt"] == pytest.approx(truth.N)


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
