"""Authorization, bad input, fuzzing and secret hygiene."""
