"""Progress output: one line per resource or step, plus a closing summary.

Every line goes to stdout as it happens (flushed) so a CI log shows where a long deploy is.
Resource outcomes are counted so `bootstrap` can end with "0 created, 0 updated" on a re-run.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, TextIO

Outcome = Literal["created", "updated", "exists", "deleted", "skipped"]
_WOULD = {"created": "would create", "updated": "would update", "deleted": "would delete"}


@dataclass
class Reporter:
    dry_run: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    counts: Counter[str] = field(default_factory=Counter)

    def resource(self, outcome: Outcome, what: str, detail: str = "") -> None:
        """Record what happened to one resource. In dry-run, changes are reported as 'would ...'."""
        self.counts[outcome] += 1
        label = _WOULD.get(outcome, outcome) if self.dry_run else outcome
        suffix = f" ({detail})" if detail else ""
        self.line(f"  [{label:>14}] {what}{suffix}")

    def step(self, message: str) -> None:
        self.line(f"==> {message}")

    def info(self, message: str) -> None:
        self.line(f"    {message}")

    def line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def summary(self) -> str:
        changed = ("created", "updated", "deleted")
        parts = [f"{self.counts[k]} {k}" for k in changed]
        parts.append(f"{self.counts['exists']} unchanged")
        prefix = "dry run, nothing changed: " if self.dry_run else ""
        return prefix + ", ".join(parts)

    @property
    def changes(self) -> int:
        return self.counts["created"] + self.counts["updated"] + self.counts["deleted"]
