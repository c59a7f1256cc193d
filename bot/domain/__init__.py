"""The pure core: states, updates, targets, outcomes, validation, text. No I/O here."""
