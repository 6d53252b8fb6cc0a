"""The one error an import or export raises: it names the file, the line and the row id."""

from __future__ import annotations

from quaestio.core.errors import DomainError


class DumpError(DomainError):
    """Bad input in a dump. Raised before anything is committed, so the database is unchanged."""

    def __init__(
        self, message: str, *, file: str = "", line: int | None = None, row_id: str | None = None
    ) -> None:
        self.reason = message
        self.file = file
        self.line = line
        self.row_id = row_id
        where = ", ".join(
            part
            for part in (
                file,
                f"line {line}" if line else "",
                f"row Id={row_id}" if row_id is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
