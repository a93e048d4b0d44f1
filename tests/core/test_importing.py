"""Importing guest lists: all or nothing, merge on re-import, dry run, backup first."""

from __future__ import annotations

import csv

from kiosk.core.guests import GuestService
from kiosk.core.importing import import_guests
from kiosk.models.tables import Guest, JournalEntry

HEADER = ["姓名", "单位", "职务", "手机", "类别", "邮箱", "票号", "备注"]
ROWS = [
    ["王芳", "中国石油大学（华东）", "教授", "13800138001", "学者", "wf@upc.edu.cn", "", ""],
    ["张伟", "胜利油田", "总经理", "13800138002", "企业", "", "T-2", "VIP：请专人陪同"],
    ["单雄", "河口区人民政府", "副区长", "13800138003", "政府", "", "", ""],
]


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_import_then_merge_an_updated_list(desk, tmp_path):
    first = import_guests(desk, write_csv(tmp_path / "v1.csv", ROWS, "gb18030"))
    assert (first.imported, first.updated, first.errors) == (3, 0, [])
    assert first.backup and (desk.data_dir / "backups").exists()
    updated = [row[:] for row in ROWS]
    updated[0][2] = "院长"  # changed title
    updated[1][7] = ""  # an empty cell never erases
    updated = updated[:2] + [["李娜", "东营日报", "记者", "13800138009", "媒体", "", "", ""]]  # 单雄 left out
    preview = import_guests(desk, write_csv(tmp_path / "v2.csv", updated), dry_run=True)
    assert (preview.imported, preview.updated, preview.unchanged) == (1, 1, 1)
    assert preview.changes[0]["fields"] == {"title": ["教授", "院长"]}
    assert Guest.select().count() == 3  # the dry run wrote nothing
    entries_before = JournalEntry.select().count()
    merged = import_guests(desk, write_csv(tmp_path / "v2.csv", updated))
    assert (merged.imported, merged.updated, merged.unchanged) == (1, 1, 1)
    assert JournalEntry.select().count() == entries_before + 2
    names = {g.name: g for g in GuestService(desk).all()}
    assert set(names) == {"王芳", "张伟", "单雄", "李娜"}  # nobody lost
    assert names["王芳"].title == "院长" and names["张伟"].note == "VIP：请专人陪同"
    again = import_guests(desk, write_csv(tmp_path / "v2.csv", updated))
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)


def test_a_file_with_bad_rows_imports_nothing(desk, tmp_path):
    rows = ROWS + [["", "无名", "", "", "", "", "", ""], ["赵六", "x", "", "12-34", "外星人", "", "", ""]]
    report = import_guests(desk, write_csv(tmp_path / "bad.csv", rows))
    assert report.imported == 0 and Guest.select().count() == 0
    assert {error["row"] for error in report.errors} == {5, 6}
    assert all(error["message"] for error in report.errors)


def test_duplicates_are_reported_not_doubled(desk, tmp_path):
    rows = ROWS + [["王芳", "中国石油大学（华东）", "教授", "", "学者", "", "", ""], ["某人", "某单位", "", "13800138002", "", "", "", ""]]
    report = import_guests(desk, write_csv(tmp_path / "dup.csv", rows))
    assert report.imported == 3 and Guest.select().count() == 3
    assert sorted(d["row"] for d in report.duplicates) == [5, 6]


def test_imported_guests_are_searchable_and_journalled(desk, tmp_path):
    import_guests(desk, write_csv(tmp_path / "v1.csv", ROWS))
    from kiosk.core.search import search

    assert [g.name for g in search("wf")][:1] == ["王芳"]
    assert [g.name for g in search("shanxiong")] == ["单雄"]
    assert JournalEntry.select().where(JournalEntry.kind == "guest.set").count() == 3
