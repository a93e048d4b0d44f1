"""The agreements tab and the reports menu (no dialog is ever exec()'d)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.agreements import AgreementService, Party, Signatory
from kiosk.ui.agreements_tab import AgreementsTab, AgreementTableModel, ReportsMenu


def test_model_passes_qtmodeltester(qtmodeltester, demo_desk, english):
    model = AgreementTableModel()
    model.set_rows(AgreementService(demo_desk).list())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 19
    assert model.index(0, 0).data() == "HK-" + demo_desk.require_event().date[:4] + "-A01"


def test_filter_states_and_cover_sheet(qtbot, demo_desk, english, tmp_path):
    opened = []
    tab = AgreementsTab(demo_desk, open_url=opened.append)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 19
    tab.filter.setCurrentIndex(tab.filter.findData("ready"))
    assert tab.model.rowCount() == 4
    assert {tab.model.agreement(r).state for r in range(4)} == {"ready"}
    tab.table.selectRow(0)
    chosen = tab.selected()
    assert tab.state_buttons["signed"].isEnabled() and not tab.state_buttons["collected"].isEnabled()
    with qtbot.waitSignal(tab.changed) as changed:
        tab.state_buttons["signed"].click()
    assert changed.args == [chosen.id]
    assert AgreementService(demo_desk).get(chosen.id).state == "signed"
    assert tab.model.rowCount() == 3  # it left the "ready" filter
    with qtbot.waitSignal(tab.cover_sheet_written) as written:
        tab.cover_sheet(chosen.id, tmp_path / "cover.pdf")
    assert (tmp_path / "cover.pdf").read_bytes().startswith(b"%PDF")
    assert written.args == [str(tmp_path / "cover.pdf")] and opened[0].toLocalFile() == str(tmp_path / "cover.pdf")


def test_dialog_builds_parties_from_guests_and_typed_names(qtbot, demo_desk, english):
    tab = AgreementsTab(demo_desk, open_url=lambda url: None)
    qtbot.addWidget(tab)
    dialog = tab.dialog()
    qtbot.addWidget(dialog)
    assert len(dialog.party_editors) == 2
    organisation = next(o for o in AgreementService(demo_desk).organisations()
                        if AgreementService(demo_desk).signatory_candidates(o))
    first, second = dialog.party_editors
    first.organisation.setCurrentText(organisation)
    assert first.people.count() >= 1
    first.people.item(0).setCheckState(Qt.CheckState.Checked)
    second.organisation.setCurrentText("河口区石油装备产业园")
    second.extra.setText("赵强 总经理; 钱敏")
    dialog.title.setText("合作意向书")
    assert dialog.problem() == ""
    values = dialog.values()
    assert values["parties"][0].name == organisation and values["parties"][0].signatories[0].guest_id
    assert values["parties"][1].signatories == (Signatory("赵强", "总经理"), Signatory("钱敏", ""))
    before = tab.model.rowCount()  # the demo event comes with its 19 agreements
    with qtbot.waitSignal(tab.changed):
        tab.create(values)
    assert tab.model.rowCount() == before + 1
    dialog.add_party()
    assert len(dialog.party_editors) == 3


def test_editing_an_agreement_keeps_its_parties(qtbot, demo_desk, english):
    service = AgreementService(demo_desk)
    made = service.create(kind="cooperation", title="协议", parties=[
        Party("甲单位", (Signatory("张三", "经理"),)), Party("乙单位")])
    tab = AgreementsTab(demo_desk, open_url=lambda url: None)
    qtbot.addWidget(tab)
    dialog = tab.dialog(service.get(made.id))
    qtbot.addWidget(dialog)
    assert [e.party() for e in dialog.party_editors] == list(made.parties)


def test_reports_menu_writes_and_opens(qtbot, demo_desk, english, tmp_path):
    opened = []
    menu = ReportsMenu(demo_desk, ask_path=lambda name, suffix: str(tmp_path / name), open_url=opened.append)
    assert len(menu.actions()) == 8
    with qtbot.waitSignal(menu.written) as written:
        menu.actions()[4].trigger()  # sign-in sheet (PDF)
    assert written.args == [str(tmp_path / "sign-in.pdf")] and (tmp_path / "sign-in.pdf").exists()
    with qtbot.waitSignal(menu.written):
        menu.actions()[6].trigger()  # check-ins (CSV)
    assert (tmp_path / "checkins.csv").exists() and len(opened) == 2
