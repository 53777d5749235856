"""Practice questions for chapters/06_inference_scaling.ipynb (solutions/06_inference_scaling.ipynb).

The model sizes and accuracies below are hypothetical, chosen for the exercises; they are not measurements.
"""
from __future__ import annotations

import math

import numpy as np

from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.sampling import (
    EXAMPLE_WRONG_ANSWERS,
    best_of_n_accuracy,
    best_of_n_limit,
    coverage,
    fit_coverage_law,
    majority_vote_accuracy,
    majority_vote_limit,
    mean_pass_at_k,
    pass_at_k,
    sampling_flops,
)

SMALL_PARAMS, SMALL_ACCURACY = 8e9, 0.2
"""Question inf-vs-training: a hypothetical 8B model that answers a question correctly in 20% of samples."""
LARGE_PARAMS, LARGE_ACCURACY = 70e9, 0.6
"""Question inf-vs-training: a hypothetical 70B model that answers the same question correctly in 60% of samples."""
TOKENS_PER_SAMPLE = 1000
"""Generated tokens per sample in question inf-vs-training (the FLOP ratio does not depend on it)."""

VERIFIER_QUESTION = dict(accuracy=0.3, n=4, true_positive_rate=0.8, false_positive_rate=0.2)
"""Question inf-verifier: per-sample accuracy, samples N, and the verifier's acceptance rates. N = 4 keeps the
accuracy visibly below its plateau (at N = 16 the two differ by 0.04%, inside any sensible tolerance)."""

COVERAGE_BETA = (0.3, 3.0)
"""The Beta(alpha, beta) distribution of per-problem pass@1 behind example_coverage()."""


# --- data for the questions ------------------------------------------------------------------------------
def example_counts() -> tuple[int, np.ndarray]:
    """Question inf-benchmark: (n, c) for 40 problems, n = 20 samples each, c correct (seeded synthetic data)."""
    rng = np.random.default_rng(2021)
    n = 20
    return n, rng.binomial(n, rng.beta(0.4, 1.5, size=40))


def example_coverage() -> tuple[np.ndarray, np.ndarray]:
    """Question inf-coverage-fit: coverage at k = 1, 2, 4, ..., 4096 of 2,000 synthetic problems whose pass@1
    follows the Beta(0.3, 3) distribution COVERAGE_BETA (seeded)."""
    rng = np.random.default_rng(2024)
    k = 2 ** np.arange(13)
    return k, coverage(rng.beta(*COVERAGE_BETA, size=2000), k)


# --- expected answers ---------------------------------------------------------------------------------------
def samples_to_match(p_small: float = SMALL_ACCURACY, target: float = LARGE_ACCURACY) -> int:
    """Fewest samples k with coverage 1 − (1 − p_small)^k >= target (an oracle picks any correct sample)."""
    k = np.arange(1, 10_000)
    return int(k[np.argmax(np.asarray(coverage(p_small, k)) >= target)])


def _vs_training() -> tuple[int, float]:
    k = samples_to_match()
    ratio = sampling_flops(SMALL_PARAMS, TOKENS_PER_SAMPLE, k) / sampling_flops(LARGE_PARAMS, TOKENS_PER_SAMPLE, 1)
    return k, float(ratio)


def _benchmark_pass_at_5() -> float:
    n, c = example_counts()
    return mean_pass_at_k(n, c, 5)


def _coverage_fit() -> tuple[float, float]:
    law = fit_coverage_law(*example_coverage())
    return law.a, law.b


def _verifier(n: int | None = None) -> tuple[float, float]:
    v = VERIFIER_QUESTION
    n = v["n"] if n is None else n
    return (best_of_n_accuracy(n, v["accuracy"], v["true_positive_rate"], v["false_positive_rate"]),
            best_of_n_limit(v["accuracy"], v["true_positive_rate"], v["false_positive_rate"]))


