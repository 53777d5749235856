"""Test-time compute: repeated sampling, pass@k, coverage, majority voting, verifiers, and their FLOP.

Units: samples and answers are counts; probabilities are per sample (``accuracy``, pass@1) or per problem
(pass@k, coverage); compute is in FLOP; model sizes in parameters; sample lengths in generated tokens.
Taught in chapters/06_inference_scaling.ipynb.

References
----------
Chen et al. 2021 (arXiv 2107.03374): the unbiased pass@k estimator.
Brown et al. 2024 (arXiv 2407.21787): coverage vs samples, the exponentiated power law log c = a·k^b.
Schaeffer et al. 2025 (arXiv 2502.17578): per-problem failure falls exponentially in k; a heavy-tailed
distribution of per-problem pass@1 makes the aggregate a power law.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_int, as_nonnegative, as_positive, as_probability, broadcast
from .compute import inference_flops
from .lifetime import lifetime_flops

__all__ = [
    "pass_at_k",
    "mean_pass_at_k",
    "coverage",
    "CoverageLaw",
    "fit_coverage_law",
    "beta_coverage",
    "beta_failure_asymptote",
    "majority_vote_accuracy",
    "majority_vote_limit",
    "simulate_majority_vote",
    "best_of_n_accuracy",
    "best_of_n_limit",
    "simulate_best_of_n",
    "sampling_flops",
    "compute_matched_samples",
    "lifetime_matched_samples",
    "odds_scaled_accuracy",
    "ComputeMatchedComparison",
    "compute_matched_comparison",
    "EXAMPLE_WRONG_ANSWERS",
    "EXAMPLE_VERIFIER",
    "MAX_SAMPLES",
    "MAX_VOTE_SAMPLES",
    "MAX_WRONG_ANSWERS",
    "MAX_ELEMENTS",
    "BROWN_2024_SWE_BENCH_LITE",
    "SNELL_2024",
    "WU_2024_LLEMMA_PARAMS",
]

EXAMPLE_WRONG_ANSWERS = (0.5, 0.25, 0.125, 0.125)
"""An illustrative spread of wrong answers (not from a paper): the commonest wrong answer takes half of the
wrong samples, the next a quarter, two more an eighth each. Used by the chapter's widgets and examples."""

EXAMPLE_VERIFIER = (0.9, 0.1)
"""An illustrative imperfect verifier (not from a paper): (true-positive rate, false-positive rate) = it
accepts 90% of correct samples and 10% of wrong ones."""

# --- bounds on work that grows with an argument (each beyond-bound input raises a ValueError) ----------
MAX_SAMPLES = 1_000_000
"""Most samples per problem ``pass_at_k`` accepts (n): its work and memory grow linearly with n."""

MAX_VOTE_SAMPLES = 1024
"""Most samples ``majority_vote_accuracy`` accepts (k): its exact sum grows roughly as k³ (about 0.2 s at
k = 1024 with four wrong answers on the reference machine)."""

MAX_WRONG_ANSWERS = 8
"""Most distinct wrong answers a vote model may have: the exact vote's work grows as their number squared."""

MAX_ELEMENTS = 10_000_000
"""Most elements of any intermediate array (e.g. problems × sample counts, trials × samples): 80 MB."""

# --- published results quoted in chapters/06_inference_scaling.ipynb -----------------------------------
BROWN_2024_SWE_BENCH_LITE = {"model": "DeepSeek-Coder-V2-Instruct", "one_sample": 0.159, "samples": 250,
                             "coverage": 0.56, "previous_single_sample_best": 0.43}
"""Brown et al. 2024 (arXiv 2407.21787), headline result: SWE-bench Lite issues solved, 15.9% with one sample and
56% with 250 samples (coverage), against a 43% single-attempt state of the art."""

SNELL_2024 = {"size_ratio": 14, "efficiency_over_best_of_n": 4, "inference_ratios": (0.16, 0.79, 22)}
"""Snell et al. 2024 (arXiv 2408.03314), abstract: in a FLOPs-matched evaluation, test-time compute lets a
smaller model "outperform a 14x larger model" on problems where it has "somewhat non-trivial success rates"
(not on the hardest); compute-optimal allocation is "more than 4x" as efficient as a best-of-N baseline.
The inference loads are arXiv version 1's (2408.03314v1, Aug 2024): its §7 (Fig. 9) matches total FLOPs,
X = 6·N·D_pretrain plus Y = 2·N·D_inference, at three loads R = D_inference / D_pretrain: 0.16 (R ≪ 1),
0.79 (R ~ 1) and 22 (R ≫ 1). The final version (ICLR 2025) charges Y = 4·N·D_inference (the verifier's pass
doubles it) and labels the same comparisons R = 0.08, 0.40 and 11 (its Figure 8); this package counts a sample
at 2·N FLOP per token, as version 1 does."""

