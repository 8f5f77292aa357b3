"""The two ways a command fails, each rendered by the CLI as one line and an exit code."""


class InfraError(Exception):
    """An operation failed (AWS refused, a deploy rolled back, a check did not pass). Exit code 1."""

    exit_code = 1


class ConfigError(InfraError):
    """The configuration or the command line is wrong; nothing was changed. Exit code 2."""

    exit_code = 2
