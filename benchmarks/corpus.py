"""A deterministic synthetic corpus of Taiwan news articles in the raw layout, for benchmarks.

    iter_articles(n, seed) -> Iterator[Article]            # article i is a pure function of (seed, i)
    write_corpus(root, n, seed) -> CorpusInfo              # streams the files to disk
    change_articles(root, n, seed, fraction) -> CorpusInfo # rewrites a deterministic fraction of them

Article i depends only on (seed, i), so the corpus of N articles is a prefix of the corpus of any larger N, and
nothing is held in memory beyond one article: 100,000 files take seconds.

Where the text comes from (no outlet's text: /work/shared/corpus is never read):
- paragraphs of the project's own sample article (data/raw/, as tests/fixtures/articles/sample_seed.txt) and of
  the invented test articles (tests/fixtures/articles/, tests/fixtures/facts/), recombined, with their person names
  swapped for generated ones and their numbers and dates varied;
- phrase banks written for this module: per topic, headlines, sentence templates with slots for people with
  titles, organisations, places, money, percentages, counts, durations, ages, relative and absolute dates, and
  quotations, so that every article carries facts to extract.

Layout features vary as in the fixtures: date line with or without a time (HH:MM, H:MM, HH:MM:SS) and a
trailing U+3000, category or none, a site suffix on the headline, captions (triangle, other marker, none) with
or without photo credits, whole-line and inline bylines (記者A／台北報導, 記者A、B／…, 綜合報導, 文／中央社,
〔記者A／台中報導〕, （中央社記者A台北10日電）), wire credits at the end, sub-headings, read-more prompts and
trailing related-link blocks, blank lines between lines or none, CRLF line ends, a UTF-8 BOM, Big5 (cp950).
Files go to nested folders YYYY/MM/ by the article's date. About 3 % are bad on purpose (`Article.bad` says
how): empty, binary, no date line, impossible date, no body — so the pipeline's rejects are exercised.

Sizes follow real news: 1-6 KB per file (UTF-8), median about 2.4 KB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_SEED = 20260127
REPO = Path(__file__).resolve().parent.parent

MIN_BYTES = 1000
MAX_BYTES = 6000
BAD_SHARE = 0.03
# How a bad file is bad, and the reject reasons the pipeline may give it.
BAD_KINDS = {
    "empty": ("empty",),
    "binary": ("binary", "undecodable"),
    "no_date_line": ("no_date_line",),
    "bad_date": ("bad_date",),
    "no_body": ("no_body",),
}


@dataclass(frozen=True)
class Article:
    index: int
    relpath: str  # POSIX path under the corpus root: YYYY/MM/NNNNNN_hex.txt
    data: bytes
    bad: str | None = None  # a key of BAD_KINDS, or None for a good article
    published: dt.date | None = None  # the date written on the date line (good articles)
    title: str | None = None  # the headline as written (good articles), before any site suffix


@dataclass
class CorpusInfo:
    files: int = 0
    bytes: int = 0
    bad: dict[str, int] = field(default_factory=dict)
    sha256: str = ""  # over (relpath, content) of every file in order: tells whether two corpora are the same

    def as_dict(self) -> dict:
        return {"files": self.files, "bytes": self.bytes, "bad": dict(sorted(self.bad.items())), "sha256": self.sha256}


# ----------------------------------------------------------------------------------------------------------------
# Phrase banks (written for this module)
# ----------------------------------------------------------------------------------------------------------------

SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴范宋方杜"
)
GIVEN = "志明建國美玲雅婷家豪文德淑芬俊宏怡君佳穎宗翰承恩子涵冠廷嘉誠正惠秀英育賢信宇柏均欣怡慧珊孟哲書瑋思妤品睿彥廷"
FOREIGN = (
    ("韋伯", "Daniel Weber"), ("卡森", "Emily Carson"), ("霍夫曼", "Lukas Hoffmann"), ("莫雷諾", "Sofia Moreno"),
    ("布萊爾", "Thomas Blair"), ("杜邦", "Claire Dupont"), ("奧爾森", "Erik Olsen"), ("納卡穆", "Ken Nakamura"),
    ("羅西", "Marco Rossi"), ("諾瓦克", "Anna Nowak"), ("哈特", "Olivia Hart"), ("班德", "Samuel Bender"),
)
CITIES = (
    "台北市", "新北市", "桃園市", "台中市", "台南市", "高雄市", "基隆市", "新竹市", "新竹縣", "苗栗縣", "彰化縣", "南投縣",
    "雲林縣", "嘉義縣", "屏東縣", "宜蘭縣", "花蓮縣", "台東縣", "澎湖縣", "金門縣",
)
DATELINES = ("台北", "新北", "桃園", "台中", "台南", "高雄", "新竹", "彰化", "嘉義", "屏東", "宜蘭", "花蓮", "台東", "基隆")
DISTRICTS = ("中正區", "信義區", "板橋區", "中壢區", "西屯區", "安南區", "楠梓區", "東區", "北區", "竹北市", "員林市", "羅東鎮", "吉安鄉")
COUNTRIES = ("日本", "美國", "南韓", "新加坡", "德國", "法國", "英國", "澳洲", "印度", "越南", "加拿大", "荷蘭", "波蘭")
FOREIGN_CITIES = ("東京", "華盛頓", "首爾", "柏林", "巴黎", "倫敦", "布魯塞爾", "雪梨", "新德里", "河內", "渥太華")
COMPANIES = (
    "晶創半導體", "宏遠電子", "台豐精密", "聯昇科技", "永信人壽", "華岳銀行", "東昇證券", "光磊能源", "瑞峰生技",
    "恆通鋼鐵", "新禾食品", "遠航物流", "群立光電", "佳鼎建設", "北辰航運", "力展材料",
)
BIG_COMPANIES = ("台積電", "鴻海", "聯發科", "中華電信", "日月光", "廣達", "台塑", "長榮海運")
TEAMS = ("中華隊", "日本隊", "南韓隊", "富邦悍將", "中信兄弟", "統一獅", "樂天桃猿", "味全龍", "台鋼雄鷹", "澳洲隊")
SITES = ("範例新聞網 PNN", "島嶼日報", "晨光新聞網", "北港電視新聞")
CREDIT_SOURCES = ("行政院", "市府", "縣府", "警方", "消防局", "主辦單位", "讀者", "疾管署", "球團", "業者", "資料照")
CN_DIGITS = "一二三四五六七八九"

# Per topic: category labels as written, titles (title, org prefix kind), organisations, headlines, sentences, quotes.
# Slots: {P} a person of the article's cast with title on first use, then surname+title or name; {Q} another one;
# {ORG} {CO} {BIG} {CITY} {DIST} {COUNTRY} {FCITY} {TEAM} {TEAM2} {MONEY} {PCT} {COUNT} {DUR} {AGE} {DATE}
# {YEAR} {MD} {N} {QUOTE} {VERB} {FOREIGN} (name with English alias) {THING} {SLOGAN} {SURT} (surname + title) ….
TOPICS: dict[str, dict] = {
    "politics": {
        "categories": ("政治", "政治", "政治", "焦點"),
        "titles": ("行政院長", "內政部長", "經濟部長", "交通部長", "外交部長", "國防部長", "教育部長", "立委", "市長",
                   "縣長", "黨團總召", "發言人", "政務委員", "議員"),
        "orgs": ("行政院", "立法院", "內政部", "經濟部", "交通部", "國防部", "中選會", "監察院", "教育部", "國發會"),
        "headlines": (
            "{ORG}拍板{THING}　{SURT}：{SLOGAN}",
            "{THING}三讀通過　{CITY}{DUR}內上路",
            "朝野協商再破局　{THING}卡關",
            "{SURT}視察{CITY}　承諾{MONEY}補助",
            "{THING}草案出爐　擬投入{MONEY}",
            "{CITY}長選戰開打　{SURT}宣布參選",
        ),
        "things": ("總預算案", "國土計畫法修正案", "長照3.0方案", "國防特別預算", "都市更新條例", "能源轉型計畫",
                   "社會住宅政策", "地方創生計畫", "交通安全綱要", "數位發展方案"),
        "slogans": ("全力溝通", "不會跳票", "盼朝野支持", "年底前完成", "堅持到底"),
        "sentences": (
            "{ORG}{DATE}召開會議，通過{THING}，預計投入{MONEY}，分{DUR}執行。",
            "{P}{VERB}，{THING}攸關民眾權益，政府會與立法院充分溝通，爭取在會期內完成審議。",
            "根據規劃，{CITY}等{N}個縣市將優先試辦，受惠人數估計達{COUNT}。",
            "在野黨團則批評，{THING}編列{MONEY}，卻缺乏明確的績效指標，要求刪減{PCT}。",
            "{P}{DATE}前往{CITY}{DIST}視察，聽取地方首長簡報，並允諾協助爭取{MONEY}經費。",
            "{Q}在質詢時指出，過去{DUR}相關經費執行率只有{PCT}，行政部門必須檢討。",
            "{P}說：「{QUOTE}」",
            "「{QUOTE}」{P}說。",
            "{ORG}統計，{YEAR}全國共有{COUNT}申請，較前一年增加{PCT}。",
            "立法院{DATE}三讀通過{THING}部分條文修正案，將相關期限延後{DUR}。",
            "對此，{P}回應，行政團隊已研擬配套措施，並將於{MD}前提出具體時程。",
            "{ORG}表示，{THING}上路後，預估每年可節省{MONEY}，並創造{COUNT}就業機會。",
        ),
        "quotes": ("政府會全力溝通，讓民眾了解政策的必要性。", "這是一個對下一代負責的決定。",
                   "我們不會讓地方承擔不合理的負擔。", "預算必須用在刀口上。", "朝野應該放下歧見，共同為國家努力。"),
    },
    "finance": {
        "categories": ("財經", "財經", "產業", "證券", "產業．科技"),
        "titles": ("董事長", "總經理", "財務長", "執行長", "發言人", "副總經理", "分析師"),
        "orgs": ("金管會", "中央銀行", "證交所", "經濟部", "主計總處", "櫃買中心", "國發會"),
        "headlines": (
            "{CO}第{Q4}季營收創新高　年增{PCT}",
            "{CO}砸{MONEY}擴產　{CITY}新廠{YEAR}量產",
            "外資連{N}日賣超　台股失守{IDX}點",
            "央行理監事會前夕　{SURT}：{SLOGAN}",
            "{CO}法說會　{SURT}看好{YEAR}成長{PCT}",
        ),
        "things": ("先進封裝", "電動車零組件", "資料中心", "綠能發電", "AI伺服器", "車用晶片", "低軌衛星"),
        "slogans": ("審慎樂觀", "下半年優於上半年", "訂單能見度高", "成本壓力仍在"),
        "sentences": (
            "{CO}{DATE}召開董事會，通過在{CITY}{DIST}興建{THING}新廠的計畫，總投資金額約{MONEY}。",
            "{P}{VERB}，受惠於{THING}需求強勁，公司第{Q4}季營收年增{PCT}，毛利率也創下新高。",
            "{CO}預計{YEAR}量產，將創造約{COUNT}工作機會，並帶動上下游供應鏈。",
            "外資{DATE}賣超台股約{MONEY}，加權指數下跌{N}點，收在{IDX}點。",
            "法人分析，市場觀望{BIG}的法說會，加上美國公債殖利率走高，資金短線轉趨保守。",
            "{ORG}公布最新統計，{YEAR}前{N}月出口金額達{MONEY}，年增{PCT}。",
            "{P}坦言，匯率波動仍是最大變數，公司已將避險比率提高至{PCT}。",
            "{P}說：「{QUOTE}」",
            "「{QUOTE}」{P}在法說會上表示。",
            "{CO}也宣布，將與{BIG}合作開發{THING}，首年投入研發經費{MONEY}。",
            "{Q}指出，{THING}產業過去{DUR}平均成長{PCT}，但競爭也愈來愈激烈。",
            "投信則連續{N}日買超，{DATE}買超約{MONEY}，主要集中在{THING}概念股。",
        ),
        "quotes": ("訂單能見度已經看到明年上半年。", "我們對下半年的營運審慎樂觀。",
                   "新廠會是公司未來十年成長的關鍵。", "成本上升的壓力會持續一段時間。"),
    },
    "society": {
        "categories": ("社會", "社會", "地方"),
        "titles": ("分局長", "檢察官", "局長", "所長", "隊長", "里長", "律師"),
        "orgs": ("警方", "檢方", "調查局", "消防局", "刑事警察局", "地方法院"),
        "headlines": (
            "詐團假冒{ROLE}騙走{MONEY}　警方逮車手{COUNT3}",
            "{CITY}{DIST}深夜火警　{COUNT3}受困獲救",
            "跨縣市毒品案　檢警查獲{THING}",
            "{AGE}翁遭詐{MONEY}　行員機警攔阻",
            "{CITY}連環車禍　{COUNT3}輕重傷",
        ),
        "things": ("大麻溫室", "詐騙機房", "地下匯兌", "非法槍械", "走私香菸", "假藥工廠"),
        "roles": ("檢察官", "銀行行員", "健保局人員", "警察", "電信客服"),
        "sentences": (
            "{CITY}一名{AGE}退休教師{DATE}接到自稱檢察官的電話，指其帳戶涉及洗錢，前後被騙走{MONEY}。",
            "{ORG}循線追查，在{CITY}{DIST}一處租屋處逮捕{COUNT3}，查扣現金{MONEY}、手機{N}支。",
            "{P}{VERB}，檢察官不會以電話要求民眾交付現金，接到可疑電話應撥打165反詐騙專線查證。",
            "消防局{DATE}凌晨接獲報案，{CITY}{DIST}一棟{N}層樓公寓起火，出動消防車{COUNT2}前往搶救。",
            "火勢在{DUR}後撲滅，{COUNT3}受困獲救，其中{N}人送醫治療，起火原因仍待調查。",
            "全案依詐欺等罪嫌移送{CITY2}地檢署偵辦，{ORG}將追查集團上游與金流。",
            "{P}說：「{QUOTE}」",
            "「{QUOTE}」{P}受訪時說。",
            "據了解，該集團自{YEAR}起運作，受害人數至少{COUNT3}，不法獲利估計超過{MONEY}。",
            "{Q}提醒，年長者是詐騙集團鎖定的主要對象，家人應多加關心。",
        ),
        "quotes": ("接到可疑電話一定要先查證。", "我們家一樓全部泡水。", "警方會持續掃蕩詐騙集團。",
                   "幸好行員及時發現不對勁。"),
    },
    "life": {
        "categories": ("生活", "生活", "life", "地方", "綜合"),
        "titles": ("署長", "預報員", "局長", "校長", "教授", "主任", "處長"),
        "orgs": ("中央氣象署", "環境部", "教育部", "交通局", "台鐵公司", "高鐵公司", "文化局", "觀光署"),
        "headlines": (
            "寒流來襲　全台低溫特報平地恐剩{TEMP}度",
            "{CITY}捷運新線動工　市府估{YEAR}通車",
            "颱風外圍環流影響　{CITY}山區防豪雨",
            "連假疏運　{ORG}加開{COUNT2}",
            "{CITY}燈會{MD}登場　估吸引{COUNT}人次",
        ),
        "things": ("捷運新線", "燈會", "自行車道", "社會住宅", "公共圖書館", "親子公園"),
        "sentences": (
            "{ORG}{DATE}發布低溫特報，受強烈大陸冷氣團影響，明天清晨北部及宜蘭平地最低溫可能降至{TEMP}度。",
            "{CITY}{THING}{DATE}舉行動土典禮，全長約{N}公里，總經費約{MONEY}，市府預估{YEAR}完工。",
            "{ORG}表示，{THING}啟用後預計每日運量可達{COUNT}人次，並與既有路線在市中心交會。",
            "{P}{VERB}，施工期間將分階段封閉部分車道，並加開接駁公車，減少對通勤族的衝擊。",
            "受颱風外圍環流影響，{ORG}{DATE}對{CITY}山區發布豪雨特報，預估累積雨量可達{N}0毫米。",
            "{ORG}提醒，心血管疾病患者與年長者應注意保暖，使用瓦斯熱水器時保持通風。",
            "{P}說：「{QUOTE}」",
            "連假期間{ORG}加開{COUNT2}，{MD}起開放訂票，預估疏運旅客{COUNT}人次。",
            "根據統計，{YEAR}{CITY}觀光人次達{COUNT}，較前一年成長{PCT}，創下歷年新高。",
            "{Q}建議，民眾出門前先查詢路況，並多利用大眾運輸工具。",
        ),
        "quotes": ("民眾出門前請先查詢最新天氣資訊。", "希望把城市變得更適合散步。", "連假期間請多利用大眾運輸。"),
    },
    "world": {
        "categories": ("國際", "國際", "全球", "國際"),
        "titles": ("總統", "首相", "外長", "發言人", "財長", "總理"),
        "orgs": ("歐盟", "聯合國", "白宮", "北大西洋公約組織（NATO）", "世界貿易組織（WTO）", "國際貨幣基金（IMF）"),
        "headlines": (
            "{COUNTRY}國會解散　{MD}舉行大選",
            "{ORGS}通過{THING}　{YEAR}起上路",
            "{COUNTRY}與{COUNTRY2}領袖通話　聚焦貿易與安全",
            "{COUNTRY}央行意外升息　幅度{PCT}",
        ),
        "things": ("電池回收新規", "碳邊境稅", "數位服務法", "關稅協定", "難民安置方案", "人工智慧法案"),
        "sentences": (
            "{COUNTRY}{DATE}宣布，將在{DUR}內投入{MONEY_USD}，強化國防與能源安全。",
            "{ORG}{DATE}以{N}票贊成、{N}票反對通過{THING}，要求成員國在{YEAR}前完成立法。",
            "{COUNTRY}{TITLEW}{FOREIGN}在記者會上表示，兩國將深化在半導體供應鏈上的合作。",
            "{FOREIGN}指出，{THING}上路後，企業每年可能多支出約{MONEY_EUR}，中小企業壓力最大。",
            "{COUNTRY}外交部發言人回應，{FCITY}反對任何干涉內政的行為，並呼籲各方保持克制。",
            "{P}說：「{QUOTE}」",
            "根據最新民調，執政黨支持率回升至{PCT}，在野黨則為{PCT}。",
            "分析人士認為，{COUNTRY}經濟成長率今年可能放緩至{PCT}，通膨仍高於目標。",
        ),
        "quotes": ("兩國同盟是區域和平的基石。", "我們反對任何片面改變現狀的行為。", "貿易戰沒有贏家。"),
    },
    "sport": {
        "categories": ("體育", "體育", "運動"),
        "titles": ("總教練", "投手", "隊長", "領隊", "理事長", "總經理"),
        "orgs": ("中華民國棒球協會", "中華職棒", "運動部", "中華奧會", "中華民國籃球協會"),
        "headlines": (
            "{TEAM}{SCORE}逆轉{TEAM2}　搶下四強門票",
            "世界盃資格賽　{TEAM}{SCORE}擊敗{TEAM2}",
            "{SURT}：{SLOGAN}　{TEAM}備戰{YEAR}亞運",
            "{TEAM}補強投手群　{MONEY}簽下洋將",
        ),
        "slogans": ("球員展現不放棄的精神", "目標是奪牌", "每一場都是決賽"),
        "sentences": (
            "{TEAM}{DATE}在{CITY}主場迎戰{TEAM2}，上半場先失一分，下半場連進兩分，以{SCORE}逆轉勝。",
            "{P}賽後表示，球員在落後時保持冷靜，「{QUOTE}」",
            "先發投手{Q}投了{N}局只失{N}分，三振{N}名打者，獲選為單場最有價值球員。",
            "{ORG}宣布，將爭取{YEAR}在{CITY}舉辦國際邀請賽，預計有{COUNT2}參賽。",
            "{TEAM}目前戰績{N}勝{N}敗，勝率{PCT}，暫居聯盟第{Q4}名。",
            "{P}說：「{QUOTE}」",
            "本季進場觀眾累計達{COUNT}人次，比去年同期成長{PCT}。",
            "{TEAM}以{MONEY}簽下{AGE}的洋將，合約為期{DUR}。",
        ),
        "quotes": ("最後一局大家都相信可以翻盤。", "這是一場值得驕傲的勝利。", "我只想把球打強一點。"),
        "things": ("亞洲棒球錦標賽", "世界棒球經典賽", "亞運", "職棒總冠軍賽"),
    },
    "health": {
        "categories": ("健康", "生活", "醫療"),
        "titles": ("副署長", "部長", "醫師", "教授", "院長", "營養師", "主任"),
        "orgs": ("疾病管制署", "衛福部", "健保署", "食藥署", "世界衛生組織（WHO）", "國家衛生研究院"),
        "headlines": (
            "流感疫情升溫　{ORG}採購{COUNT_DOSE}疫苗",
            "{AGE}婦久咳不癒　竟是{THING}作祟",
            "健保新制{MD}上路　{COUNT}人受惠",
            "{ORG}：{THING}個案增{PCT}　{SLOGAN}",
        ),
        "things": ("流感", "肺炎鏈球菌", "新型腸病毒", "登革熱", "退化性關節炎", "睡眠呼吸中止症"),
        "slogans": ("籲儘早接種", "高風險族群注意", "出現症狀盡快就醫"),
        "sentences": (
            "{ORG}{DATE}宣布，明年將採購{COUNT_DOSE}新型{THING}疫苗，預計{N}月開打。",
            "{P}在例行記者會上指出，今年{THING}疫情比往年提早升溫，{AGE}以上長者重症比例偏高。",
            "目前已有{CITY}等{COUNT2}回報病床吃緊，{ORG}已要求醫院啟動應變機制。",
            "{Q}分析，{THING}今年出現變異，疫苗保護力可能下降{PCT}。",
            "一名{AGE}婦人咳嗽{DUR}未改善，就醫檢查才發現是{THING}引起，經治療後已出院。",
            "{P}說：「{QUOTE}」",
            "「{QUOTE}」{P}提醒。",
            "根據統計，國內{YEAR}{THING}個案共{COUNT3}，醫療支出約{MONEY}。",
        ),
        "quotes": ("接種疫苗是預防重症最有效的方法。", "我們會盡快補足疫苗缺口。", "出現症狀請盡快就醫。"),
    },
}
TOPIC_WEIGHTS = {"politics": 22, "finance": 20, "society": 16, "life": 14, "world": 12, "sport": 8, "health": 8}
VERBS = ("表示", "指出", "強調", "說明", "坦言", "提到", "認為")
UNITS = ("名", "人", "名", "人", "位")
UNITS2 = ("輛", "家醫院", "班列車", "支隊伍", "所學校", "個據點")
CAPTIONS = (
    "{T}{N}（左）出席記者會說明相關計畫。",
    "{T}{N}（中）與與會貴賓合影。",
    "{T}{N}視察現場進度。",
    "現場民眾排隊參觀。",
    "示意圖，與本新聞無關。",
    "{T}{N}（右）接受媒體聯訪。",
)
TEASERS = (
    "全台詐欺最新數據", "颱風假怎麼放？人事總處最新說明", "台股封關行情怎麼走？法人看法分歧", "一次看懂四大功能分區",
    "新閣員學經歷一次看", "連假高速公路疏運措施", "最新路徑與停班停課資訊", "健保新制懶人包", "球季賽程一覽",
)
SHORT_TITLES = frozenset((
    "市長", "縣長", "立委", "議員", "董事長", "總經理", "執行長", "財務長", "教授", "醫師", "總教練", "檢察官", "局長",
    "署長", "副署長", "校長", "主任", "理事長", "分局長", "所長", "隊長", "處長", "總統", "首相", "外長", "總理",
))
SUBHEADS = ("● {A}：{B}", "■{A}的看法", "◆ {A}觀點")


# ----------------------------------------------------------------------------------------------------------------
# Paragraphs of the project's own sample and test articles
# ----------------------------------------------------------------------------------------------------------------

_FIXTURE_TOPIC = {"政治": "politics", "財經": "finance", "社會": "society", "生活": "life", "life": "life",
                  "國際": "world", "體育": "sport", "綜合": "life", "finance": "finance", "health": "health",
                  "society": "society", "sport": "sport", "world": "world"}
_CJK_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{3}$")


@lru_cache(maxsize=1)
def fixture_bank() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """(body paragraphs by topic, person names to swap) from tests/fixtures. Empty when absent."""
    from transforms.decode import decode_bytes
    from transforms.layout import parse_article
    from transforms.model import RejectedInput

    by_topic: dict[str, list[str]] = {topic: [] for topic in TOPICS}
    names: set[str] = set()
    seen: set[str] = set()

    def add(topic: str, text: str) -> None:
        if text not in seen and len(text) >= 20:
            seen.add(text)
            by_topic[topic].append(text)

    # tests/fixtures/articles/sample_seed.txt is the sample of data/raw/ (which is the pipeline's default source
    # and may hold anything, so it is not read here).
    for path in sorted((REPO / "tests" / "fixtures" / "articles").glob("*.txt")):
        try:
            parsed = parse_article(decode_bytes(path.read_bytes())[0])
        except (RejectedInput, OSError):
            continue
        topic = _FIXTURE_TOPIC.get(parsed.category or "", "world" if path.stem.startswith("world") else "life")
        names.update(r for r in parsed.reporters if _CJK_NAME_RE.match(r))
        for paragraph in parsed.body_paragraphs:
            add(topic, paragraph.text)
    for path in sorted((REPO / "tests" / "fixtures" / "facts").glob("*.txt")):
        topic = _FIXTURE_TOPIC.get(path.stem.split("_")[0], "life")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("caption:"):
                add(topic, line.strip())
        gold = path.with_suffix(".json")
        if gold.exists():
            for entity in json.loads(gold.read_text(encoding="utf-8")).get("entities", []):
                text = entity.get("text", "")
                if entity.get("type") == "PERSON" and _CJK_NAME_RE.match(text) and entity.get("name", text) == text:
                    names.add(text)
    return {t: tuple(p) for t, p in by_topic.items()}, tuple(sorted(names))


_NUMBER_RE = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?(?P<unit>[年月日])?")


def _vary_numbers(text: str, rng: random.Random, date: dt.date) -> str:
    """Replace numbers with others of the same shape; days and months stay valid, years stay plausible."""

    def repl(match: re.Match) -> str:
        raw = match.group(0)
        unit = match.group("unit") or ""
        digits = raw[: len(raw) - len(unit)]
        if unit == "日":
            return f"{rng.randint(1, 28)}日" if match.start() > 0 and text[match.start() - 1] != "（" else f"{date.day}日"
        if unit == "月":
            return f"{rng.randint(1, 12)}月"
        if unit == "年" or (len(digits) == 4 and digits[:2] in ("19", "20")):
            return f"{rng.randint(2015, 2032)}{unit}"
        whole, _, frac = digits.partition(".")
        plain = whole.replace(",", "")
        value = rng.randint(10 ** (len(plain) - 1) if len(plain) > 1 else 1, 10 ** len(plain) - 1)
        out = f"{value:,}" if "," in whole else str(value)
        if frac:
            out += "." + "".join(str(rng.randint(0, 9)) for _ in frac)
        return out + unit

    return _NUMBER_RE.sub(repl, text)


# ----------------------------------------------------------------------------------------------------------------
# One article
# ----------------------------------------------------------------------------------------------------------------

_SLOT_RE = re.compile(r"\{([A-Z_0-9]+)\}")


class _Writer:
    """Fills templates for one article: a cast of people, a topic, the article's date."""

    def __init__(self, rng: random.Random, topic: str, date: dt.date) -> None:
        self.rng = rng
        self.topic = topic
        self.bank = TOPICS[topic]
        self.date = date
        self.cast = [self._person() for _ in range(3)]
        self.mentioned: set[int] = set()
        self._sentences: list[str] = []
        self._fixtures: list[str] = []

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)

    def _person(self) -> tuple[str, str, str]:
        title = self.rng.choice(self.bank["titles"])
        rng = self.rng
        if title in ("董事長", "總經理", "財務長", "執行長", "副總經理") and self.topic == "finance":
            prefix = rng.choice(COMPANIES)
        elif title in ("市長", "縣長", "局長", "議員"):
            prefix = rng.choice(CITIES) if title != "局長" else rng.choice(CITIES) + rng.choice(("警察局", "交通局", "衛生局"))
        elif title in ("醫師", "主任", "院長") and self.topic == "health":
            prefix = rng.choice(("台大醫院", "林口長庚", "台北榮總", "中國醫藥大學附設醫院", "成大醫院"))
        elif title == "教授":
            prefix = rng.choice(("台灣大學", "政治大學", "清華大學", "成功大學", "中興大學"))
        elif title == "檢察官":
            prefix = rng.choice(DATELINES) + "地檢署"
        elif title in ("分局長", "所長", "隊長") and self.topic == "society":
            prefix = rng.choice(CITIES) + rng.choice(("警察局", "消防局"))
        elif title in ("總教練", "投手", "隊長", "領隊", "總經理") and self.topic == "sport":
            prefix = rng.choice(TEAMS)
        else:
            prefix = ""
        return prefix + title, title, self.name()

    def person(self, which: int) -> str:
        """Full title and name on first mention; later the name, or surname + title (王部長) now and then."""
        full_title, title, name = self.cast[which]
        if which not in self.mentioned:
            self.mentioned.add(which)
            return full_title + name
        if self.rng.random() < 0.4:
            return _short_form(name, title)
        return name

    def money(self) -> str:
        rng = self.rng
        return rng.choice((
            lambda: f"{rng.randint(2, 999)}億元",
            lambda: f"{rng.randint(10, 9999):,}萬元",
            lambda: f"新台幣{rng.randint(2, 900)}億元",
            lambda: f"約{rng.randint(2, 400)}億元",
            lambda: f"逾{rng.randint(100, 5000)}萬元",
            lambda: f"{rng.randint(1, 99)}.{rng.randint(1, 9)}億元",
            lambda: f"{rng.randint(2, 90)}億美元",
            lambda: f"{rng.choice(CN_DIGITS)}千萬元",
        ))()

    def pct(self) -> str:
        rng = self.rng
        return rng.choice((
            lambda: f"{rng.randint(1, 95)}%",
            lambda: f"{rng.randint(1, 30)}.{rng.randint(0, 9)}%",
            lambda: f"百分之{rng.choice(CN_DIGITS)}十",
            lambda: f"{rng.choice(CN_DIGITS)}成",
        ))()

    def date_expr(self) -> str:
        rng, d = self.rng, self.date
        yesterday = d - dt.timedelta(days=1)
        return rng.choice((
            f"今（{d.day}日）", f"今（{d.day}）日", f"昨（{yesterday.day}日）", "今天", "昨天", "上週", "日前",
            f"{d.month}月{d.day}日", "上月", f"今年{d.month}月",
        ))

    def slot(self, key: str) -> str:
        rng, bank = self.rng, self.bank
        if key == "P":
            return self.person(0)
        if key == "Q":
            return self.person(rng.choice((1, 2)))
        if key == "SURT":
            _full_title, title, name = self.cast[0]
            return _short_form(name, title)
        if key == "MONEY":
            return self.money()
        if key == "MONEY_USD":
            return f"{rng.randint(2, 900)}億美元"
        if key == "MONEY_EUR":
            return f"{rng.randint(100, 9000):,}萬歐元"
        if key == "PCT":
            return self.pct()
        if key == "COUNT":
            return f"{rng.randint(2, 90)}萬" if rng.random() < 0.3 else f"{rng.randint(20, 5000):,}個"
        if key == "COUNT2":
            return f"{rng.randint(2, 60)}{rng.choice(UNITS2)}"
        if key == "COUNT3":
            return f"{rng.randint(2, 30)}{rng.choice(UNITS)}" if rng.random() < 0.8 else f"{rng.choice(CN_DIGITS)}名"
        if key == "COUNT_DOSE":
            return f"{rng.randint(50, 900)}萬劑"
        if key == "DUR":
            return rng.choice((f"{rng.randint(2, 10)}年", f"{rng.randint(2, 18)}個月", f"{rng.randint(2, 40)}天", "半年"))
        if key == "AGE":
            return f"{rng.randint(18, 92)}歲"
        if key == "DATE":
            return self.date_expr()
        if key == "YEAR":
            return f"{rng.randint(self.date.year - 3, self.date.year + 6)}年"
        if key == "MD":
            return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        if key == "N":
            return str(rng.randint(2, 12))
        if key == "Q4":
            return rng.choice("一二三四")
        if key == "IDX":
            return f"{rng.randint(16000, 24000):,}"
        if key == "TEMP":
            return str(rng.randint(4, 12))
        if key == "SCORE":
            a = rng.randint(1, 9)
            return f"{a}比{rng.randint(0, a - 1)}"
        if key == "QUOTE":
            return rng.choice(bank["quotes"])
        if key == "VERB":
            return rng.choice(VERBS)
        if key in ("ORG", "ORGS"):
            return rng.choice(bank["orgs"])
        if key == "CO":
            return rng.choice(COMPANIES)
        if key == "BIG":
            return rng.choice(BIG_COMPANIES)
        if key in ("CITY", "CITY2"):
            return rng.choice(CITIES)
        if key == "DIST":
            return rng.choice(DISTRICTS)
        if key in ("COUNTRY", "COUNTRY2"):
            return rng.choice(COUNTRIES)
        if key == "FCITY":
            return rng.choice(FOREIGN_CITIES)
        if key in ("TEAM", "TEAM2"):
            return rng.choice(TEAMS)
        if key == "TITLEW":
            return rng.choice(TOPICS["world"]["titles"])
        if key == "FOREIGN":
            zh, en = rng.choice(FOREIGN)
            return f"{zh}（{en}）"
        if key == "THING":
            return rng.choice(bank.get("things", ("計畫",)))
        if key == "SLOGAN":
            return rng.choice(bank.get("slogans", ("全力以赴",)))
        if key == "ROLE":
            return rng.choice(bank.get("roles", ("檢察官",)))
        raise KeyError(key)

    def fill(self, template: str) -> str:
        return _SLOT_RE.sub(lambda m: self.slot(m.group(1)), template)

    def _draw(self, pool: list[str], source) -> str:
        """Templates without repeats inside an article until the bank is used up."""
        if not pool:
            pool.extend(source)
            self.rng.shuffle(pool)
        return pool.pop()

    def paragraph(self) -> str:
        fixtures, _ = fixture_bank()
        own = fixtures.get(self.topic) or ()
        if own and self.rng.random() < 0.3:
            return self.recombined(self._draw(self._fixtures, own))
        count = self.rng.choice((1, 2, 2, 3, 3, 4))
        return "".join(self.fill(self._draw(self._sentences, self.bank["sentences"])) for _ in range(count))

    def recombined(self, text: str) -> str:
        _, names = fixture_bank()
        for name in names:
            if name in text:
                text = text.replace(name, self.cast[hash_index(name, len(self.cast))][2])
        return _vary_numbers(text, self.rng, self.date)