WU_2024_LLEMMA_PARAMS = (7e9, 34e9)
"""Wu et al. 2024 (arXiv 2408.00724), abstract: Llemma-7B with the REBASE tree search "consistently outperforms"
Llemma-34B across all tested inference strategies on MATH. Sizes in parameters, from the model names."""


# --- validation helpers -----------------------------------------------------------------------
def _as_counts(name: str, value: Any, low: int, high: int | None, unit: str):
    """Whole numbers in [low, high] (float or array), else a ValueError naming ``name``."""
    arr = np.asarray(as_nonnegative(name, value, unit))
    bad = arr != np.round(arr)
    if bad.any():
        raise ValueError(f"{name} must be whole numbers ({unit}); got {arr[bad].flat[0]!r}")
    allowed = f"{low} <= {name}" + (f" <= {high}" if high is not None else "")
    bad = (arr < low) | ((arr > high) if high is not None else False)
    if np.any(bad):
        raise ValueError(f"{name} must satisfy {allowed} ({unit}); got {np.asarray(arr)[bad].flat[0]:g}")
    return arr.astype(np.int64)


def _like(template: Any, value: np.ndarray):
    """A Python float when every input was a scalar, else the array."""
    return float(value) if np.ndim(template) == 0 and np.ndim(value) == 0 else value


def _at_most(name: str, value: int, bound: int, why: str) -> int:
    """``value`` if it is <= ``bound``, else a ValueError naming the bound and why it exists."""
    if value > bound:
        raise ValueError(f"{name} must be at most {bound:,} ({why}); got {value:,}")
    return value


def _elements(what: str, count: int) -> None:
    """Refuse an intermediate array of more than MAX_ELEMENTS elements."""
    _at_most(what, int(count), MAX_ELEMENTS, "elements of one intermediate array, MAX_ELEMENTS: split the "
             "work into smaller calls")


def _answer_weights(wrong: ArrayLike) -> np.ndarray:
    """Relative frequencies of the distinct wrong answers, normalised to sum 1 (zero weights dropped)."""
    w = np.atleast_1d(as_nonnegative("wrong", wrong, "relative frequencies of the wrong answers"))
    if w.ndim != 1 or w.sum() <= 0:
        raise ValueError(f"wrong must be a 1-D list of non-negative weights with a positive sum; got {wrong!r}")
    w = w[w > 0]
    _at_most("the number of distinct wrong answers", w.size, MAX_WRONG_ANSWERS,
             "MAX_WRONG_ANSWERS: the exact vote's work grows with its square")
    return w / w.sum()


# --- pass@k (Chen et al. 2021) -------------------------------------------------------------------
def pass_at_k(n: int, c: ArrayLike, k: ArrayLike):
    """Unbiased estimate of pass@k from n samples of which c are correct (Chen et al. 2021, §2.1).

    pass@k = 1 − C(n−c, k) / C(n, k), computed as the product 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which never
    forms a huge binomial coefficient. It is exactly 1 when n − c < k (any k of the samples include a
    correct one) and exactly 0 when c = 0.

    Parameters
    ----------
    n : int, samples drawn per problem, n >= 1.
    c : int or array of ints (one per problem), correct samples, 0 <= c <= n.
    k : int or array of ints, the budget being estimated, 1 <= k <= n. ``c`` and ``k`` broadcast.

    Raises ValueError for k > n: from n samples no unbiased estimate of pass@k exists for k > n. (Chen et
    al.'s reference code would return 1.0 there, even with c = 0.) Also for n > MAX_SAMPLES, or when
    n × (number of distinct k) exceeds MAX_ELEMENTS (the work grows with both).
    """
    n = _at_most("n", as_int("n", n, minimum=1), MAX_SAMPLES, "MAX_SAMPLES samples per problem")
    c_arr = _as_counts("c", c, 0, n, "correct samples out of n")
    k_arr = _as_counts("k", k, 1, None, "samples")
    _elements("n × (distinct values of k)", n * np.unique(k_arr).size)
    if np.any(k_arr > n):
        raise ValueError(f"k must be <= n: the unbiased estimator needs at least k samples per problem "
                         f"(n >= k); got k = {int(np.max(k_arr))} with n = {n}")
    broadcast(c=c_arr, k=k_arr)
    c_b, k_b = np.broadcast_arrays(c_arr, k_arr)
    out = np.empty(c_b.shape)
    for kk in np.unique(k_b):
        # failure[c] = ∏ over the last c of i = n, n−1, ..., 1 of (1 − kk/i); failure[0] = 1 (empty product)
        failure = np.concatenate(([1.0], np.cumprod(1.0 - kk / np.arange(n, 0, -1))))
        sel = k_b == kk
        out[sel] = np.where(n - c_b[sel] < kk, 1.0, 1.0 - failure[c_b[sel]])
    return float(out) if np.ndim(c) == 0 and np.ndim(k) == 0 else out


