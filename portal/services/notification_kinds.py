"""What each kind of notification says (issue 16 item 1), in English msgids translated like every other text.

A kind has a title (the inbox line and the mail's subject) and a detail line, both rendered with the item's
parameters in the reader's language; a parameter `x` may come as `x_zh` and `x_en` (department names).
Security kinds are always mailed at once, whatever the preferences say.
"""

from __future__ import annotations

from dataclasses import dataclass


def _l(msgid: str) -> str:
    """Mark a msgid for extraction (pybabel's `-k _l`); it is translated when rendered, in the reader's language."""
    return msgid


@dataclass(frozen=True)
class Kind:
    """One kind of notification: who it is for, its texts, and whether it is security mail."""

    name: str
    audience: str  # customer | staff | everyone
    group: str  # the preference it follows (GROUPS)
    title: str
    detail: str = ""
    security: bool = False


KINDS = {k.name: k for k in [
    Kind("application_received", "customer", "applications",
         _l("Your application to %(dept)s was received"), _l("The department reviews it and tells you its decision.")),
    Kind("application_admitted", "customer", "applications",
         _l("Admitted by %(dept)s"), _l("Reason: %(reason)s")),
    Kind("application_rejected", "customer", "applications",
         _l("Your application to %(dept)s was not admitted"), _l("Reason: %(reason)s")),
    Kind("application_new", "staff", "applications",
         _l("New application from %(customer)s"), _l("It waits in the queue of %(dept)s.")),
    Kind("designated", "staff", "applications",
         _l("You are designated for %(customer)s"), _l("Check the background and review the application.")),
    Kind("ticket_acknowledged", "customer", "tickets",
         _l("Your ticket “%(subject)s” was acknowledged"), _l("Staff of %(dept)s are working on it.")),
    Kind("ticket_replied", "customer", "tickets",
         _l("New reply on your ticket “%(subject)s”"), ""),
    Kind("ticket_resolved", "customer", "tickets",
         _l("Your ticket “%(subject)s” was resolved: please confirm"),
         _l("Please confirm and rate the resolution, or reopen the ticket; without an answer it closes by "
            "itself on %(day)s.")),
    Kind("ticket_confirm_reminder", "customer", "tickets",
         _l("Please confirm the resolution of “%(subject)s”"),
         _l("Without an answer the ticket closes by itself on %(day)s.")),
    Kind("ticket_new", "staff", "tickets",
         _l("New ticket from %(customer)s: “%(subject)s”"), ""),
    Kind("ticket_reopened", "staff", "tickets",
         _l("Ticket reopened by %(customer)s: “%(subject)s”"), ""),
    Kind("ticket_sla_soon", "staff", "deadlines",
         _l("Ticket “%(subject)s” is due soon"), _l("The %(what)s is due at %(due)s.")),
    Kind("ticket_overdue", "staff", "deadlines",
         _l("Ticket “%(subject)s” is overdue"), _l("The %(what)s was due at %(due)s.")),
    Kind("document_accepted", "customer", "documents",
         _l("Your document “%(document)s” was accepted"), ""),
    Kind("document_refused", "customer", "documents",
         _l("Your document “%(document)s” was refused"), _l("Reason: %(reason)s")),
    Kind("licence_expiring", "everyone", "licences",
         _l("“%(document)s” of %(customer)s expires on %(day)s"),
         _l("Please upload a valid new version before it expires.")),
    Kind("licence_expired", "everyone", "licences",
         _l("Licence expired: “%(document)s” of %(customer)s"),
         _l("Until a valid new version is verified, the admission conditions (a)/(e) are not met.")),
    Kind("grade_changed", "customer", "grades",
         _l("Your grade in %(dept)s is now %(grade)s"), _l("Your price tier follows the new grade.")),
    Kind("review_kept", "customer", "grades",  # REV-3: a review's result, as far as the customer is told
         _l("Half-yearly review in %(dept)s: your grade stays %(grade)s"), _l("Your price tier stays as it is.")),
    Kind("review_regraded", "customer", "grades",
         _l("Half-yearly review in %(dept)s: your grade is now %(grade)s"),
         _l("Your price tier follows the new grade.")),
    Kind("blacklisted", "customer", "blacklist",
         _l("Your standing in %(dept)s has ended"), _l("Please contact the department for details.")),
    Kind("blacklist_ended", "customer", "blacklist",
         _l("The restriction in %(dept)s has ended"), _l("You may apply for admission again.")),
    Kind("blacklist_listed", "staff", "blacklist",
         _l("%(customer)s was blacklisted (%(dept)s)"), _l("Reason: %(reason)s")),
    Kind("review_overdue", "staff", "reviews",
         _l("Reviews overdue: %(count)s in %(dept)s"), _l("Customers: %(customers)s")),
    Kind("downgrade_overdue", "staff", "reviews",
         _l("VIP downgrade overdue: %(customer)s (%(dept)s)"),
         _l("After the incident, the downgrade was due by %(due)s.")),
    Kind("review_assigned", "staff", "reviews",  # REV-1/2: when a cycle opens, to whom each task falls
         _l("Reviews for you in %(dept)s: %(count)s"),
         _l("Cycle %(cycle)s is open: submit their stage evaluations by %(day)s.")),
    Kind("review_due", "staff", "reviews",
         _l("Reviews due on %(day)s: %(count)s in %(dept)s"), _l("Submit and decide them before that day.")),
    Kind("downgrade_due", "staff", "reviews",
         _l("VIP downgrade due: %(customer)s (%(dept)s)"), _l("After the incident, the downgrade is due by %(due)s.")),
    Kind("incident_major_loss", "staff", "reviews",
         _l("Major loss reported: %(customer)s (%(dept)s)"),
         _l("Check it and decide whether to list the customer on the company blacklist.")),
    Kind("incident_recorded", "staff", "reviews",  # INC-1: every incident is filed with MD
         _l("Incident recorded: %(customer)s (%(dept)s)"), _l("Kind: %(what)s")),
    Kind("misconduct_reported", "staff", "reviews",  # RGT-1 c: only MD reads the reports
         _l("Misconduct reported about %(subject)s"),
         _l("A customer reported it. Check the report and turn it into an incident, or close it.")),
    Kind("change_reported", "staff", "changes",
         _l("%(customer)s reported a change of its registration"), _l("Apply it to the record, or end the standing.")),
    Kind("change_done", "customer", "changes",
         _l("%(dept)s has handled your change report"), _l("Note: %(note)s")),
    Kind("blacklist_expiring", "staff", "blacklist",
         _l("The listing of %(customer)s (%(dept)s) expires on %(day)s"),
         _l("Expiry ends the ban but does not re-admit.")),
    Kind("visit_due", "staff", "reviews",
         _l("Visit to %(customer)s planned for today"), _l("Purpose: %(purpose)s")),
    Kind("contract_submitted", "staff", "reviews",  # REL-3: to whoever approves it (the leader, or MD)
         _l("Contract to approve: %(title)s (%(customer)s)"), _l("Check its terms, then approve it or send it back.")),
    Kind("contract_expiring", "staff", "reviews",  # REL-3: 60 and 30 days before the end day
         _l("The contract %(title)s with %(customer)s ends on %(day)s"),
         _l("Renew it through an amendment, or let it end.")),
    Kind("security_password_reset", "everyone", "security",
         _l("Your password was reset"),
         _l("If this was not you, reset it again at once and tell the Marketing Division."), security=True),
]}

