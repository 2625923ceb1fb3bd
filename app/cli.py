"""Command-line entry points: `flask catalog load`, `flask demo load`, `flask admin create`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db


def register_cli(app: Flask) -> None:
    app.cli.add_command(catalog_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(admin_cli)
    app.cli.add_command(notifications_cli)
    from app.cli_storage import storage_cli

    app.cli.add_command(storage_cli)
    from app.cli_education import education_cli

    app.cli.add_command(education_cli)


catalog_cli = AppGroup("catalog", help="字典数据")
demo_cli = AppGroup("demo", help="演示数据")
admin_cli = AppGroup("admin", help="省职改办管理员账号")
notifications_cli = AppGroup("notifications", help="消息与邮件")


@catalog_cli.command("load")
def catalog_load() -> None:
    """Load or update the dictionaries from app/data (idempotent)."""
    from app.services.catalog import load_catalog

    added = load_catalog(db.session)
    db.session.commit()
    click.echo("字典已加载：" + ("，".join(f"{k} +{v}" for k, v in added.items()) or "无新增"))


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="只在数据库里还没有任何单位时加载")
def demo_load(if_empty: bool) -> None:
    """Create the demo province (departments, units, committees, batch, accounts)."""
    from app.services.catalog import load_catalog
    from app.services.demo import demo_exists, load_demo

    if if_empty and demo_exists(db.session):
        click.echo("数据库已有数据，跳过演示数据。")
        return
    load_catalog(db.session)
    summary = load_demo(db.session)
    db.session.commit()
    click.echo(summary)


@admin_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", required=True, help="姓名")
@click.password_option()
def admin_create(username: str, name: str, password: str) -> None:
    """Create a 省职改办管理员 account."""
    from app.services.accounts import AccountError, create_province_admin

    try:
        create_province_admin(db.session, username=username, name=name, password=password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"已创建省职改办管理员 {username}")


@notifications_cli.command("send")
def notifications_send() -> None:
    """Send the e-mails waiting in the outbox (run from cron; failures are retried later)."""
    from flask import current_app

    from app.clock import now
    from app.services.notifications import send_pending

    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("未配置 MAIL_SERVER，邮件不发送（站内消息不受影响）")
    counts = send_pending(db.session, current_app.config, now())
    db.session.commit()
    click.echo(f"已发送 {counts['sent']} 封，失败 {counts['failed']} 封（稍后重试）")
