"""The agreement register: numbering (also across offline desks), journalled states and history,
the check-in engine's hook (scan_agreement), the purge and the command-line handlers."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

import pytest

from kiosk import cli_agreements
from kiosk.core import credentials
from kiosk.core.agreements import (
    AgreementService,
    BadTransition,
    InvalidAgreement,
    Party,
    Signatory,
    check_pattern,
    scan_agreement,
)
from kiosk.core.checkin import CheckinService
from kiosk.core.desk import Desk
from kiosk.core.guests import GuestService
from kiosk.core.purge import Unsynced, purge, unsynced
from kiosk.core.sync_service import PUSHED
from kiosk.models.database import db
from kiosk.models.journal import entries_after, rebuild_state
from kiosk.models.tables import JournalEntry, LocalSetting
from tests.helpers.desks import add_guest, make_desk

PARTIES = [
    Party("胜利油田河口采油厂", (Signatory("张伟", "厂长"),)),
    Party("中国石油大学（华东）", (Signatory("王芳", "教授"), Signatory("李娜", "副院长"))),
]


def _create(service: AgreementService, title: str = "稠油开发技术合作意向书", **kwargs):
    return service.create(kind=kwargs.pop("kind", "letter_of_intent"), title=title, parties=PARTIES,
                          witness="河口区人民政府", **kwargs)


def _state_rows() -> dict[str, list]:
    connection = db.connection()
    return {
        table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        for table in ("agreement", "agreement_step", "agreement_setting", "guest", "search_key")
    }


def _all_entries():
    return [entry for _seq, entry in entries_after(0, 100_000)]


def test_numbers_follow_the_pattern_and_count_up(desk):
    service = AgreementService(desk)
    first, second = _create(service), _create(service, "第二份")
    assert (first.number, second.number) == ("HK-2099-A01", "HK-2099-A02")
    service.set_pattern("DY{year}-{seq:03d}")
    assert _create(service, "第三份").number == "DY2099-001"
    with pytest.raises(InvalidAgreement):
        check_pattern("HK-{year}")  # no {seq}
    with pytest.raises(InvalidAgreement):
        check_pattern("HK-{name}-{seq}")


def test_every_state_change_is_journalled_with_operator_and_kept_in_history(desk):
    desk.set_operator("小李")
    service = AgreementService(desk)
    agreement = _create(service)
    for state in ("ready", "signed", "collected"):
        service.set_state(agreement.id, state)
    service.undo_collected(agreement.id)
    entries = JournalEntry.select().where(JournalEntry.kind == "agreement.state").order_by(JournalEntry.seq)
    assert [json.loads(e.payload)["state"] for e in entries] == ["draft", "ready", "signed", "collected", "signed"]
    assert {e.operator for e in entries} == {"小李"}
    history = service.get(agreement.id).history
    assert [h.state for h in history] == ["draft", "ready", "signed", "collected", "signed"]
    assert all(h.operator == "小李" and h.at > 0 for h in history)
    assert service.get(agreement.id).state == "signed"
    with pytest.raises(BadTransition):
        service.set_state(agreement.id, "draft")


def test_content_checks_and_edits(desk):
    service = AgreementService(desk)
    with pytest.raises(InvalidAgreement):
        service.create(kind="letter_of_intent", title="x", parties=PARTIES[:1])
    with pytest.raises(InvalidAgreement):
        service.create(kind="treaty", title="x", parties=PARTIES)
    agreement = _create(service)
    changed = service.update(agreement.id, title="新名称", parties=[*PARTIES, Party("河口区科学技术局")])
    assert changed.title == "新名称" and len(changed.parties) == 3
    service.set_state(agreement.id, "ready")
    service.set_state(agreement.id, "signed")
    with pytest.raises(InvalidAgreement):
        service.update(agreement.id, title="改不了")


def test_rebuilding_from_the_journal_gives_the_same_register(desk):
    service = AgreementService(desk)
    for i in range(3):
        agreement = _create(service, f"协议 {i}")
        service.set_state(agreement.id, "ready")
    service.update(agreement.id, witness="东营市人民政府")
    before = _state_rows()
    with desk.write():
        rebuild_state()
    assert _state_rows() == before


def _two_offline_desks(tmp_path, *, same_code: bool):
    """Desk A (organiser) and desk B (joined), each creating agreements while offline, then exchanging."""
    a = make_desk(tmp_path / "a")
    AgreementService(a).set_desk_code("A")
    a_entries = _all_entries()
    a.close()
    b = Desk(tmp_path / "b", fingerprint="machine-b")
    with b.write():
        b.journal.ingest(a_entries)
    b.changed("key.add")
    b_service = AgreementService(b)
    if not same_code:
        b_service.set_desk_code("B")
    else:
        # Simulate a desk that chose its code before it heard of desk A's claim.
        with b.write():
            b.record("agreement.setting", {"name": f"desk_code:{b.device_id}", "value": "A"})
    for i in range(3):
        _create(b_service, f"B 的协议 {i}")
    b_entries = _all_entries()
    b.close()
    a = Desk(tmp_path / "a")
    a_service = AgreementService(a)
    for i in range(3):
        _create(a_service, f"A 的协议 {i}")
    with a.write():
        a.journal.ingest(b_entries)
    a_numbers = {v.id: v.number for v in a_service.list()}
    a_entries = _all_entries()
    a.close()
    b = Desk(tmp_path / "b", fingerprint="machine-b")
    with b.write():
        b.journal.ingest(a_entries)
    b_numbers = {v.id: v.number for v in AgreementService(b).list()}
    b.close()
    return a_numbers, b_numbers


def test_two_desks_offline_never_share_a_number(tmp_path):
    a_numbers, b_numbers = _two_offline_desks(tmp_path, same_code=False)
    assert len(a_numbers) == 6
    assert len(set(a_numbers.values())) == 6
    assert a_numbers == b_numbers
    assert sorted(a_numbers.values()) == [f"HK-2099-{d}0{i}" for d in "AB" for i in (1, 2, 3)]


def test_two_desks_with_the_same_code_still_show_unique_numbers_everywhere(tmp_path):
    a_numbers, b_numbers = _two_offline_desks(tmp_path, same_code=True)
    assert len(set(a_numbers.values())) == 6
    assert a_numbers == b_numbers  # every replica picks the same one to suffix
    assert sum(number.endswith("-2") for number in a_numbers.values()) == 3


def test_a_desk_cannot_take_a_code_another_desk_claimed(tmp_path):
    a = make_desk(tmp_path / "a")
    AgreementService(a).set_desk_code("C")
    entries = _all_entries()
    a.close()
    b = Desk(tmp_path / "b", fingerprint="machine-b")
    with b.write():
        b.journal.ingest(entries)
    with pytest.raises(InvalidAgreement):
        AgreementService(b).set_desk_code("c")
    assert AgreementService(b).desk_code() not in {"C", "A"}
    b.close()


# --- scanning the cover sheet's code ------------------------------------------------------------------


def test_scanning_a_signed_agreement_collects_its_original(desk):
    service = AgreementService(desk)
    agreement = _create(service)
    service.set_state(agreement.id, "ready")
    code = credentials.decode(agreement.code)
    with desk.write():
        verdict = scan_agreement(desk, code)
    assert (verdict.status, verdict.reason) == ("warn", "agreement")
    assert verdict.extra["agreement"]["state"] == "ready"
    service.set_state(agreement.id, "signed")
    with desk.write():
        verdict = scan_agreement(desk, code)
    assert (verdict.status, verdict.reason) == ("ok", "agreement_collected")
    assert verdict.extra["agreement"]["number"] == agreement.number
    assert service.get(agreement.id).state == "collected"
    with desk.write():
        again = scan_agreement(desk, code)
    assert (again.status, again.reason) == ("warn", "agreement")
    assert service.undo_collected(agreement.id).state == "signed"
    assert verdict.to_json(desk)["agreement"]["id"] == agreement.id


def test_scanning_refuses_forged_foreign_and_unknown_codes(desk, tmp_path):
    service = AgreementService(desk)
    agreement = _create(service)
    code = credentials.decode(agreement.code)
    forged = replace(code, signature=bytes(64))
    other_event = replace(code, event_tag=b"\0\0\0\0")
    unknown = credentials.decode(
        credentials.encode(desk.signing_key(), kind="agreement", event_id=desk.require_event().id,
                           subject_id="01900000-0000-7000-8000-000000000000", category=0,
                           valid_until=code.valid_until, serial=1)
    )
    stranger = replace(code, key_id="00000000")
    with desk.write():
        reasons = [scan_agreement(desk, c).reason for c in (forged, other_event, unknown, stranger)]
    assert reasons == ["invalid_signature", "wrong_event", "unknown", "unknown_key"]


def test_the_check_in_engine_opens_agreements_through_the_hook(desk, monkeypatch):
    monkeypatch.setattr(CheckinService, "_agreement", lambda self, code: scan_agreement(self.desk, code))
    service = AgreementService(desk)
    agreement = _create(service)
    for state in ("ready", "signed"):
        service.set_state(agreement.id, state)
    verdict = CheckinService(desk).scan(agreement.code.lower())
    assert verdict.reason == "agreement_collected"
    assert service.get(agreement.id).state == "collected"


# --- purge ------------------------------------------------------------------------------------------


def test_purge_refuses_while_unsynced_then_removes_personal_data_for_good(desk):
    guest_id, code = add_guest(desk, phone="13912345678", email="wf@upc.edu.cn", note="VIP")
    add_guest(desk, name="李娜", phone="13700001111")
    CheckinService(desk).scan(code)
    service = AgreementService(desk)
    agreement = service.create(kind="cooperation", title="合作协议", parties=[
        Party("中国石油大学（华东）", (Signatory("王芳", "教授", guest_id),)), Party("胜利油田分公司")])
    assert unsynced() > 0
    with pytest.raises(Unsynced):
        purge(desk)
    with desk.write():
        LocalSetting.replace(key=PUSHED, value=str(JournalEntry.select().count())).execute()
    old_entries = _all_entries()
    report = purge(desk)
    assert report.guests == 2 and report.journal_entries_scrubbed == 2
    guest = GuestService(desk).get(guest_id)
    assert (guest.name, guest.phone, guest.email, guest.note) == ("", "", "", "")
    assert guest.organisation == "中国石油大学（华东）" and guest.arrived_at is not None
    assert service.get(agreement.id).parties[0].signatories[0].name == "王芳"
    text = " ".join(row.payload for row in JournalEntry.select().where(JournalEntry.kind == "guest.set"))
    assert "13912345678" not in text and "王芳" not in text
    # A replay of the old entries (sync, bundle) and a later edit from a desk that missed the purge:
    stale = desk.journal.make("guest.set", {"guest_id": guest_id, "fields": {"phone": "13999999999"}}, "")
    with desk.write():
        desk.journal.ingest([*old_entries, replace(stale, id=stale.id[:-4] + "ffff", device="other-desk")])
    assert GuestService(desk).get(guest_id).phone == ""
    before = _state_rows()
    with desk.write():
        rebuild_state()
    assert _state_rows() == before


def test_purge_force_ignores_unsynced_entries(desk):
    add_guest(desk, phone="13912345678")
    assert purge(desk, force=True).unsynced_before > 0
    assert all(g.phone == "" for g in GuestService(desk).all())


# --- demo ---------------------------------------------------------------------------------------------


def test_demo_agreements(demo_desk):
    from kiosk.core.demo_agreements import add_demo_agreements

    made = add_demo_agreements(demo_desk)
    kinds = [a.kind for a in made]
    assert kinds.count("letter_of_intent") == 16 and kinds.count("school_enterprise") == 3
    assert len({a.number for a in made}) == 19
    assert {a.state for a in made} == {"draft", "ready", "signed", "collected", "cancelled"}
    assert all(len(a.parties) == 2 for a in made)


# --- the command line (handlers run through their own parser) -----------------------------------------


def run_cli(desk, capsys, *argv: str):
    parser = argparse.ArgumentParser(prog="kiosk")
    commands = parser.add_subparsers(dest="command")
    cli_agreements.add_commands(commands)
    args = parser.parse_args(argv)
    code = cli_agreements.COMMANDS[args.command](args, desk)
    out = capsys.readouterr().out
    return code, (json.loads(out) if "--json" in argv and out.strip() else out)


def test_command_line(desk, tmp_path, capsys):
    spec = {
        "kind": "school_enterprise", "title": "订单班联合培养项目", "witness": "河口区人民政府",
        "parties": [{"name": "东营职业学院", "signatories": ["赵强", {"name": "钱敏", "title": "副院长"}]},
                    {"name": "胜利油田桩西采油厂", "signatories": []}],
        "state": "signed",
    }
    spec_file = tmp_path / "a.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    code, added = run_cli(desk, capsys, "agreement-add", "--json-file", str(spec_file), "--json")
    assert code == 0 and added["state"] == "signed" and added["number"] == "HK-2099-A01"
    code, listed = run_cli(desk, capsys, "agreements", "--json")
    assert [a["number"] for a in listed] == ["HK-2099-A01"]
    assert listed[0]["parties"][0] == {"name": "东营职业学院", "signatories": ["赵强", "钱敏"],
                                       "signatory_titles": ["", "副院长"]}
    assert set(listed[0]) >= {"id", "number", "kind", "title", "state", "parties"}
    code, moved = run_cli(desk, capsys, "agreement-state", "HK-2099-A01", "collected", "--json")
    assert code == 0 and moved["state"] == "collected"
    code, refused = run_cli(desk, capsys, "agreement-state", added["id"], "draft", "--json")
    assert code == 1 and refused["error"] == "bad_transition"
    code, _out = run_cli(desk, capsys, "cover-sheet", added["id"], "-o", str(tmp_path / "c.pdf"), "--json")
    assert code == 0 and (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    for name in ("attendance", "agreements", "sign-in"):
        assert run_cli(desk, capsys, "report", name, "-o", str(tmp_path / f"{name}.xlsx"), "--json")[0] == 0
    assert run_cli(desk, capsys, "report", "sign-in", "-o", str(tmp_path / "x.txt"), "--json")[0] == 2
    code, exported = run_cli(desk, capsys, "export", "checkins", "-o", str(tmp_path / "c.csv"), "--json")
    assert code == 0 and exported["rows"] == 0
    code, refused = run_cli(desk, capsys, "purge", "--json")
    assert code == 1 and refused["error"] == "unsynced"
    assert run_cli(desk, capsys, "purge", "--force", "--json")[0] == 0
    assert run_cli(desk, capsys, "agreement-desk-code", "--json")[1] == {"desk_code": "A"}


def test_purge_allowed_once_a_bundle_carried_everything_away(demo_desk, tmp_path):
    from kiosk.core.sync_service import SyncService
    from kiosk.models.journal import entries_after

    with pytest.raises(Unsynced):
        purge(demo_desk)
    SyncService(demo_desk).export_bundle(tmp_path / "desk.bundle")
    assert unsynced() == 0
    purge(demo_desk)
    # The purge stays on this desk: nothing of it would leave in a sync or a bundle.
    assert all(entry.kind != "guest.purge" for _, entry in entries_after(0, 100_000))
    assert any(entry.kind == "guest.purge" for _, entry in entries_after(0, 100_000, include_local=True))