def _short_form(name: str, title: str) -> str:
    """卓 + 院長 for 行政院長, 王 + 市長; the name itself for titles without a usual short form (發言人)."""
    if title.endswith(("部長", "院長")):
        return name[0] + title[-2:]
    if title in SHORT_TITLES:
        return name[0] + title
    return name


def hash_index(text: str, n: int) -> int:
    return int.from_bytes(hashlib.blake2s(text.encode(), digest_size=4).digest(), "big") % n


def _rng(seed: int, index: int, revision: int = 0) -> random.Random:
    return random.Random(f"newsfacts-bench:{seed}:{index}:{revision}")


def _utf8_len(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def article(index: int, seed: int = DEFAULT_SEED, revision: int = 0) -> Article:
    """Article `index` of the corpus with `seed`. `revision` > 0 gives the same file edited (a changed file)."""
    rng = _rng(seed, index)
    date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    relpath = f"{date:%Y/%m}/{index:06d}_{rng.getrandbits(64):016x}.txt"
    roll = rng.random()
    bad = None
    if roll < BAD_SHARE and revision == 0:  # an edited bad file is a fixed one
        bad = list(BAD_KINDS)[int(roll / BAD_SHARE * len(BAD_KINDS))]
    if bad == "empty":
        return Article(index, relpath, rng.choice((b"", b"\n", " \n\u3000\n \t \n".encode())), bad)
    if bad == "binary":
        size = rng.randint(600, 4000)
        data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(size)
        return Article(index, relpath, data, bad)

    topic = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
    writer = _Writer(rng, topic, date)
    bank = TOPICS[topic]
    target = int(min(MAX_BYTES - 400, max(MIN_BYTES + 200, rng.lognormvariate(7.75, 0.42))))

    # Header.
    date_line = f" date {date:%Y-%m-%d}"
    time_roll = rng.random()
    if time_roll < 0.35:
        date_line += f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    elif time_roll < 0.40:
        date_line += f" {rng.randint(0, 9)}:{rng.randint(0, 59):02d}"
    elif time_roll < 0.43:
        date_line += f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if rng.random() < 0.3:
        date_line += " \u3000"
    if bad == "bad_date":
        date_line = rng.choice((f" date {date.year}-02-30", f" date {date.year}-13-{date.day:02d}", f" date {date:%Y-%m-%d} 25:61"))
    title = writer.fill(rng.choice(bank["headlines"]))
    headline = title + (f" ｜ {rng.choice(SITES)}" if rng.random() < 0.05 else "")
    category = rng.choice(bank["categories"])

    # Captions, byline, body.
    captions: list[str] = []
    if rng.random() < 0.4:
        for _ in range(rng.choice((1, 1, 2))):
            full_title, _title, name = rng.choice(writer.cast)
            text = rng.choice(CAPTIONS).replace("{T}", full_title).replace("{N}", name)
            style = rng.random()
            credit = rng.choice((f"（圖／{rng.choice(CREDIT_SOURCES)}提供）", f"（記者{writer.name()}攝）", "（圖／路透社）",
                                 "（資料照）", f"（圖／翻攝自{rng.choice(CREDIT_SOURCES)}臉書）"))
            if style < 0.5:
                captions.append("▲" + text + credit)
            elif style < 0.6:
                captions.append("▲▼" + text + credit)
            elif style < 0.85:
                captions.append(text + credit)
            else:
                captions.append("▲" + text)
    reporters = [writer.name() for _ in range(2)]
    place = rng.choice(DATELINES)
    byline_roll = rng.random()
    byline: str | None = None
    inline: str | None = None
    if byline_roll < 0.40:
        byline = f"記者{reporters[0]}／{place}報導"
    elif byline_roll < 0.50:
        byline = f"記者{reporters[0]}、{reporters[1]}／{place}報導"
    elif byline_roll < 0.55:
        byline = f"記者{reporters[0]}、記者{reporters[1]}／綜合報導"
    elif byline_roll < 0.63:
        inline = f"〔記者{reporters[0]}／{place}報導〕"
    elif byline_roll < 0.68:
        inline = f"【記者{reporters[0]}／{place}報導】"
    elif byline_roll < 0.73:
        byline = "文／中央社"
    elif byline_roll < 0.78:
        inline = (f"（中央社{rng.choice(FOREIGN_CITIES)}{date.day}日綜合外電報導）" if topic == "world"
                  else f"（中央社記者{reporters[0]}{place}{date.day}日電）")
    elif byline_roll < 0.83:
        byline = rng.choice(("綜合報導", "即時新聞／綜合報導", "國際中心／綜合報導"))
    if bad == "no_body":
        body: list[str] = []
    else:
        body = [writer.paragraph()]
        if inline:
            body[0] = inline + body[0]
        size = _utf8_len([date_line, category, headline, *captions, byline or "", *body])
        while size < target:
            roll = rng.random()
            if roll < 0.04 and len(body) > 1:
                a = writer.slot("P") if rng.random() < 0.5 else writer.slot("ORG")
                paragraph = rng.choice(SUBHEADS).replace("{A}", a).replace("{B}", rng.choice(("持續推動", "審慎評估", "全力配合")))
            elif roll < 0.06 and len(body) > 1:
                paragraph = rng.choice(("請繼續往下閱讀...", "點我下載APP　按我看活動辦法"))
            else:
                paragraph = writer.paragraph()
            paragraph_bytes = len(paragraph.encode("utf-8")) + 1
            if size + paragraph_bytes > MAX_BYTES - 400:
                break
            body.append(paragraph)
            size += paragraph_bytes
        if byline == "文／中央社" or inline and inline.startswith("（中央社"):
            roc = f"{date.year - 1911}{date:%m%d}"
            body[-1] += f"（譯者：{writer.name()}/核稿：{writer.name()}）{roc}"
        if revision:
            edit = _Writer(_rng(seed, index, revision), topic, date)
            body.append(edit.paragraph())

    # Trailing related lines.
    related: list[str] = []
    related_roll = rng.random()
    if related_roll < 0.2 or bad == "no_body":
        related = [f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} {rng.choice(TEASERS)}" for _ in range(rng.randint(1, 2))]
    elif related_roll < 0.35:
        related = [rng.choice(("延伸閱讀", "★延伸閱讀★", "熱門點閱", "相關新聞"))] + [
            rng.choice(("▸ ", "【懶人包】", "")) + rng.choice(TEASERS) for _ in range(rng.randint(1, 3))]
    elif related_roll < 0.42:
        related = [f" ▪【{rng.choice(('颱風專區', '懶人包', '選舉專區'))}】{rng.choice(TEASERS)} ▪【懶人包】{rng.choice(TEASERS)}"]
    elif related_roll < 0.46 and topic == "society":
        related = ["※未經判決確定，應推定為無罪"]

    # Assemble. No category only when the headline is directly followed by a body paragraph (layout rule H2).
    lines = [date_line]
    if bad == "no_date_line":
        lines = []
    if rng.random() > 0.04 or captions or byline or inline or not body or bad:
        lines.append(category)
    lines.append(headline)
    lines += captions
    if byline:
        lines.append(byline)
    lines += body
    lines += related
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    text = sep.join(lines) + "\n"
    encoding_roll = rng.random()
    if encoding_roll < 0.02:
        text = text.replace("\n", "\r\n")
    if encoding_roll > 0.995:
        try:
            data = text.encode("cp950")
        except UnicodeEncodeError:
            data = text.encode("utf-8")
    elif encoding_roll > 0.985:
        data = "\ufeff".encode() + text.encode("utf-8")
    else:
        data = text.encode("utf-8")
    return Article(index, relpath, data, bad, None if bad else date, None if bad else title)


def iter_articles(n: int, seed: int = DEFAULT_SEED) -> Iterator[Article]:
    for index in range(n):
        yield article(index, seed)


def changed_indices(n: int, seed: int = DEFAULT_SEED, fraction: float = 0.01) -> list[int]:
    """Which articles `change_articles` edits: a deterministic sample, at least one."""
    k = min(n, max(1, round(n * fraction)))
    return sorted(random.Random(f"newsfacts-bench-change:{seed}:{n}").sample(range(n), k))


def _write(root: Path, items: Iterator[Article], info: CorpusInfo) -> CorpusInfo:
    digest = hashlib.sha256()
    made: set[str] = set()
    for item in items:
        path = root / item.relpath
        folder = item.relpath.rpartition("/")[0]
        if folder not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        # Write in place (no rename): a rewritten file gets a new mtime, as an edited file would.
        with open(path, "wb") as handle:
            handle.write(item.data)
        info.files += 1
        info.bytes += len(item.data)
        if item.bad:
            info.bad[item.bad] = info.bad.get(item.bad, 0) + 1
        digest.update(item.relpath.encode() + b"\0" + len(item.data).to_bytes(8, "big") + item.data)
    info.sha256 = digest.hexdigest()
    return info


def write_corpus(root: str | os.PathLike, n: int, seed: int = DEFAULT_SEED) -> CorpusInfo:
    """Write articles 0..n-1 under `root` (created; existing files of the same names are overwritten)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    return _write(root, iter_articles(n, seed), CorpusInfo())


def change_articles(root: str | os.PathLike, n: int, seed: int = DEFAULT_SEED, fraction: float = 0.01,
                    revision: int = 1) -> CorpusInfo:
    """Edit `fraction` of the n articles in place (a paragraph added; a bad file fixed). Returns what was written."""
    return _write(Path(root), (article(i, seed, revision) for i in changed_indices(n, seed, fraction)), CorpusInfo())


def main(argv: list[str] | None = None) -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Write the benchmark corpus.")
    parser.add_argument("dest")
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = write_corpus(args.dest, args.articles, args.seed)
    print(json.dumps({**info.as_dict(), "seconds": round(time.perf_counter() - started, 2)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
