"""Layout parser: the decoded text of one article file to a `ParsedArticle`.

    parse_article(text: str) -> ParsedArticle      # raises RejectedInput(reason, detail)

Pure and deterministic: no I/O, no Prefect, no global state. `text` is expected decoded with "\\n" line ends and
no BOM, but a stray "\\r" (CRLF or lone CR), U+2028/U+2029 and a leading or embedded U+FEFF are tolerated.

Input layout (blank lines are optional everywhere and never relied on)
----------------------------------------------------------------------
    " date 2026-01-27 10:30"      date line (first non-empty line)
    "政治"                          category (optional, see rule H2)
    "headline"
    "▲caption…（圖／X提供）"       captions, byline, body, trailing boilerplate — each classified per line
    "記者A、B／台北報導"
    "body paragraph" …             every non-empty line is one paragraph
    "01/25 teaser" / "延伸閱讀" …

Every non-empty line after the headline becomes one or more paragraphs of kind body | caption | byline | related,
numbered 0.. in document order. Nothing is dropped: boilerplate is kept as `related`, never deleted.

Text normalisation
------------------
N1  Zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are removed everywhere; surrounding whitespace
    (str.isspace: ASCII, U+3000, NBSP, ...) is stripped from every line. Nothing else inside a line changes.
N2  Body paragraph texts are joined by "\\n" into `ParsedArticle.body`; each body paragraph has `start`/`end`
    with `body[start:end] == text`. Other kinds have start = end = None.

Header
------
H1  Date line: ` date YYYY-MM-DD` with an optional time `H:MM`, `HH:MM` or `HH:MM:SS` (also `T` between),
    surrounding spaces/U+3000, full-width digits and `/` or `.` as date separators (NFKC). `published_time` is
    "HH:MM" (seconds dropped). A first non-empty line that is not of that shape -> `no_date_line`; the right
    shape with an impossible value (2026-02-30, month 13, 25:61, year outside 1900-2100) -> `bad_date`.
H2  Category: the line after the date is the category when it is *category-shaped* — at most 12 characters,
    no sentence/clause punctuation, not a caption/byline/boilerplate line (e.g. 政治, 產業．科技, life) — AND the
    next line is headline-shaped. If the next line is a caption/byline/boilerplate line, the headline is
    missing -> `no_headline`. If the next line is paragraph-shaped (ends in 。 or is long with 。), the
    category is absent and the short line is the headline. A lone category-shaped line -> `no_headline`.
H3  Headline: the next line. A trailing site suffix (` ｜ 公視新聞網 PNN`, ` | X新聞`, ` - Yahoo奇摩新聞`: a
    separator ｜ | - – — followed by at most 24 characters naming a site) is dropped; runs of ASCII spaces/NBSP are
    collapsed to one space. Everything else (U+3000, column prefixes like `NBA》`) is kept as written. A headline
    that is a caption, byline or boilerplate line -> `no_headline`. No body paragraph left -> `no_body`.

Captions (kind caption)
-----------------------
C1  A line ending in a *photo credit* is a caption, whatever its marker (or none): bracketed （）() credits
    `圖／X` `圖/X` `圖：X` `圖由X提供` `圖翻攝自X` `圖片來源：X` `圖文：X`, `…攝` `…翻攝` `…攝影`, `資料照` `檔案照`
    `示意圖` `合成` `截圖` (also `資料照，X提供`), `擷自X` `取自X` `翻攝自X`, and `X提供` with a short X (not
    資料/數據/消息/新聞稿/統計: `（資料由市府提供）` and `（資料來源：X）` are data notes and stay in the body).
    On lines of at most 100 characters also unbracketed `圖／X`, `記者X／攝影`, `Photo: X`, `Photo courtesy of X`.
C2  A bracketed wire/photo agency alone at the end — （路透）（法新社）（美聯社）（歐新社）（彭博）（路透資料照）… —
    makes a caption-sized line (<= 200 chars, <= 3 sentences) a caption. 中央社/CNA at the end of a paragraph
    credits the *text* (`…。（中央社）`) and is split off as a byline (B3) unless the line is marked or in the
    caption zone. On a longer paragraph any bare agency is split off as the story's credit.
C3  A line starting with an up/down triangle (▲ ▼ △ ▽ ▴ ▾ …, possibly several, ▲▼) is a caption even without a
    credit. Other markers (● ■ ◆ ► ※ …) are NOT captions by themselves: real articles use them for
    sub-headings and lists. Caption zone: when a byline (standalone or inline) comes within the first 8 lines
    after the headline, the lines before it that start with any marker or end in a short (<= 30 chars)
    parenthetical — （臉書社團「…」）, （擷自X網站） — are captions too.
C4  A credit alone on a line (（圖／X）, 圖／X, （X提供）, Photo: X) is a caption, and makes the line just before it
    a caption too when no body paragraph precedes that line, or it starts with a marker, or (English
    `Photo…` credits) it is a single sentence of at most 300 characters.
C5  Social-media embed labels (`…分享的貼文`, `…查看這則貼文`) are captions without a credit.
    `image_credits`: the credits of all captions in document order, de-duplicated, normalised — brackets and a
    leading picture label (圖／ 圖: 圖由 圖片來源： 圖文： Photo:) removed, `攝影／X` -> `X攝`, `記者X／攝影` -> `記者X攝`,
    a half-width `/` between CJK -> `／`, spaces collapsed. （圖／行政院提供） -> 行政院提供, (圖/記者王小明攝) ->
    記者王小明攝, （圖由縣府提供） -> 縣府提供, （圖翻攝自臉書） -> 翻攝自臉書, （資料照，記者A攝） -> 資料照，記者A攝,
    （路透） -> 路透, Photo: X, AP -> X, AP. Captions keep their full text (marker and credit included).

Bylines and credits (kind byline)
---------------------------------
B1  Whole-line bylines, optionally in 〔〕【】（）()［］: `記者A／台北報導`, `記者A、B／台北報導`, `記者A、記者B／綜合報導`,
    `記者A 台北報導`, `記者A／台北27日電`, `編譯A／綜合報導`, `即時新聞／綜合報導`, `綜合報導`, `綜合外電報導`,
    `中央社記者A台北27日電`, `中央社華盛頓26日綜合外電報導`, `X報記者A綜合報導` (an outlet before 記者),
    `文／中央社`, `文／A`, `撰文／A`, `作者：A`, `（中央社）`, `新聞來源：X`, `文章授權轉載自《X》`, `責任編輯：A`,
    `（編輯：A）1110106`, `（作者為…）`, update stamps (`首次上稿 … 更新時間 …`), English `By A / Staff reporter`,
    `/ Staff writer, with CNA`, `Additional reporting by A`.
B2  Inline bylines at the START of a paragraph in brackets (〔記者A／台北報導〕, 【記者A／台北報導】,
    （中央社記者A台北27日電）, 〔中央社〕, 〔即時新聞／綜合報導〕) — anywhere in the article, e.g. the second
    report of a combined article — are split off as a byline paragraph placed before the body paragraph that
    holds the rest of the line. The story text is kept.
B3  Credits at the END of a paragraph are split off as a byline paragraph after it: CNA's
    （譯者：A/核稿：B）1110105 and （編輯：A）1110106 (with the ROC date code), （作者為…）, a bracketed byline, a
    bare agency on a long paragraph, 中央社 (C2).
B4  Fields: `reporters` = person names from all bylines, in order, de-duplicated; role words (記者, 編譯, 特派記者,
    實習記者, 特約記者, 攝影記者, 駐X特派員, Staff writer) removed; desk names (即時新聞, 國際中心, … ending in
    中心/新聞/組/部/室/…) are not persons. Translators and editors (譯者, 核稿, 編輯) are not reporters.
    `dateline` = place of the first byline that has one (台北報導 -> 台北; 台北27日電 -> 台北). `agency` = the
    first named agency or outlet (中央社, 路透社, an org ending in 社/報/網/…, CNA, a reprint source); when there
    is none, the compiled-report credit as written (`綜合報導`, `綜合外電報導`); else None.
    In CNA style the last reporter name and the place are written together (`記者王小明台北27日電`): the place is
    taken from a short built-in list of Taiwan cities/counties and common foreign datelines when one ends the
    run; otherwise the name is taken as 3 characters (2 when fewer than 2 would remain for the place, 4 for
    compound surnames such as 歐陽). A heuristic: unusual names can be mis-split.

Boilerplate (kind related)
--------------------------
R1  Anywhere: explicit click instructions (請點此, 點我看…, 按我看…, 請點選連結, click here; lines <= 60 chars,
    even as a full sentence: `「X專區」請點此，更多相關訊息…`); read-more / app / subscription prompts (<= 40
    chars, not a finished sentence: 請繼續往下閱讀..., 點我下載APP, 加入LINE好友, Read more); legal/site notices
    (<= 60 chars, marked or not a finished sentence: ※未經判決確定，應推定為無罪, ※ 提醒您：禁止酒駕, 自殺防治
    hotlines, 版權所有, 禁止轉載, 本文不代表本站立場).
R2  Block openers: a related-links header (延伸閱讀, 相關新聞, 相關報導, 更多新聞, 熱門點閱, 推薦閱讀, 編輯推薦,
    你可能也想看, 大家都在看, 更多精采內容 … alone, decorated ★延伸閱讀★ / 【延伸閱讀】, or followed by ：and a
    link) and a link line (a marker followed by 【…】, or several ▪/• bullets on one line). After an opener,
    following lines stay related while they look like links or teasers: a marker or 【 start, a short tag
    (<= 20 chars without sentence punctuation), a linked headline (<= 50 chars without 。), indentation by ASCII
    spaces, a truncation `...`/`…` at the end, a date teaser `01/25 …`, a URL, a prompt. The first ordinary
    paragraph ends the block, so a mid-article 延伸閱讀 box does not swallow the rest of the story.
R3  Trailing teasers: scanning back from the end over body lines, lines that look like teasers of other
    stories are related — date teasers (`01/25 全台詐欺最新數據`), `【…】headline` lines (<= 60 chars, no 。),
    marker/bullet lines of <= 50 chars that are not a finished sentence (`▪111年學測試題`), lines ending in a
    truncation (`...`, a single `…`; the Chinese `……` is kept), lines indented with 4+ ASCII spaces (when most
    lines are not). The scan stops at the first ordinary paragraph. Teasers of other stories carry
    real-looking numbers and names; keeping them out of the body keeps those false facts out.
R4  Markers and 【】 sub-headings INSIDE the story (● 美國, ■後果一：…, ※ 歐洲, 【多益模擬試題】) stay body, and so do
    story sentences that merely mention 下載/APP/未經授權 (a finished sentence is not a prompt).

Known limits: a caption glued to the end of a body paragraph without brackets stays body; a trailing teaser that
looks exactly like a story paragraph (no marker, no truncation, not indented, not after an opener) stays body;
headline vs category for a missing category is a shape heuristic (H2).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from transforms.model import Paragraph, ParsedArticle, RejectedInput

__all__ = ["parse_article"]

# --------------------------------------------------------------------------------------------------------------
# Character classes and vocabularies (general conventions of Taiwan news pages, not fitted to any one article)
# --------------------------------------------------------------------------------------------------------------

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_LINE_BREAK_RE = re.compile("\r\n|[\n\r\u2028\u2029]")

# Marker characters that open captions, bullets and link lines: arrows, geometric shapes, misc symbols, dingbats,
# bullets, the reference mark and a few pointing emoji.
_MARK = (
    "\u2190-\u21ff\u25a0-\u25ff\u2600-\u27bf\u2b00-\u2bff\u2022\u2023\u2027\u00b7\u30fb\u203b\u2043\u2219"
    "\U0001f446-\U0001f449\U0001f4cc\U0001f4cd\U0001f51d\U0001f525"
)
_MARKER_PREFIX_RE = re.compile(rf"^[{_MARK}][{_MARK}\s]*")
# Up/down triangles: the conventional "photo above/below" pointer.
_TRIANGLES = set("▲▼△▽▴▾▵▿⬆⬇⏶⏷")
_ZONE_LINES = 8  # a byline further down than this does not make a caption zone (C3)
_MAX_BYLINE_LEN = 120  # longer lines are never whole-line bylines

_OPEN = "（(〔【［[「『〈《"
_CLOSE = "）)〕】］]」』〉》"
_SENT_END = "。！？!?"
_CLAUSE_PUNCT = "，。！？；：、「」『』,!?;:"

# News agencies and photo agencies (a bare one in brackets at the end of a caption is its credit).
_AGENCIES = (
    "中央社", "中央通訊社", "路透社", "路透", "法新社", "法新", "美聯社", "美聯", "歐新社", "歐新", "共同社",
    "共同通訊社", "彭博社", "彭博", "新華社", "中新社", "韓聯社", "塔斯社", "德新社", "安莎社", "埃菲社", "時事社",
    "時事通信社", "達志影像", "美聯社資料照", "CNA", "Reuters", "REUTERS", "AP", "AFP", "EPA", "Bloomberg",
    "Kyodo", "Getty Images", "Getty", "Xinhua", "Yonhap",
)
_AGENCY_SET = frozenset(_AGENCIES)
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in _AGENCIES), key=len, reverse=True))
# An organisation (not a person) by its ending.
_ORG_SUFFIX_RE = re.compile(
    r"(社|通訊社|新聞網|新聞台|日報|時報|晚報|早報|電子報|週刊|周刊|雜誌|電視台?|電台|廣播|網|報|"
    r"Times|TIMES|News|NEWS|Post|POST|Press|Agency)$"
)
# Desk / department names that appear where a person's name would.
_DESK_SUFFIX_RE = re.compile(r"(中心|新聞|組|部|室|台|頻道|小組|團隊|編輯|專區|特派|平台|社|網|報)$")

_ROLE_RE = re.compile(
    r"^(?:特派記者|實習記者|特約記者|攝影記者|駐地記者|本報記者|記者|編譯|撰稿|採訪|整理|撰文|文字|主筆|"
    r"駐[\u4e00-\u9fff]{1,6}特派員|特派員|特約)"
)
_REPORT_WORDS = r"綜合外電報導|綜合報導|外電報導|連線報導|聯合報導|即時報導|專題報導|特稿|報導|專電|電"

# Common datelines: Taiwan cities/counties and frequent foreign datelines (used only to split CNA-style
# `記者王小明台北27日電`, where name and place are written together).
_PLACES = (
    "台北", "臺北", "新北", "桃園", "台中", "臺中", "台南", "臺南", "高雄", "基隆", "新竹", "苗栗", "彰化",
    "南投", "雲林", "嘉義", "屏東", "宜蘭", "花蓮", "台東", "臺東", "澎湖", "金門", "馬祖", "連江", "竹北",
    "華盛頓", "紐約", "洛杉磯", "舊金山", "芝加哥", "休士頓", "波士頓", "多倫多", "溫哥華", "渥太華", "東京",
    "大阪", "首爾", "北京", "上海", "香港", "澳門", "廣州", "深圳", "新加坡", "吉隆坡", "曼谷", "河內", "胡志明市",
    "馬尼拉", "雅加達", "新德里", "孟買", "雪梨", "坎培拉", "墨爾本", "奧克蘭", "倫敦", "巴黎", "柏林", "布魯塞爾",
    "日內瓦", "維也納", "羅馬", "馬德里", "莫斯科", "基輔", "華沙", "布拉格", "耶路撒冷", "特拉維夫", "杜拜",
    "開羅", "約翰尼斯堡", "聖保羅", "墨西哥城", "布宜諾斯艾利斯", "亞松森", "瓜地馬拉市", "阿姆斯特丹", "斯德哥爾摩",
)
_PLACES_BY_LEN = sorted(_PLACES, key=len, reverse=True)
_COMPOUND_SURNAMES = ("歐陽", "司馬", "上官", "諸葛", "司徒", "夏侯", "皇甫", "東方", "慕容", "張簡", "范姜", "長孫")

# --------------------------------------------------------------------------------------------------------------
# Regular expressions
# --------------------------------------------------------------------------------------------------------------

_DATE_LINE_RE = re.compile(
    r"^date\s*[:：]?\s*(?P<y>[0-9]{1,4})\s*[-/.]\s*(?P<m>[0-9]{1,2})\s*[-/.]\s*(?P<d>[0-9]{1,2})"
    r"(?:\s*[T\s]\s*(?P<H>[0-9]{1,2})\s*:\s*(?P<M>[0-9]{1,2})(?:\s*:\s*(?P<S>[0-9]{1,2}))?)?$",
    re.IGNORECASE,
)

_SITE_WORD_RE = re.compile(
    r"(新聞|報|網|電視|頻道|週刊|周刊|雜誌|TV|News|NEWS|PNN|Times|TIMES|Online|\.com|\.tw|Yahoo|LINE|ETtoday|"
    r"CNA|BBC|Post|Daily)"
)
_SITE_SUFFIX_RE = re.compile(r"\s*(?:[｜|]|\s[-–—]\s)\s*(?P<site>[^｜|]{1,24})$")
_MULTISPACE_RE = re.compile(r"[ \u00a0]{2,}")

# Photo credits.
_BRACKET_TAIL_RE = re.compile(r"[（(](?P<c>[^（）()]{1,80})[）)]\s*$")
_STRONG_CREDIT_RE = re.compile(
    r"^(?:圖片來源|照片來源|圖源|圖文|圖片|照片|相片|影像|攝影|圖|photos?)\s*"
    r"(?:[／/:：\-－]|由|翻攝|翻拍|擷|截|取自|來源)\s*\S|"
    r"(?:攝|翻攝|攝影|資料照|資料照片|檔案照|示意圖|合成|截圖)$|"
    r"(?:翻攝|擷自|擷取|截自|取自|翻拍)|"
    r"^(?:資料照|檔案照|資料照片)[，,、]|"
    r"^(?!資料(?!照)|數據|消息|新聞稿|統計)[^，,、。]{1,20}提供$",
    re.IGNORECASE,
)
_AGENCY_CREDIT_RE = re.compile(rf"^(?:{_AGENCY_ALT})(?:資料照|檔案照|提供)?$")
# Agencies that credit the TEXT more often than a photo: at the end of a paragraph they are the story's credit.
_TEXT_AGENCIES = frozenset(("中央社", "中央通訊社", "CNA"))
_UNBRACKETED_CREDIT_RE = re.compile(
    r"(?:^|(?<=[。！？!?\s]))(?P<c>(?:圖|圖片|照片|攝影)\s*[／/:：]\s*[^\s／/:：。]{1,30}|"
    r"記者[\u4e00-\u9fff]{2,4}\s*[／/]\s*(?:翻攝|攝影|攝)|"
    r"(?:Photo|Photos|Photograph)(?:\s+courtesy\s+of|\s*:)\s*[^.。]{1,80})\s*$",
)
_EMBED_LABEL_RE = re.compile(r"(?:分享的貼文|分享的影片|查看這則貼文|查看這篇貼文)$")

# Bylines.
_NAMES = r"[^／/\n]{0,60}?"
_SLASH_BYLINE_RE = re.compile(
    rf"^(?P<who>{_NAMES})\s*[／/]\s*(?P<where>[\u4e00-\u9fffA-Za-z·．\s]{{0,12}}?)\s*(?P<day>[0-9]{{1,2}}日)?"
    rf"(?P<rep>{_REPORT_WORDS})$"
)
_SPACE_BYLINE_RE = re.compile(
    rf"^(?P<who>(?:記者|編譯|特派記者)[\u4e00-\u9fff、]{{2,30}}?)\s+(?P<where>[\u4e00-\u9fff]{{2,8}}?)(?P<rep>{_REPORT_WORDS})$"
)
_AGENCY_BYLINE_RE = re.compile(
    rf"^(?P<ag>{_AGENCY_ALT})\s*"
    rf"(?:(?P<role>(?:駐[\u4e00-\u9fff]{{1,6}})?(?:特派記者|特派員|記者))(?P<names>[\u4e00-\u9fff、·．]{{2,40}}?))?"
    rf"\s*(?P<place>[\u4e00-\u9fff]{{0,12}}?)\s*(?P<day>[0-9]{{1,2}})日\s*(?P<rep>{_REPORT_WORDS})$"
)
# `台灣醒報記者林志怡綜合報導`, `記者王小明台北報導`: no slash, name (and place) written together.
_GLUED_BYLINE_RE = re.compile(
    rf"^(?P<ag>[\u4e00-\u9fffA-Za-z0-9]{{2,10}}?)?(?P<role>特派記者|實習記者|特約記者|記者|編譯)"
    rf"(?P<run>[\u4e00-\u9fff、]{{2,40}}?)(?P<rep>綜合外電報導|綜合報導|連線報導|報導)$"
)
_COMPILED_RE = re.compile(r"^(?P<rep>綜合外電報導|綜合報導|綜合外電|編譯報導)$")
_CREDIT_LABEL_RE = re.compile(
    r"^(?P<label>文|圖文|撰文|撰稿|作者|文字|記者|新聞來源|稿源|來源)\s*[／/：:]\s*(?P<who>[^／/：:]{1,40})$"
)
_EDITOR_RE = re.compile(
    r"^(?:責任編輯|核稿編輯|編輯|核稿|譯者|校對|審校|責編|美編|製作|Editor|Edited by)\s*[：:／/]"
    r"[^（）()]{1,60}(?:[／/|｜]\s*(?:責任編輯|核稿編輯|編輯|核稿|譯者|校對|審校|責編)\s*[：:][^（）()]{1,30})*$"
)
_REPRINT_RE = re.compile(
    r"^(?:本文|文章|原文)?(?:經|獲)?(?:授權)?(?:轉載|轉貼|刊載|摘錄)(?:自|於)\s*(?P<src>[^，。,]{1,30}?)\s*$"
)
_AUTHOR_NOTE_RE = re.compile(r"^(?:作者(?:為|是|係|現為|簡介)|本文作者)[^（）()]{1,80}$")
_UPDATE_STAMP_RE = re.compile(r"^(?:首次上稿|更新時間|最後更新|最新更新|發布時間|發稿時間|上稿時間)")
_EN_BY_RE = re.compile(r"^By\s+(?P<who>[A-Z][A-Za-z .'\-]{1,60}?)(?:\s*[/,]\s*(?:Staff|AFP|AP|Reuters|CNA).*)?$")
_EN_STAFF_RE = re.compile(
    r"^/?\s*(?:Staff|Special)\s+(?:writer|reporter|correspondent)s?(?:\s*,\s*with\s+(?P<ag>.{1,30}))?$", re.IGNORECASE
)
_EN_ADDL_RE = re.compile(r"^(?:Additional\s+reporting|Reporting)\s+by\s+(?P<who>.{2,80})$", re.IGNORECASE)

# A bracketed segment at the start / end of a line (for inline bylines and credits).
_LEAD_BRACKET_RE = re.compile(r"^[〔【\[［（(](?P<c>[^〔〕【】\[\]［］（）()]{1,60})[〕】\]］）)]\s*(?P<rest>.*)$", re.DOTALL)
_TAIL_BRACKET_RE = re.compile(r"[〔【\[［（(](?P<c>[^〔〕【】\[\]［］（）()]{1,60})[〕】\]］）)]\s*$")
_TAIL_WIRE_CREDIT_RE = re.compile(
    r"[（(](?:譯者|編輯|核稿|責任編輯|校對|審校|編譯)\s*[：:][^（）()]{1,60}[）)]\s*(?:[0-9]{6,8})?\s*$"
)
_TAIL_AUTHOR_RE = re.compile(r"[（(](?:作者(?:為|是|係|現為|：|:)|本文作者)[^（）()]{1,80}[）)]\s*$")

# Boilerplate.
_RELATED_WORDS = (
    "延伸閱讀|相關新聞|相關報導|相關閱讀|相關文章|相關影音|更多新聞|更多報導|更多內容|更多文章|熱門點閱|熱門新聞|"
    "熱門文章|熱門推薦|熱門影音|推薦閱讀|推薦新聞|推薦文章|編輯推薦|編輯精選|精選新聞|精選文章|你可能也想看|"
    "你可能會喜歡|你可能有興趣|你可能錯過|猜你喜歡|大家都在看|讀者也看了|看更多|今日熱門|本日熱門|即時熱門|"
    "影音推薦|最新新聞|延伸報導|更多精采內容|更多精彩內容|更多精采|更多精彩|閱讀原文|原文連結|Related|Read more|More news"
)
_RELATED_HEADER_RE = re.compile(
    rf"^(?P<pre>[{_MARK}\s{re.escape(_OPEN)}★☆]*)\s*(?:{_RELATED_WORDS})\s*"
    rf"(?P<post>[{re.escape(_CLOSE)}★☆{_MARK}]*)\s*(?P<sep>[：:︰>＞|｜\-－—]?)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_PROMPT_RE = re.compile(
    r"(?:往下閱讀|繼續閱讀|閱讀全文|閱讀更多|看更多|點我|點此|點擊|按我|按此|下載|(?<![A-Za-z])(?:APP|App|app)(?![A-Za-z])|"
    r"訂閱|加入.{0,8}(?:LINE|Line|好友|會員)|追蹤.{0,8}(?:IG|粉絲|臉書|頻道|YouTube)|活動辦法|廣告|贊助|"
    r"(?i:read more|click here|download|subscribe|sign up))"
)
_CLICK_ACTION = r"(?=看|下載|加入|訂閱|觀看|前往|收看|進入|閱讀|報名|領取|了解|瞭解|連結|參加|，|。|！|$|\s|》|」|】)"
_CLICK_RE = re.compile(
    r"(?:請點(?:此|選|擊|這裡)|請按(?:此|這裡)|點擊(?:這裡|此處|連結)|(?i:click here|tap here)|"
    rf"(?<![一二兩幾多少快慢晚早差有再])(?:點|按)(?:此|我){_CLICK_ACTION})"
)
_NOTICE_RE = re.compile(
    r"(?:未經判決確定|應推定為無罪|禁止酒駕|飲酒過量|酒後不開車|吸菸有害健康|自殺不能解決問題|珍惜生命|安心專線|"
    r"生命線協談|張老師專線|投資一定有風險|基金投資有風險|不代表本(?:站|網|報|台|社|刊)立場|版權所有|未經授權|"
    r"禁止轉載|不得轉載|Copyright|©)",
    re.IGNORECASE,
)
_LINK_LINE_RE = re.compile(rf"^[{_MARK}]+\s*[【\[［]")
_MULTI_BULLET_RE = re.compile(r"[▪•‣∙►▶][^▪•‣∙►▶]{2,}[▪•‣∙►▶]")
_BRACKET_TEASER_RE = re.compile(r"^[【\[［][^】\]］]{1,20}[】\]］]\s*(?P<rest>.+)$")
_DATE_TEASER_RE = re.compile(r"^[0-9]{1,4}\s*[/／.\-]\s*[0-9]{1,2}(?:\s*[/／.\-]\s*[0-9]{1,2})?\s+[^0-9\s:：]")
_TRUNCATED_RE = re.compile(r"(?:\.\.\.|(?<!…)…|(?<!⋯)⋯)$")
_URL_LINE_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

# Patterns of the helpers below, compiled once (they run on every line).
_NAME_SPLIT_RE = re.compile(r"[、,，;；\s&＆]+|(?<=[\u4e00-\u9fff])[及和與](?=[\u4e00-\u9fff])")
_AGENCY_PREFIX_RE = re.compile(rf"^(?:{_AGENCY_ALT})")
_HAN_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,4}")
_TRANSLITERATED_NAME_RE = re.compile(r"[\u4e00-\u9fff]{1,6}[·．・][\u4e00-\u9fff·．・]{1,12}")
_LATIN_NAME_RE = re.compile(r"[A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,3}")
_SPACES_RE = re.compile(r"\s+")
_DAY_SUFFIX_RE = re.compile(r"[0-9]{1,2}日$")
_HAN_OR_LATIN_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_AGENCY_REPORT_RE = re.compile(rf"(?:{_AGENCY_ALT})(?:電|報導|專電)?")
_REPORT_SUFFIX_RE = re.compile(r"(?:電|報導|專電)$")
_ROC_CODE_TAIL_RE = re.compile(r"^(?P<b>.*?[）)])\s*[0-9]{6,8}$")
_SENTENCE_END_RE = re.compile(r"[。！？]")
_SHORT_DATE_RE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}")


# --------------------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    text: str  # cleaned (zero-width removed, stripped)
    indent: int  # leading ASCII spaces/tabs of the raw line


@dataclass
class _Byline:
    reporters: list[str] = field(default_factory=list)
    dateline: str | None = None
    agency: str | None = None
    compiled: str | None = None  # 綜合報導-style credit


@dataclass
class _Piece:
    kind: str
    text: str
    credit: str | None = None
    byline: _Byline | None = None


def _indent(raw: str, zero_width: bool = True) -> int:
    if zero_width:
        raw = _ZERO_WIDTH_RE.sub("", raw)
    n = 0
    for ch in raw:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4
        else:
            break
    return n


def _n_sentences(text: str) -> int:
    return sum(1 for ch in text if ch in _SENT_END)


def _n_sentences_en(text: str) -> int:
    return _n_sentences(text) + len(re.findall(r"[a-z0-9][.](?:\s|$)", text))


def _has_clause_punct(text: str) -> bool:
    return any(ch in _CLAUSE_PUNCT for ch in text)


def _marker_prefix(text: str) -> str:
    m = _MARKER_PREFIX_RE.match(text)
    return m.group().strip() if m else ""


def _strip_brackets(text: str) -> str:
    i, j = 0, len(text)
    while j - i >= 2 and text[i] in _OPEN and text[j - 1] in _CLOSE:
        i, j = i + 1, j - 1
        while i < j and text[i].isspace():
            i += 1
        while j > i and text[j - 1].isspace():
            j -= 1
    return text[i:j].strip()


# --------------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------------


def _parse_date_line(line: str) -> tuple[dt.date, str | None]:
    norm = unicodedata.normalize("NFKC", line).strip()
    m = _DATE_LINE_RE.match(norm)
    if not m:
        raise RejectedInput(
            "no_date_line", f"first non-empty line is not a ' date YYYY-MM-DD [HH:MM]' line: {line[:80]!r}"
        )
    y, mo, d = m.group("y"), int(m.group("m")), int(m.group("d"))
    if len(y) != 4 or not 1900 <= int(y) <= 2100:
        raise RejectedInput("bad_date", f"year {y!r} is not a 4-digit year in 1900-2100: {line[:80]!r}")
    try:
        date = dt.date(int(y), mo, d)
    except ValueError as exc:
        raise RejectedInput("bad_date", f"impossible date {y}-{mo:02d}-{d:02d} ({exc}): {line[:80]!r}") from None
    if m.group("H") is None:
        return date, None
    hh, mm = int(m.group("H")), int(m.group("M"))
    ss = int(m.group("S")) if m.group("S") is not None else 0
    if len(m.group("M")) != 2 or hh > 23 or mm > 59 or ss > 59 or (m.group("S") is not None and len(m.group("S")) != 2):
        raise RejectedInput("bad_date", f"impossible time {m.group('H')}:{m.group('M')}: {line[:80]!r}")
    return date, f"{hh:02d}:{mm:02d}"


# --------------------------------------------------------------------------------------------------------------
# Bylines
# --------------------------------------------------------------------------------------------------------------


def _is_agency_name(name: str) -> bool:
    return name in _AGENCY_SET or (len(name) >= 2 and bool(_ORG_SUFFIX_RE.search(name)))


def _person_names(who: str) -> tuple[list[str], str | None]:
    """Person names in a byline's `who` part, and an agency named there (e.g. 中央社記者A -> [A], 中央社)."""
    names: list[str] = []
    agency: str | None = None
    for token in _NAME_SPLIT_RE.split(who):
        token = token.strip(" ·．:：")
        if not token:
            continue
        m = _AGENCY_PREFIX_RE.match(token)
        if m and len(token) > len(m.group()):
            agency = agency or m.group()
            token = token[len(m.group()):]
        token = _ROLE_RE.sub("", token).strip()
        if not token:
            continue
        if _is_agency_name(token):
            agency = agency or token
            continue
        if _valid_name(token):
            names.append(token)
    return names, agency


