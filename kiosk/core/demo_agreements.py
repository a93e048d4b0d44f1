"""The demo event's signing ceremony: 16 letters of intent for industry–university–research
cooperation and 3 school–enterprise cooperation projects, between organisations of the demo event,
in the states a desk sees at the end of the day (most signed, some originals collected, a draft, one
cancelled)."""

from __future__ import annotations

from kiosk.core.agreements import AgreementService, AgreementView, Party, Signatory
from kiosk.core.desk import Desk
from kiosk.models.database import db

WITNESS = "河口区人民政府"

# (title, enterprise side, research side)
LETTERS_OF_INTENT: tuple[tuple[str, str, str], ...] = (
    ("稠油油藏高效开发技术联合攻关意向书", "胜利油田河口采油厂", "中国石油大学（华东）石油工程学院"),
    ("智能钻井装备产学研合作意向书", "胜利石油工程有限公司钻井工艺研究院", "中国石油大学（华东）机电工程学院"),
    ("油田采出水处理技术合作意向书", "胜利油田孤岛采油厂", "山东石油化工学院"),
    ("压裂装备数字化运维合作意向书", "杰瑞股份", "中国石油大学（北京）"),
    ("石油装备再制造技术研发合作意向书", "科瑞集团", "山东大学能源与动力工程学院"),
    ("海上油田井下作业技术合作意向书", "胜利石油工程有限公司井下作业公司", "西南石油大学"),
    ("抽油机节能改造技术合作意向书", "胜利油田高原石油装备有限责任公司", "东北石油大学"),
    ("随钻测控仪器联合研发意向书", "中石化经纬有限公司胜利测控公司", "长江大学"),
    ("潜油电泵可靠性提升合作意向书", "山东威马泵业股份有限公司", "青岛科技大学"),
    ("二氧化碳驱油与封存技术合作意向书", "胜利油田分公司", "中国石油勘探开发研究院"),
    ("老油田提高采收率技术合作意向书", "胜利油田孤东采油厂", "胜利油田勘探开发研究院"),
    ("石油机械智能制造合作意向书", "中石化石油机械股份有限公司", "中国石化石油工程技术研究院"),
    ("油服产业技术创新平台共建意向书", "黄河三角洲油服产业联盟", "山东省科学院"),
    ("数字孪生油田示范应用合作意向书", "胜利油田现河采油厂", "中国科学院地质与地球物理研究所"),
    ("油气装备检测认证合作意向书", "山东胜利石油装备产业技术研究院", "滨州学院"),
    ("石油装备产业园技术成果转化合作意向书", "东营市河口区石油装备产业园", "中国石化石油勘探开发研究院"),
)
SCHOOL_ENTERPRISE: tuple[tuple[str, str, str], ...] = (
    ("石油装备智能制造现代产业学院共建项目", "东营职业学院", "胜利石油工程有限公司"),
    ("采油工程订单班联合培养项目", "胜利油田职工大学", "胜利油田桩西采油厂"),
    ("油服装备运维实训基地共建项目", "山东石油化工学院", "杰瑞股份"),
)
# States at the end of the day, in order of the agreements above (letters of intent, then projects).
_STATES = (
    "collected", "collected", "collected", "collected", "collected", "signed", "signed", "signed", "signed",
    "signed", "signed", "ready", "ready", "ready", "draft", "cancelled",
    "collected", "signed", "ready",
)
_PATHS = {
    "draft": (), "ready": ("ready",), "signed": ("ready", "signed"), "collected": ("ready", "signed", "collected"),
    "cancelled": ("cancelled",),
}


def _signatories(organisation: str) -> tuple[Signatory, ...]:
    """The demo guest of this organisation with the most senior-looking title, else a placeholder."""
    rows = db.connection().execute(
        "SELECT id, name, title FROM guest WHERE organisation = ? AND state != 'cancelled' AND name != ''"
        " ORDER BY id LIMIT 1",
        (organisation,),
    ).fetchall()
    return tuple(Signatory(name, title, guest_id) for guest_id, name, title in rows)


def add_demo_agreements(desk: Desk) -> list[AgreementView]:
    """Create the 19 demo agreements on ``desk`` (which holds the demo event); returns them."""
    service = AgreementService(desk)
    event = desk.require_event()
    made = []
    items = [("letter_of_intent", *item) for item in LETTERS_OF_INTENT]
    items += [("school_enterprise", *item) for item in SCHOOL_ENTERPRISE]
    for index, ((kind, title, first, second), state) in enumerate(zip(items, _STATES, strict=True)):
        minute = 10 + index * 3
        view = service.create(
            kind=kind,
            title=title,
            parties=[Party(first, _signatories(first)), Party(second, _signatories(second))],
            witness=WITNESS,
            session="MAIN",
            signing_time=f"{event.date} {11 + minute // 60:02d}:{minute % 60:02d}",
        )
        with desk.write():
            for step in _PATHS[state]:
                service._set_state(view.id, step)
        made.append(service.get(view.id))
    return made
