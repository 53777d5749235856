"""Practice questions for chapters/02_kaplan.ipynb (solutions/02_kaplan.ipynb)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_INFER, FLOP_PER_PARAM_TOKEN_TRAIN, PF_DAY, flop_to_pf_days
from scalinglaws.laws import HOFFMANN_2022, KAPLAN_2020, KAPLAN_2020_C_MIN_AS_SPENT, Allocation
from scalinglaws.models import model

__all__ = ["gpt3_flop"]

K = KAPLAN_2020
"""The reading the questions use: C = 2·C_min, a budget spent at the critical batch size (Eq. 5.5)."""
LITERAL = KAPLAN_2020_C_MIN_AS_SPENT
"""The other reading, C_min = C: the usual slip of feeding the FLOP spent straight into N_e·C_min^0.73."""
GPT3 = model("GPT-3 175B")


def gpt3_flop() -> float:
    """GPT-3 175B's training compute as Brown et al. 2020 report it (Table D.1), in FLOP."""
    return float(GPT3.reported_flop)


# --- expected values and the wrong answers that reveal a misconception ----------------------
def _data_tenfold() -> float:
    return float(K.loss_tokens(1e11) / K.loss_tokens(1e10))


def _params_per_tenfold() -> float:
    return float(K.optimal_allocation(1e24).N / K.optimal_allocation(1e23).N)


def _kaplan_at_gpt3() -> Allocation:
    return K.optimal_allocation(gpt3_flop())


def _literal_at_gpt3() -> Allocation:
    return LITERAL.optimal_allocation(gpt3_flop())


def _n_without_pf_days(compute: float) -> float:
    """Kaplan's N_opt with C_min left in FLOP instead of PF-days (the usual slip)."""
    return K.N_e * K.c_min(compute)**K.p_N


def _joint_with(**constants):
    """Kaplan's joint law with some of its Table 2 constants swapped for other ones."""
    return replace(K, **constants).loss


def _sum_of_power_laws(N, D):
    """(N_c/N)^alpha_N + (D_c/D)^alpha_D: Chinchilla's additive form without E, not Kaplan's Eq. 1.5."""
    return (K.joint_N_c / np.asarray(N, float)) ** K.joint_alpha_N + (K.joint_D_c / np.asarray(D, float)) ** K.joint_alpha_D


def _inner_bracket(N, D):
    """Eq. 1.5 without its outer exponent alpha_D."""
    return (K.joint_N_c / np.asarray(N, float)) ** (K.joint_alpha_N / K.joint_alpha_D) + K.joint_D_c / np.asarray(D, float)


def _joint_cases() -> list[tuple]:
    return [(1e8, 1e9), (1e9, 1e11), (1.75e11, 3e11), (np.logspace(7, 11, 5), 1e10)]


def _allocation_cases() -> list[tuple]:
    return [(1e20,), (gpt3_flop(),), (1e26,)]


GOPHER_BUDGET = 5.76e23
"""Gopher's and Chinchilla's budget in FLOP (Hoffmann et al. 2022, Table 3): a look-alike budget."""


