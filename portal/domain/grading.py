"""Grades, quotas and scorecards (GRD-1…6, QTA-1…5, RGT-2, SCP-1)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from portal.domain.default_scorecard import DEFAULT_SCORECARD  # noqa: F401  (re-exported: the default, kept apart)
from portal.domain.grade_facts import CHOICE_SOURCES, NUMBER_SOURCES
from portal.domain.text import text_problem


class Grade(StrEnum):
    """GRD-1: the three grades, best first."""

    VIP = "VIP"
    PREFERRED = "PREFERRED"  # 优选
    QUALIFIED = "QUALIFIED"  # 合格 (GRD-4: every new admission)


PRIORITY_RANK = {Grade.VIP: 1, Grade.PREFERRED: 2, Grade.QUALIFIED: 3}  # RGT-2 四优先: lower goes first
QUOTA_PERCENT = {Grade.VIP: 15, Grade.PREFERRED: 30}  # QTA-1, QTA-2


def rank(grade: Grade) -> int:
    """RGT-2: the priority rank of a grade (VIP 1, Preferred 2, Qualified 3)."""
    return PRIORITY_RANK[grade]


@dataclass(frozen=True)
class Counts:
    """A department's (or one product's) admitted customers by grade."""

    total: int = 0
    vip: int = 0
    preferred: int = 0

    def of(self, grade: Grade) -> int:
        """How many hold `grade` (Qualified: the rest)."""
        return {Grade.VIP: self.vip, Grade.PREFERRED: self.preferred}.get(grade, self.total - self.vip - self.preferred)

    def moved(self, old: Grade, new: Grade) -> Counts:
        """The counts after one customer moves from `old` to `new`."""
        delta = {Grade.VIP: 0, Grade.PREFERRED: 0}
        if old in delta:
            delta[old] -= 1
        if new in delta:
            delta[new] += 1
        return Counts(self.total, self.vip + delta[Grade.VIP], self.preferred + delta[Grade.PREFERRED])


def maximum(grade: Grade, total: int) -> int | None:
    """QTA-1/2 in integers: the most customers `grade` may hold among `total` (None: no limit)."""
    percent = QUOTA_PERCENT.get(grade)
    return None if percent is None else (percent * total) // 100


def places_left(grade: Grade, counts: Counts) -> int | None:
    """How many more customers may take `grade` (None: unlimited)."""
    limit = maximum(grade, counts.total)
    return None if limit is None else max(0, limit - counts.of(grade))


def change_allowed(counts: Counts, old: Grade, new: Grade) -> bool:
    """QTA-1/2/5: moving into VIP or Preferred needs a free place there; moving to 合格 is always allowed."""
    if new == old or new == Grade.QUALIFIED:
        return True
    after = counts.moved(old, new)
    limit = maximum(new, after.total)
    return limit is None or after.of(new) <= limit


def over_quota(counts: Counts) -> list[Grade]:
    """QTA-5: the grades a department holds more of than allowed (after customers left)."""
    return [g for g in (Grade.VIP, Grade.PREFERRED) if counts.of(g) > maximum(g, counts.total)]


# --- scorecards (GRD-5, 附件1 销售客户审核评价表) ---------------------------------------------------

class ScorecardError(ValueError):
    """A scorecard definition or an evaluation input that breaks the rules; `path` names the place."""

    def __init__(self, path: str, code: str, **details):
        super().__init__(f"{path}: {code}")
        self.path, self.code, self.details = path, code, details


@dataclass(frozen=True)
class Band:
    """Values from `low` (inclusive) to `high` (exclusive; None: no upper end) earn `points` (0–100)."""

    low: float
    high: float | None
    points: int


@dataclass(frozen=True)
class Indicator:
    """One line of the scorecard: a number scored by bands, or a choice scored by its option."""

    key: str
    name_zh: str
    name_en: str
    weight: int
    bands: tuple[Band, ...] = ()
    options: dict[str, int] = field(default_factory=dict)  # choice -> points (0–100)
    unit: str = ""
    options_en: dict[str, str] = field(default_factory=dict)  # choice -> its English wording (optional)
    source: str = ""  # the fact it is computed from (domain.grade_facts.SOURCES); "" staff enter it

    def option_label(self, choice: str, locale: str) -> str:
        """How a choice reads in `locale` (the choice itself is the Chinese wording and the stored value)."""
        return (self.options_en.get(choice) or choice) if locale.startswith("en") else choice

    @property
    def kind(self) -> str:
        """`number` or `choice`."""
        return "choice" if self.options else "number"


# GRD-2 b, GRD-3 d: a late payment or an overdue pick-up in the period rules out both VIP and 优选 (POLICY's
# clarification: the proposal is capped at 合格 whatever its score). No scorecard may cap them higher.
POLICY_CAPS = {"late_payment": Grade.QUALIFIED, "overdue_pickup": Grade.QUALIFIED}


@dataclass(frozen=True)
class Scorecard:
    """Weighted indicators, grade thresholds on the total, and hard criteria that cap the grade (GRD-2 b)."""

    indicators: tuple[Indicator, ...]
    thresholds: dict[Grade, float]  # minimum total for VIP and PREFERRED
    caps: dict[str, Grade]  # hard criterion key -> best grade still possible when it is true

    def validate(self) -> None:
        """Weights add up to 100; bands cover their range without gap or overlap; thresholds make sense."""
        if not self.indicators:
            raise ScorecardError("indicators", "empty")
        keys = [i.key for i in self.indicators]
        if len(set(keys)) != len(keys):
            raise ScorecardError("indicators", "duplicate_key")
        total = sum(i.weight for i in self.indicators)
        if total != 100 or any(i.weight <= 0 for i in self.indicators):
            raise ScorecardError("indicators.weight", "weights_not_100", total=total)
        for n, ind in enumerate(self.indicators):
            _validate_indicator(f"indicators[{n}]", ind)
        vip, preferred = self.thresholds.get(Grade.VIP), self.thresholds.get(Grade.PREFERRED)
        if vip is None or preferred is None or not 0 <= preferred < vip <= 100:
            raise ScorecardError("thresholds", "thresholds_order")
        for key, grade in self.caps.items():
            if grade not in (Grade.PREFERRED, Grade.QUALIFIED) or not key:
                raise ScorecardError(f"caps.{key}", "cap_grade")
            if key in POLICY_CAPS and grade != POLICY_CAPS[key]:
                raise ScorecardError(f"caps.{key}", "policy_cap")


def _validate_indicator(path: str, ind: Indicator) -> None:
    if ind.source and ind.source not in (CHOICE_SOURCES if ind.options else NUMBER_SOURCES):
        raise ScorecardError(f"{path}.source", "bad_source")
    if ind.options:
        if any(not 0 <= p <= 100 for p in ind.options.values()):
            raise ScorecardError(f"{path}.options", "points_range")
        return
    bands = sorted(ind.bands, key=lambda b: b.low)
    if not bands:
        raise ScorecardError(f"{path}.bands", "empty")
    for b in bands:
        if not 0 <= b.points <= 100 or (b.high is not None and b.high <= b.low):
            raise ScorecardError(f"{path}.bands", "band_range", low=b.low)
    for a, b in zip(bands, bands[1:], strict=False):
        if a.high is None or a.high > b.low:
            raise ScorecardError(f"{path}.bands", "band_overlap", at=b.low)
        if a.high < b.low:
            raise ScorecardError(f"{path}.bands", "band_gap", start=a.high, end=b.low)


@dataclass(frozen=True)
class Result:
    """An evaluation's outcome: points per indicator (weighted), total, the grade proposed and why it was capped."""

    points: dict[str, float]
    total: float
    proposed: Grade
    capped_by: tuple[str, ...]


