"""The meetings' world (a committee with a secretary, experts and dossiers) serves the exports."""

from tests.meetings.conftest import as_person, meeting_of, world  # noqa: F401
