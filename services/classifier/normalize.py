"""Normalize customer text so that one keyword list matches every way of writing it.

The steps are: Unicode NFKC (full-width letters, digits and punctuation become half-width),
case folding, a small built-in traditional→simplified character table, and collapsing runs of
spaces and tabs. Newlines are kept because quoting and clause splitting use them. Positions that
the classifier reports refer to the normalized text this module returns.
"""

from __future__ import annotations

import re
import unicodedata

# Traditional and simplified forms, as pairs "繁简". The table covers the characters that appear in
# complaint vocabulary (defects, property, sales, service, law and media words) and the common
# function words around them. It is not a general converter and needs no dependency.
_PAIRS = (
    "漏漏滲渗裂裂牆墙質质業业訴诉記记報报電电車车費费銷销售售態态務务問问題题樓楼層层門门窗窗"
    "廳厅廚厨衛卫購购買买賣卖約约證证產产權权辦办貸贷還还錢钱價价關关係系開开發发區区號号單单"
    "棟栋間间據据說说話话時时後后處处理理經经過过為为麼么們们這这個个來来對对沒没實实現现願愿"
    "讓让點点錯错誤误滿满見见議议謝谢請请諮咨詢询響响聲声噪噪氣气熱热暖暖網网絡络視视聽听讀读"
    "寫写長长專专員员顧顾總总負负責责遲迟補补償偿賠赔維维訟讼師师媒媒體体曝曝導导搜搜廣广播播"
    "臺台站站驗验收收標标準准設设備备線线燈灯滅灭壞坏損损傷伤斷断塊块鬆松動动脫脱落落縫缝隙隙"
    "黴霉潮潮濕湿積积淤淤堵堵塞塞臭臭異异味味蟲虫鼠鼠蟻蚁噁恶劣劣環环境境衛卫潔洁綠绿化化園园"
    "區区圍围欄栏監监控控盜盗竊窃丟丢失失險险殺杀偷偷搶抢鬧闹擾扰狗狗貓猫寵宠停停場场罰罚收收"
    "繳缴納纳漲涨亂乱擺摆攤摊違违規规搭搭建建裝装修修飾饰噸吨車车庫库輛辆鎖锁鑰钥匙匙梯梯廂厢"
    "困困壓压強强熱热恆恒溫温涼凉冷冷凍冻暖暖燒烧鍋锅爐炉煤煤燃燃訊讯號号網网寬宽頻频"
    "銷销簽签訂订貸贷稅税契契錄录營营銷销諾诺虛虚假假誇夸廣广告告宣宣傳传樣样板板戶户型型積积"
    "麵面積积縮缩減减贈赠送送認认購购讓让審审批批辦办證证書书據据轉转務务託托託托債债擔担保保"
    "態态度度惡恶兇凶罵骂吵吵聽听電电話话掛挂斷断拖拖延延敷敷衍衍推推諉诿踢踢皮皮嗎吗呢呢啊啊"
    "訴诉訟讼律律師师函函庭庭審审判判決决仲仲裁裁賠赔償偿維维權权記记者者報报紙纸電电視视頻频"
    "熱热搜搜論论壇坛頭头條条轉转發发帖帖網网絡络媒媒體体曝曝光光臺台揭揭露露採采訪访聞闻"
    "將将會会準准備备打打算算考考慮虑還还已已經经再再又又仍仍舊旧復复幾几數数兩两俩俩萬万億亿"
    "鄰邻居居戶户業业主主聯联名名集集體体們们歲岁週周內内與与從从於于當当無无並并讀读該该應应"
    "讚赞謝谢感感獎奖勵励滿满意意錦锦旗旗熱热情情贊赞揚扬稱称優优質质議议見见饋馈淨净盡尽緊紧"
    "給给裡里餘余爲为櫃柜檢检測测頂顶陽阳雜杂髒脏厲厉嚴严龜龟磚砖鋪铺剝剥鏽锈銹锈鐵铁閥阀東东張张圖图結结構构銀银"
)

# The characters that end a sentence in normalized text (full-width ！？； became half-width).
SENTENCE_ENDS = ".!?;\n。！？；"

_TABLE = {ord(_PAIRS[i]): _PAIRS[i + 1] for i in range(0, len(_PAIRS) - 1, 2) if _PAIRS[i] != _PAIRS[i + 1]}
_TRADITIONAL = re.compile("[" + "".join(sorted(chr(code) for code in _TABLE)) + "]")
_SPACES = re.compile(r"[ \t\u3000\u00a0]{2,}|[\t\u3000\u00a0]")


def to_simplified(text: str) -> str:
    """Replace the traditional characters of the built-in table by their simplified forms."""
    return text.translate(_TABLE)


def normalize(text: str) -> str:
    """Return the normalized form of text: NFKC, case-folded, simplified, spaces collapsed."""
    if not text:
        return ""
    # normalize() checks quickly itself whether there is anything to do; asking is_normalized first scans twice.
    text = unicodedata.normalize("NFKC", text).casefold()
    if _TRADITIONAL.search(text):
        text = text.translate(_TABLE)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Four substring scans cost less than running the pattern over every text that has nothing to collapse.
    if "  " in text or "\t" in text or "\u3000" in text or "\u00a0" in text:
        return _SPACES.sub(" ", text)
    return text


def normalize_phrase(phrase: str) -> str:
    """Return the normalized form of a rule phrase, trimmed of outer spaces."""
    return normalize(phrase).strip()
