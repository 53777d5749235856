"""scalinglaws: the package behind *Scaling Laws, Executable*.

Units everywhere: parameters (N), tokens (D), FLOP (C), nats/token (loss).
"""
from .compute import (
    FLOP_PER_PARAM_TOKEN_INFER,
    FLOP_PER_PARAM_TOKEN_TRAIN,
    PF_DAY,
    flop_to_pf_days,
    format_count,
    format_flop,
    inference_flops,
    parse_quantity,
    pf_days_to_flop,
    tokens_per_param,
    training_flops,
)
from .laws import (
    BESIROGLU_2024,
    HOFFMANN_2022,
    HOFFMANN_2022_UNROUNDED,
    KAPLAN_2020,
    Allocation,
    ChinchillaLaw,
    KaplanLaw,
    ScalingLaw,
)
from .sampling import (
    EXAMPLE_VERIFIER,
    EXAMPLE_WRONG_ANSWERS,
    CoverageLaw,
    best_of_n_accuracy,
    best_of_n_limit,
    beta_coverage,
    beta_failure_asymptote,
    compute_matched_comparison,
    compute_matched_samples,
    coverage,
    fit_coverage_law,
    majority_vote_accuracy,
    majority_vote_limit,
    mean_pass_at_k,
    odds_scaled_accuracy,
    pass_at_k,
    sampling_flops,
    simulate_best_of_n,
    simulate_majority_vote,
)

__version__ = "0.1.0"
