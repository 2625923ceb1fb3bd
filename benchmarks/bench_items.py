"""Section pages of 学历资历 / 业绩成果 as the dossier grows, and a save with two scans.

Not a test: run it by hand and read the numbers (SQLite in memory, local upload folder).

    .venv/bin/python -m benchmarks.bench_items [--runs 10]

For 1, 50 and 200 entries it prints the median time and the SQL statements of one section page,
then the median time of 保存 of a 论文 with a 1.9 MB JPEG and a PDF (validation, fsync, rows).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime

from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.models import ItemKind, Section
from app.services.catalog import load_catalog
from config import TestConfig
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD, make_batch, make_committee, make_org
from tests.helpers import login
from tests.items.support import World, add_item, form, make_dossier, multipart, pdf


class BenchConfig(TestConfig):
    FIXED_NOW = datetime(2026, 10, 15, 2, 0, tzinfo=UTC)
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SQLALCHEMY_DATABASE_URI = "sqlite://"


def scan(size=(1240, 1754), target=int(1.9 * 1024 * 1024)) -> bytes:
    rng = random.Random(3)
    for quality in (95, 90, 85, 80, 70, 60):
        image = Image.frombytes(
            "RGB", (size[0] // 2, size[1] // 2), rng.randbytes(size[0] * size[1] * 3 // 4)
        )
        buffer = io.BytesIO()
        image.resize(size).save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= target:
            return buffer.getvalue()
    return buffer.getvalue()


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as uploads:
        BenchConfig.UPLOAD_DIR = uploads
        app = create_app(BenchConfig)
        with app.app_context():
            upgrade()
            load_catalog(db.session)
            org = make_org(db.session)
            make_batch(db.session, BenchConfig.FIXED_NOW)
            world = World(org, make_committee(db.session))
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
            print(f"{'section':8} {'entries':>7} {'median':>9} {'queries':>8}")
            for size in (1, 50, 200):
                application = make_dossier(db.session, world)
                kinds = [ItemKind.PAPER, ItemKind.BOOK, ItemKind.PROJECT, ItemKind.OTHER]
                for index in range(size):
                    add_item(db.session, application, kinds[index % 4], parts=["封面", "正文"])
                db.session.commit()
                client = IsolatedClient(app, app.response_class, use_cookies=True)
                login(client, application.applicant.username, PASSWORD)
                url = f"/applicant/items/section/{Section.ACHIEVEMENT.value}"
                client.get(url)
                statements.clear()
                client.get(url)
                queries = len(statements)
                took = median_ms(lambda c=client, u=url: c.get(u), args.runs)
                print(f"{'4':8} {size:>7} {took:>7.1f}ms {queries:>8}")
            application = make_dossier(db.session, world)
            db.session.commit()
            client = IsolatedClient(app, app.response_class, use_cookies=True)
            login(client, application.applicant.username, PASSWORD)
            image, document = scan(), pdf(5)

            def save():
                body, content_type = multipart(
                    form(
                        ItemKind.PAPER,
                        [(image, "正文.jpg", "正文"), (document, "封面.pdf", "封面")],
                    )
                )
                client.post("/applicant/items/new/paper", data=body, content_type=content_type)
                db.session.rollback()

            took = median_ms(save, min(args.runs, 5))  # the committee allows five papers
            print(
                f"保存 论文 with {len(image) / 1048576:.1f} MB JPEG + PDF: {took:.1f} ms (median)"
            )


if __name__ == "__main__":
    main()
