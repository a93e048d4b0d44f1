"""The organiser's live view, folded on the hub from the entries it stores.

Only ``guest.set`` (category and state, last writer wins by (HLC, device) as on the desks),
``checkin`` and ``checkin.undo`` (tombstones, so order does not matter) and ``agreement.*`` are
read. A guest has arrived when one of their check-ins is not undone; their arrival is the earliest
live one (by time, then id) and counts for the station that recorded it — the desks' own rule.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Guest:
    category: str = "guest"
    state: str = "registered"
    versions: dict[str, list] = field(default_factory=dict)
    known: bool = False


@dataclass
class LiveFold:
    """Folds wire entries in any order; ``snapshot()`` gives the counts. Not thread-safe by itself."""

    cursor: int = 0
    guests: dict[str, _Guest] = field(default_factory=dict)
    checkins: dict[str, tuple[str, int, str, str]] = field(default_factory=dict)  # id → guest, at, station, category
    undone: set[str] = field(default_factory=set)
    agreements: set[str] = field(default_factory=set)

    def apply(self, entry: dict[str, Any]) -> None:
        kind, payload = entry.get("kind"), entry.get("payload") or {}
        if kind == "guest.set":
            self._guest_set(entry, payload)
        elif kind == "checkin":
            checkin_id, guest_id, at = payload.get("checkin_id"), payload.get("guest_id"), payload.get("at")
            if isinstance(checkin_id, str) and isinstance(guest_id, str) and isinstance(at, int):
                category = payload.get("category") if isinstance(payload.get("category"), str) else "guest"
                self.checkins.setdefault(checkin_id, (guest_id, at, str(payload.get("station", "")), category))
        elif kind == "checkin.undo":
            if isinstance(payload.get("checkin_id"), str):
                self.undone.add(payload["checkin_id"])
        elif isinstance(kind, str) and kind.startswith("agreement"):
            agreement = payload.get("agreement_id")
            if isinstance(agreement, str):
                self.agreements.add(agreement)

    def _guest_set(self, entry: dict[str, Any], payload: dict[str, Any]) -> None:
        guest_id, fields = payload.get("guest_id"), payload.get("fields")
        if not isinstance(guest_id, str) or not isinstance(fields, dict):
            return
        guest = self.guests.setdefault(guest_id, _Guest())
        guest.known = True
        stamp = [entry.get("hlc", 0), entry.get("device", "")]
        for name in ("category", "state"):
            if name in fields and isinstance(fields[name], str):
                current = guest.versions.get(name)
                if current is None or stamp > current:
                    guest.versions[name] = stamp
                    setattr(guest, name, fields[name])

    def snapshot(self) -> dict[str, Any]:
        earliest: dict[str, tuple[int, str, str, str]] = {}
        for checkin_id, (guest_id, at, station, category) in self.checkins.items():
            if checkin_id in self.undone:
                continue
            best = earliest.get(guest_id)
            if best is None or (at, checkin_id) < (best[0], best[1]):
                earliest[guest_id] = (at, checkin_id, station, category)
        expected: dict[str, int] = {}
        for guest in self.guests.values():
            if guest.known and guest.state != "cancelled":
                expected[guest.category] = expected.get(guest.category, 0) + 1
        by_category: dict[str, int] = {}
        by_station: dict[str, int] = {}
        for guest_id, (_at, _id, station, category) in earliest.items():
            guest = self.guests.get(guest_id)
            category = guest.category if guest is not None and guest.known else category
            by_category[category] = by_category.get(category, 0) + 1
            by_station[station] = by_station.get(station, 0) + 1
        return {
            "expected": sum(expected.values()),
            "arrived": len(earliest),
            "by_category": {
                name: {"expected": expected.get(name, 0), "arrived": by_category.get(name, 0)}
                for name in sorted(expected.keys() | by_category.keys())
            },
            "by_station": dict(sorted(by_station.items())),
            "agreements": len(self.agreements),
        }


class LiveCache:
    """One fold per event, brought up to date from the hub's cursor on each read.

    Safe because hub numbers become visible in increasing order (see kiosk.sync.store).
    """

    def __init__(self) -> None:
        self._folds: dict[str, LiveFold] = {}
        self._lock = threading.Lock()

    def snapshot(self, event_id: str, fetch) -> dict[str, Any]:
        """The event's counts; ``fetch(after) -> list of (seq, entry dict)`` is paged until empty."""
        with self._lock:
            fold = self._folds.setdefault(event_id, LiveFold())
            while page := fetch(fold.cursor):
                for seq, entry in page:
                    fold.apply(entry)
                    fold.cursor = seq
            return fold.snapshot()


