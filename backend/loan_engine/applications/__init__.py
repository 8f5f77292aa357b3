"""Applications and decisions: drafts, the sandbox credit bureau, the automatic decision with its trace,
notices, underwriting and acceptance (docs/ORIGINATION.md)."""
