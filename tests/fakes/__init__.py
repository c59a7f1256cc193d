"""Loopback HTTP servers that behave like Slack, Phare and Checkly."""
