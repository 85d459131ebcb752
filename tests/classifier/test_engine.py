"""Tests of the classifier engine: labels and reasons on a small hand-written dev set, and decide()."""

from __future__ import annotations

import pytest

from services.classifier.counts import CountResult
from services.classifier.engine import Classifier, Labels, Reason, decide, message_text
from services.classifier.matcher import load_projects
from services.classifier.ruleset import load_rules

C, I, F = "complaint", "inquiry", "feedback"
CQ, SA, PM, CS, OT = "construction_quality", "sales", "property_management", "customer_service", "other"
G, IM, MA = "general", "important", "major"

# A small dev set written from the policy and from how customers write; not the evaluation corpus.
DEV = [
    ("", "我家3栋2单元1502卫生间漏水已经十几天了，楼下邻居都找上门了，物业一直说等工程部，到现在没人来修！", C, CQ, G),
    ("客厅墙面开裂", "收房才半年，客厅和主卧墙面都出现裂缝，瓷砖也有空鼓，请尽快安排人来检查维修。", C, CQ, G),
    ("", "业主来电反映：入户门变形关不严，窗户漏风，冬天屋里很冷，要求开发商整改。", C, CQ, G),
    ("Leaking ceiling", "Dear team, since the heavy rain last week water has been seeping through our bedroom ceiling. The paint is peeling and there is mould. Please send someone urgently.", C, CQ, G),
    ("Cracks in the walls", "We moved in three months ago and there are already cracks along the living room wall and several hollow tiles in the kitchen. This is poor workmanship.", C, CQ, G),
    ("", "当初销售承诺的学区到现在也没落实，孩子上学成了问题，你们这是虚假宣传！", C, SA, G),
    ("房产证什么时候能办下来", "交房都两年了房产证还没办下来，问了好几次都说在办，到底什么时候能拿到？", C, SA, G),
    ("", "合同约定去年12月交房，现在已经逾期半年了，违约金怎么算？你们必须给个说法。", C, SA, G),
    ("Sales promises not kept", "Your salesperson promised us a free parking space and a fitted kitchen when we signed the contract. Neither was delivered. This is misleading.", C, SA, G),
    ("", "小区保安根本不管外来人员，我家电动车上周在楼下被偷了，监控也说是坏的，物业太不负责任了。", C, PM, G),
    ("", "楼道里垃圾好几天没人清运，臭气熏天，物业费一分不少收，服务却这么差。", C, PM, G),
    ("电梯频繁故障", "2号楼电梯这个月已经停运三次，上周还困了人，物业到底管不管？", C, PM, G),
    ("Parking chaos", "Every evening cars are parked in the fire lane and the security guards do nothing. The management fee keeps going up but the service is terrible.", C, PM, G),
    ("", "打客服热线反映问题，接电话的工作人员态度极差，没说两句就挂了我电话。", C, CS, G),
    ("", "上周报的问题客服说48小时内回电，到现在一个电话都没有，石沉大海，你们的工作效率太低了。", C, CS, G),
    ("Rude staff", "The woman at your service desk was extremely rude to my elderly mother and refused to log her request. Completely unprofessional.", C, CS, G),
    ("", "小区门口修路已经三个月了，尘土飞扬，进出非常不方便，希望公司能跟市政协调一下。", C, OT, G),
    ("", "燃气公司一直不来开通燃气，说是开发商手续没办好，我们入住没法做饭。", C, OT, G),
    ("咨询交房", "您好，请问7号楼什么时候交房？交房需要带哪些材料？", I, SA, G),
    ("", "业主来电咨询物业费的收费标准和缴费方式。", I, PM, G),
    ("Question about the handover", "Hello, could you tell me when the handover for Building 5 is scheduled and which documents I need to bring? Thanks.", I, SA, G),
    ("Parking space rental", "Hi, I'd like to know whether there are parking spaces available for rent and how much the monthly fee is.", I, PM, G),
    ("", "想了解一下房屋保修期是多久，过了保修期维修怎么收费？", I, CQ, G),
    ("表扬", "感谢物业的李师傅，半夜水管爆了他二十分钟就赶到了，服务非常周到，给你们点赞！", F, PM, G),
    ("建议", "建议小区多装几个充电桩，现在电动车越来越多，充电很不方便。", F, PM, G),
    ("Suggestion", "It would be nice if the clubhouse gym could open earlier in the morning. Just a suggestion, thanks!", F, PM, G),
    ("Thank you", "I want to thank your customer service team, especially Ms. Wang, for following up on my case so patiently. Great job!", F, CS, G),
    ("", "我们12户业主联名投诉：地下车库一下雨就积水，车都泡了。", C, CQ, MA),
    ("", "楼上漏水影响到我们好几家，现在有十几户业主一起来投诉，要求尽快处理。", C, CQ, MA),
    ("", "我们三户业主反映同一个问题：顶楼屋面渗水。", C, CQ, IM),
    ("Joint complaint", "Twelve households on the east side of Building 3 are writing together: the windows leak every time it rains.", C, CQ, MA),
    ("", "Five of us in block B have the same problem with the heating not working. Please fix it.", C, PM, IM),
    ("", "业主群200多人都在讨论这件事，我家卫生间地漏返味，请派人看一下。", C, CQ, G),
    ("", "这栋楼共120户，只有我家窗户漏水，希望尽快维修。", C, CQ, G),
    ("", "墙面裂缝已经十几天了，一直没人来看。", C, CQ, G),
    ("", "因为交房延期，我们已经向法院提起诉讼，法院已经受理。", C, SA, MA),
    ("", "小区电梯困人事件已经被电视台曝光了，你们还不重视吗？", C, PM, MA),
    ("", "房子质量这么差，你们再不处理我就找记者曝光！", C, CQ, G),
    ("", "如果这周还不解决，我们将通过法律途径起诉你们。", C, OT, G),
    ("Legal action", "If the cracks in our walls are not fixed by Friday I will call the newspaper and my lawyer will send you a letter.", C, CQ, G),
    ("Lawsuit", "We have filed a lawsuit against the developer over the delayed handover; the court accepted the case last week.", C, SA, MA),
    ("", "The story about the flooded garage was on the local news last night and it is trending on Weibo.", C, CQ, MA),
    ("", "上个月修好的卫生间，没几天又漏了，你们那边显示已解决就关单了！", C, CQ, IM),
    ("Still leaking", "You closed my ticket last week but the balcony is still leaking. Same problem again.", C, CQ, IM),
    ("", "上次说处理好了，结果暖气还是不热，这已经是第三次投诉了。", C, PM, IM),
    # Written after the first tuning round, to check that the rules generalize.
    ('厨房吊顶发黄', '楼上卫生间的水一直往我家厨房吊顶渗，吊顶都发黄变形了，找过物业两次，说是楼上防水没做好要找开发商，到底谁来管？', C, CQ, G),
    ('', '业主陈先生来电：新房地板起拱，好几块木地板翘起来了，怀疑地面找平没做好，要求工程部上门查看。', C, CQ, G),
    ('Bathroom tiles', 'Two months after moving in, three of the bathroom wall tiles have come off and the grout is cracking everywhere. Please arrange a repair under warranty.', C, CQ, G),
    ('', '请问精装修房交付后，橱柜和卫浴的保修期分别是多久？', I, CQ, G),
    ('Window seal', 'Hi, is resealing the windows covered after the first year, or do we need to pay for that ourselves?', I, CQ, G),
    ('', '签合同的时候说好送一个入户花园，交房的时候变成了封闭阳台，面积也少了，这不是欺骗吗？', C, SA, G),
    ('Deposit refund', "I paid a 50,000 RMB deposit in December but decided not to buy. Your sales office keeps delaying the refund and now says it's 'non-refundable', which nobody told me when I paid.", C, SA, G),
    ('', '业主来电咨询网签备案的进度，以及办理不动产证需要准备哪些材料。已告知。', I, SA, G),
    ('Certificate timing', "Good afternoon, roughly when will the property ownership certificates for Building 8 be ready? We'd like to plan a loan refinance.", I, SA, G),
    ('', '楼下的快递全堆在大门口，下雨天都泡湿了，物业也不管，能不能弄个快递柜？', C, PM, G),
    ('', '小区里养狗的不拴绳，昨天我孩子差点被咬，保安看见了也不管。', C, PM, G),
    ('Garbage room', "The garbage room on B1 hasn't been emptied since Friday and the smell now reaches the lift lobby. This is a basic job for the property company.", C, PM, G),
    ('', '请问小区的游泳池今年什么时候开放，业主家属需要办卡吗？', I, PM, G),
    ('Visitor parking', 'Hi, how do my guests register for visitor parking on weekends? Is there a time limit?', I, PM, G),
    ('', '物业的保洁阿姨每天都把楼道擦得很干净，过年还帮我们贴了对联，特别感谢！', F, PM, G),
    ('', "客服小王接电话时一直不耐烦，我问第二遍她就说'你自己看通知'，然后把电话挂了。", C, CS, G),
    ('No reply for two weeks', 'I sent three emails to your service address about my case and got no reply in two weeks. What is the point of a complaint mailbox nobody reads?', C, CS, G),
    ('', 'Caller complained that the hotline agent gave her the wrong office hours and she came for nothing. Apologised.', C, CS, G),
    ('Great service', 'Thank you to the hotline team - Ms. Zhao followed up on my case every few days until the electrician came. Very professional.', F, CS, G),
    ('', '对面新开了一家烧烤店，每天晚上油烟直接飘进我家，城管也管不了，能不能请开发商出面协调一下？', C, OT, G),
    ('', '业主来电：小区附近高速公路施工，晚上大货车轰隆隆一直开，根本睡不着，希望公司向交通部门反映。', C, OT, G),
    ('Internet down', 'Our fibre internet has been down for four days. The telecom company says the cable in the street was cut by roadworks. Can you help push them?', C, OT, G),
    ('', '请问小区的燃气开通需要自己去燃气公司办理吗？要带什么资料？', I, OT, G),
    ('', '建议在小区东门增加一个自行车棚，现在自行车到处乱放。', F, PM, G),
    ('Idea', 'Could you consider setting up an online portal where we can see the status of repair requests? It would save everyone calls.', F, CS, G),
    ('', '我们楼六户业主一起反映：电梯上个月起天天出问题，已经困过两次人。', C, PM, IM),
    ('', '二十多户业主联名要求开发商兑现当初承诺的幼儿园配套。', C, SA, MA),
    ('Petition', 'This letter is signed by 14 households of Building 2: the water pressure on floors 20-30 has been too low for a month.', C, PM, MA),
    ('', '我和隔壁邻居俩人都被物业多收了停车费。', C, PM, G),
    ('Group chat', 'Our building WeChat group (300+ members) is full of complaints, but I am writing for myself: my balcony door leaks.', C, CQ, G),
    ('', '本人已就房屋面积缩水一事向区人民法院起诉，法院已立案，请贵司知悉。', C, SA, MA),
    ('Court', 'Please note that our claim regarding the late handover was accepted by the court last Friday; the hearing date is 12 May.', C, SA, MA),
    ('', '昨天晚上市电视台新闻已经播了我们小区外墙掉砖的事情，你们还不出来解决？', C, CQ, MA),
    ('Newspaper', 'The city evening paper ran an article today about the flooded basements at your project, with photos from our building.', C, CQ, MA),
    ('', '再不给我解决，我就去电视台曝光你们，我说到做到。', C, OT, G),
    ('Lawyer', 'My lawyer has advised me that I have a strong case. If I do not hear from you within 7 days I will file a lawsuit.', C, OT, G),
    ('', '去年说修好了的阳台，今年一下雨又渗水了，跟上次一模一样。', C, CQ, IM),
    ("It's happening again", 'You sent someone in January and marked the case resolved, but the heating in the bedroom is cold again, exactly like before.', C, PM, IM),
    ('', '我上周报修的马桶堵了到现在还没人来，今天再问一次。', C, CQ, G),
    ('Still waiting', 'Still waiting for someone to look at my cracked window, reported 10 days ago. Nobody has contacted me.', C, CQ, G),
    ('Fwd: noise', 'Forwarding this again - please see below.\n\n---------- Forwarded message ---------\nFrom: me\nThe KTV noise continues every night.', C, PM, G),
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(load_rules(), load_projects())


@pytest.mark.parametrize("subject,body,kind,category,severity", DEV)
def test_dev_set(classifier, subject, body, kind, category, severity):
    labels = classifier.label(subject=subject, body=body, channel="email")
    assert (labels.kind, labels.category, labels.severity) == (kind, category, severity), labels.reasons


def test_every_label_explains_itself(classifier):
    labels = classifier.label(subject="", body="我们12户业主联名投诉卫生间漏水", channel="phone")
    rules = {reason.rule for reason in labels.reasons}
    assert {"people.text", "severity.collective.major", "cat.quality.water", "kind.complaint.explicit"} <= rules
    text, _, _ = message_text("", "我们12户业主联名投诉卫生间漏水")
    for reason in labels.reasons:
        if reason.phrase is not None:
            assert text[reason.start : reason.end] == reason.phrase
    assert labels.ruleset_version == load_rules().version


def test_phone_log_people_field_wins(classifier):
    labels = classifier.label(subject="", body="业主反映外墙渗水，我们12户都有这个问题", channel="phone", people=1)
    assert labels.people == 1 and labels.severity == G
    labels = classifier.label(subject="", body="业主反映外墙渗水", channel="phone", people=11)
    assert labels.people == 11 and labels.severity == MA


def test_threats_are_warnings_not_major(classifier):
    labels = classifier.label(subject="", body="你们不处理我就找记者，还要起诉你们，不排除起诉", channel="email")
    assert labels.severity == G
    assert "sev.media.threat" in labels.warnings and "sev.lawsuit.threat" in labels.warnings


def test_negated_or_future_lawsuit_is_not_major(classifier):
    for body in ("我们还没有起诉，只是希望尽快解决漏水", "如果再不修，下周就会上新闻", "We have not filed a lawsuit yet, but the leak must be fixed."):
        assert classifier.label(subject="", body=body, channel="email").severity != MA, body


def test_quoted_text_is_ignored(classifier):
    body = "谢谢你们的答复，辛苦了。\n\n在 2024年3月1日 周五 10:00，客服中心 <kf@example.com> 写道：\n> 您反映的漏水问题，我们已经起诉了施工单位\n"
    labels = classifier.label(subject="Re: 漏水", body=body, channel="email")
    assert labels.severity == G and labels.kind == F
    assert any(reason.rule == "text.quoted_dropped" for reason in labels.reasons)


def test_category_hint_wins(classifier):
    labels = classifier.label(subject="", body="墙面开裂", channel="phone", category_hint=SA)
    assert labels.category == SA


def test_project_from_field_and_text(classifier):
    assert classifier.label(subject="", body="漏水", channel="phone", project="Riverside One").project == "滨江一号"
    assert classifier.label(subject="", body="我是观澜府3栋的业主，漏水", channel="email").project == "观澜府"
    assert classifier.label(subject="", body="漏水", channel="phone", project="Unknown Estate").project == "Unknown Estate"


def _labels(**changes) -> Labels:
    base = Labels(C, CQ, G, None, "P", False, (), (Reason("x", "y"),), "v1")
    return Labels(**{**base.__dict__, **changes})


def test_decide_raises_third_complainant_and_earlier_ones():
    result = decide(_labels(), CountResult(3, ("a", "b"), 30))
    assert result.severity == IM and result.raise_ids == ("a", "b")
    assert result.reasons[-1].rule == "severity.count"


def test_decide_keeps_major_and_ignores_small_clusters_and_non_complaints():
    assert decide(_labels(severity=MA), CountResult(4, ("a",), 30)).severity == MA
    assert decide(_labels(), CountResult(2, ("a",), 30)).severity == G
    assert decide(_labels(kind=I), CountResult(5, ("a",), 30)).severity == G
    assert decide(_labels(), None).severity == G
