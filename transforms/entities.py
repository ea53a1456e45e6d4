"""Named entities of an article: people (with the title written next to them), organisations and places,
with canonical names and English aliases. Pure, deterministic, rule- and list-based (see
docs/facts-entities.md for the rules and the measured quality).

Sources of mentions, each found with precompiled regular expressions over the whole text:
- the shipped gazetteers (`transforms/gazetteer/`: organisations, places, well-known people);
- person names from `transforms.person_names` (surname + given name, transliterations, with evidence);
- short forms of people already named in the article: surname + title (卓院長, 賴總統) and a bare surname
  right before a reporting verb at the start of a clause (卓表示);
- organisations by suffix (…協會, …公司, …大學, …委員會, …局 …) with a name part in front that is not only
  generic words (資料中心, 子公司, 政府 alone are not organisations);
- places by suffix (…市, …縣, …區, …鄉, …路, …山 …) and facilities (…機場, …車站, …博物館, …飯店, …宮), typed
  LOC; suffix candidates never cross a gazetteer name or a person found above;
- English names of organisations from the gazetteer (Google, AWS) and English aliases given in the article
  when they are used again on their own (USTBC表示).

Overlaps keep the longest mention (美國台灣商業協會 over 美國 and 台灣), then the most reliable source.
Directly adjacent places are one mention (臺北市信義區, 中國甘肅省).

Aliases: `中文名（English，ABBR）` or `(ABBR)` right after a mention records the English names for that entity;
they are set on every mention of the entity. The bracket is never part of the span before it; each English
name written in a body bracket is a mention of its own (same type and canonical name).
Short forms resolve to a full name: people by surname (nearest full name with that surname, preferring one
seen with the same title); organisations when the short form keeps the first character and the last two
characters of the long one and is a subsequence of it (美台商業協會 → 美國台灣商業協會).

Captions (`captions=`) are scanned like the body, but only for knowledge: full names, titles and aliases
found there resolve body mentions (a caption may be the only place that spells out an alias). Rows come
from the body only; all offsets point into `body`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from transforms.gazetteer import Gazetteer, char_class, fast_trie, first_char_pattern, iter_first, load, trie_pattern
from transforms.model import Sentence, record
from transforms.person_names import (
    BARE,
    EVIDENCE,
    GAZETTEER,
    PLACE_LIKE_ENDINGS,
    REPEATED,
    gazetteer_hits,
    name_spans,
    words_of,
)

PERSON, ORG, GPE, LOC = "PERSON", "ORG", "GPE", "LOC"


@record
class EntityMention:
    sentence_no: int
    start: int
    end: int
    text: str
    type: str  # PERSON | ORG | GPE | LOC
    name: str  # canonical name
    alias: str | None  # English aliases given in the article for this entity, "; "-joined
    title: str | None  # title / role written next to a PERSON mention


# --------------------------------------------------------------------------------------------------
# Word lists that are rules rather than names (kept here, next to the rules that use them).

# Characters that never belong inside an organisation / place name stem (function words, common verbs).
_BREAK_CHARS = set(
    "的了是在和與及或也都就而但並且則又還再更已曾將要能讓被把對向從到於以為因所這那該此每各某些個位由跟給等"
    "稱說表示指見赴往至據即其乃們嗎呢吧啊著過去來請使令兩幾很最太不沒無非當於自今昨共約近逾達年"
    "他她它我你您牠起沿完回入返抵遷原任較獲"
)
# Words that contain a break character but do occur in names (能源, 自由, 共和, 有限).
_UNBREAK = (
    "能源 能量 自由 自然 自治 自動 自主 自強 自來水 自來 當代 年代 共和 共同 共產 共榮 非洲 非營利 無線 無人 有線 有限 "
    "原住民 任天堂 不動產 最高 達人 通達 發達 至善 至德 其昌 使館 大使 來來 太空 太平 太陽"
).split()
_BREAK_WORDS = (
    "接見 拜會 參訪 訪問 前往 包括 包含 透過 根據 依據 經過 通過 針對 擔任 出任 創立 創辦 成立 設立 加入 退出 "
    "代表 率領 隨同 協助 邀請 宣布 認為 持續 支持 反對 批評 呼籲 要求 希望 期盼 感謝 歡迎 簽署 簽訂 委託 提供 投資 "
    "收購 併購 入股 旗下 其中 以及 或是 還有 並且 目前 今年 去年 明年 昨天 今天 日前 近日 近期 已經 正式 共同 雙方 "
    "儘管 雖然 但是 因為 所以 如果 若是 只要 不過 然而 而且 甚至 並將 同時 此外 另外 除了 關於 有關 對於 由於 為了 隨著 "
    "美方 台方 陸方 日方 我方 對方 一行 訪團 聯手 攜手 結盟 告訴 控告 起訴 調查 進駐 入駐 轉投資 啟用 設置 設在 位於 "
    "前進 進入 離開 合作 取得 獲得 得到 贏得 擊敗 對上 迎戰 力克 交手 隸屬 所屬 屬於 就讀 畢業 任職 服務 任教 受雇 "
    "開設 設有 創設 下轄 下屬 所轄 轄下 入選 加盟 效力 爆出 爆發 傳出 出現 發生 維持 使得 進出 擠爆 推進 約談 搜索 "
    "返回 回到 前往 抵達 到達 進入 離開 經過 位於 來到 重返 遷往 搬到 移居 定居 出生 生於 死於 逝世 住在 居住 "
    "飛往 駛往 遷居 撤退 進攻 攻佔 佔領 收復 入侵 興建 建造 建立 修建 抵制 辭退 畢業於 任教於 留學 攻讀 創建 組建 "
    "連接 連結 經由 沿著 橫跨 跨越 穿越 流經 流入 注入 發源 源自 通往 直達 往返 往來 解決 吸引 "
    "重建 改建 擴建 遷至 移至 位在 座落 坐落 鄰近 靠近 包圍 重演 導致 造成 "
    "主持 出席 參加 參與 舉辦 舉行 召開 主辦 協辦 指導 贊助 執行 負責 管理 經營 擁有 向來 一向 曾經 以前 過去 未來"
).split()
# Characters after which a short form (王委員) may start a clause.
_CLAUSE_START = set("，。；：！？「」『』（）、與和及由向對被讓給請是在為")
# Foreign-company descriptors written before a company name (美商西屋公司 → 西屋公司).
_COMPANY_PREFIXES = ("美商", "台商", "臺商", "日商", "韓商", "陸商", "港商", "外商", "德商", "法商", "英商", "荷商", "歐商", "星商")
# Modifiers that make a suffix word generic (資料中心, 科技公司, 地方政府): a stem made only of these (and of
# places) is not a name.
_GENERIC = set(
    """子 母 分 總 新 大 小 本 該 此 其 各 每 全 兩 一 多 某 主要 重要 知名 大型 小型 中小 上市 上櫃 興櫃 民營 國營 公營 私營
    公立 私立 國立 市立 縣立 跨國 外商 外資 陸資 台資 美資 日資 本土 國內 國外 海外 當地 地方 中央 聯邦 自治 臨時 新興
    科技 貿易 電力 投資 控股 建設 保險 航空 製藥 能源 管理 顧問 物流 空殼 資料 數據 研發 營運 購物 轉運 訓練 服務 客服
    展覽 會議 文化 活動 醫學 醫療 檢驗 指揮 控制 創新 設計 運算 商業 網路 地區 區域 教學 私人 小組 企業 國際 恐怖 非政府
    黑道 犯罪 民間 相關 主管 有關 權責 監管 衛生 綜合 專科 技術 職業 金融 證券 電子 半導體 生技 軟體 電信 媒體 遊戲 汽車
    石油 電動車 家族 財團 政 在野 執政 反對 友 入 退 組 建 政治 宗教 學術 研究 社會 經濟 產業 工業 農業 漁業 環保 人權 慈善
    公益 公共 消費者 勞工 婦女 青年 兒童 老人 學生 家長 教師 醫師 律師 會計師 工程師 記者 移民 原住民 客家 體育 運動 藝術
    音樂 電影 出版 新聞 廣告 行銷 房地產 不動產 營建 交通 運輸 鐵路 公路 港務 海運 郵政 水利 電機 機械 化工 紡織 食品 零售
    百貨 超商 連鎖 餐飲 旅遊 觀光 飯店 住宿 物業 資訊 通訊 傳播 數位 智慧 人工智慧 AI 生物 醫藥 健康 保健 長照 安全 國防
    軍事 情報 警察 消防 司法 檢察 法律 財務 會計 稅務 人事 行政 秘書 公關 業務 採購 品管 生產 製造 工廠 總部 分部 辦事
    聯絡 代表 駐外 駐美 駐日 駐台 使館 領事 學校 學院 大學 高中 國中 國小 幼兒 補習 職訓 委員 基金 協會 學會 公會 工會 商會
    兩岸 雙邊 多邊 全球 世界 亞洲 歐洲 美洲 非洲 亞太 印太 東方 西方 南方 北方 北部 南部 東部 西部 中部
    防疫 檢疫 集中 溫泉 度假 渡假 休閒 精品 平價 五星 五星級 豪華 民宿 汽車 老 舊
    辦公室 辦公 廣播 業餘 主題 結 摩天 紀念 地上 地下 現代 綜合性 南部 北部 東部 西部 中部 上游 下游 龍頭 大廠 廠商 業者 同業 公司 集團 銀行 醫院 政府 國家 全國 該國 各國 他國 本國 外國 友邦 盟邦 聯合""".split()
)

# Organisation suffixes by class: (suffixes, place-only stem allowed, place + generic stem allowed).
_ORG_SUFFIXES: list[tuple[str, bool, bool]] = [
    ("政府 市政府 縣政府 市府 縣府 公所 區公所 鄉公所 鎮公所 議會 市議會 縣議會 國會 法院 地方法院 高等法院 地檢署 檢察署 "
     "警察局 分局 派出所 辦事處 代表處 海關 管理局 管理處 委員會 管制署 衛生局 教育局 環保局 社會局 勞工局 經發局 交通局 "
     "消防局 稅務局 國稅局 觀光局 文化局 工務局 民政局 財政局 主計處 警察署 保安局 司令部 局 設計局 理事會 董事會 "
     "評議會 軍方", True, True),
    ("大學 分校 科技大學 醫學大學 師範大學 醫院 紀念醫院 總醫院 分院 研究院 研究所 研究中心", True, True),
    ("學院 醫學院 高中 高級中學 高工 高商 高職 國中 國小 國民小學 國民中學 小學 中學 學校 實驗室 書院", False, False),
    ("協會 學會 公會 工會 商會 總會 聯合會 促進會 協進會 策進會 同業公會 基金會 聯盟 組織 俱樂部 合作社 聯誼會 同鄉會 "
     "校友會 後援會 教會 劇團 樂團 合唱團 舞團 黨 黨部 通訊社 電視台 電台 日報 晚報 時報 週刊 周刊 新聞網 出版社 事務所", True, True),
    ("股份有限公司 有限公司 公司 集團 中心", False, False),
    ("軍 部隊 艦隊 國防軍 國家隊 代表隊 隊 廳", True, True),
    ("銀行 商業銀行", True, False),
]
# Facilities, typed LOC: (suffixes, place-only stem allowed).
_FACILITY_SUFFIXES = (
    "博物館 博物院 美術館 紀念館 紀念堂 圖書館 體育館 體育場 運動場 球場 棒球場 足球場 巨蛋 機場 國際機場 車站 火車站 "
    "捷運站 高鐵站 轉運站 大樓 大廈 廣場 公園 國家公園 夜市 老街 大橋 隧道 水庫 電廠 核電廠 發電廠 核能電廠 港 漁港 碼頭 "
    "寺 廟 大教堂 教堂 清真寺 城堡 陵 陵寢 古蹟 園區 科學園區 工業區 加工區 "
    "飯店 大飯店 酒店 旅館 賓館 戲院 劇院 歌劇院 音樂廳 會館 行館 舊居 故居 遺址 基地 墓園 宮 宮殿 皇宮 行宮"
).split()
# Facility suffixes that need a known place in the name part (台中清泉崗基地, 駐沖繩美軍基地).
_FACILITY_NEEDS_PLACE = set("基地".split())
# Time words before a facility name are not part of it (昨天海景飯店).
_TIME_WORDS = set("今天 昨天 前天 明天 今日 昨日 日前 稍早 上午 下午 晚間 早上 當天 近日 今年 去年 明年 當時".split())
# Places by suffix, typed GPE (administrative) or LOC (natural).
_STATE_SUFFIXES = set("共和國 王國 帝國 公國 酋長國".split())
_GPE_SUFFIXES = "市 縣 省 州 區 鄉 鎮 村 郡 自治區 自治州 自治縣 特別行政區 直轄市 共和國 王國 帝國 公國 酋長國".split()
_LOC_SUFFIXES = "山 山脈 河 江 湖 溪 島 群島 半島 海峽 海域 灣 平原 高原 盆地 沙漠 峽谷 瀑布 路 街 大道 領地 運河".split()
# Natural-feature and road suffixes that may follow a known place as one name (墨西哥灣, 斐濟群島,
# 重慶南路): with other LOC suffixes a place stem is an ordinary phrase (美國山).
_PLACE_LOC_SUFFIXES = set("群島 灣 半島 海峽 海域 領地 路 街 大道 盆地 平原 高原 沙漠 運河".split())
# Two-character-or-longer stems that make a place suffix generic (工業區, 選手村, 沿海城市 ...).
_GENERIC_PLACE_STEMS = set(
    """工業 商業 住宅 風景 保護 自治 開發 經濟 行政 選舉 示範 管制 警戒 隔離 貿易 加工 科學 出口 直轄 縣轄 省轄 選手 地球
    搖擺 無人 人工 母親 大陸 沿海 內陸 周邊 附近 鄰近 所在 所屬 偏遠 偏鄉 都會 市中 市郊 郊外 城鄉 農業 漁業 工商 文教
    縣級 地級 省級 市級 區級 副省級
    高速 快速 產業 生活 觀光 商圈 重劃 都更 災害 受災 淹水 疫情 熱門 主要 重要 該區 全區 各區 一區 二區 三區 同一 另一 這座
    那座 一座 整座 海外 國外 國內 本島 離島 外島 南部 北部 東部 西部 中部 東北 西北 東南 西南 單一 多數 少數 全市 全縣 各縣""".split()
)
# Characters that, right before 路 / 街 / 海 / 山 …, make an ordinary word (網路, 電路, 逛街, 上山, 大海).
_PLACE_SUFFIX_BLOCK = {
    "市": set("城都股超門夜上縣花魚菜街黑早鬧"),
    "區": set("地社園市災山郊選轄景校營港廠特專戰街禁疫牧城教"),
    "縣": set("各外全"),
    "省": set("各外全本節反"),
    "州": set("各全本該"),
    "鄉": set("家故城下偏同異他"),
    "鎮": set("城重市"),
    "村": set("農鄉山漁眷"),
    "路": set("網電鐵道馬線通思出退迷走陸水航套活後去來門一公半上下歸新老長小大前進財銷絲"),
    "街": set("逛上大老商過滿沿當"),
    "海": set("大上下出入航沿近深外公跨火人苦血"),
    "山": set("上下登爬火高深冰礦江靠泰半名群青深進出後前開"),
    "河": set("運銀護冰黃長內大小山"),
    "江": set("長大過"),
    "灣": set("海港台臺"),
    "島": set("本半小離寶孤荒群列外"),
    "湖": set("江五西"),
    "溪": set("小"),
}
# Words after a suffix that show it is not the end of a name (院長 is a title, 公司法 a law …).
_SUFFIX_FOLLOW_BLOCK = set("長員法制規稅務籍")
# Characters after a place suffix that make it part of another word (廈門市民 is 廈門 + 市民, 台北市區).
_PLACE_SUFFIX_FOLLOW_BLOCK = {
    "市": "區民場政價值面容況井集郊內", "縣": "民", "省": "民份", "州": "民", "鄉": "民親", "鎮": "民", "村": "民",
    "島": "民嶼", "區": "域塊間隔",
}
# Number + measure word at the start of a name run (一家日本公司, 四處物流中心, 兩座島).
_MEASURE = re.compile("[一二兩三四五六七八九十百千幾數多每各]?[名家間座所個位項支條張隻輛艘架台處種類批幢棟]")
_DETERMINERS = "一二兩三四五六七八九十百千幾數多每各這那該此某"
# Suffixes that need a place in front (政府, 議會: 台北市政府, 美國國家隊).
_NEEDS_PLACE = set("政府 市政府 縣政府 市府 縣府 議會 市議會 縣議會 公所 國家隊 代表隊 隊 廳 軍 部隊 艦隊 國防軍 軍方".split())
# Stems that make 黨 a description, not a party name (執政黨, 在野黨); other generic-looking stems are party
# names (勞動黨, 民主黨, 共產黨, 自由黨).
_PARTY_NOT_NAMES = set("執政 在野 反對 政 該 小 大 本 各 兩 全 友 同 入 退 組 建 三 第三 少數 多數 主要 其他 新 一 老 國 朝野 本土 外".split())
# Characters before 局 that make an ordinary word (布局, 僵局, 變局, 格局, 當局 …), not an office.
_JU_WORDS = set("布僵變格騙賭飯結開終大全政時亂困殘敗勝平和對當棋牌佈")
# Characters after 軍 that make it part of another word (軍艦, 軍事, 軍人, 軍官 …): not an army's name.
_ARMY_FOLLOW_BLOCK = set("艦事人官機火營區費售購演權備力紀醫校歌旗禮服")
# Organisations named without their country (外交部, 眾議院): a place right before them belongs to them
# (中國外交部, 塞普勒斯眾議院).
_INSTITUTIONS = set(
    """國會 議會 眾議院 參議院 上議院 下議院 國務院 政府 總統府 內閣 外交部 國防部 內政部 財政部 經濟部 教育部 司法部 商務部
    法務部 交通部 衛生部 勞動部 農業部 文化部 環境部 能源部 外務省 防衛省 財務省 經濟產業省 中央銀行 央行 最高法院
    憲法法院 海軍 陸軍 空軍 國防軍 軍隊 海警 海關 大使館 領事館 代表處 辦事處 國家隊 代表隊 奧會 足協 棒協 籃協""".split()
)
# After 人 these make 日本人… a noun phrase about the place, not a demonym (日本人口, 台灣人民).
_PEOPLE_NOUN_NEXT = set("民口數員士才力物權類氣工造質事")

_ALIAS_CONTENT = re.compile(r"[A-Za-z][A-Za-z0-9 .,'’&\-/·:，、;；+]*[A-Za-z0-9.)]?")
_ALIAS_SPLIT = re.compile(r"[，、;；]|,\s+(?!(?:Jr|Sr|II|III|IV)\b)")
_BLOCKED = re.compile(r"「([^「」，。！？\n]{1,25})」|《([^《》\n]{1,40})》|〈([^〈〉\n]{1,40})〉")
_ORG_WORDS = re.compile(
    r"\b(?:Council|Association|Inc|Corp|Corporation|Company|Co|Ltd|LLC|PLC|Bank|University|College|Institute|Agency|"
    r"Group|Foundation|Party|Ministry|Department|Office|Committee|Commission|Organi[sz]ation|Center|Centre|Electric|"
    r"Research|Technolog(?:y|ies)|Systems|Holdings|Federation|Union|Society|Club|League|Board|Bureau|Administration|"
    r"Authority|Services|Airlines|Motors|Semiconductor|Industries|Network|Labs?|Capital|Partners|Fund|Times|News|Post|Press)\b"
)


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    type: str
    name: str
    prio: int
    kind: str = "full"  # full | short_title | short_bare | latin_alias | bracket_alias
    surname: str = ""
    title: str | None = None


@dataclass
class _Rx:
    gaz_latin: re.Pattern[str]
    bracket: re.Pattern[str]
    org_suffix: re.Pattern[str]
    fac_suffix: re.Pattern[str]
    gpe_suffix: re.Pattern[str]
    loc_suffix: re.Pattern[str]
    stem: re.Pattern[str]
    stem_block_last: re.Pattern[str]  # up to the last character in a range that cannot be in a stem
    unbreak: re.Pattern[str]
    break_words: re.Pattern[str]  # a first_char_pattern (the word is group 1)
    places_only: re.Pattern[str]
    generic_only: re.Pattern[str]
    short_title: re.Pattern[str]
    translit_run: re.Pattern[str]
    short_bare: re.Pattern[str]
    short_bare_start: re.Pattern[str]
    title_at: re.Pattern[str]
    titles: frozenset[str]
    prefixes: tuple[str, ...]
    org_class: dict[str, tuple[bool, bool]]
    fac_set: frozenset[str]
    gaz_type: dict[str, tuple[str, str, int]]  # spelling -> (type, canonical, priority)
    compound: frozenset[str]
    g: Gazetteer = field(repr=False, default=None)  # type: ignore[assignment]


@cache
def _rx() -> _Rx:
    g = load()
    gaz_type: dict[str, tuple[str, str, int]] = {}
    for spelling, canonical in g.persons.items():
        gaz_type[spelling] = (PERSON, canonical, 6)
    for spelling, (canonical, typ) in g.places.items():
        gaz_type.setdefault(spelling, (typ, canonical, 5))
    for spelling, canonical in g.orgs.items():
        gaz_type.setdefault(spelling, (ORG, canonical, 5))
    # The Chinese names are matched by person_names.gazetteer_hits (the same three lists).
    latin_words = [w for w in gaz_type if w.isascii() and len(w) >= 2]
    org_class: dict[str, tuple[bool, bool]] = {}
    for words, place_ok, mixed_ok in _ORG_SUFFIXES:
        for w in words.split():
            org_class.setdefault(w, (place_ok, mixed_ok))
    stem_chars = "".join(sorted(_BREAK_CHARS))
    sur = char_class(g.surnames_common | g.surnames_other)
    # fast_trie: the same matches as trie_pattern, with first-character classes in front; first_char_pattern
    # (searched with iter_first): the whole match is group 1, the pattern's own groups follow (gazetteer docs).
    surc = fast_trie(g.surnames_compound | g.surnames_japanese)
    first_sur = {w[0] for w in g.surnames_compound | g.surnames_japanese} | g.surnames_common | g.surnames_other
    sur_first = char_class(first_sur)
    titles = fast_trie(g.titles)
    verbs = fast_trie(g.verbs)
    generic = fast_trie(w for w in _GENERIC if len(w) >= 1)
    places = fast_trie(w for w in g.places if len(w) >= 2)
    t = char_class(g.translit_chars)
    short_bare_adverbs = "也則亦並又再更曾已都就"
    compound_names = [w for w in g.surnames_compound | g.surnames_japanese if len(w) > 1]
    short_bare = f"(?={sur_first})({surc}|{sur})(?=[{short_bare_adverbs}]?(?:{verbs}))"
    return _Rx(
        gaz_latin=first_char_pattern(
            f"(?<![A-Za-z0-9])(?:{fast_trie(latin_words)})(?![A-Za-z0-9])", {w[0] for w in latin_words}
        ),
        bracket=re.compile(r"[（(]\s*([^（）()\n]{1,120}?)\s*[）)]"),
        org_suffix=first_char_pattern(fast_trie(org_class), {w[0] for w in org_class}),
        fac_suffix=first_char_pattern(fast_trie(_FACILITY_SUFFIXES), {w[0] for w in _FACILITY_SUFFIXES}),
        gpe_suffix=first_char_pattern(fast_trie(_GPE_SUFFIXES), {w[0] for w in _GPE_SUFFIXES}),
        loc_suffix=first_char_pattern(fast_trie(_LOC_SUFFIXES), {w[0] for w in _LOC_SUFFIXES}),
        stem=re.compile(
            f"(?:{fast_trie(_UNBREAK)}|[A-Za-z]|[^\\x00-\\u33ff\\ua000-\\uffff{re.escape(stem_chars)}])+$"
        ),
        stem_block_last=re.compile(
            f"(?s:.*)(?:[^A-Za-z\\u3400-\\u9fff\\U00010000-\\U0010ffff]|[{re.escape(stem_chars)}])"
        ),
        unbreak=re.compile(trie_pattern(_UNBREAK)),
        break_words=first_char_pattern(fast_trie(_BREAK_WORDS), {w[0] for w in _BREAK_WORDS}),
        places_only=re.compile(f"(?:{places})+"),
        generic_only=re.compile(f"(?:{places}|{generic})+"),
        short_title=first_char_pattern(
            f"(?={sur_first})(?:{surc}|{sur})(?:{fast_trie(list(g.titles) + list(g.honorifics))})",
            first_sur,
            # the second character: a compound surname's, or a title's first after a one-character surname
            {w[1] for w in g.surnames_compound | g.surnames_japanese if len(w) > 1}
            | {w[0] for w in list(g.titles) + list(g.honorifics)},
        ),
        translit_run=first_char_pattern(f"(?<!{t}){t}{{2,8}}(?!{t})", g.translit_chars),
        # A bare surname at a clause start: the text's start or after one of these characters. The pattern is
        # led by the surname's first character and the next one (a verb's, an adverb's or a family name's
        # second), so that the engine skips to them; the surname is group 1.
        short_bare=re.compile(
            f"{sur_first}"
            f"{char_class({w[0] for w in g.verbs} | set(short_bare_adverbs) | {w[1] for w in compound_names})}"
            f"(?<=[，。；：「」、\\s][\\s\\S]{{2}})(?<=(?={short_bare})[\\s\\S]{{2}})"
        ),
        short_bare_start=re.compile(short_bare),
        title_at=re.compile(f"(?:{fast_trie(g.title_prefixes)})?(?:{titles})"),
        titles=frozenset(g.titles),
        prefixes=g.title_prefixes,
        org_class=org_class,
        fac_set=frozenset(_FACILITY_SUFFIXES),
        gaz_type=gaz_type,
        compound=g.surnames_compound | g.surnames_japanese,
        g=g,
    )


# --------------------------------------------------------------------------------------------------
# Scanning one text


@dataclass
class _Scan:
    text: str
    cands: list[_Cand]
    brackets: list[tuple[int, int, list[str]]]  # (open, close+1, alias items) for Latin brackets
    blocked: list[tuple[int, int]]  # spans where suffix rules do not apply (quoted terms, titles of works)


def _alias_items(content: str) -> list[str] | None:
    """The English names inside a bracket, or None when the bracket is not a Latin alias."""
    m = _ALIAS_CONTENT.fullmatch(content)
    if not m or sum(c.isalpha() for c in content) < 2:
        return None
    items = [p.strip(" ,;") for p in _ALIAS_SPLIT.split(content)]
    items = [p for p in items if len(p) >= 2 and any(c.isalpha() for c in p)]
    return items or None


def _find_brackets(text: str, rx: _Rx) -> tuple[list[tuple[int, int, list[str]]], list[tuple[int, int]]]:
    brackets: list[tuple[int, int, list[str]]] = []
    blocked: list[tuple[int, int]] = []
    for m in rx.bracket.finditer(text):
        items = _alias_items(m.group(1))
        if items is not None:
            brackets.append((m.start(), m.end(), items))
    for m in _BLOCKED.finditer(text):
        blocked.append((m.start(), m.end()))
    return brackets, blocked


def _in_sorted(values: list[int], x: int) -> bool:
    k = bisect.bisect_left(values, x)
    return k < len(values) and values[k] == x


def _inside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a <= s and e <= b for a, b in spans)


def _stem_start(text: str, end: int, rx: _Rx, max_len: int, floor: int) -> int:
    """Leftmost start of a name stem ending at `end` (no break characters, no break words)."""
    lo = max(floor, end - max_len)
    # The stem is what `rx.stem` finds in text[lo:end]. Without a word of _UNBREAK in the window (the only
    # tokens longer than one character) and without a line break at its end (where `$` also matches), that is
    # everything after the last character that is not a stem character: found in one step.
    last = rx.stem_block_last.match(text, lo, end)
    if last is None:
        start = lo if lo < end else end
    elif rx.unbreak.search(text, lo, end) is None and not (last.end() == end and text[end - 1] == "\n"):
        start = last.end()
    else:
        m = rx.stem.search(text, lo, end)
        start = m.start() if m else end
    if start >= end:
        return end
    # Cut after the rightmost break word inside the stem (or straddling its start).
    search = rx.break_words.search
    bw = search(text, max(0, start - 1), end)
    while bw is not None:
        start = max(start, bw.end(1))
        bw = search(text, bw.end(1), end)
    return start


def _stem_kind(stem: str, rx: _Rx) -> str:
    """'place' (only places), 'generic' (only generic words), 'mixed' (places + generic), or 'name'."""
    if not stem:
        return "generic"
    if rx.places_only.fullmatch(stem):
        return "place"
    if rx.generic_only.fullmatch(stem):
        gm = rx.places_only.search(stem)
        return "mixed" if gm else "generic"
    return "name"


def _scan(text: str, rx: _Rx) -> _Scan:
    brackets, blocked = _find_brackets(text, rx)
    cands: list[_Cand] = []
    if brackets:
        in_bracket = bytearray(len(text) + 1)  # 1 inside a Latin bracket
        for a, b, _ in brackets:
            in_bracket[a:b] = b"\x01" * (b - a)

        def free(s: int, e: int) -> bool:
            """Does [s, e) overlap no Latin bracket?"""
            return in_bracket.find(1, s, e) < 0

    else:

        def free(s: int, e: int) -> bool:
            return True

    # Gazetteer.
    covered = 0  # end of the longest match so far: a match inside it adds nothing
    bounds: tuple[list[int], list[int]] | None = None
    # Every start of a gazetteer name with the longest name there (overlapping: 其中國民黨 gives 中國 and 國民黨,
    # and the longer one wins later).
    hits = gazetteer_hits(text)
    gaz_type = rx.gaz_type
    for s, e in zip(hits.starts, hits.ends):
        if e <= covered:
            continue
        if e - s == 2:
            # A two-character name must not start inside a dictionary word (北江/門市 has no 江門; 台中廠 keeps
            # 台中: the dictionary glues place + 廠 / 店 / 港 into one word).
            if bounds is None:
                ws = words_of(text)
                bounds = ws.starts, ws.ends
            if not (_in_sorted(bounds[0], s) or _in_sorted(bounds[1], s)):
                continue
        covered = e
        typ, canonical, prio = gaz_type[text[s:e]]
        if free(s, e):
            cands.append(_Cand(s, e, typ, canonical, prio))
    for m in iter_first(rx.gaz_latin.search, text):
        s, e = m.span(1)
        typ, canonical, prio = rx.gaz_type[m.group(1)]
        if free(s, e):
            cands.append(_Cand(s, e, typ, canonical, prio))

    # People.
    for ns in name_spans(text):
        if free(ns.start, ns.end):
            prio = {GAZETTEER: 6, EVIDENCE: 5, REPEATED: 4, BARE: 3}[ns.strength]
            cands.append(_Cand(ns.start, ns.end, PERSON, text[ns.start : ns.end], prio))
    for m in iter_first(rx.short_title.search, text):
        s, e = m.span(1)
        k = 2 if text[s : s + 2] in rx.compound else 1
        cands.append(_Cand(s, e, PERSON, "", 2, "short_title", text[s : s + k], text[s + k : e]))
    m0 = rx.short_bare_start.match(text)
    for m in ([m0] if m0 else []) + list(rx.short_bare.finditer(text)):
        s, e = m.span(1)
        cands.append(_Cand(s, e, PERSON, "", 1, "short_bare", text[s:e]))

    # Organisations, facilities and places by suffix.
    gaz_at_start: dict[int, int] = {}  # start -> end of gazetteer places / organisations
    gaz_at_end: dict[int, int] = {}  # end -> start
    for c in cands:
        if c.type in (ORG, GPE, LOC) and c.prio >= 5:
            if gaz_at_start.get(c.start, -1) < c.end:
                gaz_at_start[c.start] = c.end
            if gaz_at_end.get(c.end, 1 << 30) > c.start:
                gaz_at_end[c.end] = c.start

    place_at_start = {c.start: c.end for c in cands if c.type in (GPE, LOC) and c.prio >= 5}
    gaz_spans = sorted((c.start, c.end) for c in cands if c.type in (ORG, GPE, LOC) and c.prio >= 5)
    gaz_starts = [a for a, _ in gaz_spans]

    evidence_people = [(c.start, c.end) for c in cands if c.type == PERSON and c.kind == "full" and c.prio >= 5]
    person_spans = sorted((c.start, c.end) for c in cands if c.type == PERSON and c.kind == "full" and c.prio >= 3)
    person_starts = [a for a, _ in person_spans]
    person_longest = max((b - a for a, b in person_spans), default=0)

    def crosses_gaz(start: int, end: int) -> bool:
        """Does a gazetteer name overlap [start, end) without lying inside it (中國江西省: 中國 + 江 is not a river),
        or a person name found above cross it (漫畫家江守仁: 江 begins the name, it is not a river)?"""
        for a, b in gaz_spans[max(0, bisect.bisect_left(gaz_starts, start - 12)) : bisect.bisect_left(gaz_starts, end)]:
            if b > start and not (start <= a and b <= end):
                return True
        # (Only names starting less than the longest name's length before `start` can reach into the span.)
        lo = bisect.bisect_right(person_starts, start - person_longest)
        hi = bisect.bisect_left(person_starts, end)
        return any(start < b and not (start <= a and b <= end) for a, b in person_spans[lo:hi])

    ws = None

    def after_verb_phrase(start: int, s: int, facility: bool = False) -> int:
        """An organisation's name part starts after an adverb or conjunction before it (如果…局) and after a verb
        that is followed by a known place or organisation (拜訪台中市黨部); verbs
        elsewhere in the name part are kept (台灣永續發展協會)."""
        nonlocal ws
        if ws is None:
            ws = words_of(text)
        k = bisect.bisect_left(ws.starts, start)
        out = start
        while k < len(ws.starts) and ws.ends[k] < s:
            tag, end = ws.tags[k], ws.ends[k]
            if ws.starts[k] >= start and (
                (ws.ends[k] - ws.starts[k] >= 2 and (
                    tag in ("ADV", "C") or (tag in ("Vt", "Nv") and (end in gaz_at_start or end in place_at_start))
                    or (facility and (tag == "Vt" or ws.words[k] in _TIME_WORDS))
                ))
                or (facility and tag == "P")
            ):
                out = end
            k += 1
        return out

    def stem_start(s: int, max_stem: int, anchor_end: bool) -> int | None:
        """Start of the name part before a suffix at `s`, or None. The run of name characters before the
        suffix is cut at break words and leading measure phrases; a run longer than `max_stem` is anchored at
        a known place / organisation inside it (its end for places, its start for organisations) or, for
        places, at a trailing transliteration; otherwise there is no name."""
        run = _stem_start(text, s, rx, 16, 0)
        if run >= s:
            return None
        mm = _MEASURE.match(text, run, s)
        if mm and (mm.end() - mm.start() == 2 or (run > 0 and (text[run - 1].isdigit() or text[run - 1] in _DETERMINERS))):
            run = mm.end()
        if anchor_end:
            # 信義區松仁路: the stem of 路 starts after the last administrative suffix in the run.
            for p in range(s - 3, run - 1, -1):
                if text[p] in "市縣區鄉鎮省州村" and s - p - 1 >= 2:
                    run = p + 1
                    break
        if anchor_end and s in gaz_at_end and run <= gaz_at_end[s] < s and text[s - 1] not in "市縣區鄉鎮省州村":
            # 聖保羅州, 斐濟群島: a known place right before the suffix is the whole name part.
            return gaz_at_end[s]
        if anchor_end:
            # 甘肅省金塔縣: the stem of 縣 starts after the known place 甘肅省.
            for p in range(s - 2, run, -1):
                if p in gaz_at_end and gaz_at_end[p] >= run:
                    return p if s - p <= max_stem else None
        if s - run <= max_stem:
            return run
        if not anchor_end:
            for p in range(s - max_stem, s - 1):
                if p in gaz_at_start and gaz_at_start[p] <= s:
                    return p
            return None
        k = 0
        while k < 8 and s - k - 1 >= run and text[s - k - 1] in rx.g.translit_chars:
            k += 1
        return s - k if k >= 2 else None

    def suffix_cands(pattern: re.Pattern[str], max_stem: int, anchor_end: bool, make, reject) -> None:
        """Candidates by suffix: `reject(s, e, suffix)` says quickly (before the name part is looked for) that
        the suffix is part of an ordinary word; `make(start, s, e, suffix)` decides on the name part."""
        for m in iter_first(pattern.search, text):
            s, e = m.span(1)
            if s == 0 or reject(s, e, m.group(1)):
                continue  # (a suffix at the start has no name part)
            if (blocked and _inside(blocked, s, e)) or not free(s, e):
                continue
            if e < len(text) and (
                text[e] in _SUFFIX_FOLLOW_BLOCK or text[e] in _PLACE_SUFFIX_FOLLOW_BLOCK.get(text[e - 1], "")
            ):
                continue
            if e in gaz_at_end and gaz_at_end[e] < s:
                continue  # the gazetteer has a name ending here (地中海): it decides
            start = stem_start(s, max_stem, anchor_end)
            if start is None or start >= s:
                continue
            make(start, s, e, m.group(1))

    def reject_org(s: int, e: int, suffix: str) -> bool:
        if suffix == "軍" and e < len(text) and text[e] in _ARMY_FOLLOW_BLOCK:
            return True
        if (suffix == "局" and (text[s - 1] in _JU_WORDS or text[e : e + 1] in ("處", "勢"))) or (
            suffix == "隊" and text[s - 1] in "團梯部"
        ):
            return True  # 布局, 僵局, 變局, 局處; 團隊, 梯隊 are ordinary words
        return suffix == "黨" and text[e : e + 1] == "部"  # 中央黨部: the office, not the party

    def make_org(start: int, s: int, e: int, suffix: str) -> None:
        for p in _COMPANY_PREFIXES:
            if text.startswith(p, start) and s - start > len(p):
                start += len(p)
                break
        start = after_verb_phrase(start, s)
        stem = text[start:s]
        place_ok, mixed_ok = rx.org_class[suffix]
        kind = _stem_kind(stem, rx)
        if suffix in ("黨", "黨部") and kind == "generic" and stem not in _PARTY_NOT_NAMES and len(stem) >= 2:
            kind = "name"  # 勞動黨, 共產黨, 自由黨
        if suffix in _NEEDS_PLACE and kind == "name" and place_at_start.get(start, s) < s:
            kind = "mixed"  # 洛杉磯湖人隊: a place begins the name
        if suffix in _NEEDS_PLACE and kind not in ("place", "mixed"):
            # 入選四川隊: the name starts at the first known place of the run.
            for p in range(start + 1, s - 1):
                if p in gaz_at_start and gaz_at_start[p] <= s:
                    start, stem = p, text[p:s]
                    kind = _stem_kind(stem, rx)
                    break
        if kind == "generic" or (kind == "place" and not place_ok) or (kind == "mixed" and not mixed_ok):
            return
        if suffix in _NEEDS_PLACE and kind not in ("place", "mixed"):
            return
        if kind == "name" and len(stem) < 2 and suffix not in ("黨",):
            return
        if suffix == "中心" and kind == "name" and len(stem) < 3:
            return
        name = text[start:e].replace("臺", "台")
        # 台積電公司 → the organisation 台積電.
        known = rx.gaz_type.get(stem)
        if known and known[0] == ORG and suffix in ("公司", "集團", "股份有限公司", "有限公司"):
            name = known[1]
        if suffix == "政府" and any(start <= a and b <= s for a, b in evidence_people):
            return  # 法國馬克宏政府: the person and the place are the mentions, not an organisation
        if not crosses_gaz(start, e):
            cands.append(_Cand(start, e, ORG, name, 3))

    def reject_fac(s: int, e: int, suffix: str) -> bool:
        return suffix == "港" and text[s - 1] in "出入進離返靠抵泊停回"  # 出港, 進港: leaving or entering a port

    def make_fac(start: int, s: int, e: int, suffix: str) -> None:
        start = after_verb_phrase(start, s, facility=True)  # 租用海景飯店
        stem = text[start:s]
        kind = _stem_kind(stem, rx)
        if suffix in _FACILITY_NEEDS_PLACE and kind not in ("place", "mixed") and not any(
            start <= p < s for p in place_at_start
        ):
            return  # 清泉崗基地 needs 台中 before it; 移動式基地 is not a place
        if kind == "generic" or (len(stem) < 2 and kind != "place") or crosses_gaz(start, e):
            return
        cands.append(_Cand(start, e, LOC, text[start:e].replace("臺", "台"), 2))

    def reject_place(s: int, e: int, suffix: str) -> bool:
        block = _PLACE_SUFFIX_BLOCK.get(suffix[0])
        return bool(block) and text[s - 1] in block  # 網路, 地區, 股市 …

    def make_place(typ: str):
        def make(start: int, s: int, e: int, suffix: str) -> None:
            stem = text[start:s]
            if len(stem) < 2 or stem in _GENERIC_PLACE_STEMS or stem[-2:] in _GENERIC_PLACE_STEMS:
                return
            if suffix in _STATE_SUFFIXES and _stem_kind(stem, rx) != "place":
                # 魏瑪共和國: a state needs a known place or a transliteration in front.
                k = 0
                while k < len(stem) and stem[len(stem) - k - 1] in rx.g.translit_chars:
                    k += 1
                if k < 2:
                    return
                start, stem = s - k, stem[len(stem) - k :]
            kind = _stem_kind(stem, rx)
            if kind == "generic" or kind == "mixed" or (kind == "place" and typ != GPE and suffix not in _PLACE_LOC_SUFFIXES):
                return
            if crosses_gaz(start, e):
                return
            cands.append(_Cand(start, e, typ, text[start:e].replace("臺", "台"), 2))

        return make

    suffix_cands(rx.org_suffix, 12, False, make_org, reject_org)
    suffix_cands(rx.fac_suffix, 8, False, make_fac, reject_fac)
    suffix_cands(rx.gpe_suffix, 4, True, make_place(GPE), reject_place)
    suffix_cands(rx.loc_suffix, 4, True, make_place(LOC), reject_place)

    # Demonyms and languages are not places (日本人, 美國籍, 法文).
    def demonym(c: _Cand) -> bool:
        if c.type != GPE or c.end >= len(text):
            return False
        nxt, nxt2 = text[c.end], text[c.end + 1 : c.end + 2]
        if nxt in "籍裔語":
            return True
        if (nxt in "艦號" or (text.startswith("軍艦", c.end) and text.endswith("海軍", 0, c.start))) and not text[
            c.start - 1 : c.start
        ].isdigit():
            return True  # 遼寧號, 長沙艦, 海軍基隆軍艦: ships named after places
        if nxt == "人" and nxt2 not in _PEOPLE_NOUN_NEXT:
            return True
        if nxt == "話" and not (nxt2 and nxt2 in "題術語筒費"):
            return True  # 廣東話, 上海話 are languages (台灣話題 is not)
        return nxt == "文" and not (nxt2 and nxt2 in "化件字學創物明")

    cands = [c for c in cands if c.type != GPE or not demonym(c)]
    # Compiled by Cython (`make accel`), the nested functions that others call share one closure object with
    # them: a reference cycle per call (with every candidate it holds), left to the garbage collector: ~50 ms
    # per batch of 500 articles. Dropping them here frees it all by reference counting. (No effect in Python.)
    free = crosses_gaz = after_verb_phrase = stem_start = None  # type: ignore[assignment]  # noqa: F841
    return _Scan(text, cands, brackets, blocked)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Non-overlapping mentions: full mentions longest first, then the most reliable source; short forms of
    people (卓院長, 卓) only where no full mention lies."""
    order = sorted(cands, key=lambda c: (c.kind != "full", -(c.end - c.start), -c.prio, c.start))
    taken: list[_Cand] = []
    occupied = bytearray(max((c.end for c in cands), default=0) + 1)
    for c in order:
        if occupied.find(1, c.start, c.end) >= 0:
            continue
        taken.append(c)
        occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
    taken.sort(key=lambda c: c.start)
    return taken


