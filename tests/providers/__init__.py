"""Tests of the provider clients, the router and the vendor fakes."""