# --- the page ---------------------------------------------------------------------------------------

_STYLE = """
:root{color-scheme:dark;--bg:#0f1720;--card:#18222e;--line:#2a3746;--text:#e8eef4;--dim:#8fa1b3;--ok:#3ccf7a}
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{background:var(--bg);color:var(--text);font:clamp(14px,1.15vw,30px)/1.35 system-ui,"Noto Sans CJK SC",
"Microsoft YaHei",sans-serif;padding:2.5vh 3vw;display:flex;flex-direction:column;gap:2.5vh}
header{display:flex;align-items:flex-end;gap:3vw;flex-wrap:wrap}
h1{margin:0;font-size:1.1em;font-weight:600;color:var(--dim);letter-spacing:.05em}
.total{font-size:clamp(40px,6vw,160px);font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
.total small{font-size:.4em;color:var(--dim);font-weight:500}
.meta{color:var(--dim);margin-left:auto;text-align:right}
.bar{height:.7em;background:var(--line);border-radius:.35em;overflow:hidden}
.bar>i{display:block;height:100%;background:var(--ok);border-radius:inherit;transition:width .6s}
.big.bar{height:1.4vh;min-height:10px}
main{display:grid;grid-template-columns:2fr 1fr;gap:2vw;flex:1;min-height:0}
section{background:var(--card);border-radius:12px;padding:2vh 1.5vw;overflow:hidden}
h2{margin:0 0 1.5vh;font-size:1em;color:var(--dim);font-weight:600;text-transform:uppercase;letter-spacing:.08em}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th{color:var(--dim);font-weight:500;text-align:left;padding:.3em .4em;border-bottom:1px solid var(--line)}
td{padding:.45em .4em;border-bottom:1px solid var(--line)}
td.n,th.n{text-align:right;width:1%;white-space:nowrap;padding-left:1.2em}
td.bar-cell{width:40%}
.side{display:flex;flex-direction:column;gap:2vw;min-height:0}
.devices{font-size:.8em}
.stale .total,.stale .meta{color:#e0a030}
@media (max-width:900px){main{grid-template-columns:1fr}}
"""

_SCRIPT = """
(function(){
  const root=document.getElementById('live');
  const labels=JSON.parse(document.getElementById('labels').textContent);
  const url=location.pathname.replace(/\\/$/,'')+'/data'+location.search;
  const esc=s=>String(s).replace(/[&<>"']/g,c=>'&#'+c.charCodeAt(0)+';');
  const pct=(a,e)=>e?Math.min(100,Math.round(100*a/e)):(a?100:0);
  const time=ms=>new Date(ms).toISOString().substring(11,19)+' UTC';
  function render(d){
    document.getElementById('arrived').textContent=d.arrived;
    document.getElementById('expected').textContent=d.expected;
    document.getElementById('total-bar').style.width=pct(d.arrived,d.expected)+'%';
    document.getElementById('agreements').textContent=labels.agreements.replace('{n}',d.agreements);
    document.getElementById('updated').textContent=labels.updated.replace('{time}',time(d.hub_time));
    document.getElementById('categories').innerHTML=Object.entries(d.by_category).map(([name,c])=>
      '<tr data-category="'+esc(name)+'"><td>'+esc(labels.categories[name]||name)+'</td><td class="bar-cell">'+
      '<div class="bar"><i style="width:'+pct(c.arrived,c.expected)+'%"></i></div></td><td class="n arrived">'+
      c.arrived+'</td><td class="n expected">'+c.expected+'</td></tr>').join('');
    document.getElementById('stations').innerHTML=Object.entries(d.by_station).map(([name,n])=>
      '<tr data-station="'+esc(name)+'"><td>'+esc(name||'?')+'</td><td class="n arrived">'+n+'</td></tr>').join('');
    document.getElementById('devices').innerHTML=d.devices.map(v=>
      '<tr><td>'+esc(v.device)+'</td><td class="n">'+time(v.last_sync)+'</td><td class="n">'+
      (v.skew_ms/1000).toFixed(1)+'</td></tr>').join('');
  }
  async function refresh(){
    try{
      const r=await fetch(url,{cache:'no-store'});
      if(!r.ok) throw new Error(r.status);
      render(await r.json());
      root.dataset.state='fresh';
      root.classList.remove('stale');
    }catch(e){root.dataset.state='stale';root.classList.add('stale');}
  }
  refresh();
  setInterval(refresh,5000);
})();
"""