def _valid_name(token: str) -> bool:
    if _HAN_NAME_RE.fullmatch(token):
        return not _DESK_SUFFIX_RE.search(token) or len(token) <= 2
    if _TRANSLITERATED_NAME_RE.fullmatch(token):  # transliterated names
        return True
    return bool(_LATIN_NAME_RE.fullmatch(token))


def _clean_place(place: str) -> str | None:
    place = _SPACES_RE.sub("", place or "")
    place = _DAY_SUFFIX_RE.sub("", place)
    if not place or place in ("綜合", "外電"):
        return None
    return place


def _split_name_place(run: str) -> tuple[str, str | None]:
    """`王小明台北` -> (王小明, 台北): see rule B4."""
    for place in _PLACES_BY_LEN:
        if run.endswith(place) and 2 <= len(run) - len(place) <= 4:
            return run[: -len(place)], place
    size = 4 if run.startswith(_COMPOUND_SURNAMES) else 3
    if len(run) - size < 2:
        size = 2
    if len(run) - size < 1:
        return run, None
    return run[:size], run[size:]


def _parse_byline_core(text: str) -> _Byline | None:
    """A byline/credit (already without brackets) -> its fields; None when `text` is not a byline."""
    s = _SPACES_RE.sub(" ", text).strip()
    if not s or len(s) > 80:
        return None
    m = _COMPILED_RE.match(s)
    if m:
        return _Byline(compiled=m.group("rep"))
    m = _AGENCY_BYLINE_RE.match(s)
    if m:
        b = _Byline(agency=m.group("ag"))
        place: str | None = m.group("place") or ""
        if m.group("names"):
            # names and place are written together: split the last run (rule B4)
            tokens = [t for t in re.split(r"[、,，]", m.group("names") + (place or "")) if t]
            tokens[-1], place = _split_name_place(tokens[-1])
            b.reporters = [t for t in tokens if _valid_name(t)]
        b.dateline = _clean_place(place or "")
        if "綜合" in m.group("rep") and not b.agency:
            b.compiled = m.group("rep")
        return b
    m = (("／" in s or "/" in s) and _SLASH_BYLINE_RE.match(s)) or _SPACE_BYLINE_RE.match(s)  # (cheap test first)
    if m:
        who = m.group("who").strip()
        if who and not _HAN_OR_LATIN_RE.search(who):
            return None
        if _has_clause_punct(who.replace("、", "").replace("，", "").replace(",", "")):
            return None
        names, agency = _person_names(who)
        if who and not names and not agency and not _DESK_SUFFIX_RE.search(_ROLE_RE.sub("", who.split("、")[0])):
            # `who` is neither persons, an agency nor a desk: not a byline (e.g. a ratio like 1／5)
            if not _ROLE_RE.match(who):
                return None
        b = _Byline(reporters=names, agency=agency)
        rep = m.group("rep")
        where = m.group("where") or ""
        if rep in ("電", "專電") and not m.groupdict().get("day"):
            return None  # `…／台北27日電` needs its day; `核能／火力發電` is not a byline
        if "綜合" in rep or "外電" in rep:
            b.compiled = rep if not where else None
        b.dateline = _clean_place(where)
        if b.dateline and len(b.dateline) > 8:
            return None
        return b
    m = _GLUED_BYLINE_RE.match(s)
    if m and (m.group("ag") is None or _is_agency_name(m.group("ag"))):
        tokens = [t for t in m.group("run").split("、") if t]
        place: str | None = None
        if "綜合" not in m.group("rep") and tokens:
            tokens[-1], place = _split_name_place(tokens[-1])
        compiled = m.group("rep") if "綜合" in m.group("rep") else None
        return _Byline(
            reporters=[t for t in tokens if _valid_name(t)],
            dateline=_clean_place(place or ""),
            agency=m.group("ag"),
            compiled=compiled,
        )
    m = _CREDIT_LABEL_RE.match(s)
    if m:
        who = m.group("who").strip()
        label = m.group("label")
        if _is_agency_name(who):
            return _Byline(agency=who)
        if label in ("新聞來源", "稿源", "來源"):
            return _Byline(agency=who) if len(who) <= 30 else None
        names, agency = _person_names(who)
        if names or agency:
            return _Byline(reporters=names, agency=agency)
        return None
    if s in _AGENCY_SET or _AGENCY_REPORT_RE.fullmatch(s):
        return _Byline(agency=_REPORT_SUFFIX_RE.sub("", s))
    m = _REPRINT_RE.match(s)
    if m:
        return _Byline(agency=_strip_brackets(m.group("src")) or None)
    if _EDITOR_RE.match(s) or _AUTHOR_NOTE_RE.match(s) or _UPDATE_STAMP_RE.match(s):
        return _Byline()
    m = _EN_STAFF_RE.match(s)
    if m:
        return _Byline(agency=(m.group("ag") or "").strip() or None)
    m = _EN_ADDL_RE.match(s)
    if m:
        return _Byline(reporters=[n.strip() for n in re.split(r",| and ", m.group("who")) if _valid_name(n.strip())])
    m = _EN_BY_RE.match(s)
    if m and _valid_name(m.group("who").strip()):
        return _Byline(reporters=[m.group("who").strip()])
    return None


