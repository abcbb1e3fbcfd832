"""Use cases: plain functions taking ids/values, a request context and `now`."""
