"""`flask education import FILE`."""

from __future__ import annotations

from app.cli_education import education_cli
from tests.education.support import csv_file, person, record_count, records


def _invoke(app, *args):
    return app.test_cli_runner().invoke(education_cli, ["import", *map(str, args)])


def test_import_command(app, session, tmp_path):
    a, b = person(), person()
    path = tmp_path / "平台导出.csv"
    path.write_bytes(csv_file([(a, 2023, 30, 60), (b, 2024, 31, 62)]))
    result = _invoke(app, path)
    assert result.exit_code == 0, result.output
    assert "共2行：新增2条，更新0条，无变化0条，未导入0行" in result.output
    assert records(session) == {(a, 2023): ("30.0", "60.0"), (b, 2024): ("31.0", "62.0")}
    again = _invoke(app, path)
    assert again.exit_code == 0 and "无变化2条" in again.output
    assert record_count(session) == 2


def test_refused_rows_are_listed_and_the_exit_status_says_so(app, session, tmp_path):
    a = person()
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_file([(a, 2023, 30, 60), ("620102198503120000", 2023, 30, 60)]))
    result = _invoke(app, path)
    assert result.exit_code == 1
    assert "第3行 620102198503120000 2023：身份证号校验位错误" in result.output
    assert record_count(session) == 1  # the good row is kept


def test_dry_run_writes_nothing(app, session, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(csv_file([(person(), 2023, 30, 60)]))
    result = _invoke(app, "--dry-run", path)
    assert result.exit_code == 0, result.output
    assert "（试运行，未写入）共1行：新增1条" in result.output
    assert record_count(session) == 0


def test_malformed_file_imports_nothing(app, session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([("x", 1)], header=("姓名", "学时")))
    result = _invoke(app, path)
    assert result.exit_code == 1
    assert "文件中找不到表头" in result.output
    assert record_count(session) == 0
    assert _invoke(app, tmp_path / "missing.csv").exit_code == 2  # click: no such file


def test_the_command_is_registered(app):
    result = app.test_cli_runner().invoke(args=["education", "--help"])
    assert result.exit_code == 0 and "import" in result.output