register(
    Question(
        "kaplan-data-tenfold", "number", _data_tenfold, rtol=0.002,
        prompt="Under Kaplan's L(D) = (D_c/D)^alpha_D (Eq. 1.2), by what factor does the loss change when D grows 10×?",
        hints=(
            Hint(lambda: 10 ** -K.joint_alpha_D, "0.103 is the α_D of the joint fit (Eq. 1.5, Table 2); L(D) alone (Eq. 1.2) has α_D = 0.095."),
            Hint(lambda: 10 ** -K.alpha_N, "0.076 is α_N, the exponent for parameters; data has its own exponent α_D."),
            Hint(lambda: 10 ** K.alpha_D, "That is the inverse: more data lowers the loss, so the factor is below 1."),
            Hint(lambda: 10 * K.alpha_D, "Multiplying α_D by 10 is not raising 10 to the power −α_D."),
            Hint(lambda: 1 - K.alpha_D, "1 − α_D is only a first-order guess; compute 10^(−α_D) exactly."),
        ),
        lookalikes=(
            LookAlike(lambda: 1 - 10 ** -K.alpha_D, "the fraction of the loss removed instead of the factor"),
            LookAlike(lambda: 2 ** -K.alpha_D, "doubling D instead of 10×"),
        ),
        ladder=(
            "L(D) is a power law: every 10× step in D multiplies the loss by the same factor, wherever you start.",
            "L(10D)/L(D) = (D/(10D))^α_D = 10^(−α_D), with the α_D of Eq. 1.2 (sl.KAPLAN_2020.alpha_D).",
            "sl.KAPLAN_2020.loss_tokens(1e11) / sl.KAPLAN_2020.loss_tokens(1e10)",
        ),
        hint="D_c cancels in the ratio L(10D)/L(D) = 10^(−α_D).",
        explain="10^(−0.095) ≈ 0.80: each 10× in data removes about a fifth of the loss, wherever you start.",
    ),
    Question(
        "kaplan-gpt3-pf-days", "number", lambda: float(flop_to_pf_days(gpt3_flop())), rtol=0.01, unit="PF-days",
        prompt="Convert GPT-3's 3.14e23 training FLOP (Brown et al. 2020, Table D.1) to petaflop/s-days.",
        hints=(
            Hint(lambda: gpt3_flop() / 1e15, "Dividing by 1e15 gives petaflop/s-seconds; a day has 86,400 seconds."),
            Hint(lambda: gpt3_flop() / (1e15 * 3600), "That is petaflop/s-hours; a PF-day is 24 of them."),
            Hint(lambda: gpt3_flop() / (1e12 * 86_400), "1e12 FLOP/s is a teraflop/s: that is TF-days. A petaflop/s is 1e15 FLOP/s."),
            Hint(lambda: gpt3_flop() / 86_400, "You divided by the seconds in a day only; divide by 1e15 FLOP/s too."),
            Hint(lambda: gpt3_flop() * PF_DAY, "Wrong direction: a PF-day is 8.64e19 FLOP, so divide by it."),
        ),
        lookalikes=(LookAlike(lambda: gpt3_flop() / (PF_DAY * 365), "petaflop/s-years"),),
        ladder=(
            "A PF-day is an amount of compute: one petaflop per second, sustained for a day.",
            "1 PF-day = 1e15 FLOP/s × 86,400 s = 8.64e19 FLOP; divide GPT-3's FLOP by it.",
            "sl.flop_to_pf_days(3.14e23)",
        ),
        hint="1 PF-day = 1e15 FLOP/s × 86,400 s = 8.64e19 FLOP.",
        explain="3.14e23 / 8.64e19 ≈ 3.6e3 PF-days, the figure Table D.1 prints next to the FLOP count.",
    ),
    Question(
        "kaplan-params-per-10x", "number", _params_per_tenfold, rtol=0.01,
        prompt="Under Kaplan's allocation N_opt ∝ C^0.73, by what factor does N_opt grow for 10× more compute?",
        hints=(
            Hint(lambda: 10**0.5, "3.16 = 10^0.5 is Chinchilla's answer (N ∝ C^0.5); Kaplan's exponent is 0.73."),
            Hint(lambda: 10 ** HOFFMANN_2022.a, "That is 10^a with a from Chinchilla's parametric fit; Kaplan's exponent is 0.73."),
            Hint(lambda: 10 ** (1 - K.p_N), "That is the factor for tokens, D ∝ C^0.27; the question asks about parameters."),
            Hint(lambda: 10 * K.p_N, "10 × 0.73 is not 10^0.73."),
            Hint(lambda: K.p_N, "0.73 is the exponent; the factor is 10 raised to it."),
            Hint(5.5, "5.5× is how the paper's text (and Hoffmann et al. quoting it) rounds it; compute 10^0.73 itself."),
        ),
        lookalikes=(
            LookAlike(lambda: 100 ** K.p_N, "100× compute instead of 10×"),
            LookAlike(lambda: 2 ** K.p_N, "2× compute instead of 10×"),
        ),
        ladder=(
            "N_opt ∝ C^0.73 is a power law: a 10× step in C multiplies N_opt by a fixed factor.",
            "The factor is 10^0.73: the prefactor 1.3e9 and the PF-day conversion cancel in the ratio.",
            "sl.KAPLAN_2020.optimal_allocation(1e24).N / sl.KAPLAN_2020.optimal_allocation(1e23).N",
        ),
        hint="N_opt(10C)/N_opt(C) = 10^0.73: the prefactor N_e cancels.",
        explain="10^0.73 ≈ 5.37× parameters, leaving 10/5.37 ≈ 1.86× tokens: Kaplan spends most of extra compute on size.",
    ),
    Question(
        "kaplan-gpt3-d-opt", "number", lambda: float(_kaplan_at_gpt3().D), rtol=0.02, unit="tokens",
        prompt="How many training tokens does Kaplan's allocation prescribe at GPT-3's budget of 3.14e23 FLOP, "
               "spent at the critical batch size (C = 2·C_min, Eq. 5.5)?",
        hints=(
            Hint(lambda: float(_literal_at_gpt3().D),
                 "That reads the 3.14e23 FLOP spent as C_min. N_opt = 1.3e9·(C_min/PF-day)^0.73 takes C_min, and "
                 "training at B_crit spends 2·C_min (Eq. 5.5): halve the budget for N_opt, then D = C/(6·N_opt)."),
            Hint(lambda: float(_kaplan_at_gpt3().N), "That is N_opt, the parameter count; the tokens are D = C/(6·N_opt)."),
            Hint(lambda: gpt3_flop() / _kaplan_at_gpt3().N, "D = C/N forgets the 6: training costs 6 FLOP per parameter per token."),
            Hint(lambda: GPT3.tokens,
                 "300B is what GPT-3 actually used (and also what C = 2ND would give, counting only the forward pass). "
                 "Kaplan's allocation is N_opt = 1.3e9·(C_min/PF-day)^0.73 with C_min = C/2, and D = C/(6·N_opt)."),
            Hint(lambda: gpt3_flop() / (FLOP_PER_PARAM_TOKEN_TRAIN * _n_without_pf_days(gpt3_flop())),
                 "N_opt = 1.3e9·C_min^0.73 takes C_min in PF-days: convert the FLOP first (1 PF-day = 8.64e19 FLOP)."),
            Hint(lambda: float(HOFFMANN_2022.optimal_allocation(gpt3_flop()).D), "That is Chinchilla's D_opt; the question asks for Kaplan's."),
        ),
        lookalikes=(
            LookAlike(lambda: float(K.optimal_allocation(GOPHER_BUDGET).D), "Kaplan's D at Gopher's 5.76e23 FLOP"),
            LookAlike(lambda: float(K.optimal_allocation(10 * gpt3_flop()).D), "Kaplan's D at 10× GPT-3's budget"),
        ),
        ladder=(
            "Kaplan's allocation fixes the model size for a budget; the tokens are what the budget leaves at 6 FLOP "
            "per parameter per token.",
            "N_opt = 1.3e9·(C_min/PF-day)^0.73 with C_min = C/2 in PF-days (8.64e19 FLOP each), then "
            "D = C/(6·N_opt).",
            "sl.KAPLAN_2020.optimal_allocation(3.14e23).D",
        ),
        hint="C_min = C/2; N_opt = 1.3e9·(C_min/PF-day)^0.73 parameters, then D = C/(6·N_opt).",
        explain="≈170B tokens for a ≈310B-parameter model: about half of GPT-3's tokens, on a model 1.8× larger "
                "(reading C_min = C instead gives ≈100B tokens on ≈520B parameters).",
    ),
    Question(
        "kaplan-gpt3-size-gap", "number", lambda: float(_kaplan_at_gpt3().N / GPT3.params), rtol=0.02,
        prompt="At GPT-3's 3.14e23 FLOP, spent at the critical batch size (C = 2·C_min, Eq. 5.5), how many times "
               "larger than GPT-3's 175B is Kaplan's N_opt?",
        hints=(
            Hint(lambda: float(_literal_at_gpt3().N / GPT3.params),
                 "That reads the FLOP spent as C_min. At the critical batch size a run spends 2·C_min (Eq. 5.5): "
                 "N_opt = 1.3e9·(C/2 / PF-day)^0.73."),
            Hint(lambda: float(GPT3.params / _kaplan_at_gpt3().N),
                 "That ratio is below 1: you divided GPT-3's size by Kaplan's (or compared tokens). Divide Kaplan's N_opt by 175B."),
            Hint(lambda: float(HOFFMANN_2022.optimal_allocation(gpt3_flop()).N / GPT3.params),
                 "You used Chinchilla's N_opt; the question asks about Kaplan's."),
            Hint(lambda: float(_n_without_pf_days(gpt3_flop()) / GPT3.params),
                 "N_opt = 1.3e9·C_min^0.73 takes C_min in PF-days, not FLOP."),
        ),
        lookalikes=(
            LookAlike(lambda: float(K.optimal_allocation(GOPHER_BUDGET).N / GPT3.params), "N_opt at 5.76e23 FLOP"),
            LookAlike(lambda: float(_kaplan_at_gpt3().D / GPT3.tokens), "the ratio of tokens instead of sizes"),
        ),
        ladder=(
            "Compute the size Kaplan's allocation prescribes at GPT-3's budget, then compare it with GPT-3's size.",
            "N_opt = 1.3e9·(C_min/PF-day)^0.73 with C_min = C/2 in PF-days (8.64e19 FLOP each); divide by 175e9.",
            "sl.KAPLAN_2020.optimal_allocation(3.14e23).N / 175e9",
        ),
        hint="Compute Kaplan's N_opt at C_min = 3.14e23/2 FLOP, then divide by GPT-3's 175e9 parameters.",
        explain="About 1.8× (about 3× if the budget is read as C_min): GPT-3 followed Kaplan's direction "
                "(a big model, few tokens per parameter) but not its exact point.",
    ),
    Question(
        "kaplan-joint-floor", "choice", lambda: "c",
        prompt="Does Kaplan et al.'s joint law L(N, D) (Eq. 1.5) have an irreducible-loss term?",
        options={
            "a": "Yes: L∞, a human-level performance floor.",
            "b": "Yes: E ≈ 1.69 nats/token, the entropy of natural text.",
            "c": "No: it falls towards 0 as N and D grow. A floor E appears in Chinchilla's law, as the loss its fitted form extrapolates to.",
            "d": "No, but Kaplan's single-variable L(N) (Eq. 1.1) has one.",
        },
        hints=(
            Hint("a", "Eq. 1.5 is [(N_c/N)^(α_N/α_D) + D_c/D]^α_D: no constant is added. And no scaling-law floor measures human performance."),
            Hint("b", "E = 1.69 is Chinchilla's fitted floor (Hoffmann et al. 2022), on MassiveText with its tokenizer; Kaplan's law has none."),
            Hint("d", "L(N) = (N_c/N)^α_N tends to 0 as N grows: no floor there either."),
        ),
        ladder=(
            "Look for a constant term in Eq. 1.5 that survives when N and D grow without bound.",
            "Eq. 1.5 is L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D: let N and D go to infinity inside the bracket.",
            "sl.KAPLAN_2020.loss(1e30, 1e30), sl.HOFFMANN_2022.loss(1e30, 1e30)",
        ),
        hint="Let N and D go to infinity in Eq. 1.5 and see what is left.",
        explain="Kaplan's laws are pure power laws; E is Chinchilla's, and its value depends on the fit (1.69 published, 1.82 in Epoch's refit).",
    ),
    Question(
        "kaplan-implement-joint", "function", K.loss, cases=_joint_cases, rtol=1e-4,
        prompt="Implement Kaplan's joint law L(N, D) (Eq. 1.5) with its Table 2 constants; check against the package.",
        hints=(
            Hint(_joint_with(joint_alpha_D=K.alpha_D),
                 "You used α_D = 0.095 from Eq. 1.2. The joint law has its own fit (Table 2): α_D = 0.103."),
            Hint(_joint_with(joint_alpha_D=K.alpha_D, joint_D_c=K.D_c, joint_N_c=K.N_c),
                 "You used the single-variable constants (Eqs. 1.1–1.2: α_D 0.095, N_c 8.8e13, D_c 5.4e13); "
                 "Eq. 1.5's own fit is α_D 0.103, N_c 6.4e13, D_c 1.8e13."),
            Hint(_joint_with(joint_D_c=K.D_c, joint_N_c=K.N_c),
                 "N_c and D_c come from the joint fit too (Table 2: 6.4e13 and 1.8e13), not from Eqs. 1.1–1.2."),
            Hint(_sum_of_power_laws, "That is a sum of two power laws (Chinchilla's shape without E). "
                 "Kaplan's form raises (N_c/N)^(α_N/α_D) + D_c/D to the power α_D."),
            Hint(_inner_bracket, "You forgot the outer exponent α_D on the bracket."),
        ),
        lookalikes=(
            LookAlike(lambda N, D: K.loss(D, N), "N and D swapped"),
            LookAlike(lambda N, D: ((K.joint_N_c / np.asarray(N, float)) ** (K.joint_alpha_D / K.joint_alpha_N)
                                    + K.joint_D_c / np.asarray(D, float)) ** K.joint_alpha_D,
                      "the inner exponent inverted, α_D/α_N"),
        ),
        ladder=(
            "Eq. 1.5 puts the N and D terms inside one bracket raised to a power, with constants from its own "
            "joint fit.",
            "L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D with Table 2's joint constants: α_N 0.076, α_D 0.103, N_c 6.4e13, "
            "D_c 1.8e13.",
            "return ((6.4e13 / N) ** (0.076 / 0.103) + 1.8e13 / D) ** 0.103",
        ),
        hint="L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D with α_N 0.076, α_D 0.103, N_c 6.4e13, D_c 1.8e13.",
        explain="Eq. 1.5 with the joint fit's own constants, which are not those of Eqs. 1.1–1.2.",
    ),
    Question(
        "kaplan-implement-allocation", "function", K.optimal_allocation, cases=_allocation_cases, rtol=1e-6,
        prompt="Implement kaplan_allocation(C) -> (N, D): Kaplan's N_opt for C FLOP spent at the critical batch "
               "size (C_min = C/2, Eq. 5.5), and D = C/(6N).",
        hints=(
            Hint(lambda c: (LITERAL.optimal_allocation(c).N, LITERAL.optimal_allocation(c).D),
                 "You fed the FLOP spent into N_e·C_min^0.73; halve the budget first (C_min = C/2 at B_crit)."),
            Hint(lambda c: (_n_without_pf_days(c), c / (FLOP_PER_PARAM_TOKEN_TRAIN * _n_without_pf_days(c))),
                 "N_opt = 1.3e9·C_min^0.73 takes C_min in PF-days: divide the FLOP by 8.64e19 first."),
            Hint(lambda c: (K.optimal_allocation(c).N, c / K.optimal_allocation(c).N),
                 "D = C/N forgets the 6 FLOP per parameter per token of training."),
            Hint(lambda c: (K.optimal_allocation(c).N, c / (FLOP_PER_PARAM_TOKEN_INFER * K.optimal_allocation(c).N)),
                 "2 FLOP per parameter per token is the forward pass only; training costs 6."),
            Hint(lambda c: (K.optimal_allocation(c).D, K.optimal_allocation(c).N), "You returned (D, N); return (N, D)."),
        ),
        lookalikes=(
            LookAlike(lambda c: (K.N_e * (K.c_min(c) / PF_DAY) ** 0.5, c / (6 * K.N_e * (K.c_min(c) / PF_DAY) ** 0.5)),
                      "Chinchilla's exponent 0.5 in Kaplan's formula"),
        ),
        ladder=(
            "Kaplan's N_opt is a power law in compute measured in PF-days; D then follows from C = 6ND.",
            "N = 1.3e9·(C / 2 / 8.64e19)^0.73 parameters (C_min = C/2), then D = C/(6N) tokens.",
            "n = kaplan.N_e * (compute / 2 / sl.PF_DAY) ** kaplan.p_N; return n, compute / (6 * n)",
        ),
        hint="N = 1.3e9 · (C / 2 / 8.64e19)^0.73 parameters and D = C / (6N) tokens.",
        explain="Your allocation matches the package's KaplanLaw.optimal_allocation.",
    ),
)