def mean_pass_at_k(n: int, c: ArrayLike, k: ArrayLike):
    """Benchmark pass@k: the mean over problems (one entry of ``c`` each) of ``pass_at_k(n, c, k)``.

    ``k`` may be an array (one result per k). Taught in chapters/06_inference_scaling.ipynb.
    """
    c_arr = np.atleast_1d(np.asarray(c))
    if c_arr.ndim != 1:
        raise ValueError(f"c must be a 1-D array of correct counts, one per problem; got shape {c_arr.shape}")
    k_arr = np.asarray(k)
    _elements("problems × values of k", c_arr.size * max(np.size(k_arr), 1))
    per_problem = pass_at_k(n, c_arr[:, None], np.atleast_1d(k_arr)[None, :])
    means = per_problem.mean(axis=0)
    return float(means[0]) if k_arr.ndim == 0 else means


# --- coverage (Brown et al. 2024) and why it is a power law (Schaeffer et al. 2025) ---------------
def coverage(pass_at_1: ArrayLike, k: ArrayLike):
    """Expected coverage: the fraction of problems solved by at least one of k samples.

    coverage(k) = mean_i [1 − (1 − p_i)^k] for per-problem, per-sample success probabilities p_i
    (``pass_at_1``, one per problem; a scalar is one problem). k: whole numbers >= 1 (samples); the result
    has the shape of k. Coverage is pass@k with an oracle that recognises any correct sample.
    Raises ValueError when problems × values of k exceeds MAX_ELEMENTS.
    """
    p = np.atleast_1d(as_probability("pass_at_1", pass_at_1)).ravel()
    k_arr = _as_counts("k", k, 1, None, "samples")
    _elements("problems × values of k", p.size * max(k_arr.size, 1))
    return _like(k, _solved(p, k_arr).mean(axis=-1))


def _solved(p: np.ndarray, k: np.ndarray) -> np.ndarray:
    """1 − (1 − p)^k for every k (rows) and p (columns), accurate near 0 and 1."""
    with np.errstate(divide="ignore"):
        log_fail = np.log1p(-np.asarray(p, dtype=float))  # −inf where p = 1
    return -np.expm1(np.multiply.outer(k, log_fail))


@dataclass(frozen=True)
class CoverageLaw:
    """Brown et al. 2024's exponentiated power law: coverage c(k) = exp(a · k^b), with a < 0 and b < 0.

    Equivalently log c = a·k^b, or −log c = |a|·k^b, a power law in k. c(1) = exp(a); c → 1 as k → ∞.
    """

    a: float
    b: float

    def __post_init__(self):
        for name in ("a", "b"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value < 0):
                raise ValueError(f"{name} must be a finite negative number (coverage rises towards 1 with k); got {value!r}")

    def __call__(self, k: ArrayLike):
        """Predicted coverage at k samples (k > 0; need not be whole)."""
        k = as_positive("k", k, "samples")
        return np.exp(self.a * np.exp(self.b * np.log(k)))

    predict = __call__

    def samples_for(self, target: ArrayLike):
        """Samples k at which the law reaches coverage ``target`` in (exp(a), 1): k = (log target / a)^(1/b)."""
        t = as_probability("target", target, open_low=True, open_high=True)
        return (np.log(t) / self.a) ** (1.0 / self.b)