def _verifier_no_fallback() -> tuple[float, float]:
    """The accuracy without the fallback term (no sample accepted: a random sample is returned), and the limit."""
    v = VERIFIER_QUESTION
    a, b = v["accuracy"] * v["true_positive_rate"], (1 - v["accuracy"]) * v["false_positive_rate"]
    return (1 - (1 - a - b) ** v["n"]) * a / (a + b), _verifier()[1]


def _verifier_explain() -> str:
    v = VERIFIER_QUESTION
    accuracy, limit = _verifier()
    return (f"Accuracy rises from {v['accuracy']} at N = 1 to {accuracy:.3f} at N = {v['n']} and plateaus at the "
            f"verifier's precision {limit:.3f}: more samples cannot beat the verifier's mistakes.")


def _coverage_variant(target: str) -> tuple[float, float]:
    """Look-alike fits of example_coverage(): 'log10' mixes bases, 'failure' fits log(1 − c) as a power law."""
    k, cov = example_coverage()
    if target == "log10":
        b, intercept = np.polyfit(np.log10(k), np.log10(-np.log(cov)), 1)
        return -math.exp(intercept), b
    b, intercept = np.polyfit(np.log(k), np.log(1 - cov), 1)
    return -math.exp(intercept), b


def _tie_case(win: float) -> float:
    """Majority of 3 at p = 0.5 with two equally likely wrong answers, a three-way tie won with probability win."""
    return 0.5 + 3 * 0.5 * 0.25 * 0.5 * win


def _limit_letter() -> str:
    limit = majority_vote_limit(0.3, EXAMPLE_WRONG_ANSWERS)
    return {1.0: "a", 0.0: "b"}[limit]


# --- likely wrong answers -------------------------------------------------------------------------------------
def _biased(n, c, k):
    """The plug-in estimate 1 − (1 − c/n)^k: biased (it treats c/n as the true pass@1)."""
    return 1.0 - (1.0 - c / n) ** k


def _failure(n, c, k):
    """C(n−c, k)/C(n, k), the probability that k samples are all wrong (forgot the 1 − ...)."""
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    if n - c < k:
        return 0.0
    return math.exp(special.gammaln(n - c + 1) - special.gammaln(n - c - k + 1) - special.gammaln(n + 1)
                    + special.gammaln(n - k + 1))


def _passk_cases() -> list[tuple]:
    return [(10, 3, 1), (10, 3, 5), (10, 0, 4), (10, 10, 3), (10, 8, 3), (200, 13, 100), (5000, 5, 1000),
            (5, 2, 7), (4, 0, 6)]


