"""The e2e suite runs against a real stack, started like the integration tests' one."""

from tests.integration.conftest import stack  # noqa: F401  (the session-scoped stack fixture)
