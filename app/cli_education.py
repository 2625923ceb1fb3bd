"""`flask education import FILE`: import 继续教育 hours exported from the province's platform.

For files too large for the admin page (the whole province at once). Good rows are imported,
refused rows are listed with the reason and make the command exit with status 1; a file that
cannot be read imports nothing. ``--dry-run`` checks everything and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from app.extensions import db

education_cli = AppGroup("education", help="继续教育平台数据")
#: refused rows printed one by one (the counts are always complete)
SHOWN = 50
CLI_ACTOR = "命令行导入"
MSG_CONFLICT = "导入时数据被同时修改（可能有人在同时导入），未导入任何数据，请重试"


@education_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入")
def import_command(file: Path, dry_run: bool) -> None:
    """Import FILE (.xlsx or .csv with 身份证号, 年度, 公需科目学时, 专业科目学时)."""
    from app.clock import BEIJING, now
    from app.services import continuing_education as service

    moment = now()
    try:
        report = service.import_file(
            db.session,
            file.read_bytes(),
            source=file.name,
            today=moment.astimezone(BEIJING).date(),
            now=moment,
            by_name=CLI_ACTOR,
        )
    except service.ImportFileError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    if dry_run:
        db.session.rollback()
    else:
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise click.ClickException(MSG_CONFLICT) from None
    click.echo(("（试运行，未写入）" if dry_run else "") + report.summary)
    refused = report.refused
    for row in refused[:SHOWN]:
        click.echo(f"  第{row.line}行 {row.id_number} {row.year}：{row.message}")
    if len(refused) > SHOWN:
        click.echo(f"  另有{len(refused) - SHOWN}行未导入，未逐行列出")
    if refused:
        raise SystemExit(1)
