"""`make run`: moto's server in-process on 127.0.0.1, tables and bucket, demo data, and the portal.

Run as `python -m portal.local`. Never used in production: it refuses PORTAL_ENV=production.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

from portal.config import Settings

LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_DEFAULT_REGION": "us-east-1"}


class SerialMotoServer:
    """moto's server on a thread, handling one AWS request at a time, as DynamoDB's own atomicity requires.

    moto serves requests in parallel, and when a TransactWriteItems fails it restores whole tables from a copy
    taken before, undoing other requests' writes made meanwhile (counters, grades, history). Real DynamoDB
    needs no such lock; the local portal, the browser tests and anything else started here go through it.
    """

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._server = None
        self._thread: threading.Thread | None = None

    def _serialised(self, app):
        def handle(environ, start_response):
            with self._lock:
                return list(app(environ, start_response))  # the whole answer is built inside the lock

        return handle

    def start(self) -> None:
        """Serve on a daemon thread; return once the socket listens."""
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        app = self._serialised(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join()


@dataclass
class LocalStack:
    """A running local backend: moto's server and the settings that point at it."""

    server: object
    settings: Settings
    environment: dict

    def stop(self) -> None:
        """Stop moto's server."""
        self.server.stop()


def start_backend(moto_port: int = 5100, portal_url: str = "http://127.0.0.1:5000", seed: bool = True,
                  env: str = "local", demo_customers: bool = True, prefix: str = "portal-local-",
                  mfa_required_roles: str = "none") -> LocalStack:
    """Start moto in server mode on 127.0.0.1, create every table and the bucket, seed the demo data.

    moto keeps one state per process: a second backend in the same process (the browser tests start one per
    module) takes its own `prefix` for tables and bucket, so it starts empty. Two-factor sign-in is required of
    no role here by default (the demo signs in with passwords alone); production requires it of MD, leadership
    and department leaders (PORTAL_MFA_REQUIRED_ROLES)."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    from portal.adapters import bootstrap
    from portal.adapters.clock import utc_now
    from portal.adapters.seed import seed_demo
    from portal.adapters.setup import configure_all
    from portal.services.auth import hash_password

    for key, value in LOCAL_CREDENTIALS.items():
        os.environ.setdefault(key, value)
    # moto's request handler logs every SDK call; keep the terminal for the portal's own requests.
    MotoRequestHandler.log_request = lambda *args, **kwargs: None
    server = SerialMotoServer("127.0.0.1", moto_port)
    server.start()
    endpoint = f"http://127.0.0.1:{moto_port}"
    environment = {
        "PORTAL_ENV": env,
        "PORTAL_AWS_ENDPOINT": endpoint,
        "PORTAL_TABLE_PREFIX": prefix,
        "PORTAL_BUCKET": f"{prefix}documents",
        "PORTAL_PUBLIC_URL": portal_url,
        "PORTAL_MFA_REQUIRED_ROLES": mfa_required_roles,
        **LOCAL_CREDENTIALS,
    }
    settings = Settings.from_env(environment)
    configure_all(settings)
    bootstrap.create_everything(settings)
    if seed:
        seed_demo(settings, utc_now(), hash_password, with_customers=demo_customers)
    return LocalStack(server, settings, environment)


def banner(stack: LocalStack, url: str) -> str:
    """What `make run` prints: the URL, the demo logins, and the environment for other processes."""
    from portal.adapters.seed import DEMO_CUSTOMER, DEMO_PASSWORD, STAFF

    lines = [
        "",
        f"  客户管理门户 Customer portal: {url}",
        f"  Public site (the pages `make publish-static` publishes): {url}/zh/index.html · {url}/en/index.html",
        "",
        f"  Demo logins (password for all: {DEMO_PASSWORD}):",
        *[f"    {email:<26} {role.value:<6} {dept}" for email, _name, role, dept in STAFF],
        f"    {DEMO_CUSTOMER:<26} customer (上海仁济医疗器械有限公司, VIP in ortho)",
        f"  Two-factor sign-in required of: {', '.join(sorted(stack.settings.mfa_roles)) or 'no role (demo)'} "
        "(production: md, lead, dm; try it with PORTAL_MFA_REQUIRED_ROLES=md,lead,dm make run)",
        "",
        "  Point other processes (scheduled functions, scripts) at the same local data with:",
        *[f"    export {k}={v}" for k, v in stack.environment.items() if k != "PORTAL_PUBLIC_URL"],
        "",
        "  Ctrl-C stops the portal and its local AWS.",
        "",
    ]
    return "\n".join(lines)


def show_mail() -> None:
    """Locally, every mail the portal sends (moto keeps it too) is printed with its body."""
    from portal.adapters import mail

    mail.show_bodies()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("\n  ✉ %(message)s"))
    mail_log = logging.getLogger("portal.mail")
    mail_log.setLevel(logging.DEBUG)
    mail_log.addHandler(handler)


def deliver_outbox_every(seconds: float) -> threading.Thread:
    """The local stand-in for the every-minute `deliver_outbox` schedule: retries of mail that failed (mail
    staged by a request is delivered right after it)."""
    from portal.services import outbox

    def loop() -> None:
        while True:
            time.sleep(seconds)
            outbox.deliver_locally()

    thread = threading.Thread(target=loop, name="outbox", daemon=True)
    thread.start()
    return thread


def write_exports_every(seconds: float) -> threading.Thread:
    """The local stand-in for the every-minute `write_exports` schedule (the jobs page runs it at once too)."""
    from functions import write_exports

    def loop() -> None:
        while True:
            time.sleep(seconds)
            try:
                write_exports.run({})
            except Exception as exc:  # noqa: BLE001 - a local loop reports and keeps going
                print(f"write_exports: {exc}", file=sys.stderr, flush=True)

    thread = threading.Thread(target=loop, name="exports", daemon=True)
    thread.start()
    return thread


def main() -> int:
    """Bring up the whole portal locally until Ctrl-C."""
    if os.environ.get("PORTAL_ENV") == "production":
        print("portal.local refuses to run with PORTAL_ENV=production", file=sys.stderr)
        return 2
    from portal import create_app

    port = int(os.environ.get("PORTAL_PORT", "5000"))
    show_mail()
    url = f"http://127.0.0.1:{port}"
    stack = start_backend(int(os.environ.get("PORTAL_MOTO_PORT", "5100")), url,
                          mfa_required_roles=os.environ.get("PORTAL_MFA_REQUIRED_ROLES") or "none")
    app = create_app(stack.settings)
    deliver_outbox_every(60)
    write_exports_every(60)
    print(banner(stack, url), flush=True)
    try:
        app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
