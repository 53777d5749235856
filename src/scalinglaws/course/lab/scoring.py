"""Scoring a lab prediction against the world's truth, and saying what cost points.

:func:`judge` needs the world (its truth), the run log and the prediction: it is what a grading process calls,
outside the learner's kernel, with the ledger of the class service (see :mod:`scalinglaws.course.lab.grade`).
Points: 50 for N_opt (full at the truth, none at a factor 10^:data:`N_TOLERANCE_DECADES` off) plus 50 for the
loss (none at :data:`LOSS_TOLERANCE` relative error), both linear in between.
Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from scalinglaws.compute import format_count, format_flop
from scalinglaws.course.checks import read_number
from scalinglaws.course.lab.campaign import route
from scalinglaws.course.lab.ledger import Prediction, RunRecord
from scalinglaws.course.lab.world import TARGET_FLOP, World
from scalinglaws.course.layout import fit_lines
from scalinglaws._validate import as_positive

__all__ = ["Score", "judge", "budgets_of", "campaign_notes", "read_prediction", "N_TOLERANCE_DECADES",
           "LOSS_TOLERANCE", "MIN_SIZES", "MIN_BUDGET_SPAN", "LR_OFF_FACTOR", "SANE_TOKENS_PER_PARAM", "MAX_LOSS"]

N_TOLERANCE_DECADES = 0.3
"""|log10(predicted / true N_opt)| at which the N_opt points reach zero (0.3 decades ≈ a factor 2)."""

LOSS_TOLERANCE = 0.05
"""|predicted / true loss − 1| at which the loss points reach zero (5%)."""

MIN_SIZES = 5
"""Model sizes per budget below which a note warns that the parabola rests on too few noisy points."""

MIN_BUDGET_SPAN = 30.0
"""Ratio of largest to smallest fitted budget below which a note warns the slope is poorly pinned down."""

LR_OFF_FACTOR = 2.0
"""A run's learning rate this many times away from its size's optimum (either way) is called off."""

SANE_TOKENS_PER_PARAM = (2e-5, 2e7)
"""Tokens per parameter D/N = C/(6·N_opt²) a submitted N_opt may imply at the target: a million times
Chinchilla's 20 either way. Beyond it the number is a slip (a suffix, a unit, swapped arguments), not a
prediction; a poor campaign's prediction stays well inside."""

MAX_LOSS = 11.0
"""Largest loss (nats/token) a prediction may give: ln(50,000) = 10.8 is uniform guessing over a 50k-token
vocabulary; a trained model's loss lies below it."""


def read_prediction(N_opt, loss, target_flop: float = TARGET_FLOP) -> Prediction:
    """The prediction ``submit`` records, read as ``check`` reads answers ("685M", "2.97", numpy scalars).

    Refuses (ValueError, one line saying what to do) a pair that looks swapped, an N_opt that implies no
    compute-optimal model at ``target_flop`` (:data:`SANE_TOKENS_PER_PARAM`), and a loss that is not a trained
    model's (0 < loss <= :data:`MAX_LOSS` nats/token). Taught in chapters/08_lab.ipynb.
    """
    try:
        n, value = read_number(N_opt), read_number(loss)
    except ValueError as err:
        raise ValueError(f"submit(N_opt, loss) takes two numbers such as 685e6 or '685M', and 2.97: {err}") from None
    if n <= MAX_LOSS and value > MAX_LOSS:
        raise ValueError(f"submit(N_opt, loss) got N_opt = {n:g} and loss = {value:g}: they look swapped; "
                         "give N_opt (parameters) first, then the loss (nats/token)")
    if not 0 < value <= MAX_LOSS:
        raise ValueError(f"the loss must be a trained model's, between 0 and {MAX_LOSS:g} nats/token; "
                         f"got {value:g}")
    low, high = (math.sqrt(target_flop / (6 * r)) for r in SANE_TOKENS_PER_PARAM[::-1])
    if not low <= n <= high:
        ratio = target_flop / (6 * n * n) if n > 0 else math.inf
        raise ValueError(f"N_opt = {format_count(n) if n > 0 else n} at {format_flop(target_flop)} would train on "
                         f"{ratio:.3g} tokens per parameter (C = 6·N·D); a compute-optimal N_opt lies between "
                         f"{format_count(low)} and {format_count(high)} (D/N from {SANE_TOKENS_PER_PARAM[0]:g} "
                         f"to {SANE_TOKENS_PER_PARAM[1]:g})")
    return Prediction(n, value)