def fit_coverage_law(k: ArrayLike, cov: ArrayLike) -> CoverageLaw:
    """Fit c(k) = exp(a·k^b) by least squares of log(−log c) on log k (a straight line of slope b).

    k: 1-D sample counts > 0 (at least two distinct); cov: coverages strictly between 0 and 1, same length.
    Raises ValueError if the fitted a or b is not negative (the data do not rise towards 1 with k).
    Brown et al. 2024, "Large Language Monkeys", §3.
    """
    k = np.atleast_1d(as_positive("k", k, "samples"))
    c = np.atleast_1d(as_probability("cov", cov, open_low=True, open_high=True))
    if k.ndim != 1 or c.ndim != 1 or k.shape != c.shape:
        raise ValueError(f"k and cov must be 1-D arrays of equal length; got shapes {k.shape} and {c.shape}")
    if np.unique(k).size < 2:
        raise ValueError("k must contain at least two distinct values to fit the law")
    b, intercept = np.polyfit(np.log(k), np.log(-np.log(c)), 1)
    if b >= 0:
        raise ValueError(f"the fitted exponent b = {b:.3g} is not negative: coverage does not rise with k in these data")
    return CoverageLaw(a=-float(np.exp(intercept)), b=float(b))


def beta_coverage(alpha: float, beta: float, k: ArrayLike):
    """Expected coverage at k samples when per-problem pass@1 follows a Beta(alpha, beta) distribution.

    E[1 − (1 − p)^k] = 1 − B(alpha, beta + k) / B(alpha, beta) (B: the Beta function). k > 0.
    Schaeffer et al. 2025: a distribution with much mass near p = 0 (small alpha) gives a power law.
    """
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    a = as_positive("alpha", alpha)
    b = as_positive("beta", beta)
    k = as_positive("k", k, "samples")
    return _like(k, -np.expm1(special.betaln(a, b + np.asarray(k)) - special.betaln(a, b)))


def beta_failure_asymptote(alpha: float, beta: float, k: ArrayLike):
    """Large-k form of the Beta model's failure rate: 1 − coverage(k) ≈ Γ(alpha+beta)/Γ(beta) · k^(−alpha).

    A power law in k with exponent −alpha: the heavier the tail of pass@1 near 0, the slower the gain.
    """
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    a = as_positive("alpha", alpha)
    b = as_positive("beta", beta)
    k = as_positive("k", k, "samples")
    return np.exp(special.gammaln(a + b) - special.gammaln(b) - a * np.log(k))


# --- majority voting -------------------------------------------------------------------------------
def majority_vote_accuracy(k: int, accuracy: ArrayLike, wrong: ArrayLike = (1.0,)):
    """Probability that majority voting over k independent samples returns the correct answer (exact).

    Each sample is correct with probability ``accuracy`` (p); otherwise it is one of the distinct wrong
    answers, chosen with relative frequencies ``wrong`` (normalised to share 1 − p). The vote picks the
    answer with the most samples; **ties are broken uniformly at random** among the answers tied at the top,
    so a correct answer tied with t wrong answers wins with probability 1/(1 + t).

    Exact, by the multinomial: conditioning on j correct samples (binomial), the k − j wrong samples are
    multinomial over the wrong answers, and the chance that none beats j (weighted by the tie rule) is a
    coefficient of a product of truncated Poisson generating functions. ``accuracy`` may be an array.

    Parameters
    ----------
    k : int >= 1, samples per question.
    accuracy : per-sample probability of the correct answer, in [0, 1].
    wrong : relative frequencies of the distinct wrong answers (default: a single wrong answer), at most
        MAX_WRONG_ANSWERS of them.

    Raises ValueError for k > MAX_VOTE_SAMPLES (the exact sum grows roughly as k³).
    """
    k = _vote_samples(k)
    p = as_probability("accuracy", accuracy)
    w = _answer_weights(wrong)
    _elements("accuracies × (k + 1)", np.size(p) * (k + 1))
    wins = _wins_given_correct_count(k, tuple(w.tolist()))
    return _like(p, np.clip(_binomial_pmf(k, p) @ wins, 0.0, 1.0))


def _vote_samples(k: Any) -> int:
    """Samples in a vote: a whole number in [1, MAX_VOTE_SAMPLES]."""
    return _at_most("k", as_int("k", k, minimum=1), MAX_VOTE_SAMPLES,
                    "MAX_VOTE_SAMPLES: the exact vote's work grows roughly as k cubed")


def _binomial_pmf(k: int, p: ArrayLike) -> np.ndarray:
    """P(j successes in k trials) for j = 0..k along a new last axis (0·log 0 = 0 handles p = 0 and 1)."""
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    j = np.arange(k + 1)
    q = np.asarray(p, dtype=float)[..., None]
    log_comb = special.gammaln(k + 1.0) - special.gammaln(j + 1.0) - special.gammaln(k - j + 1.0)
    return np.exp(log_comb + special.xlogy(j, q) + special.xlog1py(k - j, -q))


