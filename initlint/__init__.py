"""initlint: find and fix weight initializations that break training in Keras and PyTorch code."""

__version__ = "0.1.0"
