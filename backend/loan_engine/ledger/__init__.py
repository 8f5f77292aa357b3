"""The double-entry ledger: chart of accounts, journals and their legs, posting, checks (docs/LEDGER.md)."""
