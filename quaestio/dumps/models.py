"""What the dump room remembers: each import, and whatever a dump row held that no column does."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DumpImport(models.Model):
    """One imported site. Its name is unique, so the same dump cannot be imported twice."""

    site = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=1000)
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    # file name -> attribute names in the order the dump wrote them; export writes the same order
    attribute_orders = models.JSONField(default=dict)
    # file name -> [lowest id, highest id] of the rows this import added
    id_ranges = models.JSONField(default=dict)
    report = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.site


class DumpExtra(models.Model):
    """The part of a dump row the model cannot hold, so export reproduces the row exactly.

    `data` keys: "set" {attribute: original value} (attributes without a column, attributes
    present but empty, originals of sanitised HTML and of dates in an unusual form); "guard"
    {attribute: digest of the column value the original stands for} (the original is used only
    while the column still holds what the import wrote, so a later edit wins); "absent"
    [attributes the row did not carry although their column has a default].
    """

    file = models.SmallIntegerField()  # schema.DumpFileSpec.code
    row_id = models.BigIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "row_id"], name="dumpextra_file_row_unique")
        ]