def render_page(data: dict[str, Any], text: dict[str, Any]) -> str:
    """The live page for a big screen: ``data`` as from ``/live/{id}/data``, ``text`` the translated labels.

    The numbers are in the HTML already; the page's script fetches ``/data`` again right away and every
    5 s and redraws them (``data-state`` on ``#live`` turns ``fresh``, or ``stale`` when the hub is
    unreachable). Without scripts a ``<noscript>`` refresh reloads the page every 10 s.
    """
    import html
    import json
    from datetime import UTC, datetime

    def esc(value: object) -> str:
        return html.escape(str(value))

    def when(ms: int) -> str:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M:%S UTC")

    def percent(arrived: int, expected: int) -> int:
        return min(100, round(100 * arrived / expected)) if expected else (100 if arrived else 0)

    labels = text["categories"]
    categories = "".join(
        f'<tr data-category="{esc(name)}"><td>{esc(labels.get(name, name))}</td><td class="bar-cell">'
        f'<div class="bar"><i style="width:{percent(c["arrived"], c["expected"])}%"></i></div></td>'
        f'<td class="n arrived">{c["arrived"]}</td><td class="n expected">{c["expected"]}</td></tr>'
        for name, c in data["by_category"].items()
    )
    stations = "".join(
        f'<tr data-station="{esc(name)}"><td>{esc(name or "?")}</td><td class="n arrived">{count}</td></tr>'
        for name, count in data["by_station"].items()
    )
    devices = "".join(
        f'<tr><td>{esc(d["device"])}</td><td class="n">{when(d["last_sync"])}</td>'
        f'<td class="n">{round(d["skew_ms"] / 1000, 1)}</td></tr>'
        for d in data["devices"]
    )
    script_labels = json.dumps(
        {"agreements": text["agreements"], "updated": text["updated"], "categories": labels}, ensure_ascii=False
    ).replace("</", "<\\/")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<noscript><meta http-equiv="refresh" content="10"></noscript>
<title>{esc(text["title"])}</title><style>{_STYLE}</style></head>
<body id="live" data-state="served">
<header>
<div><h1>{esc(text["title"])}</h1>
<div class="total" title="{esc(text["arrived_of"])}"><span id="arrived">{data["arrived"]}</span>
<small>/ <span id="expected">{data["expected"]}</span></small></div></div>
<div class="meta"><div id="agreements">{esc(text["agreements"].replace("{n}", str(data["agreements"])))}</div>
<div id="updated">{esc(text["updated"].replace("{time}", when(data["hub_time"])))}</div></div>
</header>
<div class="big bar"><i id="total-bar" style="width:{percent(data["arrived"], data["expected"])}%"></i></div>
<main>
<section><h2>{esc(text["by_category"])}</h2><table>
<thead><tr><th>{esc(text["category"])}</th><th></th><th class="n">{esc(text["arrived"])}</th>
<th class="n">{esc(text["expected"])}</th></tr></thead>
<tbody id="categories">{categories}</tbody></table></section>
<div class="side">
<section><h2>{esc(text["by_desk"])}</h2><table>
<thead><tr><th>{esc(text["desk"])}</th><th class="n">{esc(text["arrived"])}</th></tr></thead>
<tbody id="stations">{stations}</tbody></table></section>
<section class="devices"><h2>{esc(text["devices"])}</h2><table>
<thead><tr><th>{esc(text["device"])}</th><th class="n">{esc(text["last_sync"])}</th>
<th class="n">{esc(text["skew"])}</th></tr></thead>
<tbody id="devices">{devices}</tbody></table></section>
</div>
</main>
<script type="application/json" id="labels">{script_labels}</script>
<script>{_SCRIPT}</script>
</body></html>"""
