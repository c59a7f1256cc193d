"""`make bench`: the real `incident-bot serve` measured against loopback fakes."""