_LOCATIVE = set("在到赴往至從抵經離住")
# Dictionary tags of a word that may follow an unlisted place (德國維斯巴赫設立…): not a noun, which would make
# the run a modifier (…原油, …商場) or part of a longer name.
_AFTER_PLACE_TAGS = frozenset("Vt Vi ADV P C T POST ASP".split())
_YU_LOCATIVE = set("位生死設建卒葬居")  # 位於, 生於 (but not 次於, 對於)
_AFTER_PLACE = set("、，。；：！？」』）)與和及的是在於也都等為一舉出開發進生設成去來居住工讀留停附近以召度待設")


def _translit_places(text: str, selected: list[_Cand], rx: _Rx) -> list[_Cand]:
    """Unlisted transliterated places: a run of transliteration characters after a locative word
    (在科爾多瓦) or right after a known place (德國漢諾威), or with a place-like ending (坎塔布里亞),
    bounded by punctuation or a function word."""
    occupied = bytearray(len(text) + 1)
    place_end: set[int] = set()
    for c in selected:
        occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
        if c.type in (GPE, LOC):
            place_end.add(c.end)
    extra = []
    ws = None
    for m in iter_first(rx.translit_run.search, text):
        s, e = m.span(1)
        run = m.group(1)
        if occupied.find(1, s, e) >= 0 or any(a == b for a, b in zip(run, run[1:])):
            continue
        after = text[e] if e < len(text) else "。"
        if after not in _AFTER_PLACE and not after.isspace():
            # Otherwise the run must end where a dictionary word ends and be followed by a word that is not a
            # lone content character (德國維斯巴赫設立…: 維斯巴赫 | 設立).
            if e - s < 3:
                continue
            if ws is None:
                ws = words_of(text)
            k = bisect.bisect_left(ws.starts, e)
            if k >= len(ws.starts) or ws.starts[k] != e or not _in_sorted(ws.starts, s) or ws.tags[k] not in _AFTER_PLACE_TAGS:
                continue
        before = text[s - 1] if s > 0 else "。"
        if before == "於" and s > 1 and text[s - 2] in _YU_LOCATIVE:
            before = "在"
        if s in place_end or before in _LOCATIVE or (
            run.endswith(PLACE_LIKE_ENDINGS) and e - s >= 3
        ):
            extra.append(_Cand(s, e, GPE, run, 1))
    return sorted(selected + extra, key=lambda c: c.start) if extra else selected


