"""Process-wide settings that framing changes only for as long as it needs them.

torch's thread count and transformers' logging are global; a library that sets them
for good surprises its caller, so each change here is a context manager that puts the
old value back.
"""

from __future__ import annotations

import contextlib
import warnings


@contextlib.contextmanager
def torch_threads(n: int | None):
    """torch's intra-op thread count set to ``n`` inside the block (None: unchanged)."""
    import torch

    if not n:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def quiet_transformers():
    """Loading an encoder without transformers' info logs, progress bars and deprecation
    notices from its internals (not the user's concern); the caller's settings come back."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|peft)\.")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
