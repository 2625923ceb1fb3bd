"""Domain errors raised by the workflow; the message is Chinese and shown to the user as is."""


class WorkflowError(Exception):
    """Base class: ``str(error)`` is the message a view may flash."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotAllowed(WorkflowError):
    """Wrong person, role or scope for this dossier."""


class InvalidState(WorkflowError):
    """The dossier's status or review stage does not admit the action."""


class RuleViolation(WorkflowError):
    """A business rule refuses the action (deadline, publicity, closed committee...)."""
