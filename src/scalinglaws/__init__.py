"""scalinglaws: the package behind *Scaling Laws, Executable*.

Units everywhere: parameters (N), tokens (D), FLOP (C), nats/token (loss).

SciPy is imported inside the functions that use it, not at the top of their modules: ``import scalinglaws``
then takes about 0.08 s instead of 0.4 s, which every notebook kernel that never fits or samples is spared
(tests/test_layers.py keeps it so).
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
    KAPLAN_2020_AT_B_CRIT,
    KAPLAN_2020_C_MIN_AS_SPENT,
    KAPLAN_2020_MODEL_RANGE,
    Allocation,
    ChinchillaLaw,
    KaplanLaw,
    ScalingLaw,
)
from .fit import (
    BESIROGLU_2024_HUBER,
    BOOTSTRAP_GRID,
    HOFFMANN_2022_TABLE2,
    HOFFMANN_GRID,
    BootstrapResult,
    ComputeOptimalFit,
    FitResult,
    InitGrid,
    bootstrap_approach2,
    bootstrap_approach3,
    fit_approach1,
    fit_approach2,
    fit_approach3,
)
from .models import GOPHER_CHINCHILLA_FLOP, MODELS, Model, model, models_near
from .reconciliation import PEARCE_SONG_2024, PORIAN_2024_TABLE_1
from .transformer import GPT3_FAMILY, TransformerShape, non_embedding_params

from .allocation import (
    TOKENS_PER_PARAM_RULE,
    Misallocation,
    compute_for_loss,
    fixed_ratio_allocation,
    misallocation_penalty,
    scaled_allocation,
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
    lifetime_matched_samples,
    majority_vote_accuracy,
    majority_vote_limit,
    mean_pass_at_k,
    odds_scaled_accuracy,
    pass_at_k,
    sampling_flops,
    simulate_best_of_n,
    simulate_majority_vote,
)

# Chapter 7, what scaling laws don't predict: emergence as a metric effect, repeated data, MoE.
from .data_constrained import (
    R_D_STAR,
    effective_data,
    effective_data_ceiling,
    marginal_epoch_value,
    repetition_value,
)
from .emergence import (
    answer_token_loss,
    emergence_scale,
    exact_match,
    expected_token_edit_distance,
    per_token_accuracy,
)
from .mixture_of_experts import DEEPSEEK_V3, MIXTRAL_8X7B, MixtureOfExperts, moe_from_layout

# Chapter 4, fitting: synthetic IsoFLOP data and a toy model whose scaling law the reader measures.
from .synthetic import ISOFLOP_BUDGETS, isoflop_runs, training_curves
from .toy import RandomFeatureTask, ToySweep, sweep_random_features

__version__ = "0.1.0"

# Chapter 5: overtraining for inference (lifetime compute) and repeated data.
from .lifetime import (
    SARDANA_2024_FIG1,
    SARDANA_2024_LAW,
    BudgetOptimum,
    LifetimeOptimum,
    LifetimePlan,
    breakeven_inference_tokens,
    budget_optimal,
    chinchilla_optimal_for_loss,
    implied_inference_tokens,
    iso_loss_tokens,
    lifetime_flops,
    lifetime_optimal,
    min_params_for_loss,
)

# Chapters 5 and 6 meet: the train-to-test optimum (N, D, k) (Roberts et al. 2026, Approach 1, and a lifetime form).
from .train_to_test import (
    EXAMPLE_SAMPLES_TERM,
    HOLDS,
    ROBERTS_2026_BUDGETS,
    SamplesTerm,
    TrainToTestPlan,
    lifetime_train_to_test_optimal,
    task_loss,
    train_to_test_optimal,
)

# Real training runs (Gadre et al. 2024): the data, their over-training law and the loss-to-error law.
from .downstream import DownstreamFit, DownstreamLaw, fit_downstream
from .fit import OvertrainingFit, fit_overtraining
from .overtraining import OvertrainingLaw
from .runs import GADRE_2024_FIG1_RELATIVE_ERROR, TRAINING_SETS, Runs, load_runs, load_tasks
from .gadre import Reproduction, reproduce