def _parse_byline_line(text: str) -> _Byline | None:
    """A whole line that is a byline (optionally bracketed, optionally with an ROC date code after it)."""
    s = text.strip()
    if len(s) > _MAX_BYLINE_LEN:
        return None
    m = _ROC_CODE_TAIL_RE.match(s)  # （編輯：A）1110106
    if m:
        s = m.group("b")
    if _UPDATE_STAMP_RE.match(s):
        return _Byline()
    inner = _strip_brackets(s)
    if inner != s or s[:1] not in _OPEN:
        b = _parse_byline_core(inner)
        if b is not None:
            return b
    return None


# --------------------------------------------------------------------------------------------------------------
# Captions
# --------------------------------------------------------------------------------------------------------------


def _normalise_credit(credit: str) -> str:
    c = re.sub(r"\s+", " ", credit).strip()
    c = re.sub(r"^(?:圖片來源|照片來源|圖源|圖文|圖片|照片|相片|圖)\s*(?:由|[／/:：\-－])\s*", "", c)
    c = re.sub(r"^(記者)?([\u4e00-\u9fff]{2,4})\s*[／/]\s*(翻攝|攝)(?:影)?$", r"\1\2\3", c)
    c = re.sub(r"^(?:圖片|照片|圖)(?=翻攝|擷自|取自|截自|翻拍)", "", c)
    c = re.sub(r"^(?:Photos?|Photograph)\s*:\s*", "", c, flags=re.IGNORECASE)
    m = re.match(r"^攝影\s*[／/:：]\s*(.+)$", c)
    if m:
        c = m.group(1).strip() + "攝"
    c = re.sub(r"\s*/\s*", "／", c) if not re.search(r"[A-Za-z]/|/[A-Za-z]", c) else c
    return c.strip(" ，,、")


