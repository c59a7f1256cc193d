"""Durable delivery: the outbox engine and its clock."""
