"""Read how many people stand behind a complaint from its normalized text (12户业主, twelve households).

Only numbers attached to a people noun count (户, 位, 名, 人, 家, 业主, households, residents, of us,
...). Numbers that describe something else are skipped by their context: a chat group's size
(业主群200多人), a building's total (这栋楼共120户, a building of 120 households), layouts
(一梯两户), ordinals, addresses (unit 1107, Tower 2, 1107; a number before a singular noun, as in
1107 owner), an audience (两百多人看过), and numbers followed by a staff or hired professional's noun (两名保安, 三位验房师).
A writer who names themself beside the count adds one (me and my two neighbours: three). Approximate numbers count at
their lower bound: 十几 → 10, 二十多 → 20, 数十 and dozens → 20, a dozen → 12.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_EN_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100,
    "a dozen": 12, "dozens of": 20, "several dozen": 20, "a couple of": 2, "hundreds of": 100,
}
_ZH_NUM = r"(?<![0-9],)(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)|[零〇一二两三四五六七八九十百千]+"  # 1,200 is one number
_STAFF = (
    r"保安|员工|客服|工人|工作人员|销售|置业顾问|师傅|维修工|物业人员|经理|律师|记者|保洁|管家|领导|警察|民警"
    r"|验房师|工程师|设计师|监理|技术员|检测员|评估师|中介|装修工"
)
_ZH_PATTERN = re.compile(
    rf"(?P<num>{_ZH_NUM})(?P<suf>多|余|来|几)?"
    rf"(?P<noun>(?:户|位|名|家)(?:业主|人家|居民|住户|邻居)?|个(?:人|业主|住户|居民|邻居|家庭)|人)"
    rf"(?!主|口|公司|店|银行|企业|单位|中介|门店|次|间|均|工|长|员|民|型|置|数|{_STAFF})"
)
_ZH_PREFIX = re.compile(r"(?:数|好几|几|上|将近|近|超过|超|逾|多达|大约|约|差不多)$")
_ZH_PAIR = re.compile(r"(?:我们|咱们|他们|她们|我|咱)俩")
_EN_ONES = "one|two|three|four|five|six|seven|eight|nine"
_EN_NUM = "|".join(sorted(map(re.escape, _EN_NUMBERS), key=len, reverse=True))
_EN_MOD = re.compile(r"\b(?:over|more than|at least|about|around|nearly|almost|some|roughly|approximately|up to)\s*$")
_EN_PATTERN = re.compile(
    rf"(?<![0-9],)\b(?P<num>[0-9]{{1,3}}(?:,[0-9]{{3}})+\+?|[0-9]+\+?|(?:{_EN_NUM})(?:-(?:{_EN_ONES}))?)\s+"
    r"(?:(?:other|different|affected|angry|concerned|more|separate|individual|unit|home|of the|of our)\s+)?"
    r"(?P<noun>households?|famil(?:y|ies)|residents?|owners?|homeowners?|neighbou?rs?|tenants?|people|persons"
    r"|buyers?|occupants?|complainants?|of us|flats|apartments)\b"
)
# Context just before a number that makes it something other than a count of complainants: a chat
# group's size, a building's total, a layout (一梯两户), an address (3栋2单元), one's own family.
_ZH_CLAUSE = r"[^,.!?;:\n。、]"
_ZH_NOT_PEOPLE_BEFORE = re.compile(
    rf"(?:群{_ZH_CLAUSE}{{0,3}}"
    # 楼上楼下 is the neighbours upstairs and downstairs, not a building: 我和楼上楼下共五户 is a group.
    rf"|(?:楼(?![上下])|栋|小区|单元|大厦|社区|园区|项目|大楼){_ZH_CLAUSE}{{0,3}}(?:共|一共|总共|总计|共计|有|住了|住着|入住了|入住|总){_ZH_CLAUSE}{{0,2}}"
    # A count right after a per-floor layout is the building's total: 每层4户，104户人家.
    rf"|每(?:层|栋|单元|梯)[0-9一二三四五六七八九十两]+户[,，、]?"
    # An estate's total after its name (枫丹苑一共1200多户): only with a word for "in all".
    rf"|(?:苑|园|府|天地|一号|雅居)(?:一共|总共|总计|共计|共有)(?:约|大约|大概)?"
    rf"|(?:全楼|全栋|整栋|整栋楼|整个小区|全小区|全单元|小区|梯|每层|每栋|每单元|第|号|室|-|#|/)"
    rf"|(?:我家|家里|家中|全家|一家){_ZH_CLAUSE}{{0,2}}"
    rf"|这一?(?:栋|幢|个单元|层)楼?)$"  # 这栋楼四十多户: what the building holds
)
# After a count: households acting together (楼上楼下共五户一起反映), which a building's "共" before
# the count does not make a total. Households merely affected (整栋楼300多户都受影响) stay a total:
# they suffer the problem but have not complained.
_ZH_GROUP_AFTER = re.compile(r"(?:业主|住户|人家|居民)?(?:都|全|全部)?(?:一起|联名|共同|签名|签了名)")
# After a count: the households a building holds or that share something (一百多户人家就靠这两部电梯),
# and an audience (两百多人看过, 300 people have seen it), which reads a post but does not complain.
_ZH_NOT_PEOPLE_AFTER = re.compile(r"(?:人家|住户|业主)?(?:就|都|全|只)?(?:靠|依靠|共用|共享|合用|挤在|住在这|住这)"
                                  r"|(?:已经|都)?(?:看过|浏览|围观|点赞|转发|评论|阅读|观看|收看)")
_EN_NOT_PEOPLE_BEFORE = re.compile(
    # A group "of" people is a chat group only when named so ("a chat group of 200"); "a group of 40 owners" protested together.
    r"(?:(?:(?:chat|wechat|whatsapp|qq|owners'?|residents'?|neighbou?rs'?)\s+group|chat|building|bldg|blk|block|estate|tower|compound|complex|development)(?:\s+[0-9]{1,3}[a-z]?)?\s+(?:has|have|of|with|contains|holds)?"
    r"|\bgroup\s+(?:has|have|with|contains|holds)"
    r"|in total|total of|there are|out of|of the|family of)\s*\(?\s*(?:about|around|over|some|nearly)?\s*$"
    # An estate or phase that "has" a number of households states its size ("Phase 2 has about 200 households").
    r"|\b(?:phase|garden|court|residence)(?:\s+[0-9]{1,3}[a-z]?)?\s+(?:has|have|with|contains|holds)\s*\(?\s*(?:about|around|over|some|nearly|only)?\s*$"
    # The second thing a building has: "the building has 32 floors and about 250 households".
    r"|\b(?:building|block|estate|tower)\s+(?:has|have|with)\b[^.;\n]{0,40}\band\s+(?:about|around|over|some|nearly)?\s*$"
    r"|(?:\b(?:unit|room|flat|apt|apartment|suite|house|no|number)|#)\.?\s*$"  # an address: unit 1107, room 12, no. 5
    r"|\bsame\s+(?:[a-z0-9]+\s+or\s+)?$"  # "the same three or four flats get every slot": whom it is about, not who complains
    r"|\b(?:whole|entire)\s+(?:estate|building|block|compound|development|tower)\s*[-–—:,]?\s*$"  # "the whole estate - 1,200 households"
)
# A flat number after its building (tower 2, 1107): three digits or more right after a building's name.
_EN_FLAT_AFTER_BUILDING = re.compile(r"(?:tower|block|building|bldg|phase)\s*[0-9a-z]{1,3}\s*[,/-]\s*$")
# A singular noun after a number is an address or an ordinal, not a count (1107 owner, unit 12 resident).
_EN_SINGULAR = frozenset(("household", "family", "resident", "owner", "homeowner", "neighbour", "neighbor", "tenant", "buyer", "occupant", "complainant"))
# "4 flats" counts households (the flats of those complaining); "a block of 120 flats" is a total and
# is skipped like "a building of 120 households".
# Hearsay: people the writer told or heard from are not complaining together.
_ZH_HEARSAY_BEFORE = re.compile(r"(?:听说|据说|告诉了?|告知了?|通知了?|问了|问过)[^,.!?;:\n。]{0,4}$")
_EN_HEARSAY_BEFORE = re.compile(r"(?:told|tell|telling|spoke(?:n)? (?:to|with)|talked (?:to|with)|talking (?:to|with)|asked|heard from|informed|messaged|emailed|know|knows|met"
                                 r"|heard(?: that)?(?: about| around| some| over| nearly)?)\s*$")
# After a count: a total or an audience. "34 flats in total have signed the petition" is a group that
# complains, not a building's total; "three of us in my family" is one household.
_EN_NOT_PEOPLE_AFTER = re.compile(r"\s*(?:in (?:my|our|the) (?:family|household|home|flat)\b|(?:in total|altogether)(?!,?\s+(?:have\s+|has\s+|all\s+)*(?:signed|joined|complained|written|are complaining))|in the (?:building|block|estate|tower|group|chat)|live here|living here|here\b"
                                  r"|(?:all )?(?:rely|relying|depend|depending) on|(?:all )?share (?:the|these|this|one|two|a)|sharing"
                                  r"|(?:have |had )?(?:seen|viewed|watched|liked|shared|reposted|read) (?:it|the|my|this|that)\b)")
# "There are 120 households" states a total, but "there are eight of us signing this" is the writers.
_EN_THERE_ARE_BEFORE = re.compile(r"\bthere\s+(?:are|were)\s*$")
# "Me and my two neighbours": the writer is one more than the count.
_EN_ME_AND_BEFORE = re.compile(r"\b(?:me|i|myself)\s+(?:and|plus|with)\s+(?:my\s+)?$")
_EN_AND_ME_AFTER = re.compile(r"\s+and\s+(?:i|me|myself)\b")
# "All 320 households in Block 5": every household of a building is its total, not a group that complains.
_EN_ALL_BEFORE = re.compile(r"\ball\s+(?:the\s+)?$")
_EN_IN_BUILDING_AFTER = re.compile(r"\s+(?:in|of)\s+(?:the\s+|our\s+|my\s+|this\s+|that\s+)?(?:block|building|bldg|blk|tower|estate|compound)\b")
_ZH_RANGE = re.compile(r"([一二三四五六七八九])[一二三四五六七八九](?=[十百千]|$)")


@dataclass(frozen=True)
class PeopleMention:
    """A number of people found in the text, with its span in the normalized text."""

    value: int
    start: int
    end: int
    phrase: str


def zh_number(text: str) -> int | None:
    """Parse a Chinese or Arabic integer (十二 → 12, 二十 → 20, 一百二十 → 120); None if it is not one."""
    if text.replace(",", "").isdigit():
        return int(text.replace(",", ""))
    text = _ZH_RANGE.sub(r"\1", text)
    total, current = 0, 0
    for char in text:
        if char in _ZH_DIGITS:
            current = _ZH_DIGITS[char]
        elif char in _ZH_UNITS:
            total += (current or 1) * _ZH_UNITS[char]
            current = 0
        else:
            return None
    return total + current


def _zh_value(match: re.Match, pre: str | None) -> int | None:
    """Return the lower-bound count of a Chinese people phrase (pre: an approximating prefix like 数, 上)."""
    num, suf = match["num"], match["suf"]
    value = zh_number(num)
    if value is None:
        return None
    if pre in ("数", "几", "好几") and value in (10, 100, 1000):
        return value * 2
    if pre is None and suf == "几" and value < 10:
        return None
    return value


def _flat_number(match: re.Match) -> bool:
    """Tell whether a count is a flat number: three or four plain digits before 家 or 户 (1502家漏水, 803户的阿姨)."""
    num = match.group("num")
    return num.isdigit() and 3 <= len(num) <= 4 and not match.group("suf") and match.group("noun") in ("家", "户")


def _zh_mentions(text: str, totals: bool = False) -> list[PeopleMention]:
    """Find Chinese people counts that are not group sizes, totals, layouts or unit numbers (totals=True keeps totals)."""
    found = []
    for match in _ZH_PATTERN.finditer(text):
        prefix = _ZH_PREFIX.search(text, max(0, match.start() - 3), match.start())
        value = _zh_value(match, prefix.group(0) if prefix else None)
        if value is None or value < 2 or _flat_number(match):
            continue
        before = (max(0, match.start() - 10), match.start())
        if _ZH_HEARSAY_BEFORE.search(text, *before):
            continue
        if not totals and not _ZH_GROUP_AFTER.match(text, match.end()) and (
                _ZH_NOT_PEOPLE_BEFORE.search(text, *before) or _ZH_NOT_PEOPLE_AFTER.match(text, match.end())):
            continue
        start = prefix.start() if prefix else match.start()
        found.append(PeopleMention(value, start, match.end(), text[start : match.end()]))
    for match in _ZH_PAIR.finditer(text):
        found.append(PeopleMention(2, match.start(), match.end(), match.group(0)))
    return found


def _en_value(num: str) -> int | None:
    """Return the value of an English number token (digits, words, a dozen, dozens of)."""
    num = num.rstrip("+").replace(",", "")
    if num.isdigit():
        return int(num)
    tens, _, ones = num.partition("-")
    value = _EN_NUMBERS.get(tens)
    return None if value is None else value + (_EN_ONES.split("|").index(ones) + 1 if ones else 0)


def _en_mentions(text: str) -> list[PeopleMention]:
    """Find English people counts that are not group sizes or building totals."""
    found = []
    for match in _EN_PATTERN.finditer(text):
        value = _en_value(match["num"])
        if value is None or value < 2 or match["noun"] in _EN_SINGULAR:
            continue
        if len(match["num"]) >= 3 and _EN_FLAT_AFTER_BUILDING.search(text, max(0, match.start() - 24), match.start()):
            continue
        start = match.start()
        modifier = _EN_MOD.search(text, max(0, start - 16), start)
        first = modifier.start() if modifier else start
        # Checked before the modifier ("a building of about 120 households"), far enough back for
        # "the building has 32 floors and about 250 households".
        if _EN_NOT_PEOPLE_BEFORE.search(text, max(0, first - 48), first) and not (
                match["noun"] == "of us" and _EN_THERE_ARE_BEFORE.search(text, max(0, first - 16), first)):
            continue
        if _EN_NOT_PEOPLE_AFTER.match(text, match.end()) or _EN_HEARSAY_BEFORE.search(text, max(0, first - 24), first):
            continue
        if _EN_ALL_BEFORE.search(text, max(0, first - 12), first) and _EN_IN_BUILDING_AFTER.match(text, match.end()):
            continue
        found.append(_with_writer(text, value, first, match.end()))
    return found


def _with_writer(text: str, value: int, start: int, end: int) -> PeopleMention:
    """Return the count, one more when the writer names themself beside it ("me and my two neighbours", "two neighbours and I")."""
    me = _EN_ME_AND_BEFORE.search(text, max(0, start - 16), start)
    and_me = None if me else _EN_AND_ME_AFTER.match(text, end)
    if me:
        value, start = value + 1, me.start()
    elif and_me:
        value, end = value + 1, and_me.end()
    return PeopleMention(value, start, end, text[start:end])


# Every count needs a people noun, and a Chinese one a numeral right before it (the suffix aside): a
# text without them is not scanned for counts, which is the common case and saves the full patterns.
_ZH_COUNT_GATE = re.compile(r"[0-9零〇一二两三四五六七八九十百千][多余来几]?(?:[户位名家人]|个[人业住居邻家])|俩")
_EN_COUNT_GATE = re.compile(r"household|famil|resident|owner|neighbo|tenant|people|person|buyer|occupant|complainant|of us|flats|apartments")


def find_people(text: str, totals: bool = False) -> list[PeopleMention]:
    """Return every people count mentioned in a normalized text, in text order.

    totals=True keeps the Chinese counts that look like a building's or unit's total (本单元共6户):
    beside 代表 (speaking for) they are the group the caller speaks for.
    """
    mentions = _zh_mentions(text, totals) if _ZH_COUNT_GATE.search(text) else []
    if _EN_COUNT_GATE.search(text):
        mentions += _en_mentions(text)
    return sorted(mentions, key=lambda mention: mention.start)


# Signatures under a joint letter are people too (16个签名, 二十多份签字, 16 signatures).
_ZH_SIGNATURES = re.compile(rf"(?P<num>{_ZH_NUM})(?P<suf>多|余|来|几)?(?:个|份|位)?(?:业主)?(?:签名|签字)")
_EN_SIGNATURES = re.compile(rf"\b(?P<num>[0-9]+\+?|(?:{_EN_NUM})(?:-(?:{_EN_ONES}))?)\s+(?:owner |resident |household )?signatures\b")


def find_signatures(text: str) -> list[PeopleMention]:
    """Return the numbers of signatures mentioned in a normalized text, in text order."""
    found = []
    for match in _ZH_SIGNATURES.finditer(text):
        value = _zh_value(match, None)
        if value is not None and value >= 2:
            found.append(PeopleMention(value, match.start(), match.end(), match.group(0)))
    for match in _EN_SIGNATURES.finditer(text):
        value = _en_value(match["num"])
        if value is not None and value >= 2:
            found.append(PeopleMention(value, match.start(), match.end(), match.group(0)))
    return sorted(found, key=lambda mention: mention.start)


# A list of flats under a joint letter: at least three unit numbers in a row (301、402、503, or one
# flat per line, "3-0302 Li Wen", or a numbered signature line, "7. Chan Siu Ling (4-0201)"). Each
# listed flat is one complainant.
_UNIT = r"(?:[0-9]{1,3}[-#])?[0-9]{3,4}"
_INLINE_FLATS = re.compile(rf"(?<![0-9-]){_UNIT}(?:\s*[、,/;]\s*{_UNIT}){{2,}}(?![0-9])")
# A signature line that names its flat after the name ("7. Chan Siu Ling (4-0201)", "张建国 3-201")
# must give the building too (3-0301) and end soon after, so that years and counts in a list of
# points are not flats.
_FLAT_LINE = re.compile(
    rf"^[ \t]*(?:(?P<unit>{_UNIT})(?![0-9])[^\n]*"
    rf"|(?:[0-9]{{1,3}}[.、)][ \t]+)?[^\n0-9]{{1,40}}?(?P<flat>[0-9]{{1,3}}[-#][0-9]{{3,4}})(?![0-9])[^\n0-9]{{0,12}})$", re.MULTILINE
)
_UNIT_TOKEN = re.compile(_UNIT)


def find_flat_lists(text: str) -> list[PeopleMention]:
    """Return the lists of three or more flats (inline or one per line), each as a count of its flats."""
    found = [PeopleMention(len(set(_UNIT_TOKEN.findall(match.group(0)))), match.start(), match.end(), match.group(0))
             for match in _INLINE_FLATS.finditer(text)]
    run: list[re.Match] = []
    for match in _FLAT_LINE.finditer(text):
        if run and text.count("\n", run[-1].end(), match.start()) > 1:
            found += _line_list(run)
            run = []
        run.append(match)
    return [mention for mention in found + _line_list(run) if mention.value >= 3]


def _line_list(run: list[re.Match]) -> list[PeopleMention]:
    """Turn consecutive flat lines into one mention (nothing when fewer than three)."""
    if len(run) < 3:
        return []
    flats = {line["unit"] or line["flat"] for line in run}
    start, end = run[0].start(), run[-1].end()
    return [PeopleMention(len(flats), start, end, f"{len(flats)} flats listed")]


def count_people(text: str) -> PeopleMention | None:
    """Return the largest people count in a normalized text, or None when there is none."""
    mentions = find_people(text)
    return max(mentions, key=lambda mention: mention.value) if mentions else None