def _photo_credit(text: str) -> tuple[str | None, str]:
    """(credit, strength) of a line ending in a photo credit; strength is 'strong', 'weak' (agency only) or ''."""
    m = _BRACKET_TAIL_RE.search(text)
    if m:
        c = m.group("c").strip()
        if _STRONG_CREDIT_RE.search(c) and not _SENTENCE_END_RE.search(c) and len(c) <= 50:
            return c, "strong"
        if _AGENCY_CREDIT_RE.match(c.replace(" ", "")):
            return c, "weak"
    if len(text) <= 100:
        m = _UNBRACKETED_CREDIT_RE.search(text)
        if m:
            return m.group("c").strip(), "strong"
    return None, ""


def _is_credit_only(text: str, credit: str | None) -> bool:
    if not credit:
        return False
    rest = text.replace(credit, "", 1)
    return not re.sub(rf"[\s{re.escape(_OPEN + _CLOSE)}{_MARK}]", "", rest)


# --------------------------------------------------------------------------------------------------------------
# Boilerplate predicates
# --------------------------------------------------------------------------------------------------------------


def _is_prompt(text: str) -> bool:
    if len(text) <= 60 and _CLICK_RE.search(text):
        return True  # an explicit click instruction is never story text, even as a full sentence
    return len(text) <= 40 and text[-1] not in "。！？」" and bool(_PROMPT_RE.search(text))


