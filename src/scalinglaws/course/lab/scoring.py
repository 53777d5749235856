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
from scalinglaws.course.lab.campaign import approach3_shortfall
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

SANE_TOKENS_PER_PARAM = (0.01, 10_000.0)
"""Tokens per parameter D/N = C/(6·N_opt²) a submitted N_opt may imply at the target: outside this range it is
no compute-optimal model (Chinchilla's is about 20; Sardana et al. 2024 trained up to 10,000)."""

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
                         f"to {SANE_TOKENS_PER_PARAM[1]:,.0f})")
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

    Taught in chapters/08_lab.ipynb.
    """
    n_pred = float(as_positive("N_opt", prediction.N_opt, "parameters"))
    loss_pred = float(as_positive("loss", prediction.loss, "nats/token"))
    truth = world.truth(target_flop)
    log_err = math.log10(n_pred / float(truth.N))
    loss_err = loss_pred / float(truth.loss) - 1
    n_points = 50 * max(0.0, 1 - abs(log_err) / N_TOLERANCE_DECADES)
    loss_points = 50 * max(0.0, 1 - abs(loss_err) / LOSS_TOLERANCE)
    notes = _error_notes(log_err, loss_err) + campaign_notes(world, runs, target_flop)
    return Score(n_points + loss_points, n_points, loss_points, Prediction(n_pred, loss_pred), float(truth.N),
                 float(truth.loss), float(target_flop), log_err, loss_err, tuple(notes))


def budgets_of(runs: Sequence[RunRecord]) -> dict[float, list[RunRecord]]:
    """Runs grouped by budget (FLOP rounded to 2 significant digits: token counts are whole numbers)."""
    groups: dict[float, list[RunRecord]] = defaultdict(list)
    for run in runs:
        groups[float(f"{run.flop:.2g}")].append(run)
    return dict(sorted(groups.items()))


def campaign_notes(world: World, runs: Sequence[RunRecord], target_flop: float = TARGET_FLOP) -> list[str]:
    """What in a campaign cost accuracy: thin or one-sided IsoFLOP profiles, close budgets, too few runs for
    Approach 3, mis-set lr."""
    if not runs:
        return ["no runs: the prediction was not informed by any experiment"]
    groups = budgets_of(runs)
    profiles = {c: g for c, g in groups.items() if len({r.params for r in g}) >= 3}
    notes = [_profile_note(world, c, g) for c, g in groups.items()]
    notes = [n for n in notes if n]
    if len(profiles) < 2:
        notes.append(f"only {len(profiles)} budget(s) had 3 or more model sizes: Approach 2 needs at least two "
                     "IsoFLOP profiles to fit N_opt ∝ C^a")
    elif max(profiles) / min(profiles) < MIN_BUDGET_SPAN:
        notes.append(f"the profiled budgets span only {max(profiles) / min(profiles):.1f}× "
                     f"({format_flop(min(profiles))} to {format_flop(max(profiles))}): the slope a is poorly "
                     f"pinned down, and extrapolating {target_flop / max(profiles):.0f}× beyond the largest "
                     f"multiplies its error; spread budgets over two decades or more")
    shortfall = approach3_shortfall(runs)
    if shortfall:
        notes.append(shortfall)
    off = [r for r in runs if abs(math.log(r.lr / float(world.lr_opt(r.params)))) > math.log(LR_OFF_FACTOR)]
    if off:
        worst = max(_lr_penalty(world, r) for r in off)
        notes.append(f"{len(off)} of {len(runs)} runs used a learning rate more than {LR_OFF_FACTOR:g}× from the "
                     f"optimum for their size (lr_opt falls as N^{world.lr_exponent:g}); their losses were "
                     f"inflated by up to {100 * worst:.1f}%, which bends the IsoFLOP profiles")
    return notes


def _profile_note(world: World, budget: float, group: list[RunRecord]) -> str | None:
    sizes = np.array(sorted({r.params for r in group}), dtype=float)
    best = float(world.truth(budget).N)
    where = f"at {format_flop(budget)}"
    if sizes.size < 3:
        return f"{where}: only {sizes.size} model size(s), too few for a parabola (Approach 2 skips this budget)"
    if sizes.max() < best or sizes.min() > best:
        side = "below" if sizes.max() < best else "above"
        return (f"{where}: all {sizes.size} sizes lay {side} the true optimum N = {format_count(best)}, so the "
                f"parabola was fitted to one side of the valley and its vertex is an extrapolation")
    if sizes.size < MIN_SIZES:
        return f"{where}: {sizes.size} sizes bracket the optimum, but so few noisy points leave the vertex loose"
    return None


def _lr_penalty(world: World, run: RunRecord) -> float:
    return world.expected_loss(run.spec) / float(world.law.loss(run.params, run.tokens)) - 1


def _error_notes(log_err: float, loss_err: float) -> list[str]:
    notes = []
    if abs(log_err) > N_TOLERANCE_DECADES / 3:
        notes.append(f"N_opt is {10 ** abs(log_err):.2f}× too {'large' if log_err > 0 else 'small'}")
    if abs(loss_err) > LOSS_TOLERANCE / 3:
        notes.append(f"the loss is {100 * abs(loss_err):.1f}% too {'high' if loss_err > 0 else 'low'}")
    return notes
