"""Undo what configure_logging sets process-wide besides its handler, after a test."""

import logging
import sys
import threading


def reset_process_hooks() -> None:
    """Python's own hooks for uncaught exceptions back; warnings printed, not logged."""
    sys.excepthook, threading.excepthook = sys.__excepthook__, threading.__excepthook__
    logging.captureWarnings(False)
