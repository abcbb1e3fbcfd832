"""URL rules that compile their URL builders on first use, not at start-up (issue 14 item 7: cold start).

Werkzeug compiles two Python functions per rule (through `ast` and `compile`) as each rule is added, so that
`url_for` can build its URL; with some 140 routes that was most of `create_app`. A request builds the URLs of a
handful of rules: this rule compiles a builder the first time it is asked for one, and keeps it.
"""

from __future__ import annotations

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A werkzeug Rule whose `_build` and `_build_unknown` are compiled when first called."""

    def _compile_builder(self, append_unknown: bool = True):
        attribute = "_build_unknown" if append_unknown else "_build"
        compile_now = super()._compile_builder

        def build_on_first_use(rule, *args, **kwargs):
            builder = compile_now(append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)  # the instance keeps the compiled builder from now on
            return builder(*args, **kwargs)

        return build_on_first_use