register(
    Question(
        "inf-vs-training", "number", _vs_training, rtol=0.01,
        prompt="Samples k the 8B model needs for coverage >= 0.6, and the FLOP of k 8B samples / one 70B sample.",
        hints=(
            Hint(lambda: (3.0, 3 * SMALL_PARAMS / LARGE_PARAMS),
                 "0.6 / 0.2 = 3 assumes every sample solves new ground; samples overlap, so coverage is 1 − (1 − p)^k."),
            Hint(lambda: (float(samples_to_match()), SMALL_PARAMS / LARGE_PARAMS),
                 "The ratio compares one 8B sample with one 70B sample; the strategy draws k samples."),
            Hint(lambda: (float(samples_to_match() - 1), (samples_to_match() - 1) * SMALL_PARAMS / LARGE_PARAMS),
                 "k must be a whole number of samples whose coverage reaches at least 0.6; round up, not down."),
            Hint(lambda: (float(samples_to_match()), LARGE_PARAMS / (samples_to_match() * SMALL_PARAMS)),
                 "That ratio is upside down: divide the FLOP of the k 8B samples by that of one 70B sample."),
        ),
        lookalikes=(
            LookAlike(lambda: (math.log(1 - LARGE_ACCURACY) / math.log(1 - SMALL_ACCURACY),
                               math.log(1 - LARGE_ACCURACY) / math.log(1 - SMALL_ACCURACY) * SMALL_PARAMS / LARGE_PARAMS),
                      "k not rounded up to a whole number"),
        ),
        ladder=(
            "Two parts: how many 20% samples it takes to reach 60% success when any correct sample counts, then what "
            "k samples of the 8B model cost against one sample of the 70B model.",
            "k samples succeed with probability 1 − (1 − 0.2)^k: find the smallest whole k reaching 0.6. A sample "
            "costs 2·N·T FLOP (sl.sampling_flops), so the ratio is k·N_8B / N_70B.",
            "k = next(k for k in range(1, 100) if sl.coverage(q.SMALL_ACCURACY, k) >= q.LARGE_ACCURACY); "
            "(k, sl.sampling_flops(8e9, 1000, k) / sl.sampling_flops(70e9, 1000, 1))",
        ),
        hint="Find the smallest whole k with 1 − 0.8^k >= 0.6, then compare 2·N·T·k with 2·N_large·T.",
        explain="Per question, k small samples cost less than one large sample here, but this cost recurs on every "
                "question, while training compute is paid once; and coverage assumes a perfect verifier.",
    ),
    Question(
        "inf-implement-passk", "function", pass_at_k, cases=_passk_cases, rtol=1e-6, atol=1e-9,
        prompt="Implement pass_at_k(n, c, k), the unbiased estimator; raise ValueError when k > n.",
        hints=(
            Hint(_biased, "You used the plug-in estimate 1 − (1 − c/n)^k. It is biased: it treats the sample "
                          "frequency c/n as the true pass@1. Use 1 − C(n−c, k)/C(n, k)."),
            Hint(_failure, "C(n−c, k)/C(n, k) is the probability that k samples are all wrong; pass@k is 1 minus it."),
            Hint(lambda n, c, k: c / n, "c/n is pass@1; pass@k asks whether any of k samples is correct."),
        ),
        lookalikes=(
            LookAlike(lambda n, c, k: 1.0 if n - c < k else 1.0 - float(np.prod(1.0 - k / np.arange(n - c, n))),
                      "the product over i = n−c, ..., n−1 (off by one)"),
            LookAlike(lambda n, c, k: 1.0 if n - c < k else 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1))),
                      "Chen et al.'s numpy code without the ValueError for k > n"),
        ),
        ladder=(
            "pass@k is the chance that at least one of k samples, drawn without replacement from your n, is correct.",
            "1 − C(n−c, k)/C(n, k), exactly 1 when n − c < k; write it as a product to avoid huge binomials, and "
            "raise ValueError when k > n (no unbiased estimate exists).",
            "if k > n: raise ValueError(...); if n - c < k: return 1.0; "
            "return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))",
        ),
        hint="Compute 1 − ∏_{i=n−c+1}^{n} (1 − k/i) (exactly 1 when n − c < k). Binomials such as C(5000, 1000) "
             "overflow floats (inf/inf = nan): use the product, or Python's exact integers (math.comb). "
             "For k > n there is no unbiased estimate: raise ValueError.",
        explain="The product form never builds a huge binomial coefficient, and k > n is rejected instead of "
                "silently returning 1.",
    ),
    Question(
        "inf-benchmark", "number", _benchmark_pass_at_5, rtol=0.002,
        prompt="Mean pass@5 over the 40 problems of example_counts() (n = 20 samples each).",
        hints=(
            Hint(lambda: float(np.mean(_biased(*example_counts(), 5))),
                 "That is the mean of the biased plug-in 1 − (1 − c/n)^5; use the unbiased estimator per problem."),
            Hint(lambda: float(np.mean(example_counts()[1] / example_counts()[0])),
                 "That is pass@1 (the mean of c/n), not pass@5."),
            Hint(lambda: float(np.mean(example_counts()[1] > 0)),
                 "That is the fraction of problems with any correct sample: pass@20, not pass@5."),
            Hint(lambda: float(_biased(example_counts()[0], np.mean(example_counts()[1]), 5)),
                 "You pooled the problems into one pass@1 first; pass@k is not linear in pass@1, so estimate "
                 "pass@5 per problem, then average."),
        ),
        lookalikes=(
            LookAlike(lambda: mean_pass_at_k(*example_counts(), 4), "pass@4"),
            LookAlike(lambda: mean_pass_at_k(*example_counts(), 10), "pass@10"),
            LookAlike(lambda: float(np.median([pass_at_k(example_counts()[0], int(c), 5) for c in example_counts()[1]])),
                      "the median over problems"),
        ),
        ladder=(
            "Estimate pass@5 for each problem from its own n and c, then average over the problems.",
            "Per problem use the unbiased estimator 1 − C(n−c, 5)/C(n, 5) (sl.pass_at_k), then take the mean.",
            "n, c = q.example_counts(); sl.mean_pass_at_k(n, c, 5)",
        ),
        hint="Apply the unbiased estimator to each problem's c and average (sl.mean_pass_at_k does both).",
    ),
    Question(
        "inf-coverage-fit", "number", _coverage_fit, rtol=0.01,
        prompt=("Fit log c = a·k^b (Brown et al.'s coverage law; these a, b are its own constants) to "
                "example_coverage(), whose problems have pass@1 drawn from Beta(0.3, 3); give (a, b)."),
        hints=(
            Hint(lambda: (-_coverage_fit()[0], _coverage_fit()[1]), "a must be negative: log c < 0 because c < 1."),
            Hint(lambda: (math.log(-_coverage_fit()[0]), _coverage_fit()[1]),
                 "That first number is the intercept log|a| of the line; a = −exp(intercept)."),
            Hint(lambda: (_coverage_fit()[1], _coverage_fit()[0]), "You swapped them: the answer is (a, b)."),
            Hint(lambda: (_coverage_fit()[0], -COVERAGE_BETA[0]),
                 "−0.3 is −alpha of the Beta distribution, the large-k slope of 1 − c; the question asks for the fit."),
            Hint(lambda: _coverage_variant("log10"), "You mixed bases: with log10 throughout, a = −10^intercept, not "
                                                     "−exp(intercept). Use natural logs for both."),
        ),
        lookalikes=(LookAlike(lambda: _coverage_variant("failure"), "a power law fitted to 1 − c instead of −log c"),),
        ladder=(
            "log c = a·k^b turns into a straight line after a second logarithm: −log c = |a|·k^b is a power law in k.",
            "Fit a line to log(−log c) against log k: its slope is b, its intercept log(−a), so a = −exp(intercept).",
            "b, intercept = np.polyfit(np.log(k), np.log(-np.log(cov)), 1); (-np.exp(intercept), b)",
        ),
        hint="Take logs twice: log(−log c) = log(−a) + b·log k is a straight line in log k.",
        explain="Compare b with −alpha of the Beta(alpha, beta) that generated the data: 1 − c falls as k^−alpha only "
                "at large k (Schaeffer et al. 2025), so a fit over a finite range of k is steeper.",
    ),
    Question(
        "inf-majority-ties", "number", lambda: majority_vote_accuracy(3, 0.5, (1.0, 1.0)), rtol=0.002,
        prompt="Majority vote of k = 3 samples, p = 0.5, two equally likely wrong answers, ties broken at random.",
        hints=(
            Hint(0.5, "Count the tie: one correct sample and two different wrong ones is a three-way tie, "
                      "which the random tie-break wins with probability 1/3."),
            Hint(0.6875, "A three-way tie is won only 1 time in 3, not always."),
            Hint(0.875, "1 − 0.5^3 is pass@3 (any correct sample); majority voting needs the most votes."),
            Hint(0.5 + 0.375 / 3, "The three-way tie needs the two wrong samples to differ: probability 1/2."),
            Hint(lambda: _tie_case(0.5), "A three-way tie has three answers at the top: the tie-break picks the "
                                         "correct one 1 time in 3, not 1 in 2."),
        ),
        lookalikes=(LookAlike(lambda: majority_vote_accuracy(3, 0.5, (1.0,)), "one wrong answer instead of two"),),
        ladder=(
            "List how three votes can fall: two or three correct wins outright; one correct and two different wrong "
            "answers is a three-way tie.",
            "P(2 or 3 correct) + P(exactly 1 correct) × P(the two wrong answers differ) × P(the tie-break picks the "
            "correct one).",
            "p = 0.5; p**3 + 3 * p**2 * (1 - p) + 3 * p * (1 - p)**2 * 0.5 / 3",
        ),
        hint="Add P(2 or 3 correct) and P(1 correct, two different wrong answers) × 1/3.",
        explain="0.5 + 3·0.5·0.25·(1/2)·(1/3) = 0.5625: the tie rule is part of the definition.",
    ),
    Question(
        "inf-majority-limit", "choice", _limit_letter,
        options={
            "a": "1: with enough samples the correct answer always appears, so the vote finds it",
            "b": "0: the commonest wrong answer is sampled more often than the correct one",
            "c": "0.3: majority voting cannot change the per-sample accuracy",
            "d": "1 − 0.7^k: it grows like pass@k",
        },
        prompt="p = 0.3 with EXAMPLE_WRONG_ANSWERS: what does majority-vote accuracy tend to as k → ∞?",
        hints=(
            Hint("a", "Appearing is not winning: that is pass@k (an oracle). The vote needs the correct answer to be modal."),
            Hint("c", "Voting does change accuracy: it goes to 1 or 0 depending on which answer is modal."),
            Hint("d", "1 − 0.7^k is pass@k, which needs an oracle to pick the correct sample."),
        ),
        ladder=(
            "As k grows, each answer's share of the votes settles at its probability per sample.",
            "Compare p = 0.3 with the commonest wrong answer's probability: 0.7 × its share of the wrong samples in "
            "sl.EXAMPLE_WRONG_ANSWERS.",
            "[sl.majority_vote_accuracy(n, 0.3, sl.EXAMPLE_WRONG_ANSWERS) for n in (11, 101, 1001)]",
        ),
        explain="The commonest wrong answer gets 0.7 × 0.5 = 0.35 of samples > 0.3, so by the law of large numbers "
                "it wins the vote: accuracy → 0.",
    ),
    Question(
        "inf-verifier", "number", _verifier, rtol=0.005,
        prompt=("Best-of-N accuracy at N = 4 and its N → ∞ limit: p = 0.3, verifier TPR 0.8, FPR 0.2 "
                "(VERIFIER_QUESTION's keys: accuracy, n, true_positive_rate, false_positive_rate)."),
        hints=(
            Hint(lambda: (coverage(VERIFIER_QUESTION["accuracy"], VERIFIER_QUESTION["n"]), 1.0),
                 "That is an oracle verifier (pass@N); this one makes mistakes."),
            Hint(lambda: (0.3, 0.3), "A verifier that accepts correct samples more often than wrong ones does help."),
            Hint(lambda: (_verifier()[0], 0.8), "The limit is the verifier's precision p·TPR/(p·TPR + (1−p)·FPR), not its TPR."),
            Hint(lambda: (_verifier()[1], _verifier()[1]), "That is the plateau twice: at N = 4 the accuracy is still "
                                                           "below it."),
            Hint(_verifier_no_fallback, "You left out the fallback: when no sample is accepted, best-of-N returns a "
                                        "random sample, which is right with probability p·(1 − TPR)/(1 − a − b)."),
            Hint(lambda: _verifier(16), "That is best-of-16; the question asks for N = 4 (VERIFIER_QUESTION['n'])."),
        ),
        lookalikes=(LookAlike(lambda: _verifier(VERIFIER_QUESTION["n"] + 1), "best-of-(N + 1)"),),
        ladder=(
            "Best-of-N returns an accepted sample if any is accepted, else a random one. More samples make 'none "
            "accepted' rarer, but an accepted sample is right only as often as the verifier's precision.",
            "With a = p·TPR, b = (1−p)·FPR: accuracy = [1 − (1−a−b)^N]·a/(a+b) + (1−a−b)^(N−1)·p·(1−TPR); the "
            "limit is the precision a/(a+b).",
            "v = q.VERIFIER_QUESTION; (sl.best_of_n_accuracy(v['n'], v['accuracy'], v['true_positive_rate'], "
            "v['false_positive_rate']), sl.best_of_n_limit(v['accuracy'], v['true_positive_rate'], "
            "v['false_positive_rate']))",
        ),
        hint="With a = p·TPR, b = (1−p)·FPR: accuracy = [1 − (1−a−b)^N]·a/(a+b) + (1−a−b)^(N−1)·p·(1−TPR).",
        explain=_verifier_explain,
    ),
)


