"""API of one's own sign-in (issue 15 items 5-7): tokens with a TOTP code, signing a token out, two-factor set-up,
sessions; and MD's reset of a lost device. The same services and forms as /login and /account/security."""

from __future__ import annotations

from datetime import timedelta

from flask import g, jsonify
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.routes import staff_json
from portal.api.spec import operation
from portal.api.validation import parse
from portal.auth.forms import CodeForm, TokenForm
from portal.auth.routes import throttles
from portal.domain.roles import Perm
from portal.services import auth, mfa, org, sessions, tokens
from portal.services.errors import Unauthenticated
from portal.services.pages.account import security_page
from portal.web import ctx, settings

CODE_NEEDED = _l("This account uses two-factor sign-in: send the code from the authenticator app as `code`.")
LINK_NEEDED = _l("This account had many failed sign-ins lately: sign in on the web page once, with the link we "
                 "e-mail, or set up two-factor sign-in and send its code.")


@operation(bp, "/tokens", "POST", "Exchange e-mail and password for a short-lived bearer token. An account using "
           "two-factor sign-in also sends `code` (6 digits from its authenticator app, or a recovery code; 401 "
           "naming `code` without it, 422 when wrong, 409 when used already). Throttled per account and client "
           "address (429)",
           form=TokenForm, response="Token", status=201, auth=False, errors=(401, 409, 429))
def tokens_create():
    """Sign in for the API: throttled like the sign-in page."""
    form = parse(TokenForm)
    checked = auth.check_password(ctx(), form.email.data, form.password.data, throttles(), channel="api")
    user = checked.user
    if checked.next_step == "totp":
        if not (form.code.data or "").strip():
            raise Unauthenticated(CODE_NEEDED, fields={"code": [CODE_NEEDED]})
        user = mfa.verify_code(ctx(), user.user_id, form.code.data, throttles(), channel="api")
    elif checked.next_step == "link":
        raise Unauthenticated(LINK_NEEDED)
    lifetime = settings().token_minutes
    token = auth.issue_token(ctx(), user, settings().token_keys, timedelta(minutes=lifetime))
    return jsonify({"token": token, "token_type": "Bearer", "expires_in": lifetime * 60}), 201


@operation(bp, "/tokens/current", "DELETE", "Sign this API client out: the token sending this request dies",
           response="SignedOut")
def token_sign_out():
    """The bearer token of this request ends."""
    tokens.sign_out_token(ctx(), g.token_sid)
    return jsonify({"status": "signed_out", "sessions": 1})


def _session_json(s) -> dict:
    return {"id": s.handle, "kind": s.kind, "device": s.device, "ip": s.ip, "started": s.started.isoformat(),
            "last_seen": s.last_seen.isoformat(), "current": s.current}


@operation(bp, "/account/security", "GET", "One's two-factor state and live sessions and API tokens",
           response="Security")
def security():
    """What /account/security shows."""
    conf = settings()
    page = security_page(ctx(), conf.mfa_roles, conf.idle_limit, g.token_sid)
    return jsonify({"totp": page.totp_on, "totp_required": page.totp_required,
                    "recovery_codes_left": page.recovery_left, "sessions": [_session_json(s) for s in page.sessions]})


@operation(bp, "/account/totp", "POST", "Begin setting up two-factor sign-in: a new secret for the authenticator "
           "app (409 when it is on already)", response="TotpSetup", status=201)
def totp_start():
    """A new TOTP secret to confirm with a code."""
    setup = mfa.start_setup(ctx())
    return jsonify({"secret": setup.secret, "otpauth_uri": setup.uri}), 201


@operation(bp, "/account/totp/confirm", "POST", "Turn two-factor sign-in on with a code from the app; answers the "
           "10 single-use recovery codes, once (404 with no set-up begun)", form=CodeForm, response="RecoveryCodes",
           errors=(429,))
def totp_confirm():
    """Confirm the set-up."""
    form = parse(CodeForm)
    return jsonify({"recovery_codes": mfa.confirm_setup(ctx(), form.code.data, throttles())})


@operation(bp, "/account/totp/off", "POST", "Turn one's optional two-factor sign-in off with a current code or a "
           "recovery code (409 when one's role requires it or it is off already; 422 for a wrong code)",
           form=CodeForm, response="Security", errors=(429,))
def totp_off():
    """Turn two-factor sign-in off; answers the security state after."""
    form = parse(CodeForm)
    mfa.turn_off(ctx(), form.code.data, settings().mfa_roles, throttles())
    return security()


@operation(bp, "/account/sessions/<handle>", "DELETE", "Sign one of one's sessions or API tokens out",
           response="SignedOut")
def session_end(handle: str):
    """End one of one's own sessions."""
    sessions.end_one(ctx(), handle)
    return jsonify({"status": "signed_out", "sessions": 1})


@operation(bp, "/account/sign-out-everywhere", "POST", "Sign out everywhere: every session and API token of the "
           "account, this token too", response="SignedOut")
def sessions_end_all():
    """End every session of the account."""
    return jsonify({"status": "signed_out", "sessions": sessions.end_everywhere(ctx())})


@operation(bp, "/staff/<user_id>/totp-reset", "POST", "Reset a staff member's two-factor sign-in (a lost device; "
           "MD): audited, the owner told, every session ended", response="Staff", perm=Perm.RESET_TWO_FACTOR)
def staff_totp_reset(user_id: str):
    """MD resets a lost device."""
    mfa.reset(ctx(), user_id)
    return jsonify(staff_json(org.get_staff(ctx(), user_id)))
