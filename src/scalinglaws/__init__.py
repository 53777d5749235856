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

__version__ = "0.1.0"