def _is_notice(text: str) -> bool:
    """A legal/site notice: short, and marked (※, a marker, a bracket) or not a finished sentence."""
    if len(text) > 60 or not _NOTICE_RE.search(text):
        return False
    return bool(_marker_prefix(text)) or text[0] in _OPEN or text[-1] not in "。！？」"


def _is_related_header(text: str) -> bool:
    m = _RELATED_HEADER_RE.match(text)
    if not m:
        return False
    rest = m.group("rest")
    delimited = bool(m.group("pre").strip() or m.group("post") or m.group("sep"))
    if not rest:
        return True
    if delimited:
        return True
    return len(text) <= 40 and not _has_clause_punct(rest)


def _is_link_line(text: str) -> bool:
    return bool(_LINK_LINE_RE.match(text)) or bool(_MULTI_BULLET_RE.search(text))


def _is_short_tag(text: str) -> bool:
    return len(text) <= 20 and not _has_clause_punct(text)


def _is_bracket_teaser(text: str) -> bool:
    m = _BRACKET_TEASER_RE.match(text)
    return bool(m) and len(text) <= 60 and "。" not in m.group("rest")


def _is_date_teaser(text: str) -> bool:
    return len(text) <= 50 and bool(_DATE_TEASER_RE.match(text)) and text[-1] not in "。！？"