def score(card: Scorecard, values: dict[str, object], hard: dict[str, bool]) -> Result:
    """Score a customer's values on a valid scorecard (GRD-5), then apply the hard criteria caps (GRD-2 b)."""
    points: dict[str, float] = {}
    for ind in card.indicators:
        raw = values.get(ind.key)
        points[ind.key] = round(ind.weight * indicator_points(ind, raw) / 100, 2)
    total = round(sum(points.values()), 2)
    grade = Grade.QUALIFIED
    if total >= card.thresholds[Grade.VIP]:
        grade = Grade.VIP
    elif total >= card.thresholds[Grade.PREFERRED]:
        grade = Grade.PREFERRED
    capped = tuple(k for k, cap in card.caps.items() if hard.get(k) and rank(cap) > rank(grade))
    for key in capped:
        grade = max(grade, card.caps[key], key=rank)
    return Result(points, total, grade, capped)


def indicator_points(ind: Indicator, raw: object) -> int:
    """The points (0–100) one answer earns on its indicator; ScorecardError when it is no answer."""
    if ind.options:
        if raw not in ind.options:
            raise ScorecardError(ind.key, "not_an_option")
        return ind.options[raw]
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ScorecardError(ind.key, "not_a_number") from exc
    if not math.isfinite(value):  # "inf", "nan", 1e400: no band can hold them
        raise ScorecardError(ind.key, "not_a_number")
    for band in ind.bands:
        if band.low <= value and (band.high is None or value < band.high):
            return band.points
    raise ScorecardError(ind.key, "out_of_range", value=value)


