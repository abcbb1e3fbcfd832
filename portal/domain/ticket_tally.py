"""What one ticket adds to the ticket report (CMP-3, REL-5), and what changes when the ticket does.

The report sums, per scope and filing day, these contributions: counters move by the difference between what a
ticket counted before a change and what it counts after, so the report reads counters, never every ticket.
"""

from __future__ import annotations

from collections import defaultdict

NO_CATEGORY = "—"


def contribution(ticket) -> dict:
    """The ticket's share of the report: one ticket of its kind, category and channel; resolved (in time) or
    not; its rating (1–5, 0: none); the complaining customer (REL-5), and the name to show for it."""
    resolved = bool(ticket.resolved_at)
    return {"scope": ticket.dept_id, "kind": ticket.kind, "category": ticket.category or NO_CATEGORY,
            "channel": ticket.channel, "resolved": int(resolved),
            "in_time": int(resolved and ticket.resolved_at <= ticket.resolution_due),
            "rating": int(ticket.rating) if ticket.rating else 0,
            "complainant": ticket.customer_id if ticket.kind == "complaint" else None,
            "name": ticket.customer_name}


def counts(share: dict | None, sign: int = 1) -> dict[str, dict[str, int]]:
    """A contribution as counter moves: {counter: {measure: delta}} ("all", "kind#…", "category#…",
    "channel#…", "complaint#<customer>")."""
    if not share:
        return {}
    moves = {"all": {"total": sign, "resolved": sign * share["resolved"], "in_time": sign * share["in_time"],
                     "rating_sum": sign * share["rating"], "ratings": sign * int(share["rating"] > 0)},
             f"kind#{share['kind']}": {"total": sign}, f"category#{share['category']}": {"total": sign},
             f"channel#{share['channel']}": {"total": sign}}
    if share["complainant"]:
        moves[f"complaint#{share['complainant']}"] = {"total": sign}
    return moves


def difference(before: dict | None, after: dict | None) -> dict[str, dict[str, int]]:
    """The counter moves that take the report from `before` to `after` (zero moves left out)."""
    total: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sign, share in ((-1, before), (1, after)):
        for counter, deltas in counts(share, sign).items():
            for measure, delta in deltas.items():
                total[counter][measure] += delta
    return {c: {m: d for m, d in ds.items() if d} for c, ds in total.items() if any(ds.values())}
