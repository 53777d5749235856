"""Shared test set-up: matplotlib draws off-screen; hypothesis stays deterministic and quick."""
import matplotlib

matplotlib.use("Agg")

from hypothesis import settings  # noqa: E402

settings.register_profile("course", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("course")