def scorecard_from_dict(data: dict) -> Scorecard:
    """Read a scorecard from its JSON form; malformed parts raise ScorecardError with their path."""
    if not isinstance(data, dict):
        raise ScorecardError("scorecard", "not_an_object")
    indicators = []
    for n, raw in enumerate(data.get("indicators") or []):
        path = f"indicators[{n}]"
        try:
            bands = tuple(Band(float(b["low"]), None if b.get("high") is None else float(b["high"]), int(b["points"]))
                          for b in raw.get("bands") or [])
            options = {str(k): int(v) for k, v in (raw.get("options") or {}).items()}
            options_en = {str(k): str(v) for k, v in (raw.get("options_en") or {}).items()
                          if str(v).strip() and str(k) in options}  # wordings of choices no longer there: dropped
            indicators.append(Indicator(key=str(raw["key"]), name_zh=str(raw.get("name_zh", raw["key"])),
                                        name_en=str(raw.get("name_en", raw["key"])), weight=int(raw["weight"]),
                                        bands=bands, options=options, unit=str(raw.get("unit", "")),
                                        options_en=options_en, source=str(raw.get("source") or "")))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise ScorecardError(path, "malformed") from exc
        if not all(math.isfinite(x) for b in bands for x in (b.low, b.high if b.high is not None else 0)):
            raise ScorecardError(path, "malformed")
        ind = indicators[-1]
        if any(text_problem(t) for t in (ind.key, ind.name_zh, ind.name_en, ind.unit, *ind.options,
                                         *ind.options_en.values())):
            raise ScorecardError(path, "bad_text")  # SEC-2: no control or text-direction characters
    try:
        thresholds = {Grade(k): float(v) for k, v in (data.get("thresholds") or {}).items()}
        caps = {str(k): Grade(v) for k, v in (data.get("caps") or {}).items()}
        if not all(math.isfinite(v) for v in thresholds.values()):
            raise ValueError("non-finite threshold")
    except (TypeError, ValueError, AttributeError) as exc:
        raise ScorecardError("thresholds", "malformed") from exc
    if any(text_problem(k) for k in caps):
        raise ScorecardError("caps", "bad_text")
    card = Scorecard(tuple(indicators), thresholds, caps)
    card.validate()
    return card


def scorecard_to_dict(card: Scorecard) -> dict:
    """The JSON form of a scorecard (what is stored, edited and copied into each evaluation)."""
    return {
        "indicators": [
            {"key": i.key, "name_zh": i.name_zh, "name_en": i.name_en, "weight": i.weight, "unit": i.unit,
             **({"options": dict(i.options), **({"options_en": dict(i.options_en)} if i.options_en else {})}
                if i.options else
                {"bands": [{"low": b.low, "high": b.high, "points": b.points} for b in i.bands]}),
             **({"source": i.source} if i.source else {})}
            for i in card.indicators
        ],
        "thresholds": {g.value: v for g, v in card.thresholds.items()},
        "caps": {k: g.value for k, g in card.caps.items()},
    }