@lru_cache(maxsize=512)
def _wins_given_correct_count(k: int, w: tuple[float, ...]) -> np.ndarray:
    """G[j] = P(correct answer wins | j of the k samples are correct), for j = 0..k (tie rule included)."""
    m = len(w)
    wins = np.zeros(k + 1)
    for j in range(1, k + 1):
        r = k - j  # wrong samples
        if j > r:
            wins[j] = 1.0  # a strict majority of all samples
        elif r <= m * j:  # else some wrong answer must have more than j votes
            wins[j] = _tie_weighted_share(r, j, w)
    return wins


def _tie_weighted_share(r: int, j: int, w: tuple[float, ...]) -> float:
    """E[1{every wrong count <= j} / (1 + #wrong counts equal to j)] for r multinomial(w) wrong samples.

    Poissonisation: with independent counts N_i ~ Poisson(r·w_i), the multinomial probability of an event
    is P(event and ΣN_i = r) / P(ΣN_i = r). The polynomial P[s, t] tracks total s and t ties at j.
    """
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    m = len(w)
    poly = np.zeros((r + 1, m + 1))
    poly[0, 0] = 1.0
    votes = np.arange(j + 1)
    log_factorial = special.gammaln(votes + 1.0)
    for wi in w:
        lam = r * wi
        pmf = np.exp(votes * math.log(lam) - lam - log_factorial)  # Poisson(lam) at 0..j
        grown = np.zeros_like(poly)
        for t in range(m + 1):
            grown[:, t] += np.convolve(poly[:, t], pmf[:j])[: r + 1]  # fewer than j votes: no tie
            if t < m:
                grown[j:, t + 1] += poly[: r + 1 - j, t] * pmf[j]  # exactly j votes: one more tie
        poly = grown
    ties = np.arange(m + 1)
    p_total = math.exp(r * math.log(r) - r - math.lgamma(r + 1.0))  # P(Poisson(r) = r)
    return float(poly[r] @ (1.0 / (1.0 + ties)) / p_total)


def majority_vote_limit(accuracy: ArrayLike, wrong: ArrayLike = (1.0,)):
    """Majority-vote accuracy as k → ∞: 1 if the correct answer is the modal answer, 0 if a wrong answer
    is more frequent, 1/(1 + t) if it ties with t wrong answers (law of large numbers)."""
    p = as_probability("accuracy", accuracy)
    w = _answer_weights(wrong)
    q = np.multiply.outer(1.0 - np.asarray(p, dtype=float), w)  # wrong-answer probabilities
    top = q.max(axis=-1)
    ties = np.isclose(q, np.asarray(p)[..., None], rtol=1e-12, atol=1e-15).sum(axis=-1)
    limit = np.where(np.isclose(p, top, rtol=1e-12, atol=1e-15), 1.0 / (1.0 + ties), (p > top).astype(float))
    return _like(p, limit)


def simulate_majority_vote(k: int, accuracy: float, wrong: ArrayLike = (1.0,), trials: int = 100_000,
                           seed: int = 0) -> float:
    """Monte Carlo check of ``majority_vote_accuracy``: the fraction of ``trials`` seeded votes won.

    Draws multinomial answer counts and breaks ties uniformly at random, as the exact function assumes.
    Raises ValueError when trials × (answers) exceeds MAX_ELEMENTS.
    """
    k = as_int("k", k, minimum=1)
    p = as_probability("accuracy", accuracy)
    if np.ndim(p):
        raise ValueError(f"accuracy must be a single probability for a simulation; got an array of shape {np.shape(p)}")
    w = _answer_weights(wrong)
    trials = as_int("trials", trials, minimum=1)
    _elements("trials × answers", trials * (w.size + 1))
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(k, np.concatenate(([p], (1.0 - p) * w)), size=trials)
    tied = counts == counts.max(axis=1, keepdims=True)
    # a uniformly random tied answer: the smallest random key among the tied answers wins
    keys = np.where(tied, rng.random(counts.shape), np.inf)
    return float(np.mean(keys.argmin(axis=1) == 0))