def _teaser_like(line: _Line, in_block: bool, indent_signal: bool) -> bool:
    """Looks like a link/teaser of another story (R2 continuation when in_block, R3 trailing otherwise)."""
    t = line.text
    if _is_link_line(t) or _is_prompt(t) or _is_notice(t) or _is_related_header(t):
        return True
    if _is_date_teaser(t) or _is_bracket_teaser(t) or _URL_LINE_RE.match(t):
        return True
    if _TRUNCATED_RE.search(t):
        return True
    if indent_signal and line.indent >= 4:
        return True
    if in_block:
        if _marker_prefix(t) or t.startswith(("【", "[", "［")) or _is_short_tag(t) or line.indent >= 2:
            return True
        if _is_headline_shaped_link(t):
            return True
    elif _marker_prefix(t) and len(t) <= 50 and not t.endswith("。"):
        return True  # a trailing bullet link (▪ 標題) — a sub-heading never ends a story
    return False


def _is_headline_shaped_link(text: str) -> bool:
    """A linked headline inside a related block: short, no sentence end (。 or a final period)."""
    return len(text) <= 50 and "。" not in text and not text.endswith(".")


# --------------------------------------------------------------------------------------------------------------
# Headline and category
# --------------------------------------------------------------------------------------------------------------


def _is_structural(text: str) -> bool:
    """A caption, byline or boilerplate line (cannot be a category or a headline)."""
    if _parse_byline_line(text) is not None:
        return True
    if any(ch in _TRIANGLES for ch in _marker_prefix(text)):
        return True
    credit, strength = _photo_credit(text)
    if strength == "strong" or _EMBED_LABEL_RE.search(text):
        return True
    return _is_related_header(text) or _is_link_line(text)


