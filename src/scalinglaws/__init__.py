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

from .allocation import (
    TOKENS_PER_PARAM_RULE,
    Misallocation,
    compute_for_loss,
    fixed_ratio_allocation,
    misallocation_penalty,
    scaled_allocation,
)

__version__ = "0.1.0"
