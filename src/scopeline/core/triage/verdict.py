"""One triage verdict: the contract other tools read (see docs/triage.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scopeline.core.triage.contract import Action, Kind, ScopeVerdict


@dataclass(frozen=True, slots=True)
class ScopeMatch:
    verdict: ScopeVerdict
    item: str | None
    """The scope item or exclusion id the request rests on, or None."""
    score: float
    """Calibrated confidence that ``item`` is the clause the request is about (0..1)."""
    title: str | None = None
    reason: str = ""
    requested_quantity: int | None = None
    agreed_quantity: int | None = None


@dataclass(frozen=True, slots=True)
class Estimate:
    hours: Decimal
    low: Decimal
    high: Decimal
    source: str = ""
    """Where the hours come from: the scope item, the catalogue entry, the ledger history."""


@dataclass(frozen=True, slots=True)
class Price:
    amount: Decimal
    currency: str
    low: Decimal | None = None
    high: Decimal | None = None
    surcharge_percent: Decimal | None = None
    chargeable: bool = True
    """False for a defect fix or a favour: the amount is what the work would cost."""


@dataclass(frozen=True, slots=True)
class Verdict:
    id: str | None
    lang: str
    kind: Kind
    kinds: tuple[Kind, ...]
    scope: ScopeMatch
    action: Action
    estimate: Estimate
    price: Price | None
    reasons: tuple[str, ...]
    confidence: float = 0.0
    """Probability of the primary kind."""
    kind_scores: dict[str, float] = field(default_factory=dict)
    lang_reason: str = ""
    notes: tuple[str, ...] = ()
    """What was done to the text first: "html", "quoted-history-removed", "truncated", ..."""
    catalogue: str | None = None
    """The estimate catalogue entry the request matched, if any."""
    advice: str | None = None
    """The advice library entry the request matched, if any (see ``scopeline.core.replies``)."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, with the contract's field names; amounts and hours as strings."""
        price: dict[str, object] | None = None
        if self.price is not None:
            price = {
                "amount": str(self.price.amount),
                "currency": self.price.currency,
                "low": None if self.price.low is None else str(self.price.low),
                "high": None if self.price.high is None else str(self.price.high),
                "chargeable": self.price.chargeable,
            }
            if self.price.surcharge_percent is not None:
                price["surcharge_percent"] = str(self.price.surcharge_percent)
        return {
            "id": self.id,
            "lang": self.lang,
            "kind": self.kind,
            "kinds": list(self.kinds),
            "scope": {
                "verdict": self.scope.verdict,
                "item": self.scope.item,
                "score": round(self.scope.score, 3),
                "title": self.scope.title,
                "reason": self.scope.reason,
            },
            "action": self.action,
            "estimate": {
                "hours": _num(self.estimate.hours),
                "low": _num(self.estimate.low),
                "high": _num(self.estimate.high),
                "source": self.estimate.source,
            },
            "price": price,
            "reasons": list(self.reasons),
            "confidence": round(self.confidence, 3),
            "kind_scores": {k: round(v, 3) for k, v in self.kind_scores.items()},
            "lang_reason": self.lang_reason,
            "notes": list(self.notes),
            "catalogue": self.catalogue,
            "advice": self.advice,
        }


def _num(value: Decimal) -> float | int:
    """Hours as a JSON number (they are not money): 14, 1.5."""
    return int(value) if value == value.to_integral_value() else float(value)
