"""Practice questions for chapters/07_limits.ipynb (solutions/07_limits.ipynb): ids start with ``lim-``."""
from __future__ import annotations

import math

import numpy as np

from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.compute import format_count, format_flop
from scalinglaws.data_constrained import R_D_STAR, effective_data, effective_data_ceiling, repetition_value
from scalinglaws.emergence import emergence_scale, exact_match, expected_token_edit_distance, per_token_accuracy
from scalinglaws.laws import HOFFMANN_2022
from scalinglaws.mixture_of_experts import MIXTRAL_8X7B

TOKEN_LOSS = 0.3
"""lim-token-acc: a loss of 0.3 nats/token on the answer tokens."""
ANSWER_LOSS, ANSWER_LENGTH = 0.05, 30
"""lim-exact-match: 0.05 nats/token on each token of a 30-token answer."""
THRESHOLD_LENGTH = 20
"""lim-threshold: answers of 20 tokens."""
UNIQUE_TOKENS, EPOCHS = 100e9, 4
"""lim-effective-data: 100B unique tokens seen for 4 epochs."""
GENERATED_TOKENS = 1000
"""lim-moe-flops: Mixtral 8x7B generating 1,000 tokens."""


def _effective_cases() -> list[tuple]:
    return [(UNIQUE_TOKENS, 1.0), (UNIQUE_TOKENS, 2.5), (3e9, 16.0), (np.array([1e9, 1e10]), np.array([4.0, 40.0]))]


def _reference_effective(unique, epochs):
    return effective_data(unique, epochs)