# Texts stored as codes (a parameter `x_code`, e.g. `reason_code`) and rendered as `x` in the reader's language:
# the upload check's refusals (portal.services.uploads.REJECTIONS, the same msgids) and the kinds of incident.
REASON_CODES = {
    "missing": _l("Nothing was uploaded for this file. Please upload it again."),
    "empty": _l("The uploaded file is empty."),
    "too_large": _l("The file is larger than 10 MB."),
    "wrong_type": _l("The file's content is not a real PDF, JPEG or PNG of the declared type."),
    # the kinds of incident (INC-1; portal.web.labels.INCIDENT_LABELS, the same msgids)
    "poor_contract_execution": _l("Poor contract execution"),
    "late_payment": _l("Late payment"),
    "operating_crisis": _l("Major operating crisis"),
}

GROUPS = {"applications": _l("Applications"), "tickets": _l("Tickets"), "deadlines": _l("Ticket deadlines"),
          "documents": _l("Documents"), "licences": _l("Licences expiring"), "grades": _l("Grades"),
          "blacklist": _l("Blacklist"), "reviews": _l("Reviews and incidents"), "changes": _l("Change reports"),
          "security": _l("Security")}
MODES = ("immediate", "digest", "off")
MODE_LABELS = {"immediate": _l("Mail at once"), "digest": _l("Daily digest"), "off": _l("No mail (inbox only)")}


def kinds_for(user_kind: str) -> list[Kind]:
    """The kinds a customer's user or a staff member may receive, as the preferences page lists them."""
    return [k for k in KINDS.values() if k.audience in (user_kind, "everyone")]


def preference_groups(user_kind: str) -> list[str]:
    """The preferences a user sets (one per group of kinds it may receive), in catalogue order; security mail
    has none (always at once)."""
    groups: list[str] = []
    for kind in kinds_for(user_kind):
        if not kind.security and kind.group not in groups:
            groups.append(kind.group)
    return groups