def _is_category_shaped(text: str) -> bool:
    if len(text) > 12 or _has_clause_punct(text) or text[-1] in "。！？":
        return False
    if _SHORT_DATE_RE.search(text):
        return False
    return not _is_structural(text)


def _is_paragraph_shaped(text: str) -> bool:
    return text.endswith("。") or (len(text) > 60 and "。" in text) or len(text) > 120


def _clean_title(text: str) -> str:
    title = text
    m = _SITE_SUFFIX_RE.search(title)
    if m and _SITE_WORD_RE.search(m.group("site")) and m.start() > 0:
        title = title[: m.start()].rstrip()
    title = _MULTISPACE_RE.sub(" ", title).replace("\u00a0", " ").strip()
    return title


# --------------------------------------------------------------------------------------------------------------
# Body classification
# --------------------------------------------------------------------------------------------------------------


def _split_inline(text: str) -> list[_Piece]:
    """A body line -> [byline?] body [byline?]: inline bylines at the start (B2) and credits at the end (B3)."""
    pieces_before: list[_Piece] = []
    pieces_after: list[_Piece] = []
    body = text
    m = _LEAD_BRACKET_RE.match(body)
    if m:
        b = _parse_byline_core(m.group("c"))
        if b is not None:
            head = body[: m.start("rest")].strip()
            pieces_before.append(_Piece("byline", head, byline=b))
            body = m.group("rest").strip()
    for regex in (_TAIL_WIRE_CREDIT_RE, _TAIL_AUTHOR_RE):
        m = regex.search(body)
        if m and m.start() > 0:
            pieces_after.insert(0, _Piece("byline", body[m.start():].strip(), byline=_Byline()))
            body = body[: m.start()].strip()
    m = _TAIL_BRACKET_RE.search(body)
    if m and m.start() > 0:
        b = _parse_byline_core(m.group("c"))
        if b is not None:
            pieces_after.insert(0, _Piece("byline", body[m.start():].strip(), byline=b))
            body = body[: m.start()].strip()
    middle = [_Piece("body", body)] if body else []
    return pieces_before + middle + pieces_after


