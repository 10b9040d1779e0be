"""The one exception type that reaches users: a location, a message and a hint."""

from __future__ import annotations


class OkgError(Exception):
    """Bad input. The CLI prints ``str(err)`` as one line on stderr and exits 2."""

    def __init__(self, where: str, message: str, hint: str | None = None) -> None:
        self.where = where
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split())
