"""The HTTP client fixture of the API tests, for the pipeline's entry-point tests."""

from tests.api.conftest import client  # noqa: F401
