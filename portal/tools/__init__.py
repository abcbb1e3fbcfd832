"""Command-line tools for building and publishing."""