def _merge_places(cands: list[_Cand], text: str) -> list[_Cand]:
    """Adjacent places become one (臺北市信義區); a place before an institution is part of it (中國外交部)."""
    out: list[_Cand] = []
    for c in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type in (GPE, LOC)
            and prev.kind == "full"
            and c.type == ORG
            and prev.end == c.start
            and text[c.start : c.end] in _INSTITUTIONS
        ):
            out[-1] = _Cand(prev.start, c.end, ORG, (text[prev.start : c.end]).replace("臺", "台"), max(prev.prio, c.prio))
            continue
        if (
            prev is not None
            and prev.type == GPE
            and (c.type == GPE or (c.type == LOC and c.prio <= 2))
            and prev.end == c.start
            and prev.kind == c.kind == "full"
        ):
            out[-1] = _Cand(prev.start, c.end, c.type, prev.name + c.name, max(prev.prio, c.prio))
            continue
        out.append(c)
    return out


# --------------------------------------------------------------------------------------------------
# Titles


def _title_before(text: str, start: int, orgs_ending: dict[int, _Cand], rx: _Rx) -> str | None:
    for length in range(6, 1, -1):
        s = start - length
        if s < 0 or text[s:start] not in rx.titles:
            continue
        title_start = s
        for p in rx.prefixes:
            if text.startswith(p, title_start - len(p)) and title_start - len(p) >= 0:
                title_start -= len(p)
                break
        # An organisation (or a place sharing the title's first character) written before it belongs to it.
        org = orgs_ending.get(title_start)
        if org is not None and org.type == ORG:
            title_start = org.start
        else:
            org = orgs_ending.get(title_start + 1)
            if org is not None and text[title_start] == text[org.end - 1] and org.type in (ORG, GPE):
                title_start = org.start
        return text[title_start:start]
    return None