def _classify(lines: list[_Line]) -> list[list[_Piece]]:
    """Pieces for every line after the headline (one list per line, usually one piece)."""
    n = len(lines)
    indented = sum(1 for ln in lines if ln.indent >= 4)
    indent_signal = indented * 2 < n
    texts = [ln.text for ln in lines]
    bylines = [_parse_byline_line(t) for t in texts]
    lead_bylines = [
        (m := _LEAD_BRACKET_RE.match(t)) is not None and _parse_byline_core(m.group("c")) is not None for t in texts
    ]
    credits = [_photo_credit(t) for t in texts]

    # Caption zone: the lines before a byline that comes within the first few lines (C3).
    zone_end = 0
    for i, t in enumerate(texts[:_ZONE_LINES]):
        if bylines[i] is not None or lead_bylines[i]:
            zone_end = i
            break

    out: list[list[_Piece]] = [[] for _ in range(n)]
    in_block = False
    n_body = 0  # lines before line i that hold a body piece
    for i, ln in enumerate(lines):
        if i:
            n_body += any(p.kind == "body" for p in out[i - 1])
        t = ln.text
        credit, strength = credits[i]
        marker = _marker_prefix(t)
        in_zone = i < zone_end
        if bylines[i] is not None:
            out[i] = [_Piece("byline", t, byline=bylines[i])]
            continue
        if _is_related_header(t) or _is_link_line(t):
            out[i] = [_Piece("related", t)]
            in_block = True
            continue
        if _is_prompt(t) or _is_notice(t):
            out[i] = [_Piece("related", t)]
            continue
        caption = False
        if strength == "strong":
            caption = True
        elif strength == "weak":
            caption = len(t) <= 200 and _n_sentences(t) <= 3
            if credit in _TEXT_AGENCIES and not marker and not in_zone:
                caption = False  # `…。（中央社）`: the story's credit, split off by rule B3
        if not caption and marker and any(ch in _TRIANGLES for ch in marker):
            caption = True
        if not caption and _EMBED_LABEL_RE.search(t) and len(t) <= 80:
            caption = True
        if not caption and in_zone:
            tail = _BRACKET_TAIL_RE.search(t)
            caption = bool(marker) or (tail is not None and len(tail.group("c")) <= 30)
        if caption:
            out[i] = [_Piece("caption", t, credit=_normalise_credit(credit) if credit else None)]
            if _is_credit_only(t, credit) and i > 0 and out[i - 1] and out[i - 1][-1].kind == "body":
                prev = lines[i - 1].text
                before = n_body - 1 > 0  # body lines before line i - 1
                english_pair = bool(re.match(r"(?i)photos?\b", t)) and _n_sentences_en(prev) <= 1 and len(prev) <= 300
                if len(out[i - 1]) == 1 and (not before or _marker_prefix(prev) or english_pair):
                    out[i - 1] = [_Piece("caption", prev)]
                    n_body -= 1
            continue
        if in_block and _teaser_like(ln, True, indent_signal):
            out[i] = [_Piece("related", t)]
            continue
        in_block = False
        out[i] = _split_inline(t)

    # R3: trailing teasers, scanning back from the end over body lines.
    for i in range(n - 1, -1, -1):
        if not any(p.kind == "body" for p in out[i]):
            continue
        if len(out[i]) == 1 and (
            _teaser_like(lines[i], False, indent_signal) or _is_bracket_teaser(lines[i].text)
        ):
            out[i] = [_Piece("related", lines[i].text)]
            continue
        break
    return out


# --------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------


def parse_article(text: str) -> ParsedArticle:
    """Parse one decoded article (see the module docstring for the rules). Raises RejectedInput."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # N1 for all lines at once: no zero-width character is a line break, so removing them before splitting only
    # merges lines that would have been empty once cleaned (and empty lines are dropped).
    raw_lines = _LINE_BREAK_RE.split(_ZERO_WIDTH_RE.sub("", text))
    lines = [_Line(line, _indent(r, False)) for r in raw_lines if (line := r.strip())]
    if not lines:
        raise RejectedInput("empty", "the text holds nothing but whitespace")

    published_date, published_time = _parse_date_line(lines[0].text)
    rest = lines[1:]
    if not rest:
        raise RejectedInput("no_headline", "nothing follows the date line")

    category: str | None = None
    first = rest[0].text
    if _is_category_shaped(first):
        if len(rest) == 1:
            raise RejectedInput("no_headline", f"only a category-like line {first!r} follows the date line")
        nxt = rest[1].text
        if _is_structural(nxt) and not _is_category_shaped(nxt):
            raise RejectedInput("no_headline", f"after the category {first!r} comes {nxt[:60]!r}, not a headline")
        if _is_paragraph_shaped(nxt):
            title_line, body_lines = rest[0], rest[1:]  # the short line is the headline; no category
        else:
            category, title_line, body_lines = first, rest[1], rest[2:]
    else:
        if _is_structural(first):
            raise RejectedInput("no_headline", f"the line after the date is not a headline: {first[:60]!r}")
        title_line, body_lines = rest[0], rest[1:]

    title = _clean_title(title_line.text)
    if not title:
        raise RejectedInput("no_headline", "the headline line is empty")

    pieces = [p for line_pieces in _classify(body_lines) for p in line_pieces]

    paragraphs: list[Paragraph] = []
    reporters: list[str] = []
    dateline: str | None = None
    agency: str | None = None
    compiled: str | None = None
    credits: list[str] = []
    pos = 0
    for piece in pieces:
        no = len(paragraphs)
        if piece.kind == "body":
            paragraphs.append(Paragraph(no, "body", piece.text, pos, pos + len(piece.text)))
            pos += len(piece.text) + 1
            continue
        paragraphs.append(Paragraph(no, piece.kind, piece.text, None, None))
        if piece.kind == "caption" and piece.credit and piece.credit not in credits:
            credits.append(piece.credit)
        if piece.kind == "byline" and piece.byline is not None:
            b = piece.byline
            for name in b.reporters:
                if name not in reporters:
                    reporters.append(name)
            dateline = dateline or b.dateline
            agency = agency or b.agency
            compiled = compiled or b.compiled

    if not any(p.kind == "body" for p in paragraphs):
        kinds = ", ".join(f"{k}={sum(p.kind == k for p in paragraphs)}" for k in ("caption", "byline", "related"))
        raise RejectedInput("no_body", f"no story paragraph after the headline {title[:40]!r} ({kinds})")

    return ParsedArticle(
        published_date=published_date,
        published_time=published_time,
        category=category,
        title=title,
        reporters=reporters,
        dateline=dateline,
        agency=agency or compiled,
        image_credits=credits,
        paragraphs=paragraphs,
    )
