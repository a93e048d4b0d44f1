"""The check-in and Agreements tabs, the Reports menu and the staff unlock code in the desk window."""

from __future__ import annotations

from kiosk.core.agreements import AgreementService
from kiosk.core.guests import GuestService
from tests.ui.conftest import code_of


def scan(qtbot, window, text):
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        window.scan(text)
    return blocker.args[0]


def test_a_guest_scan_brings_back_the_checkin_tab(qtbot, window):
    window.show()
    window.tabs.setCurrentIndex(window.AGREEMENTS_TAB)
    guest = GuestService(window.desk).all()[5]
    verdict = scan(qtbot, window, code_of(window.desk, guest.id))
    assert verdict.status == "ok"
    assert window.tabs.currentIndex() == window.CHECKIN_TAB
    assert window.verdict.isVisible() and window.verdict.name.text() == guest.name
    assert [window.tabs.tabText(i) for i in range(2)] == ["Check-in", "Agreements"]


def test_an_agreement_code_opens_it_in_the_agreements_tab_even_behind_a_filter(qtbot, window):
    window.show()
    agreement = next(a for a in AgreementService(window.desk).list() if a.state == "draft")
    window.agreements.filter.setCurrentIndex(window.agreements.filter.findData("signed"))
    verdict = scan(qtbot, window, agreement.code)
    assert verdict.reason in {"agreement", "agreement_collected"}
    assert window.tabs.currentIndex() == window.AGREEMENTS_TAB
    assert window.agreements.selected().id == agreement.id


def test_collecting_a_signed_agreement_shows_its_new_state(qtbot, window):
    service = AgreementService(window.desk)
    agreement = next(a for a in service.list() if a.state == "signed")
    verdict = scan(qtbot, window, agreement.code)
    assert verdict.reason == "agreement_collected"
    assert window.tabs.currentIndex() == window.AGREEMENTS_TAB
    assert window.agreements.selected().state == "collected"


def test_reports_menu_in_the_toolbar_writes_through_the_writer(qtbot, window, tmp_path):
    window.reports_menu._ask_path = lambda name, suffix: str(tmp_path / f"{name}{suffix}")
    window.reports_menu._open_url = lambda url: None
    assert window.reports_button.menu() is window.reports_menu
    assert window.reports_button.text() == "Reports ▾"
    with qtbot.waitSignal(window.reports_menu.written, timeout=10_000) as written:
        window.reports_menu.actions()[6].trigger()  # check-ins (CSV)
    assert written.args == [str(tmp_path / "checkins.csv")] and (tmp_path / "checkins.csv").exists()
    assert "checkins.csv" in window.statusBar().currentMessage()


def test_staff_unlock_code_is_shown_as_a_qr(qtbot, window):
    from kiosk.core.staff import check_unlock_code

    assert window.unlock_code_action.text() == "Staff unlock code…"
    window.unlock_code_action.trigger()
    dialog = window._dialogs[-1]
    assert dialog.isVisible() and not dialog.isModal()
    assert check_unlock_code(window.desk, dialog.code)
    dialog.close()