def _title_after(text: str, end: int, bracket_at: dict[int, int], rx: _Rx) -> str | None:
    pos = end
    while pos < len(text) and text[pos] in " \u3000":
        pos += 1
    if pos in bracket_at:
        pos = bracket_at[pos]
        while pos < len(text) and text[pos] in " \u3000":
            pos += 1
    m = rx.title_at.match(text, pos)
    if not m:
        return None
    return m.group()


# --------------------------------------------------------------------------------------------------
# Resolution


def _is_alnum_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i] in _ASCII_ALNUM


_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _whole_word_matches(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """The matches of ``(?<![A-Za-z0-9])(?:{trie_pattern(words)})(?![A-Za-z0-9])`` in `text` (left to right,
    non-overlapping, the longest word that fits at each position), without compiling a pattern for a few
    words of one article: str.find for each word, then the same choices in order."""
    at: dict[int, list[str]] = {}
    for w in words:
        if not w:
            continue
        i = text.find(w)
        while i >= 0:
            at.setdefault(i, []).append(w)
            i = text.find(w, i + 1)
    out: list[tuple[int, int]] = []
    pos = 0
    for p in sorted(at):
        if p < pos or _is_alnum_at(text, p - 1):
            continue
        for w in sorted(at[p], key=len, reverse=True):
            if not _is_alnum_at(text, p + len(w)):
                out.append((p, p + len(w)))
                pos = p + len(w)
                break
    return out


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def extract_entities(body: str, sentences: Sequence[Sentence], captions: Sequence[str] = ()) -> list[EntityMention]:
    """Entity mentions in `body` (see module doc). Captions only add knowledge (names, titles, aliases)."""
    rx = _rx()
    texts = [body, *captions]
    scans = [_scan(t, rx) for t in texts]
    selected = [_merge_places(_translit_places(sc.text, _select(sc.cands), rx), sc.text) for sc in scans]

    # Titles of person mentions, and organisations by end offset (for org + title).
    for sc, ms in zip(scans, selected):
        ends = {c.end: c for c in ms if c.type in (ORG, GPE)}
        bracket_at = {a: b for a, b, _ in sc.brackets}
        for c in ms:
            if c.type != PERSON or c.kind == "short_title":
                continue
            c.title = _title_before(sc.text, c.start, ends, rx) or _title_after(sc.text, c.end, bracket_at, rx)
        for c in ms:
            if c.kind == "short_title" and c.title in rx.g.honorifics:
                c.title = None

    # Full person names known in the article (body in order, then captions).
    full_people: list[tuple[int, int, str, str | None]] = []  # (scan, start, name, title)
    for i, ms in enumerate(selected):
        for c in ms:
            if c.type == PERSON and c.kind == "full":
                full_people.append((i, c.start, c.name, c.title))
    dotted_last = {}
    for _, _, name, _ in full_people:
        for sep in "·・‧．•":
            if sep in name:
                dotted_last.setdefault(name.rsplit(sep, 1)[1], name)

    def resolve_surname(surname: str, scan_i: int, pos: int, title: str | None) -> str | None:
        options = [p for p in full_people if p[2].startswith(surname) and len(p[2]) > len(surname)
                   and not any(sep in p[2] for sep in "·・‧．•")]
        if not options:
            return None
        if title:
            same = [p for p in options if p[3] and p[3].endswith(title)]
            if same:
                options = same
        before = [p for p in options if p[0] == scan_i and p[1] < pos]
        if before:
            return max(before, key=lambda p: p[1])[2]
        return options[0][2]

    for i, ms in enumerate(selected):
        keep: list[_Cand] = []
        for c in ms:
            if c.kind in ("short_title", "short_bare"):
                full = resolve_surname(c.surname, i, c.start, c.title)
                if full is None:
                    # An unresolved 李護士 / 王委員 is a person only at a clause start.
                    t = scans[i].text
                    before = t[c.start - 1] if c.start > 0 else "。"
                    honorific = any(t.endswith(h) for h in rx.g.honorifics for t in [scans[i].text[c.start : c.end]])
                    if (
                        c.kind == "short_bare"
                        or c.surname not in rx.g.surnames_common
                        or not (honorific or before in _CLAUSE_START or before.isspace())
                    ):
                        continue
                    full = t[c.start : c.end]
                c.name = full
            elif c.type == PERSON and c.name in dotted_last:
                c.name = dotted_last[c.name]
            keep.append(c)
        selected[i] = keep

    # Organisation short forms → long forms.
    org_names: list[str] = []
    for ms in selected:
        for c in ms:
            if c.type == ORG and c.name not in org_names:
                org_names.append(c.name)
    org_canon: dict[str, str] = {}
    for short in org_names:
        if len(short) < 3:
            continue
        for long in org_names:
            if (
                len(long) > len(short)
                and long[0] == short[0]
                and long[-2:] == short[-2:]
                and _is_subsequence(short, long)
            ):
                org_canon[short] = long
                break
    for ms in selected:
        for c in ms:
            if c.type == ORG and c.name in org_canon:
                c.name = org_canon[c.name]

    # Aliases: a Latin bracket right after a mention (whitespace allowed) names that entity.
    aliases: dict[tuple[str, str], list[str]] = {}
    alias_owner: dict[str, tuple[str, str]] = {}
    bracket_mentions: list[_Cand] = []  # the English names written in brackets in the body, as mentions
    for scan_i, (sc, ms) in enumerate(zip(scans, selected)):
        by_end: dict[int, _Cand] = {}
        for c in ms:
            e = c.end
            while e < len(sc.text) and sc.text[e] in " \u3000":
                e += 1
            by_end[e] = c
        for a, b, items in sc.brackets:
            c = by_end.get(a)
            if c is None:
                continue
            key = (c.type, c.name)
            lst = aliases.setdefault(key, [])
            pos = a + 1
            for item in items:
                if item not in lst:
                    lst.append(item)
                alias_owner.setdefault(item, key)
                at = sc.text.find(item, pos, b)
                if scan_i == 0 and at >= 0:
                    bracket_mentions.append(_Cand(at, at + len(item), c.type, c.name, c.prio, "bracket_alias"))
                    pos = at + len(item)

    # English aliases used on their own in the body.
    body_scan, body_sel = scans[0], selected[0]
    if alias_owner:
        occupied = bytearray(len(body) + 1)
        for c in body_sel:
            occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
        for a, b, _ in body_scan.brackets:
            occupied[a:b] = b"\x01" * (b - a)
        extra = []
        for s, e in _whole_word_matches(body, alias_owner):
            if occupied.find(1, s, e) >= 0:
                continue
            typ, name = alias_owner[body[s:e]]
            extra.append(_Cand(s, e, typ, name, 2, "latin_alias"))
        if extra:
            body_sel = sorted(body_sel + extra, key=lambda c: c.start)
    if bracket_mentions:
        body_sel = sorted(body_sel + bracket_mentions, key=lambda c: c.start)

    # Rows.
    starts = [s.start for s in sentences]
    out: list[EntityMention] = []
    for c in body_sel:
        idx = bisect.bisect_right(starts, c.start) - 1
        sentence_no = sentences[idx].sentence_no if idx >= 0 else (sentences[0].sentence_no if sentences else 0)
        al = aliases.get((c.type, c.name))
        title = c.title if c.type == PERSON else None
        out.append(
            EntityMention(
                sentence_no=sentence_no,
                start=c.start,
                end=c.end,
                text=body[c.start : c.end],
                type=c.type,
                name=c.name,
                alias="; ".join(al) if al else None,
                title=title,
            )
        )
    return out
