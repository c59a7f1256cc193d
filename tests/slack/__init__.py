"""Tests of the Slack layer."""