@dataclass(frozen=True)
class Score:
    """A judged prediction: points out of 100, errors against the truth, and notes on what cost points."""

    points: float
    n_points: float
    loss_points: float
    prediction: Prediction
    true_N_opt: float
    true_loss: float
    target_flop: float
    log10_error_N: float
    loss_error: float
    notes: tuple[str, ...]

    def report(self) -> str:
        """A few lines for the learner: the score, the truth and the notes, wrapped to the page's 79 characters.

        Points are shown whole, the loss to 1 millinat and its error to 0.1%: Approach 3's extrapolated loss is
        found to about 1e-5 of itself, which moves the points by hundredths, so finer digits would differ
        between CPUs (numpy's AVX-512 and AVX2 paths) without meaning anything.
        """
        lines = [f"score {self.points:.0f} / 100  (N_opt {self.n_points:.0f} / 50, loss {self.loss_points:.0f} / 50)",
                 f"at {format_flop(self.target_flop)}: N_opt predicted {format_count(self.prediction.N_opt)}, "
                 f"true {format_count(self.true_N_opt)} ({10 ** self.log10_error_N:.2f}×); loss predicted "
                 f"{self.prediction.loss:.3f}, true {self.true_loss:.3f} ({100 * self.loss_error:+.1f}%)"]
        return fit_lines("\n".join(lines + [f"- {note}" for note in self.notes]), indent="  ")

    def __str__(self) -> str:
        return self.report()


def judge(world: World, runs: Sequence[RunRecord], prediction: Prediction, *,
          target_flop: float = TARGET_FLOP) -> Score:
    """Score ``prediction`` (N_opt, loss at ``target_flop``) against ``world``'s truth, with notes on ``runs``.

    The notes say what lost points and where it came from (the vertices or the extrapolation for N_opt, the
    route the loss took), then what the lab's ``predict`` did with the runs. Taught in chapters/08_lab.ipynb.
    """
    n_pred = float(as_positive("N_opt", prediction.N_opt, "parameters"))
    loss_pred = float(as_positive("loss", prediction.loss, "nats/token"))
    truth = world.truth(target_flop)
    log_err = math.log10(n_pred / float(truth.N))
    loss_err = loss_pred / float(truth.loss) - 1
    n_points = 50 * max(0.0, 1 - abs(log_err) / N_TOLERANCE_DECADES)
    loss_points = 50 * max(0.0, 1 - abs(loss_err) / LOSS_TOLERANCE)
    notes = _error_notes(world, runs, target_flop, log_err, loss_err) + campaign_notes(world, runs, target_flop)
    return Score(n_points + loss_points, n_points, loss_points, Prediction(n_pred, loss_pred), float(truth.N),
                 float(truth.loss), float(target_flop), log_err, loss_err, tuple(notes))


def budgets_of(runs: Sequence[RunRecord]) -> dict[float, list[RunRecord]]:
    """Runs grouped by budget (FLOP rounded to 2 significant digits: token counts are whole numbers)."""
    groups: dict[float, list[RunRecord]] = defaultdict(list)
    for run in runs:
        groups[float(f"{run.flop:.2g}")].append(run)
    return dict(sorted(groups.items()))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _route(runs: Sequence[RunRecord]):
    try:
        return route(runs)
    except ValueError:  # fewer than two budgets: no frontier to report
        return None


def campaign_notes(world: World, runs: Sequence[RunRecord], target_flop: float = TARGET_FLOP) -> list[str]:
    """What the lab's ``predict`` did with a campaign (which fit ran, which budgets it skipped and why, where
    the loss came from), and what in the campaign cost accuracy: one-sided or thin profiles, close budgets, too
    few runs for Approach 3, learning rates off their optimum."""
    if not runs:
        return ["no runs: the prediction was not informed by any experiment"]
    way = _route(runs)
    notes = [_route_note(way, runs)]
    profiles = sorted(way.frontier.compute) if way else []
    if len(profiles) >= 2 and profiles[-1] / profiles[0] < MIN_BUDGET_SPAN:
        notes.append(f"the fitted budgets span only {profiles[-1] / profiles[0]:.1f}× ({format_flop(profiles[0])} "
                     f"to {format_flop(profiles[-1])}): the slope a is poorly pinned down, and extrapolating "
                     f"{target_flop / profiles[-1]:.0f}× beyond the largest multiplies its error; spread budgets "
                     "over two decades or more")
    off = [r for r in runs if abs(math.log(r.lr / float(world.lr_opt(r.params)))) > math.log(LR_OFF_FACTOR)]
    if off:
        worst = max(_lr_penalty(world, r) for r in off)
        notes.append(f"{len(off)} of {_plural(len(runs), 'run')} used a learning rate more than {LR_OFF_FACTOR:g}× "
                     f"from the optimum for their size (lr_opt falls as N^{world.lr_exponent:g}); their losses were "
                     f"inflated by up to {100 * worst:.1f}%. That bends the IsoFLOP profiles: in one world it can "
                     "happen to help, but over many worlds it costs points on average (chapter 8 measures it)")
    return notes


