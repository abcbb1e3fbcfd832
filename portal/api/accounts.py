"""API for accounts (issue 15 items 2-4): verified e-mail, profile, the company's contact, colleagues and
invitations; the same services and forms as the pages."""

from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.admission import customer_json
from portal.api.spec import operation
from portal.api.validation import parse
from portal.domain.accounts import company_role
from portal.services import colleagues, profile, verification
from portal.web import ctx, settings
from portal.web.forms.account import (
    AcceptInvitationForm,
    ColleagueRoleForm,
    CompanyContactForm,
    EmailChangeForm,
    InviteForm,
    ProfileForm,
)


def profile_json(user) -> dict:
    """The API's view of one's own account."""
    role = company_role(user)
    return {"id": user.user_id, "email": user.email, "name": user.name, "mobile": user.mobile,
            "language": user.language, "verified": user.email_verified is not False, "kind": user.kind,
            "pending_email": user.verify_email if user.verify_email != user.email else None,
            "company_role": role.value if role else None, "customer": user.customer_id}


def colleague_json(person, names: dict) -> dict:
    """The API's view of a colleague (an open invitation has no name yet)."""
    invited = bool(person.invite_hash)
    return {"id": person.user_id, "name": None if invited else person.name, "email": person.email,
            "role": company_role(person).value, "status": "invited" if invited else "active" if person.active
            else "disabled", "invited_by": names.get(person.invited_by) if person.invited_by else None,
            "invite_expires": person.invite_expires.isoformat() if invited and person.invite_expires else None,
            "version": person.version}


@operation(bp, "/email-verifications/<token>", "POST", "Verify an e-mail address with the token of its mailed link "
           "(once, within 24 hours; a new address then replaces the old). 404 for an expired, used, replaced or "
           "forged link; 429 while this address, having tried many bad links, must wait", response="EmailVerified",
           auth=False, errors=(404, 409, 429))
def email_verify(token: str):
    """Open a verification link through the API."""
    return jsonify({"status": "verified", "email": verification.verify(ctx(), token)})


@operation(bp, "/email-verifications", "POST", "Mail a new verification link for one's unverified or new address "
           "(throttled: 3 in 15 minutes)", response="Sent", status=202, errors=(429,))
def email_verification_resend():
    """Resend the verification link."""
    verification.resend(ctx(), settings().public_url)
    return jsonify({"status": "sent", "message": str(_l("A new link is on its way to your mailbox."))}), 202


@operation(bp, "/profile", "GET", "One's own profile", response="Profile")
def profile_get():
    """The signed-in person's profile."""
    return jsonify(profile_json(profile.view(ctx()).user))


@operation(bp, "/profile", "PUT", "Change one's name, mobile and language", form=ProfileForm, response="Profile")
def profile_put():
    """Edit one's own profile."""
    form = parse(ProfileForm)
    return jsonify(profile_json(profile.update_me(ctx(), form.name.data, form.mobile.data, form.language.data)))


@operation(bp, "/profile/email", "POST", "Ask for a new sign-in address: it takes effect once the link mailed to it "
           "is opened; the same answer when the address has an account", form=EmailChangeForm, response="Sent",
           status=202)
def profile_email():
    """Change one's address (after verification)."""
    form = parse(EmailChangeForm)
    profile.change_email(ctx(), form.email.data, settings().public_url)
    return jsonify({"status": "sent", "message": str(_l("Your address changes when you open the link we sent."))}), 202


@operation(bp, "/company", "PUT", "The company's administrator edits its contact and mailing address (registration "
           "data is a change report, OBL-1)", form=CompanyContactForm, response="Customer")
def company_put():
    """Edit the company's contact."""
    colleagues.require_admin(ctx(), "company.edit")  # who may, before what they sent
    form = parse(CompanyContactForm)
    customer = profile.edit_company(ctx(), {k: getattr(form, k).data for k in profile.COMPANY_FIELDS},
                                    form.version.data)
    return jsonify(customer_json(customer))


@operation(bp, "/colleagues", "GET", "The company's people and open invitations", response="ColleagueList")
def colleague_list():
    """A customer's colleagues."""
    view = colleagues.listing(ctx())
    return jsonify({"items": [colleague_json(p, view.names) for p in view.people]})


@operation(bp, "/colleagues", "POST", "An administrator invites a colleague (a single-use link for 7 days); the "
           "same answer whether or not the address has an account", form=InviteForm, response="Sent", status=202)
def colleague_invite():
    """Invite a colleague."""
    colleagues.require_admin(ctx(), "colleague.invite")
    form = parse(InviteForm)
    colleagues.invite(ctx(), form.email.data, form.role.data, settings().public_url)
    return jsonify({"status": "sent", "message": str(_l("Invitation sent. The link works once, for 7 days."))}), 202


def _one(person) -> dict:
    return colleague_json(person, colleagues.listing(ctx()).names)


@operation(bp, "/colleagues/<user_id>", "PATCH", "An administrator makes a colleague administrator or member "
           "(never leaving the company without one)", form=ColleagueRoleForm, response="Colleague")
def colleague_role(user_id: str):
    """Change a colleague's role."""
    colleagues.require_admin(ctx(), "colleague.role_changed", user_id)
    form = parse(ColleagueRoleForm)
    return jsonify(_one(colleagues.set_role(ctx(), user_id, form.role.data)))


@operation(bp, "/colleagues/<user_id>/disable", "POST", "An administrator disables a colleague: its sessions and API "
           "tokens end (never the last active administrator, never oneself)", response="Colleague")
def colleague_disable(user_id: str):
    """Disable a colleague."""
    return jsonify(_one(colleagues.set_active(ctx(), user_id, False)))


@operation(bp, "/colleagues/<user_id>/enable", "POST", "An administrator enables a colleague again (API tokens from "
           "before stay void)", response="Colleague")
def colleague_enable(user_id: str):
    """Enable a colleague."""
    return jsonify(_one(colleagues.set_active(ctx(), user_id, True)))


@operation(bp, "/invitations/<token>", "GET", "What an invitation link offers: the company and the address. 404 for "
           "an expired, used, replaced or forged link; 429 while this address, having tried many bad links, must wait",
           response="Invitation", auth=False, errors=(404, 429))
def invitation_get(token: str):
    """Read an invitation."""
    person, customer = colleagues.invitation(ctx(), token)
    return jsonify({"company": customer.name if customer else "", "email": person.email,
                    "role": company_role(person).value, "expires": person.invite_expires.isoformat()})


@operation(bp, "/invitations/<token>", "POST", "Accept an invitation with one's name and password (once); then "
           "sign in. 409 when the address has an account already", form=AcceptInvitationForm, response="Joined",
           status=201, auth=False, errors=(404, 409, 429))
def invitation_accept(token: str):
    """Join one's company."""
    form = parse(AcceptInvitationForm)
    person = colleagues.accept(ctx(), token, form.name.data, form.password.data)
    return jsonify({"status": "joined", "email": person.email}), 201
