"""Regexes that users write (extra rules, allowlists) run on RE2, whose time is linear in the text.

In CI the pull request under test supplies `.guard.yaml`, so its author chooses these
patterns: on Python's backtracking `re`, `(a+)+$` takes minutes on 40 characters. RE2 has
no lookaround and no backreferences; a pattern that needs them is refused when the config
is loaded, naming the rule, instead of being run on an engine without a bound. The built-in
rules stay on `re`: tests/test_rules.py proves each linear.
"""

from __future__ import annotations

from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print its own copy of each error on stderr


def compile_user(pattern: str) -> Any:
    """The pattern compiled by RE2 (its API mirrors `re.Pattern`); ValueError saying why it cannot be."""
    if not isinstance(pattern, str):
        raise ValueError('a regex must be a string')
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as e:
        reason = e.args[0].decode('utf-8', 'replace') if e.args and isinstance(e.args[0], bytes) else str(e)
        raise ValueError(
            f'{reason}: user regexes run on RE2, which has no lookaround, backreferences or '
            'possessive quantifiers and bounds repetitions at 1000; rewrite it without them'
        ) from None