def _route_note(way, runs: Sequence[RunRecord]) -> str:
    """What predict did with the runs, in one note."""
    groups = budgets_of(runs)
    if way is None:
        return (f"the runs cover {_plural(len(groups), 'budget')}: Approach 2 needs IsoFLOP profiles at two or "
                "more, so predict cannot fit N_opt ∝ C^a")
    fitted = ", ".join(format_flop(c).removesuffix(" FLOP") for c in way.frontier.compute)
    if way.method == "parabola":
        text = f"Approach 2 fitted a parabola at {_plural(way.frontier.compute.size, 'budget')} ({fitted} FLOP)"
    else:
        text = (f"fewer than two budgets had a parabola with an interior minimum, so Approach 2 took each "
                f"budget's lowest-loss run ({fitted} FLOP)")
    skipped = [f"{format_flop(c)} ({why})" for c, why in way.skipped.items()]
    if skipped:
        text += "; no parabola at " + ", nor at ".join(skipped)
    if way.loss_from == "minima":
        text += ("; the loss came from a power law through the profiles' minimum losses, because "
                 + way.shortfall.split(": its loss")[0]
                 + ". That power law has no floor E, so extrapolated it underestimates the loss")
    else:
        text += "; the loss came from Approach 3 fitted to every run"
    return text


def _profile_notes(world: World, runs: Sequence[RunRecord], way) -> list[str]:
    """Profiles that could not place their optimum well: one-sided, or too few sizes."""
    skipped = way.skipped if way else {}
    by_run = way is not None and way.method == "min_run"
    notes = []
    for budget, group in budgets_of(runs).items():
        sizes = np.array(sorted({r.params for r in group}), dtype=float)
        best = float(world.truth(budget).N)
        where = f"at {format_flop(budget)}"
        if sizes.size < 3:
            continue  # reported with the route: no parabola
        if sizes.max() < best or sizes.min() > best:
            side = "below" if sizes.max() < best else "above"
            what = ("so its lowest-loss run sits at the profile's edge, short of the optimum" if by_run
                    else "so its parabola has no vertex inside them" if budget in skipped
                    else "so its parabola's vertex is an extrapolation from one wall of the valley")
            notes.append(f"{where}: all {sizes.size} sizes lay {side} the true optimum N = {format_count(best)}, "
                         f"{what}; centre the profile nearer the optimum or widen it")
        elif sizes.size < MIN_SIZES and budget not in skipped:
            notes.append(f"{where}: {sizes.size} sizes bracket the optimum, but so few noisy points leave the "
                         "vertex loose; add sizes on both walls")
    return notes


def _lr_penalty(world: World, run: RunRecord) -> float:
    return world.expected_loss(run.spec) / float(world.law.loss(run.params, run.tokens)) - 1


def _error_notes(world: World, runs: Sequence[RunRecord], target_flop: float, log_err: float,
                 loss_err: float) -> list[str]:
    """What lost points, each with where it came from, as far as the runs tell."""
    notes = []
    way = _route(runs) if runs else None
    if abs(log_err) > N_TOLERANCE_DECADES / 3:
        notes.append(f"N_opt is {10 ** abs(log_err):.2f}× too {'large' if log_err > 0 else 'small'}"
                     + (f"; {_n_source(world, way, target_flop)}" if way else ""))
        notes += _profile_notes(world, runs, way)
    if abs(loss_err) > LOSS_TOLERANCE / 3:
        note = f"the loss is {100 * abs(loss_err):.1f}% too {'high' if loss_err > 0 else 'low'}"
        if way and way.loss_from == "minima":
            note += ("; too few runs for Approach 3 leave only the power law through the minimum losses, which "
                     "has no floor E and runs low when extrapolated: run enough sizes and budgets for Approach 3")
        elif way:
            note += ("; Approach 3 extrapolates it from E + A/N^α + B/D^β, so its error comes from how well the "
                     "runs pin down E and the two terms: the largest runs constrain E best")
        notes.append(note)
    return notes


def _n_source(world: World, way, target_flop: float) -> str:
    """Where Approach 2's N_opt error arises: at the largest fitted budget (the vertices) or beyond it (the
    slope a, carried to the target)."""
    frontier = way.frontier
    top = float(frontier.compute.max())
    at_top = float(frontier.predict_N(top)) / float(world.truth(top).N)
    true_a = math.log(float(world.truth(target_flop).N) / float(world.truth(top).N)) / math.log(target_flop / top)
    beyond = float(frontier.predict_N(target_flop)) / float(world.truth(target_flop).N) / at_top
    place = "the extrapolation" if abs(math.log(beyond)) > abs(math.log(at_top)) else "the fitted vertices"
    span = top / float(frontier.compute.min())
    if place == "the fitted vertices":
        advice = "bracket the valley at each budget with more sizes on both walls"
    elif span < MIN_BUDGET_SPAN:
        advice = "spread the budgets over two decades or more, so that a is pinned down"
    else:
        advice = "a rests on noisy vertices: more sizes per profile and more budgets between steady it"

    return (f"on your runs Approach 2 is {at_top:.2f}× the truth at your largest budget "
            f"({format_flop(top)}) and its slope a = {frontier.a:.3f} (the world's, from there to "
            f"{format_flop(target_flop)}: {true_a:.3f}) makes that {at_top * beyond:.2f}× at the target, so most "
            f"of the error came from {place}: {advice}")
