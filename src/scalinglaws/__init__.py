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
from .reconciliation import PEARCE_SONG_2024, PORIAN_2024_TABLE_1
from .transformer import GPT3_FAMILY, TransformerShape, non_embedding_params

from .synthetic import ISOFLOP_BUDGETS, isoflop_runs, training_curves
from .toy import RandomFeatureTask, ToySweep, sweep_random_features

__version__ = "0.1.0"
