"""What the parsing process makes of a dump, pinned: every batch of every file (database rows,
extras, Posts.xml's search rows and words, PostgreSQL's COPY text) of the generated dump and of
beer's real one, fingerprinted and held equal to the fingerprints the code gave before its
per-row work was made faster (issue 20 point 3: pair hashes, tsvector text, accent folding,
the plain-comment shortcut). A change of what an import writes fails here by file; if the
change is meant (a new column, another rendering), record the new fingerprints with
`fingerprints()` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.db import connection

from quaestio.dumps.generator import Options, generate
from quaestio.dumps.importer import Importer
from quaestio.dumps.schema import IMPORT_ORDER
from quaestio.dumps.source import DumpSource
from tests.dumps.test_real_dumps import DUMPS

pytestmark = pytest.mark.django_db

BEER = DUMPS / "beer.stackexchange.com"
GENERATED = Options(scale=0.2, seed=5)  # about 5,300 rows

# Recorded with the code of main at 060c6e3 (before the changes), per database.
PINNED = {
    ("generated", "postgresql"): {
        "Users.xml": "a7e578c2548b0d29e8cedb27086828b76570da43f3ea541e0fa42f2e426074ac",
        "Tags.xml": "45edfad97e8eafe0d9dfe16fdf424941e0832cf887a55eb8e808caae2b3079d4",
        "Badges.xml": "be44bace112825bc4bd97d6ba588a38587606635ee1614061033602de77bb079",
        "Posts.xml": "ee90eb3b5301d4cc472982fd7bede12a5a1d50c80b592866feaef0ba70423414",
        "PostHistory.xml": "d63ad66a04f35d7c3202bd58de98518edb10716e991354644179dd589afe0226",
        "Comments.xml": "bf397ad48dd24d30ad657e0dfa6480f961f1efcb9dc1e9a339fa3c0be976a0cd",
        "Votes.xml": "65e86dd379160408c2573a8bd72ae8c57b57b9862a15c2e70d15b7425afd4de8",
        "PostLinks.xml": "60817933d9f2dd6349fb70c6ebe8747e1b8a72c0228a80d50681e4d316bcded1",
    },
    ("generated", "sqlite"): {
        "Users.xml": "afcca4cbc369992eb4e9494ecffc2a85909630e08e2302e377754cc0d2aef6f9",
        "Tags.xml": "45edfad97e8eafe0d9dfe16fdf424941e0832cf887a55eb8e808caae2b3079d4",
        "Badges.xml": "718a63a6313efd16355a3635c79344f6a8215883b428f136f0de9a2119251ba3",
        "Posts.xml": "fe0f114b1072e9c9b034c2495807c4108d771362600636e508b4a00a90829a62",
        "PostHistory.xml": "3c9a05687bdd15971eba51dfd93314bb4347c8925cec1f23b919d25fa1abe27a",
        "Comments.xml": "eefd95ebe9a0dee8d91b53b7e34235a8d2242e5611db72d04072d3c5e5f649d5",
        "Votes.xml": "aeb978785c9c073dde04b6db1594d105742558e088dbf18f674fc945184030ff",
        "PostLinks.xml": "fcede461d643b47ccd3ec95785f268943060c4e4ca56d8242cb716ecb40a2bfa",
    },
    ("beer", "postgresql"): {
        "Users.xml": "1e59fc67a37aba3b81cabb7a921d4dfd958c9ce05d46eb13805ee3a64f83aabc",
        "Tags.xml": "f73d36c0883f840c6da04f36667c20543e13e571f02fd2fa8b1e477f8a6d3aa6",
        "Badges.xml": "541ce9412a8f73e7475d402c069b5e3d0b040c6554409ec4bf0b08d34c6cf34d",
        "Posts.xml": "688bc69fa3132f2971821b09696e1ef7834d2995fd775329f86639c13c5bc930",
        "PostHistory.xml": "09863e33762b289e1b29e7f0d9981b1a0f4a7317e5bdbd32618e393869c44648",
        "Comments.xml": "e7e39e0ba7b86ed9e585ae38d908a646caa2dcabe23590bb177ba5d082a34f45",
        "Votes.xml": "b169ef2d94f7df36775fe0b0567de597f692ad666ab16448a4bd15e9e118d033",
        "PostLinks.xml": "224635a5e2ba8f69ffc3accb3e97c3646ab7d3ad52c895292b59463ce18b32f5",
    },
    ("beer", "sqlite"): {
        "Users.xml": "1ad9a4de396427e2b4f9f3961c7ef980100ab053642a8b1913decbf5e9e3595f",
        "Tags.xml": "f73d36c0883f840c6da04f36667c20543e13e571f02fd2fa8b1e477f8a6d3aa6",
        "Badges.xml": "74161c531428f2bfe551d9b2274e1980dc1a655bd65e014e64dccb4b6159614e",
        "Posts.xml": "c6ebbbde5a808ad6d4681a88a34dc24be94f5fabea371d58452a0695cf68ab4c",
        "PostHistory.xml": "017ca4983335b86eb0a5814870c02d0f2cf8fcf1bba48eabd117dba2a032429a",
        "Comments.xml": "b051bd278c3954621708450677edef697e008b9bebad26a06f26c08f64ae7863",
        "Votes.xml": "18d9007ddbf77686c8b08f0e24c2cd36bd21efe7d27be2b0512e97473fe39ca9",
        "PostLinks.xml": "2fc5836f0f1cf496c8a09de53eb2722d68e66bf64b64421a19902151c96e7bde",
    },
}


def fingerprints(folder: Path) -> dict[str, str]:
    """Each file's sha256 over everything its batches carry, as the importer would get them
    from the parsing process."""
    source = DumpSource(folder)
    importer = Importer(source, "pinned.example", 500, io.StringIO(), workers=0)
    found = {}
    for spec in IMPORT_ORDER:
        if not source.has(spec.filename):
            continue
        digest = hashlib.sha256()
        for batch in importer._job(spec).batches(source):
            for part in (
                batch.rows,
                batch.extras,
                batch.index_rows,
                sorted(batch.index_words),
                sorted(batch.sequences),
                (batch.low_id, batch.high_id, batch.rows_so_far, batch.last),
                batch.index_ids,
            ):
                digest.update(repr(part).encode())
            for copied in (batch.copy_rows, batch.copy_extras, batch.copy_index):
                if copied is not None:
                    digest.update(bytes(copied.data))
                    digest.update(repr((copied.count, copied.low_id, copied.high_id)).encode())
        found[spec.filename] = digest.hexdigest()
    return found


def test_generated_dump_is_parsed_as_before(tmp_path):
    folder = tmp_path / "pinned.stackexchange.com"
    generate(folder, GENERATED)
    assert fingerprints(folder) == PINNED[("generated", connection.vendor)]


@pytest.mark.shared
@pytest.mark.skipif(not BEER.exists(), reason="../shared/data/se-dumps is not here")
def test_beer_is_parsed_as_before():
    assert fingerprints(BEER) == PINNED[("beer", connection.vendor)]
