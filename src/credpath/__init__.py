"""credpath: which micro-credentials should a learner earn next to close the skill gap for a target role."""

__all__ = ["__version__"]

__version__ = "0.1.0"
