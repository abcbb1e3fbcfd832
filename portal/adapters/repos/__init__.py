"""Repositories: each owns its tables' key formats, indexes, conditions and tags, and returns records."""
