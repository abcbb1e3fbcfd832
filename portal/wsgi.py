"""The WSGI entry point Zappa (and any WSGI server) imports: settings come from the environment."""

from portal import create_app

app = create_app()
