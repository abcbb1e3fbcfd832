"""The customer-management portal: create_app() is the application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale

from portal.adapters import secrets
from portal.adapters.setup import configure_all
from portal.config import Settings
from portal.extensions import babel, csrf
from portal.web import request_log
from portal.web.client_address import ClientAddress
from portal.web.routing import LazyBuilderRule
from portal.web.security import StrictJSON

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh", "en")


def create_app(config: Settings | dict | None = None) -> Flask:
    """Build the portal for `config` (Settings, or overrides of the environment's settings)."""
    settings = config if isinstance(config, Settings) else Settings.from_env(**(config or {}))
    configure_all(settings)
    settings = secrets.resolve(settings)  # the keys from SSM, once per cold start (issue 14 item 3)
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder="static")
    app.url_rule_class = LazyBuilderRule  # every route from here on builds its URLs on first use: cheaper cold start
    app.json = StrictJSON(app)
    app.extensions["portal.settings"] = settings
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SECRET_KEY_FALLBACKS=settings.cookie_keys[1:],  # the previous key still opens cookies during a rotation
        SESSION_COOKIE_NAME="portal_session" if settings.is_local else "__Host-portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.is_local,
        PERMANENT_SESSION_LIFETIME=settings.session_lifetime,
        MAX_CONTENT_LENGTH=1024 * 1024,  # uploads go straight to S3, never through the app
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    if settings.is_local:
        _allow_local_mail_domains()
    app.wsgi_app = ClientAddress(app.wsgi_app, settings.trusted_proxies)  # SEC-1: who asks, unforgeable
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _register_blueprints(app)
    _register_request_hooks(app, settings)
    _publish_site_on_change(app, settings)
    return app


def _publish_site_on_change(app: Flask, settings: Settings) -> None:
    """With a static-site bucket, MD's document-type changes re-publish the pages that list them."""
    from portal.services import site

    site.forget_listeners()
    if settings.static_bucket:
        from portal.site.publish import republish_data_pages

        site.when_document_types_change(lambda: republish_data_pages(app, settings.static_bucket))


def _allow_local_mail_domains() -> None:
    """Local runs and tests only: accept the demo accounts' `@demo.local` addresses (RFC 6762 name)."""
    import email_validator

    if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


def _deliver_mail_now(response):
    """Local runs and tests only: deliver the outbox right after a request that staged mail, as the every-minute
    job would in production (`make run` shows mail at once). Never changes the answer."""
    from portal.services import outbox

    if outbox.staged_here():
        outbox.deliver_locally()
    return response


def _select_locale() -> str:
    """Chinese by default; English when the visitor chose it (remembered in a cookie)."""
    choice = request.cookies.get("lang")
    return choice if choice in LOCALES else current_app.extensions["portal.settings"].default_locale


def _register_blueprints(app: Flask) -> None:
    from portal.account import bp as account_bp
    from portal.api import bp as api_bp
    from portal.auth import bp as auth_bp
    from portal.customer import bp as customer_bp
    from portal.inbox import bp as inbox_bp
    from portal.site import bp as site_bp
    from portal.staff import bp as staff_bp
    from portal.web.errors import register_error_handlers

    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(site_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(customer_bp, url_prefix="/customer")
    app.register_blueprint(inbox_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # the API takes bearer tokens, never cookies, so there is nothing to forge
    register_error_handlers(app)


def _register_request_hooks(app: Flask, settings: Settings) -> None:
    from portal.web import dept_label, product_label
    from portal.web.labels import (
        CONDITION_LABELS,
        CONTRACT_LABELS,
        CUSTOMER_KIND_LABELS,
        INCIDENT_LABELS,
        SCALE_LABELS,
        TICKET_LABELS,
        VISIT_LABELS,
        application_status,
        cap_label,
        category_label,
        cycle_label,
        document_status,
        file_size,
        hospital_level_label,
        kind_label,
        localized_name,
        other_name,
        outcome_label,
        role_label,
        status_label,
        unit_label,
    )
    from portal.web.security import identify, security_headers

    app.before_request(identify)
    app.after_request(security_headers)
    if settings.is_local:
        app.after_request(_deliver_mail_now)
    request_log.register(app)

    @app.template_filter("at_time")
    def _at_time(value) -> str:
        """A moment stored as ISO 8601 text (or a datetime), in Beijing time like every other time on a page."""
        from datetime import datetime

        from flask_babel import format_datetime

        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_datetime(moment, "yyyy-MM-dd HH:mm") if moment else ""

    @app.template_filter("id_time")
    def _id_time(value: str | None) -> str:
        """When a record with a ULID was made (its id carries the moment), in Beijing time: a record by its time."""
        from flask_babel import format_datetime
        from ulid import ULID

        try:
            return format_datetime(ULID.from_str(value or "").datetime, "yyyy-MM-dd HH:mm")
        except ValueError:
            return ""

    @app.context_processor
    def _template_globals():
        locale = str(get_locale())
        return {"actor": g.get("actor"), "unread": g.get("unread"), "locale": locale, "static": _static_url,
                "role_label": role_label, "kind_label": kind_label, "outcome_label": outcome_label,
                "status_label": status_label, "app_status": application_status, "doc_status": document_status,
                "condition_labels": CONDITION_LABELS,
                "customer_kind_labels": CUSTOMER_KIND_LABELS, "scale_labels": SCALE_LABELS,
                "show_jobs": settings.env in ("local", "test", "dev"), "incident_labels": INCIDENT_LABELS,
                "ticket_label": lambda key: str(TICKET_LABELS.get(key, key)),
                "dept_label": dept_label, "product_label": product_label,
                "visit_label": lambda key: str(VISIT_LABELS.get(key, key)), "file_size": file_size,
                "contract_label": lambda key: str(CONTRACT_LABELS.get(key, key)),
                "hospital_level_label": hospital_level_label, "unit_label": unit_label, "cycle_label": cycle_label,
                "cap_label": cap_label, "category_label": lambda text: category_label(text, locale),
                "name_of": lambda record: localized_name(record, locale),
                "other_name_of": lambda record: other_name(record, locale)}

    def _static_url(path: str) -> str:
        """Static files: Flask locally, the bucket or CDN (PORTAL_STATIC_URL) in production."""
        if settings.static_url:
            return settings.static_url.rstrip("/") + "/" + path
        return url_for("static", filename=path)
