"""Typed errors, each with its exit code and a message that names the fix."""

from __future__ import annotations

from typing import ClassVar

# 0 clean and 1 findings are Report.exit_code's; these are the others
COULD_NOT_CHECK = 2
INTERNAL_ERROR = 3
INTERRUPTED = 130
TERMINATED = 143  # 128 + SIGTERM, what a shell reports for a process SIGTERM ended


class Terminated(BaseException):
    """SIGTERM arrived (CI cancelling a job, a hook's timeout): unwind like Ctrl-C, so worker
    processes and git children are stopped on the way out, then exit 143."""


class GuardError(Exception):
    """guard could not check: usage, config, not a repository, malformed input."""

    exit_code: ClassVar[int] = COULD_NOT_CHECK


class UsageError(GuardError): ...


class ConfigError(GuardError): ...


class GitError(GuardError): ...


class UnsafeRepositoryError(GitError):
    """git refused a repository another user owns (its safe.directory check)."""


class InputError(GuardError): ...