# --- best-of-N with an imperfect verifier -------------------------------------------------------------
def best_of_n_accuracy(n: ArrayLike, accuracy: ArrayLike, true_positive_rate: float = EXAMPLE_VERIFIER[0],
                       false_positive_rate: float = EXAMPLE_VERIFIER[1]):
    """Accuracy of best-of-N selection with a noisy accept/reject verifier (closed form).

    The model: each of N samples is independently correct with probability p (``accuracy``). The verifier
    accepts a correct sample with probability TPR and a wrong one with probability FPR, independently. The
    answer is a uniformly random accepted sample, or, if none is accepted, a uniformly random sample.
    With a = p·TPR and b = (1 − p)·FPR:

        accuracy(N) = [1 − (1 − a − b)^N] · a/(a + b) + (1 − a − b)^(N−1) · p·(1 − TPR).

    N = 1 gives p; a perfect verifier (TPR = 1, FPR = 0) gives 1 − (1 − p)^N, the coverage; as N → ∞ the
    accuracy tends to the verifier's precision a/(a + b) (``best_of_n_limit``), not to 1.
    """
    n_arr = _as_counts("n", n, 1, None, "samples")
    p = as_probability("accuracy", accuracy)
    tpr = as_probability("true_positive_rate", true_positive_rate)
    fpr = as_probability("false_positive_rate", false_positive_rate)
    broadcast(n=n_arr, accuracy=p)
    a, b = np.asarray(p) * tpr, (1.0 - np.asarray(p)) * fpr
    none_accepted = 1.0 - a - b
    precision = np.divide(a, a + b, out=np.zeros_like(a + b, dtype=float), where=(a + b) > 0)
    stay = np.power(none_accepted, n_arr - 1.0)
    result = (1.0 - none_accepted * stay) * precision + stay * np.asarray(p) * (1.0 - tpr)
    result = np.clip(result, 0.0, 1.0)
    return float(result) if np.ndim(n) == 0 and np.ndim(accuracy) == 0 else result


def best_of_n_limit(accuracy: ArrayLike, true_positive_rate: float = EXAMPLE_VERIFIER[0],
                    false_positive_rate: float = EXAMPLE_VERIFIER[1]):
    """Best-of-N accuracy as N → ∞: the verifier's precision p·TPR / (p·TPR + (1 − p)·FPR).

    When the verifier accepts nothing (p·TPR + (1 − p)·FPR = 0) selection is random and the limit is p.
    """
    p = as_probability("accuracy", accuracy)
    tpr = as_probability("true_positive_rate", true_positive_rate)
    fpr = as_probability("false_positive_rate", false_positive_rate)
    a, b = np.asarray(p) * tpr, (1.0 - np.asarray(p)) * fpr
    total = a + b
    return _like(p, np.where(total > 0, a / np.where(total > 0, total, 1.0), p))


def simulate_best_of_n(n: int, accuracy: float, true_positive_rate: float = EXAMPLE_VERIFIER[0],
                       false_positive_rate: float = EXAMPLE_VERIFIER[1], trials: int = 100_000,
                       seed: int = 0) -> float:
    """Monte Carlo check of ``best_of_n_accuracy`` under the same verifier model (seeded).

    Raises ValueError when trials × n exceeds MAX_ELEMENTS (it draws a trials × n array).
    """
    n = as_int("n", n, minimum=1)
    p = as_probability("accuracy", accuracy)
    tpr = as_probability("true_positive_rate", true_positive_rate)
    fpr = as_probability("false_positive_rate", false_positive_rate)
    trials = as_int("trials", trials, minimum=1)
    _elements("trials × n", trials * n)
    rng = np.random.default_rng(seed)
    correct = rng.random((trials, n)) < p
    accepted = rng.random((trials, n)) < np.where(correct, tpr, fpr)
    pool = np.where(accepted.any(axis=1, keepdims=True), accepted, True)  # nothing accepted: any sample
    keys = np.where(pool, rng.random((trials, n)), np.inf)
    chosen = keys.argmin(axis=1)
    return float(np.mean(correct[np.arange(trials), chosen]))


# --- compute ------------------------------------------------------------------------------------------
def sampling_flops(params: ArrayLike, tokens_per_sample: ArrayLike, samples: ArrayLike = 1,
                   verifier_params: ArrayLike | None = None):
    """FLOP to answer one question with ``samples`` samples: 2·N per generated token × tokens × samples.

    With ``verifier_params`` (N_v), a verifier reads every sample once and adds 2·N_v × tokens × samples.
    Majority voting adds nothing (counting votes is negligible). Prompt (prefill) tokens are not counted.
    Uses ``scalinglaws.compute.inference_flops`` (Kaplan et al. 2020, §2.1).
    """
    s = _as_counts("samples", samples, 1, None, "samples")
    t = as_positive("tokens_per_sample", tokens_per_sample, "tokens")
    broadcast(tokens_per_sample=t, samples=s)
    generated = np.asarray(t) * s
    flop = inference_flops(params, generated)
    if verifier_params is not None:
        flop = flop + inference_flops(verifier_params, generated)
    scalar = all(np.ndim(x) == 0 for x in (params, tokens_per_sample, samples, verifier_params or 0))
    return float(flop) if scalar else np.asarray(flop)