# --- counting the whole bill: lifetime-matched samples and the train-to-test optimum ---------------------------
# (appended for issue 15; chapters/06_inference_scaling.ipynb, "Bigger model or more samples?" and
# "Where chapters 5 and 6 meet")
from scalinglaws.laws import HOFFMANN_2022, HOFFMANN_2022_UNROUNDED  # noqa: E402
from scalinglaws.sampling import lifetime_matched_samples  # noqa: E402
from scalinglaws.train_and_sample import ROBERTS_2026_BUDGETS, train_to_test_optimal  # noqa: E402

LIFETIME_QUESTION = dict(size_ratio=8, inference_ratio=2.0)
"""Question inf-lifetime-samples: a model 8× larger, and Snell et al.'s R = D_inference / D_pretrain = 2."""

TRAIN_TO_TEST_QUESTION = dict(training_budget=ROBERTS_2026_BUDGETS["training_table1"],
                              inference_budget=ROBERTS_2026_BUDGETS["inference_per_token_table1"])
"""Question inf-train-to-test: Roberts et al. 2026's Table 1 budgets, C_train = 2.56e19 FLOP and C_inf = 2e9 FLOP
per token served."""


def _lifetime_samples() -> int:
    return int(lifetime_matched_samples(**LIFETIME_QUESTION))


