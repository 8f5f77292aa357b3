"""Booked loans and their servicing: disbursement, transactions, replay, payoff (docs/SERVICING.md)."""
