"""Offline knowledge assistant and request-drafting desk for the UN Convention against Cybercrime."""

__version__ = "0.1.0"
