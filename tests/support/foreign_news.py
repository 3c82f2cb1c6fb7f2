"""Short invented news in German and Chinese, served as an RSS and an Atom feed of plain-text pages on
127.0.0.1 (tests/support/http_server.py): the articles of issue 30's tests of articles in other languages."""
from __future__ import annotations

from xml.sax.saxutils import escape

from tests.support.http_server import LocalServer, body

# slug -> (title, body): each article has facts of its own
GERMAN = {
    "hafen": ("Hamburger Hafen eröffnet neues Containerterminal",
              "Der Hamburger Hafen hat am Montag ein neues Containerterminal in Waltershof eröffnet. "
              "Das Terminal kostete 480 Millionen Euro und kann jährlich zwei Millionen Container abfertigen. "
              "Hafenchefin Jana Körber sagte, die Bauarbeiten seien drei Monate früher fertig geworden. "
              "Über 600 neue Arbeitsplätze sollen in den nächsten zwei Jahren entstehen."),
    "streik": ("Lokführer kündigen Streik von 48 Stunden an",
               "Die Gewerkschaft der Lokführer hat für Donnerstag einen Streik von 48 Stunden angekündigt. "
               "Betroffen sind vor allem Fernzüge zwischen Berlin, Köln und Frankfurt. "
               "Die Gewerkschaft fordert eine Lohnerhöhung von acht Prozent und eine kürzere Arbeitswoche. "
               "Ärger gibt es auch bei Pendlern, die kaum Ersatzbusse finden werden."),
    "isar": ("Isar tritt in München über die Ufer",
             "Nach vier Tagen Dauerregen ist die Isar in München über die Ufer getreten. "
             "Die Feuerwehr evakuierte in der Nacht rund 1200 Anwohner aus dem Stadtteil Thalkirchen. "
             "Öffentliche Schulen im Süden der Stadt bleiben bis Freitag geschlossen. "
             "Der Wetterdienst erwartet erst am Wochenende trockeneres Wetter."),
}
CHINESE = {
    "suidao": ("西湖隧道五月一日通车",
               "杭州市政府周二宣布，西湖隧道将于五月一日正式通车。这条隧道全长三点二公里，连接西湖区和上城区。"
               "工程总投资十二亿元，比原计划提前半年完工。市长王建国说：「我们提前完成了任务。明年还要修建两座新桥。」"
               "通车后的前三个月免费通行。"),
    "xiongmao": ("成都大熊猫产下双胞胎",
                 "成都大熊猫繁育研究基地周三宣布，大熊猫“青青”产下一对双胞胎。两只幼崽分别重一百五十克和一百二十克。"
                 "饲养员张敏说，母子平安，幼崽将在两个月后与游客见面。基地今年已经迎来了七只新生幼崽。"),
    "weixing": ("深圳公司成功发射气象卫星",
                "深圳一家民营航天公司周五在酒泉成功发射了一颗气象卫星。这颗卫星重三百公斤，将在五百公里高的轨道上运行。"
                "公司总经理刘洋表示，卫星每天可以拍摄两次台风云图。这是该公司今年的第三次发射。"),
}


def page(title: str, text: str) -> str:
    """A plain-text article page: its title line, a blank line, its body."""
    return f"{title}\n\n{text}\n"


def rss(site: LocalServer, articles: dict[str, tuple[str, str]]) -> str:
    items = "".join(f"<item><title>{escape(title)}</title><link>{site.url('/p/' + slug)}</link><guid>{slug}</guid>"
                    f"<pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate></item>" for slug, (title, _) in articles.items())
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Nachrichten</title>{items}</channel></rss>"


def atom(site: LocalServer, articles: dict[str, tuple[str, str]]) -> str:
    entries = "".join(f"<entry><title>{escape(title)}</title><link href='{site.url('/p/' + slug)}'/><id>{slug}</id>"
                      f"<updated>2025-03-04T08:00:00Z</updated></entry>" for slug, (title, _) in articles.items())
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>新闻</title>"
            f"<id>zh</id><updated>2025-03-04T08:00:00Z</updated>{entries}</feed>")


def serve(site: LocalServer) -> None:
    """Route the German RSS feed at /de.rss, the Chinese Atom feed at /zh.atom and every article's page."""
    site.routes["/de.rss"] = body(rss(site, GERMAN), "application/rss+xml; charset=utf-8")
    site.routes["/zh.atom"] = body(atom(site, CHINESE), "application/atom+xml; charset=utf-8")
    for slug, (title, text) in {**GERMAN, **CHINESE}.items():
        site.routes["/p/" + slug] = body(page(title, text), "text/plain; charset=utf-8")


def sources_toml(site: LocalServer) -> str:
    return "".join(f'[[source]]\nname = "{name}"\nkind = "feed"\nlocation = "{site.url(path)}"\n\n'
                   for name, path in (("nachrichten", "/de.rss"), ("xinwen", "/zh.atom")))
