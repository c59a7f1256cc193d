"""Tests of the pure domain: ids, states, validation, text, explanations."""
