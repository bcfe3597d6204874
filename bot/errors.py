"""Domain exceptions for Ally. Each carries a one-line message meant for a person to read."""


class AllyError(Exception):
    """Base class for every error Ally reports to a person as one clear line."""


class ConfigError(AllyError):
    """A setting is missing, malformed or unsafe; the message names the setting."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


class ServiceUnavailableError(AllyError):
    """A service Ally depends on (Rasa, the database) did not answer in time."""


class RasaUnavailableError(ServiceUnavailableError):
    """The Rasa server could not be reached or returned an error."""