def compute_matched_samples(small_params: float, large_params: float, large_samples: int = 1) -> int:
    """How many samples of the small model fit in the FLOP of ``large_samples`` samples of the large model
    (equal tokens per sample, no verifier): floor(N_large · samples / N_small), at least 1."""
    small = as_positive("small_params", small_params, "parameters")
    large = as_positive("large_params", large_params, "parameters")
    large_samples = as_int("large_samples", large_samples, minimum=1)
    ratio = sampling_flops(large, 1.0, large_samples) / sampling_flops(small, 1.0, 1)
    return max(1, int(math.floor(ratio * (1 + 1e-12))))


# --- an illustrative model linking model size to per-sample accuracy ------------------------------------
def odds_scaled_accuracy(accuracy: ArrayLike, size_ratio: ArrayLike, odds_exponent: float = 1.0):
    """ASSUMPTION, for illustration only (not a published law): on a fixed problem, the odds of a correct
    sample, p / (1 − p), grow as N^γ with model size N. A model ``size_ratio`` times larger then has
    logit(p_large) = logit(p) + γ · ln(size_ratio). p = 0 and p = 1 stay where they are.
    """
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    p = as_probability("accuracy", accuracy)
    r = as_positive("size_ratio", size_ratio, "times the parameters")
    g = as_nonnegative("odds_exponent", odds_exponent)
    broadcast(accuracy=p, size_ratio=r)
    p_arr = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        scaled = special.expit(special.logit(p_arr) + g * np.log(r))
    result = np.where(p_arr <= 0, 0.0, np.where(p_arr >= 1, 1.0, scaled))
    return float(result) if np.ndim(accuracy) == 0 and np.ndim(size_ratio) == 0 else result


def lifetime_matched_samples(size_ratio: float, inference_ratio: float) -> int:
    """Samples per question a small model can afford at the lifetime FLOP of a ``size_ratio``× larger one.

    Snell et al. 2024 (arXiv 2408.03314v1, §7) match **total** FLOPs: pretraining X = 6·N·D_pretrain plus
    inference Y = 2·N·D_inference, with R = D_inference / D_pretrain (``inference_ratio``). As there, both
    models are trained on the same D_pretrain tokens (the larger one is scaled in parameters only) and
    D_inference counts the tokens of one answer per question. The larger model (r·N parameters, one
    sample per question) costs 6·rN·D + 2·rN·R·D; the small one with k samples per question costs
    6·N·D + 2·N·k·R·D. Both bills are ``scalinglaws.lifetime.lifetime_flops`` (chapters/05_overtraining).
    Setting them equal gives k = r + 3·(r − 1)/R, Snell et al.'s factor "M + 3(D_pretrain/D_inference)(M − 1)"
    (version 1, §7; the final ICLR 2025 version charges 4·N per inference token, verifier included, and
    gives M + (3/2)(D_pretrain/D_inference)(M − 1)) by which the small model's inference compute may grow; the result is its floor (at least 1). As R → ∞ (serving
    dwarfs training) k → r, the inference-only match; for R ≪ 1 the small model spends the larger model's
    extra training FLOP on samples. ``inference_ratio`` may be ``math.inf``.

    Raises ValueError if size_ratio < 1 or R <= 0. Taught in chapters/06_inference_scaling.ipynb.
    """
    k = _matched_samples(size_ratio, inference_ratio)
    if not math.isfinite(k):
        raise ValueError(f"inference_ratio {inference_ratio!r} is so small that the matched number of samples "
                         f"overflows a float; use R >= 1e-300")
    return max(1, int(math.floor(k * (1 + 1e-12))))


def _matched_samples(size_ratio: Any, inference_ratio: Any) -> float:
    """k = (lifetime FLOP of the larger model − training FLOP of the small one) / serving FLOP per sample."""
    r = float(as_positive("size_ratio", size_ratio, "times the parameters"))
    if r < 1.0:
        raise ValueError(f"size_ratio must be >= 1 (the larger model over the small one); got {r!r}")
    ratio = _inference_ratio(inference_ratio)
    if math.isinf(ratio):
        return r
    # in units of N_small and D_pretrain: the bills of chapter 5 (lifetime_flops) and 2N per served token
    spare = lifetime_flops(r, 1.0, ratio) - lifetime_flops(1.0, 1.0, 0.0)
    with np.errstate(over="ignore"):
        return float(np.float64(spare) / np.float64(inference_flops(1.0, ratio)))