def _t2t(hold: str = "nothing"):
    return train_to_test_optimal(HOFFMANN_2022_UNROUNDED, **TRAIN_TO_TEST_QUESTION, hold=hold)


def _t2t_answer() -> tuple[float, float]:
    plan = _t2t()
    return plan.tokens_per_param, plan.k


register(
    Question(
        "inf-lifetime-samples", "number", _lifetime_samples, rtol=1e-9,
        prompt="Whole samples per question the small model affords at the lifetime FLOP of a model 8× larger, "
               "R = 2.",
        hints=(
            Hint(8.0, "8 samples match one sample of the larger model per question only; its training bill, 8× "
                      "the small model's, must be matched too (Snell et al. §7 count total FLOPs)."),
            Hint(20.0, "(6·8 + 2·8·2)/(2·2) = 20 gives the small model the larger model's whole bill for samples; "
                       "the small model must still pay its own training, 6·N·D."),
            Hint(18.5, "k is a whole number of samples that fits in the budget: take the floor."),
            Hint(29.0, "8 + 3·7 = 29 forgets to divide the spare training bill by R: serving one sample of "
                       "every question costs 2·N·R·D."),
        ),
        lookalikes=(LookAlike(10.0, "k = r + (r − 1)/R: the training bill counted at 2·N·D instead of 6·N·D"),),
        ladder=(
            "Both models are trained once and then serve every question: match their whole bills, training plus "
            "serving, not one question's cost.",
            "Training costs 6·N·D and serving 2·N·R·D per sample per question; set 6·rN·D + 2·rN·R·D = "
            "6·N·D + 2·N·k·R·D, solve for k, and keep the whole samples that fit.",
            "sl.lifetime_matched_samples(lq['size_ratio'], lq['inference_ratio'])",
        ),
        explain="k = r + 3(r − 1)/R = 8 + 21/2 = 18.5 → 18. At R → ∞ it falls to r = 8, the per-question "
                "match; the lower the inference load, the more samples the larger model's training buys.",
    ),
    Question(
        "inf-train-to-test", "number", _t2t_answer, rtol=0.01,
        prompt="Tokens per parameter D/N and samples per question k of the train-to-test optimum (Approach 1) "
               "for TRAIN_TO_TEST_QUESTION's budgets (Hoffmann's unrounded law, the example k term).",
        hints=(
            Hint(lambda: (_t2t("compute_optimal_training").tokens_per_param, _t2t("compute_optimal_training").k),
                 "That is Chinchilla's model for the training budget, given k = C_inf/(2N) samples (the "
                 "paper's inference-corrected Chinchilla); choose N with the k term in the loss."),
            Hint(lambda: (_t2t("one_sample").tokens_per_param, 1.0),
                 "That is single-pass Chinchilla (k = 1); the inference budget pays for k = C_inf/(2N) samples."),
            Hint(lambda: (_t2t().k, _t2t().tokens_per_param), "You swapped them: the answer is (D/N, k)."),
            Hint(lambda: (_t2t().N, _t2t().k), "That is (N, k): the question asks for tokens per parameter "
                                               "D/N, the plan's tokens_per_param, not the parameters N."),
        ),
        lookalikes=(LookAlike(lambda: (train_to_test_optimal(HOFFMANN_2022, **TRAIN_TO_TEST_QUESTION).tokens_per_param,
                                       train_to_test_optimal(HOFFMANN_2022, **TRAIN_TO_TEST_QUESTION).k),
                              "Hoffmann's rounded law instead of the unrounded one"),),
        ladder=(
            "The two budgets tie D and k to N: once N is chosen, D = C_train/(6N) and k = C_inf/(2N) follow, so "
            "only N is free.",
            "Minimise E + A/N^α + B/D^β + G/k^γ over N with those two substitutions (Hoffmann's unrounded law, the "
            "example k term), then read D/N and k at the minimum.",
            "plan = sl.train_to_test_optimal(sl.HOFFMANN_2022_UNROUNDED, **tq); (plan.tokens_per_param, plan.k)",
        ),
        explain="The optimum is a smaller model than Chinchilla's for this training budget: the same C_train "
                "trains it on several times Chinchilla's tokens per parameter, and the same C_inf buys it more "
                "samples per question.",
    ),
    Question(
        "inf-train-to-test-why", "choice", lambda: "a",
        options={
            "a": "every sample costs 2·N FLOP per token, so a smaller model affords more samples from the same "
                 "inference budget, and the same training budget trains it on more tokens",
            "b": "over-trained models have a lower irreducible loss E",
            "c": "6·N·D charges a parameter more than a training token, so tokens are the cheaper way to "
                 "lower the loss",
            "d": "many samples only help a model trained on more data, because its samples are more diverse",
        },
        prompt="Why does the train-to-test optimum over-train (D/N above Chinchilla's ratio)?",
        hints=(
            Hint("b", "E is the same constant for every N and D: it cannot make one allocation better."),
            Hint("c", "6·N·D is symmetric in N and D for training; the asymmetry is at serving, where only N "
                      "is paid again on every sample."),
            Hint("d", "Nothing in L(N, D, k) links the k term to D; the link is through the budgets: a "
                      "smaller N makes every sample cheaper and every training token too."),
        ),
        ladder=(
            "Ask what a smaller N does to each budget.",
            "With D = C_train/(6N) and k = C_inf/(2N), shrinking N raises both D and k: which terms of the loss fall, "
            "and which one rises?",
            "[sl.train_to_test_optimal(sl.HOFFMANN_2022_UNROUNDED, **tq, hold=h).tokens_per_param "
            "for h in ('nothing', 'one_sample')]",
        ),
        explain="With k = C_inf/(2N) and D = C_train/(6N), shrinking N raises both k and D: the loss lost in the "
                "A/N^α term is bought back in the G/k^γ and B/D^β terms, so the optimum sits at a smaller N and "
                "a larger D/N than Chinchilla's (Roberts et al. 2026, §3.3).",
    ),
)
