"""The lazy guest table model."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.guests import GuestService
from kiosk.ui.guest_model import COLUMNS, GUEST_ID_ROLE, PAGE, PLACEHOLDER, GuestTableModel


def test_model_passes_qtmodeltester(qtmodeltester, demo_desk, english):
    service = GuestService(demo_desk)
    model = GuestTableModel(service.many, lambda: demo_desk.event)
    model.set_ids([guest.id for guest in service.all()])
    qtmodeltester.check(model, force_py=True)


def test_rows_are_fetched_lazily_in_pages(demo_desk):
    service = GuestService(demo_desk)
    calls: list[int] = []

    def fetch(ids):
        calls.append(len(ids))
        return service.many(ids)

    ids = [guest.id for guest in service.all()] * 10  # 600 rows
    model = GuestTableModel(fetch, lambda: demo_desk.event)
    model.set_ids(ids)
    assert calls == []
    assert model.rowCount() == 600
    model.data(model.index(0, 0))
    assert calls == [60]  # one page; ids repeat, so the page holds the 60 distinct ids
    model.data(model.index(1, 1))
    assert len(calls) == 1
    assert PAGE >= 100


def test_a_failing_row_shows_a_placeholder(demo_desk):
    def fetch(ids):
        raise RuntimeError("disk on fire")

    model = GuestTableModel(fetch, lambda: demo_desk.event)
    model.set_ids(["a", "b"])
    assert model.data(model.index(0, 0)) == PLACEHOLDER
    assert model.data(model.index(1, 0), GUEST_ID_ROLE) == "b"


def test_phone_is_masked_and_category_labelled(demo_desk, english):
    service = GuestService(demo_desk)
    guest = service.all()[0]
    model = GuestTableModel(service.many, lambda: demo_desk.event)
    model.set_ids([guest.id])
    phone = next(i for i, (name, _label) in enumerate(COLUMNS) if name == "phone")
    category = next(i for i, (name, _label) in enumerate(COLUMNS) if name == "category")
    shown = model.data(model.index(0, phone))
    assert guest.phone not in shown and "****" in shown and shown.endswith(guest.phone[-4:])
    assert model.data(model.index(0, category)) == "Expert"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"


def test_refresh_guest_replaces_the_cached_row(qtbot, demo_desk):
    service = GuestService(demo_desk)
    guest = service.all()[3]
    model = GuestTableModel(service.many, lambda: demo_desk.event)
    model.set_ids([guest.id])
    assert model.data(model.index(0, 0)) == guest.name
    changed = service.update(guest.id, {"name": "张三丰"})
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.refresh_guest(guest.id, changed)
    assert model.data(model.index(0, 0)) == "张三丰"
