"""One article and its facts as plain text (what `newsfacts show` prints), from rows of the output tables."""

from __future__ import annotations

from collections.abc import Sequence


def render_article_text(article: dict, paragraphs: Sequence[dict], entities: Sequence[dict], quantities: Sequence[dict],
                        times: Sequence[dict], statements: Sequence[dict], as_of_run: str) -> str:
    """`article` is its `articles` row; the others are its rows of each table, in any order."""
    a = article
    out = [
        f"{a['title']}",
        f"{a['published_date']}{' ' + a['published_time'] if a['published_time'] else ''} · {a['category'] or '-'} · "
        f"{'、'.join(a['reporters'] or []) or '-'}{' / ' + a['dateline'] if a['dateline'] else ''}"
        f"{' · ' + a['agency'] if a['agency'] else ''}",
        f"source {a['source_uri']} · sha256 {a['content_sha256'][:12]} · run {a['run_id']} (as of {as_of_run})",
        "",
    ]
    for p in sorted(paragraphs, key=lambda p: p["paragraph_no"]):
        out.append(p["text"] if p["kind"] == "body" else f"[{p['kind']}] {p['text']}")
    if entities:
        out += ["", "entities:"]
        seen: dict[tuple[str, str], dict] = {}
        for e in entities:
            item = seen.setdefault((e["type"], e["name"]), {"n": 0, "titles": set(), "alias": e["alias"]})
            item["n"] += 1
            if e["title"]:
                item["titles"].add(e["title"])
        for (kind, name), item in sorted(seen.items(), key=lambda kv: (-kv[1]["n"], kv[0])):
            extra = "; ".join(filter(None, ["/".join(sorted(item["titles"])), item["alias"]]))
            out.append(f"  {kind:<7} {name} ×{item['n']}{'  (' + extra + ')' if extra else ''}")
    if quantities:
        out += ["", "quantities:"]
        for q in sorted(quantities, key=lambda q: q["start"]):
            value = f"{q['value']:g}" + (f"–{q['value_max']:g}" if q["value_max"] is not None else "")
            detail = " ".join(filter(None, [q["currency"] or q["unit"], q["qualifier"]]))
            out.append(f"  {q['kind']:<10} {q['text']} = {value} {detail}")
    if times:
        out += ["", "time expressions:"]
        for t in sorted(times, key=lambda t: t["start"]):
            out.append(f"  {t['text']} = {t['value']}{'..' + t['value_end'] if t.get('value_end') else ''} "
                       f"({t['granularity']}{', relative' if t['is_relative'] else ''})")
    if statements:
        out += ["", "statements:"]
        for st in sorted(statements, key=lambda st: st["start"]):
            quote = "「」" if st["is_direct_quote"] else ""
            out.append(f"  {st['speaker'] or '?'} {st['verb']}{quote}: {st['content']}")
    return "\n".join(out)
