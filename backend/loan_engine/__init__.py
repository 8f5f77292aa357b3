"""Loan Engine: loan origination and servicing."""

__version__ = "0.1.0"