register(
    Question(
        "lim-token-acc", "number", lambda: float(per_token_accuracy(TOKEN_LOSS)), rtol=0.005,
        prompt="Per-token accuracy exp(−L) for an answer-token loss of 0.3 nats/token.",
        hints=(
            Hint(lambda: 1 - TOKEN_LOSS, "1 − L is only the first-order approximation of exp(−L); compute exp(−L)."),
            Hint(lambda: math.exp(TOKEN_LOSS), "A probability cannot exceed 1: the exponent is −L."),
            Hint(lambda: 10 ** -TOKEN_LOSS, "The loss is in nats (natural logarithms): use e, not 10."),
            Hint(lambda: 2 ** -TOKEN_LOSS, "The loss is in nats, not bits: use e, not 2."),
        ),
        lookalikes=(LookAlike(lambda: -math.expm1(-TOKEN_LOSS), "the chance of a wrong token, 1 − exp(−L)"),),
        ladder=(
            "Cross-entropy is the negative logarithm of the probability the model gives the right token.",
            "L = −ln p in nats, so p = exp(−L).",
            "np.exp(-0.3)",
        ),
        hint="The cross-entropy is −ln p, so p = exp(−L).",
        explain="A cross-entropy of L nats/token means the right token gets probability exp(−L) (a geometric mean over tokens).",
    ),
    Question(
        "lim-exact-match", "number", lambda: float(exact_match(ANSWER_LOSS, ANSWER_LENGTH)), rtol=0.01,
        prompt="Exact-match probability of a 30-token answer at 0.05 nats/token per token.",
        hints=(
            Hint(lambda: float(per_token_accuracy(ANSWER_LOSS)), "That is the chance of getting one token right; all 30 must be."),
            Hint(lambda: (1 - ANSWER_LOSS) ** ANSWER_LENGTH, "You used p ≈ 1 − L; use p = exp(−L), then p^30."),
            Hint(lambda: float(expected_token_edit_distance(ANSWER_LOSS, ANSWER_LENGTH)),
                 "That is the expected number of wrong tokens (the edit distance), not the chance that none is wrong."),
            Hint(lambda: float(per_token_accuracy(ANSWER_LOSS)) / ANSWER_LENGTH, "Independent events multiply: p^30, not p/30."),
        ),
        lookalikes=(LookAlike(lambda: 1 - float(exact_match(ANSWER_LOSS, ANSWER_LENGTH)),
                              "the chance of at least one wrong token"),),
        ladder=(
            "Every one of the 30 tokens must be right.",
            "Each token is right with p = exp(−L), independently: p^30 = exp(−30·L).",
            "np.exp(-30 * 0.05)",
        ),
        hint="All 30 tokens must be right, independently: p^30 with p = exp(−L).",
        explain=(f"p^30 = exp(−30 × 0.05) = {exact_match(ANSWER_LOSS, ANSWER_LENGTH):.3f}: tokens right "
                 f"{per_token_accuracy(ANSWER_LOSS):.0%} of the time give few exactly right answers."),
    ),
    Question(
        "lim-threshold", "number", lambda: emergence_scale(THRESHOLD_LENGTH, 0.5), rtol=0.02, unit="parameters",
        prompt="Toy model: N at which 20-token answers reach 50% exact match.",
        hints=(
            Hint(lambda: emergence_scale(1, 0.5), "That is the scale for one-token answers: the length multiplies the loss."),
            Hint(lambda: (THRESHOLD_LENGTH * HOFFMANN_2022.A / math.log10(2)) ** (1 / HOFFMANN_2022.alpha),
                 "Exact match is exp(−length · loss): solve with the natural logarithm, ln 2, not log10 2."),
            Hint(lambda: emergence_scale(THRESHOLD_LENGTH, 0.5) * (math.log(2) / 0.5) ** (1 / HOFFMANN_2022.alpha),
                 "exp(−x) = 0.5 means x = ln 2 ≈ 0.693, not 0.5."),
        ),
        lookalikes=(LookAlike(lambda: emergence_scale(THRESHOLD_LENGTH // 2, 0.5), "10-token answers"),),
        ladder=(
            "Exact match exp(−length · loss) reaches 50% when length · loss = ln 2: find the N whose answer-token "
            "loss gives that.",
            "The toy model's answer-token loss is A·N^(−α) (sl.HOFFMANN_2022's A and α): solve 20·A·N^(−α) = ln 2 "
            "for N.",
            "law = sl.HOFFMANN_2022; (20 * law.A / np.log(2)) ** (1 / law.alpha)",
        ),
        hint="Solve length · A · N^(−α) = ln 2 for N, with A and α from sl.HOFFMANN_2022.",
        explain=(f"N = (20 · A / ln 2)^(1/α): the answer-token loss must be 20× lower than for one token, which takes "
                 f"20^(1/α) ≈ {THRESHOLD_LENGTH ** (1 / HOFFMANN_2022.alpha):,.0f}× the parameters."),
    ),
    Question(
        "lim-effective-data", "number", lambda: float(effective_data(UNIQUE_TOKENS, EPOCHS)), rtol=0.01, unit="tokens",
        prompt="Effective data of 100B unique tokens repeated for 4 epochs (Muennighoff et al. 2023).",
        hints=(
            Hint(lambda: UNIQUE_TOKENS * EPOCHS, "That is what 400B fresh tokens would be worth; repeated tokens are worth less."),
            Hint(lambda: float(UNIQUE_TOKENS * (1 + R_D_STAR * -math.expm1(-EPOCHS / R_D_STAR))),
                 "R_D counts repetitions, epochs − 1 = 3: the first epoch is not a repetition."),
            Hint(lambda: float(effective_data(UNIQUE_TOKENS, EPOCHS) - UNIQUE_TOKENS),
                 "You left out the first term U_D: the unique data itself counts in full."),
            Hint(lambda: float(effective_data_ceiling(UNIQUE_TOKENS)), "That is the ceiling for infinitely many epochs."),
        ),
        lookalikes=(LookAlike(lambda: float(effective_data(UNIQUE_TOKENS, EPOCHS - 1)), "3 epochs instead of 4"),),
        ladder=(
            "Repeated tokens are worth less than fresh ones, and each further repetition is worth less again.",
            "D' = U_D + U_D·R_D*·(1 − exp(−R_D/R_D*)) with R_D = epochs − 1 repetitions and R_D* = sl.R_D_STAR.",
            "sl.effective_data(100e9, 4)",
        ),
        hint="D' = U_D + U_D · R_D* · (1 − exp(−R_D/R_D*)) with R_D = epochs − 1 and R_D* = sl.R_D_STAR.",
        explain=(f"≈{format_count(effective_data(UNIQUE_TOKENS, EPOCHS))} tokens: {EPOCHS} epochs are worth "
                 f"{repetition_value(EPOCHS):.0%} of as many fresh tokens."),
    ),
    Question(
        "lim-implement-effective", "function", _reference_effective, cases=_effective_cases, rtol=1e-6,
        reference=("scalinglaws.data_constrained:effective_data",),
        prompt="Implement effective_tokens(unique, epochs) -> D' (tokens).",
        hints=(
            Hint(lambda u, e: u * (1 + R_D_STAR * -np.expm1(-e / R_D_STAR)),
                 "R_D counts repetitions: use epochs − 1, so that one epoch is worth exactly the unique tokens."),
            Hint(lambda u, e: u * e, "That treats repeated tokens as fresh: their value decays with each repetition."),
            Hint(lambda u, e: u * R_D_STAR * -np.expm1(-(e - 1) / R_D_STAR), "Add the unique data itself, U_D."),
        ),
        lookalikes=(LookAlike(lambda u, e: effective_data(u, e + 1), "one epoch too many"),),
        ladder=(
            "The unique data counts in full; each repetition adds less than the one before, up to a ceiling.",
            "D' = U_D + U_D·R_D*·(1 − exp(−R_D/R_D*)) with R_D = epochs − 1 and R_D* = sl.R_D_STAR.",
            "return unique + unique * sl.R_D_STAR * -np.expm1(-(epochs - 1) / sl.R_D_STAR)",
        ),
        hint="D' = U_D + U_D · R_D* · (1 − exp(−(epochs − 1)/R_D*)); use numpy so arrays work.",
    ),
    Question(
        "lim-moe-flops", "number", lambda: float(MIXTRAL_8X7B.inference_flops(GENERATED_TOKENS)), rtol=0.02, unit="FLOP",
        prompt="Forward-pass FLOP for Mixtral 8x7B to generate 1,000 tokens.",
        hints=(
            Hint(lambda: 2 * MIXTRAL_8X7B.total * GENERATED_TOKENS,
                 "That counts all 47B parameters; a token passes only through the 13B active ones."),
            Hint(lambda: 6 * MIXTRAL_8X7B.active * GENERATED_TOKENS, "6N is the training cost per token; generating is a forward pass, 2N."),
            Hint(lambda: 6 * MIXTRAL_8X7B.total * GENERATED_TOKENS, "Use the active parameters and the forward-pass cost 2N per token."),
            Hint(lambda: float(MIXTRAL_8X7B.inference_flops(1)),
                 "That is the cost of one generated token; the question asks for all 1,000 of them."),
        ),
        lookalikes=(LookAlike(lambda: float(MIXTRAL_8X7B.active * GENERATED_TOKENS),
                              "one FLOP per active parameter per token instead of two"),),
        ladder=(
            "A token passes only through the experts the router picks: count the parameters it actually uses.",
            "A forward pass costs 2 FLOP per active parameter per generated token: 2 · N_active · 1,000.",
            "sl.MIXTRAL_8X7B.inference_flops(1000)",
        ),
        hint="2 FLOP per active parameter per generated token.",
        explain=(f"2 × {format_count(MIXTRAL_8X7B.active)} × {GENERATED_TOKENS:,} = "
                 f"{format_flop(MIXTRAL_8X7B.inference_flops(GENERATED_TOKENS))}: the compute of a dense "
                 f"{format_count(MIXTRAL_8X7B.active)} model, with the memory of a {format_count(MIXTRAL_8X7B.total)} one."),
    ),
    Question(
        "lim-metric", "choice", lambda: "c",
        options={
            "a": "exact string match",
            "b": "multiple-choice grade (right or wrong)",
            "c": "token edit distance to the right answer",
            "d": "pass/fail on the whole answer",
        },
        prompt="Which metric would show the toy model improving smoothly with scale?",
        hints=(
            Hint("a", "Exact match is all-or-nothing: p^length stays near 0, then rises, though p improves steadily."),
            Hint("b", "A right-or-wrong grade is discontinuous: it hides how close a wrong answer was."),
            Hint("d", "Pass/fail is all-or-nothing, like exact match."),
        ),
        ladder=(
            "Look for a metric that gives partial credit, so that each better token shows.",
            "All-or-nothing metrics stay near 0 until every token is right; a per-token count falls as p rises.",
            "L = np.geomspace(1, 0.01, 5); sl.exact_match(L, 20), sl.expected_token_edit_distance(L, 20)",
        ),
        hint="Look for a metric that gives partial credit per token.",
        explain="Edit distance counts wrong tokens, length · (1 − p): it falls smoothly, like the loss.",
    ),
    Question(
        "lim-plateau", "choice", lambda: "b",
        options={
            "a": "the scaling law has broken down: returns are diminishing",
            "b": "nothing yet: compare the measured losses with the law's own prediction at those budgets",
            "c": "loss will stop improving within the next 10× of compute",
            "d": "benchmark scores will stop improving too",
        },
        prompt="Each 10× of compute buys a smaller loss drop than the last. What does that show?",
        hints=(
            Hint("a", "A power law predicts exactly this: each 10× removes the same fraction of the reducible loss, "
                      "so the absolute drops shrink. Only a departure from the law's prediction is evidence it broke."),
            Hint("c", "Shrinking steps are not a stop: the law predicts smaller but continuing gains."),
            Hint("d", "Benchmarks are other measurements (nonlinear in loss, and they saturate); loss alone cannot say."),
        ),
        ladder=(
            "Ask what the power law itself predicts for the size of successive drops.",
            "Each 10× removes the same fraction of the reducible loss, so the absolute drops shrink: compare "
            "measurements with the law's line, not with the previous drop.",
            "law = sl.HOFFMANN_2022; "
            "np.diff([law.loss_at_compute(c) for c in (1e22, 1e23, 1e24, 1e25)])",
        ),
        hint="What does the law itself predict for the size of successive drops?",
        explain="Shrinking absolute gains are built into a power law; a plateau claim needs measurements below the law's line.",
    ),
)
