"""What an import reports: rows and time per file, the phases after the load, and what the
import's policies kept, created or corrected (see importer.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileResult:
    name: str
    rows: int = 0
    seconds: float = 0.0
    extras: int = 0
    # Rows/s over the file's first tenth and over its last tenth (progress.Progress).
    start_rate: float = 0.0
    end_rate: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class ImportReport:
    site: str
    files: list[FileResult] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    kept_dangling: dict[str, int] = field(default_factory=dict)
    created_tags: int = 0
    recount: dict[str, int] = field(default_factory=dict)
    scores_differing_from_votes: int = 0
    load_seconds: float = 0.0
    waited_for_parsing: float = 0.0  # the importer, idle, waiting for the parsing process
    phases: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def rows(self) -> int:
        return sum(result.rows for result in self.files)

    def as_dict(self) -> dict:
        return {
            "files": {
                r.name: {
                    "rows": r.rows,
                    "seconds": round(r.seconds, 3),
                    "start_rate": round(r.start_rate),
                    "end_rate": round(r.end_rate),
                }
                for r in self.files
            },
            "missing_files": self.missing_files,
            "kept_dangling": self.kept_dangling,
            "created_tags": self.created_tags,
            "recount": self.recount,
            "scores_differing_from_votes": self.scores_differing_from_votes,
            "phases": {name: round(seconds, 3) for name, seconds in self.phases.items()},
            "elapsed": round(self.elapsed, 3),
        }

    def lines(self) -> list[str]:
        out = [f"Imported {self.site}:"]
        for r in self.files:
            out.append(
                f"  {r.name:<16} {r.rows:>12,} rows {r.seconds:8.2f} s {r.rate:>10,.0f} rows/s "
                f"(first tenth {r.start_rate:,.0f}, last tenth {r.end_rate:,.0f})"
            )
        load_rate = self.rows / self.load_seconds if self.load_seconds else 0
        out.append(
            f"  {'all files':<16} {self.rows:>12,} rows {self.load_seconds:8.2f} s "
            f"{load_rate:>10,.0f} rows/s"
        )
        for name, seconds in self.phases.items():
            out.append(f"  then {name}: {seconds:.2f} s")
        rate = self.rows / self.elapsed if self.elapsed else 0
        out.append(
            f"  {'end to end':<16} {self.rows:>12,} rows {self.elapsed:8.2f} s {rate:>10,.0f} rows/s"
        )
        if self.missing_files:
            out.append("  files not in the dump (skipped): " + ", ".join(self.missing_files))
        for name, count in self.kept_dangling.items():
            out.append(f"  kept, pointing at a post not in the dump: {count:,} {name}")
        if self.created_tags:
            out.append(
                f"  tags used by posts but missing from Tags.xml, created: {self.created_tags:,}"
            )
        for name, changed in self.recount.items():
            out.append(f"  recount {name}: {changed:,} corrected")
        out.append(
            f"  scores kept from the dump; {self.scores_differing_from_votes:,} differ from the "
            "dump's votes (votes of deleted users are not in dumps)"
        )
        return out