def _inference_ratio(value: Any) -> float:
    """R = D_inference / D_pretrain: a single number > 0 (math.inf allowed: training cost negligible)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == math.inf:
        return math.inf
    ratio = as_positive("inference_ratio", value, "inference tokens per pretraining token")
    if np.ndim(ratio) != 0:
        raise ValueError(f"inference_ratio must be a single number > 0; got {value!r}")
    return float(ratio)


@dataclass(frozen=True)
class ComputeMatchedComparison:
    """One lifetime FLOP budget spent two ways: a model ``size_ratio``× larger answering each question once,
    or the small model answering with ``samples`` samples, selected by majority vote, by a verifier, or by an
    oracle. Both are trained on the same tokens and serve the same questions; ``inference_ratio`` is
    Snell et al.'s R = D_inference / D_pretrain.

    Arrays are indexed like ``small_accuracy`` (the small model's per-sample accuracy on each problem).
    """

    small_accuracy: np.ndarray
    size_ratio: float
    inference_ratio: float
    samples: int
    large: np.ndarray
    majority: np.ndarray
    best_of_n: np.ndarray
    oracle: np.ndarray

    @property
    def large_training_share(self) -> float:
        """Fraction of the larger model's lifetime FLOP spent on pretraining: 6D / (6D + 2·R·D) = 3/(3 + R)."""
        return 3.0 / (3.0 + self.inference_ratio)


def compute_matched_comparison(small_accuracy: ArrayLike, size_ratio: float, inference_ratio: float,
                               odds_exponent: float = 1.0, wrong: ArrayLike = EXAMPLE_WRONG_ANSWERS,
                               verifier: tuple[float, float] = EXAMPLE_VERIFIER) -> ComputeMatchedComparison:
    """Bigger model or more samples at equal **lifetime** FLOP, training plus serving (Snell et al. 2024 v1, §7).

    The small model draws ``lifetime_matched_samples(size_ratio, inference_ratio)`` samples per question;
    the larger model draws one. The larger model's per-sample accuracy comes from the illustrative
    ``odds_scaled_accuracy`` assumption (not a published law). ``oracle`` is coverage (pass@k): an upper
    bound that needs a perfect verifier. Verifier FLOP are not counted.

    Parameters
    ----------
    small_accuracy : the small model's per-sample accuracy on each problem, in [0, 1] (at most
        MAX_ELEMENTS / (k + 1) problems).
    size_ratio : parameters of the larger model over the small one, >= 1.
    inference_ratio : R = D_inference / D_pretrain, tokens served (one answer per question) per pretraining
        token, > 0; ``math.inf`` reproduces the inference-only match (k = size_ratio).
    odds_exponent : γ of the assumption, >= 0.
    wrong, verifier : the vote's wrong-answer frequencies and the verifier's (TPR, FPR).

    Raises ValueError if the matched number of samples exceeds MAX_VOTE_SAMPLES (a large size ratio at a
    small R): the exact majority vote's work grows roughly as k³.
    Taught in chapters/06_inference_scaling.ipynb.
    """
    p = np.atleast_1d(as_probability("small_accuracy", small_accuracy))
    k_float = _matched_samples(size_ratio, inference_ratio)
    if not k_float <= MAX_VOTE_SAMPLES:
        raise ValueError(
            f"size_ratio {size_ratio!r} at inference_ratio {inference_ratio!r} buys the small model {k_float:.3g} samples "
            f"per question; at most MAX_VOTE_SAMPLES = {MAX_VOTE_SAMPLES:,} are allowed (the exact majority vote "
            f"grows roughly as k cubed): use a smaller size ratio or a larger inference ratio")
    k = lifetime_matched_samples(size_ratio, inference_ratio)
    r = float(size_ratio)
    tpr, fpr = verifier
    return ComputeMatchedComparison(
        small_accuracy=p, size_ratio=r, inference_ratio=_inference_ratio(inference_ratio), samples=k,
        large=np.asarray(odds_scaled_accuracy(p, r, odds_exponent)),
        majority=np.asarray(majority_vote_accuracy(k, p, wrong)),
        best_of_n=np.asarray(best_of_n_accuracy(k, p, tpr, fpr)),
        oracle=_solved(p, np.asarray(k)),
    )
