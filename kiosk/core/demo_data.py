"""The demo event: a realistic forum to try the desk with, generated without any database.

Modelled on the Yellow River Delta High-end Oilfield Services Industry Technology Innovation and
Development Forum in Hekou District, Dongying. ``demo_event`` is deterministic for a seed, so tests,
screenshots and benchmarks see the same guests every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from kiosk.categories import CATEGORIES

EVENT_NAME = "黄河三角洲高端油服产业技术创新发展论坛"
VENUE = "东营市河口区会议中心"
TIMEZONE = "Asia/Shanghai"
SPEAKERS = 7
MIN_GUESTS = 10
MAX_GUESTS = 1_000_000


@dataclass(frozen=True)
class DemoSession:
    code: str
    name: str
    categories: tuple[str, ...]
    starts: str  # local time "HH:MM" in the event's timezone
    ends: str


@dataclass(frozen=True)
class DemoGuest:
    name: str
    organisation: str
    title: str
    category: str
    phone: str
    email: str
    note: str
    plain_code: str


@dataclass(frozen=True)
class DemoEvent:
    name: str
    date: date
    venue: str
    timezone: str
    sessions: tuple[DemoSession, ...]
    guests: tuple[DemoGuest, ...]


SESSIONS: tuple[DemoSession, ...] = (
    DemoSession("MAIN", "主论坛", CATEGORIES, "09:00", "12:00"),
    DemoSession(
        "EXPO", "成果交流会", ("expert", "academic", "enterprise", "government", "media", "staff"), "14:00", "17:30"
    ),
)

# --- name pools -------------------------------------------------------------------------------------

# Common surnames, the most frequent repeated so they come up more often.
SURNAMES: tuple[str, ...] = (
    *"王李张刘陈" * 4,
    *"杨黄赵吴周徐孙马朱胡" * 2,
    *"郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏"
    "韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤牛",
    # Surnames read differently from the everyday character: 单 Shàn, 曾 Zēng, 解 Xiè, 区 Ōu, 仇 Qiú,
    # 查 Zhā, 盖 Gě, 朴 Piáo, 尉 Yù — the search must still find them.
    *"单曾解区仇查盖朴尉",
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
)
GIVEN_CHARACTERS: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国志红海波宁斌凯峰琳雪梅晨浩宇"
    "欣怡子涵思远嘉博文俊鑫然晓东立新学庆春林永昌振兴德胜利泉黎河"
)
# Full names that many people share: the desk must tell them apart by organisation or phone.
COMMON_NAMES: tuple[str, ...] = ("张伟", "王芳", "李娜", "王伟", "刘洋", "张敏", "李静", "王静")

FOREIGN_EXPERTS: tuple[tuple[str, str, str], ...] = (
    ("David Miller", "Heriot-Watt University", "Professor of Petroleum Engineering"),
    ("Sarah Johnson", "SLB", "Principal Reservoir Engineer"),
    ("Hans Becker", "Baker Hughes", "Chief Technology Officer, Drilling Services"),
    ("Ahmed Al-Rashid", "Saudi Aramco EXPEC ARC", "Senior Petroleum Engineering Consultant"),
    ("Elena Petrova", "Gubkin Russian State University of Oil and Gas", "Professor"),
    ("James O'Connor", "Halliburton", "Vice President, Completion Technology"),
)

ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "expert": (
        "中国工程院",
        "中国石油勘探开发研究院",
        "中国石化石油工程技术研究院",
        "胜利油田勘探开发研究院",
        "中国石油大学（华东）",
        "中国科学院地质与地球物理研究所",
        "中国石化石油勘探开发研究院",
        "山东省科学院",
    ),
    "academic": (
        "中国石油大学（华东）",
        "中国石油大学（华东）石油工程学院",
        "中国石油大学（华东）机电工程学院",
        "中国石油大学（北京）",
        "东营职业学院",
        "山东石油化工学院",
        "胜利油田职工大学",
        "西南石油大学",
        "东北石油大学",
        "长江大学",
        "滨州学院",
        "山东大学能源与动力工程学院",
        "青岛科技大学",
    ),
    "enterprise": (
        "胜利油田分公司",
        "胜利油田河口采油厂",
        "胜利油田孤岛采油厂",
        "胜利油田孤东采油厂",
        "胜利油田东辛采油厂",
        "胜利油田现河采油厂",
        "胜利油田桩西采油厂",
        "胜利油田滨南采油厂",
        "胜利石油工程有限公司",
        "胜利石油工程有限公司钻井工艺研究院",
        "胜利石油工程有限公司井下作业公司",
        "科瑞集团",
        "杰瑞股份",
        "山东胜利石油装备产业技术研究院",
        "胜利油田高原石油装备有限责任公司",
        "中石化经纬有限公司胜利测控公司",
        "中石化石油机械股份有限公司",
        "山东威马泵业股份有限公司",
        "东营市河口区石油装备产业园",
        "黄河三角洲油服产业联盟",
    ),
    "government": (
        "河口区人民政府",
        "东营市人民政府",
        "东营市工业和信息化局",
        "东营市科学技术局",
        "河口区科学技术局",
        "河口区发展和改革局",
        "河口区工业和信息化局",
        "东营市发展和改革委员会",
        "山东省工业和信息化厅",
        "东营市投资促进服务中心",
        "河口区商务局",
    ),
    "media": (
        "东营日报",
        "东营电视台",
        "大众日报",
        "齐鲁晚报",
        "山东广播电视台",
        "中国石化报",
        "胜利日报",
        "新华社山东分社",
        "黄河口融媒体中心",
    ),
    "staff": ("论坛组委会办公室", "河口区科学技术局", "河口区会务服务中心", "东营职业学院志愿者服务队"),
    "guest": (
        "东营市石油装备行业协会",
        "中国石油和石油化工设备工业协会",
        "河口区工商业联合会",
        "中国工商银行东营分行",
        "东营银行",
        "山东省新旧动能转换基金",
        "东营市河口区商会",
    ),
}

TITLES: dict[str, tuple[str, ...]] = {
    "expert": ("研究员", "首席专家", "教授级高级工程师", "教授、博士生导师", "总工程师", "首席科学家"),
    "academic": ("教授", "教授", "副教授", "院长", "副院长", "副校长", "讲师", "研究员", "博士研究生"),
    "enterprise": (
        "董事长",
        "总经理",
        "副总经理",
        "总工程师",
        "技术总监",
        "高级工程师",
        "工程师",
        "项目经理",
        "厂长",
        "副厂长",
        "市场部经理",
    ),
    "government": ("副区长", "局长", "副局长", "主任", "副主任", "科长", "一级主任科员", "二级调研员"),
    "media": ("记者", "记者", "首席记者", "摄影记者", "编辑", "摄像"),
    "staff": ("会务组", "接待组", "志愿者", "志愿者", "礼仪", "签到组"),
    "guest": ("会长", "秘书长", "行长", "投资总监", "客户经理", "副会长"),
}

# E-mail domains of organisations that publish one; others use the big free providers.
DOMAINS: dict[str, str] = {
    "中国石油大学（华东）": "upc.edu.cn",
    "东营职业学院": "dyxy.edu.cn",
    "中国石油大学（北京）": "cup.edu.cn",
    "西南石油大学": "swpu.edu.cn",
    "山东大学能源与动力工程学院": "sdu.edu.cn",
    "中国石化报": "sinopec.com",
    "胜利油田分公司": "sinopec.com",
    "杰瑞股份": "jereh.com",
    "大众日报": "dzwww.com",
}
FREE_MAIL: tuple[str, ...] = ("163.com", "qq.com", "126.com", "sina.com")

# Share of each category among guests who are not keynote speakers (they are all experts).
SHARES: dict[str, float] = {
    "expert": 0.05,
    "academic": 0.16,
    "enterprise": 0.40,
    "government": 0.13,
    "media": 0.07,
    "staff": 0.07,
    "guest": 0.12,
}

SPEAKER_NOTES: tuple[str, ...] = (
    "主旨演讲嘉宾：请引导至前排就座",
    "主旨演讲嘉宾：请引导至前排就座，09:20 前到后台候场",
    "主旨演讲嘉宾：请引导至前排就座，需提前拷贝演讲PPT",
)
VIP_NOTE = "VIP：请专人陪同至贵宾室"
OTHER_NOTES: tuple[str, ...] = (
    "需要清真餐",
    "携带随行人员 1 名",
    "需要停车位",
    "需开具会务费发票",
    "午餐后返程，请安排送站",
    "需要无障碍通道",
)
MOBILE_PREFIXES: tuple[str, ...] = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

# Pinyin of the characters above, for e-mail addresses; surnames as surnames (单 shan, 曾 zeng, ...).
_PINYIN: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "查": "zha",
    "盖": "ge",
    "朴": "piao",
    "尉": "yu",
}


def next_june_30(today: date) -> date:
    """The forum's date: 30 June of this year, or of next year once this year's has passed."""
    this_year = date(today.year, 6, 30)
    return this_year if today <= this_year else date(today.year + 1, 6, 30)


def category_counts(guests: int) -> dict[str, int]:
    """How many guests of each category ``demo_event(guests=...)`` makes (speakers are experts)."""
    rest = guests - SPEAKERS
    quotas = {category: rest * SHARES[category] for category in CATEGORIES}
    counts = {category: int(quota) for category, quota in quotas.items()}
    # Largest remainder, ties in category order, so the counts always add up and never vary.
    leftover = rest - sum(counts.values())
    for category in sorted(CATEGORIES, key=lambda c: (-(quotas[c] - counts[c]), CATEGORIES.index(c)))[:leftover]:
        counts[category] += 1
    counts["expert"] += SPEAKERS
    return counts


def demo_event(today: date, guests: int = 300, seed: int = 2026) -> DemoEvent:
    """The demo forum on the next 30 June, with ``guests`` guests (MIN_GUESTS … MAX_GUESTS).

    The first SPEAKERS guests are the keynote experts; every phone number is unique, and so is every
    (name, organisation) pair; a few common names (张伟, 王芳, ...) recur in different organisations.
    """
    if not MIN_GUESTS <= guests <= MAX_GUESTS:
        raise ValueError(f"guests must be between {MIN_GUESTS} and {MAX_GUESTS}, not {guests}")
    maker = _GuestMaker(random.Random(seed))
    counts = category_counts(guests)
    made: list[DemoGuest] = []
    foreign = list(FOREIGN_EXPERTS[: 2 if guests < 100 else len(FOREIGN_EXPERTS)])
    for index in range(SPEAKERS):
        if index in (2, 5) and foreign:  # two of the keynotes come from abroad
            made.append(maker.foreign(foreign.pop(0), SPEAKER_NOTES[index % len(SPEAKER_NOTES)]))
        else:
            made.append(maker.chinese("expert", note=SPEAKER_NOTES[index % len(SPEAKER_NOTES)], speaker=True))
    others: list[DemoGuest] = []
    for category in CATEGORIES:
        for _index in range(counts[category] - (SPEAKERS if category == "expert" else 0)):
            if category == "expert" and foreign:
                others.append(maker.foreign(foreign.pop(0), ""))
            else:
                others.append(maker.chinese(category))
    maker.rng.shuffle(others)
    made.extend(others)
    return DemoEvent(EVENT_NAME, next_june_30(today), VENUE, TIMEZONE, SESSIONS, tuple(made))


class _GuestMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.people: set[tuple[str, str]] = set()
        self.emails: set[str] = set()
        self.codes = 0

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(100_000_000):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.02:
            return rng.choice(COMMON_NAMES)
        surname = rng.choice(SURNAMES)
        given = rng.choice(GIVEN_CHARACTERS)
        if len(surname) == 1 and rng.random() < 0.7:  # most names today have three characters
            given += rng.choice(GIVEN_CHARACTERS)
        return surname + given

    def email(self, name: str, organisation: str) -> str:
        domain = DOMAINS.get(organisation) or self.rng.choice(FREE_MAIL)
        local = self._pinyin(name)
        address = f"{local}@{domain}"
        while address in self.emails or self.rng.random() < 0.3:
            address = f"{local}{self.rng.randrange(10, 10_000)}@{domain}"
            if address not in self.emails:
                break
        self.emails.add(address)
        return address

    def chinese(self, category: str, note: str = "", speaker: bool = False) -> DemoGuest:
        rng = self.rng
        organisations = ORGANISATIONS[category]
        for _attempt in range(1000):
            name, organisation = self.name(), rng.choice(organisations)
            if (name, organisation) not in self.people:
                break
        else:  # a huge event exhausts the pool of one organisation: name a branch
            organisation = f"{organisation}（第{len(self.people)}分部）"
        self.people.add((name, organisation))
        title = "中国工程院院士" if speaker and organisation == "中国工程院" else rng.choice(TITLES[category])
        if not note:
            note = self._note(category, title)
        email = self.email(name, organisation) if rng.random() < (0.9 if speaker else 0.4) else ""
        return DemoGuest(name, organisation, title, category, self.phone(), email, note, self._code())

    def foreign(self, expert: tuple[str, str, str], note: str) -> DemoGuest:
        name, organisation, title = expert
        self.people.add((name, organisation))
        email = name.lower().replace(" ", ".").replace("'", "") + "@example.com"
        return DemoGuest(name, organisation, title, "expert", self.phone(), email, note, self._code())

    def _note(self, category: str, title: str) -> str:
        rng = self.rng
        leader = title in ("中国工程院院士", "副区长", "局长", "董事长", "副校长", "会长")
        if leader and category in ("expert", "government", "enterprise", "academic", "guest") and rng.random() < 0.3:
            return VIP_NOTE
        if rng.random() < 0.04:
            return rng.choice(OTHER_NOTES)
        return ""

    def _code(self) -> str:
        # About a third registered through the organiser's online form, which issued its own numbers.
        if self.rng.random() >= 0.33:
            return ""
        self.codes += 1
        return f"HK2026-{self.codes:06d}"

    def _pinyin(self, name: str) -> str:
        from pypinyin import lazy_pinyin  # loaded only when e-mails are made

        first = next((s for s in ("欧阳", "司马", "诸葛", "上官", "东方") if name.startswith(s)), name[:1])
        surname = _PINYIN.get(first) or "".join(lazy_pinyin(first))
        return surname + "".join(lazy_pinyin(name[len(first) :]))
