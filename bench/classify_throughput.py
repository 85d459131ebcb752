"""Measure classifier throughput on a large generated JSONL file (a benchmark, not a test).

Usage: python bench/classify_throughput.py [--messages 50000] [--minutes-apart 60] [--runs 3] [--keep FILE] [--db URL]

It generates realistic mixed Chinese/English messages (emails with quotes and signatures, phone
logs) for 8 projects and writes them to a JSONL file. Then it runs the real command,
``complaintdesk classify FILE --out OUT``, as a child process --runs times (start-up, reading,
labelling, the count store and writing all included) and prints each run's wall and CPU time
and the rate; the best run is the figure, since a shared machine only ever slows a run down.
Three in-process passes follow, to show where the time goes: labels only (Classifier.read in
blocks and Classifier.label), the text model's share of that (TextModel.opinions_many), and the
full path (classify_one with a batched count store, as the command does). The count
store's cost grows with the size of a 30-day cluster: --minutes-apart sets how busy the center is.
Target: ≥ 5,000 messages per second on one core for the command.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.classifier.counts import CountStore, make_engine  # noqa: E402
from services.classifier.engine import Classifier, classify_one  # noqa: E402
from services.classifier.evaluate import READ_BLOCK, batched, read_messages  # noqa: E402
from services.classifier.quoting import message_text  # noqa: E402
from services.classifier.matcher import load_projects  # noqa: E402
from services.classifier.ruleset import RuleSource  # noqa: E402

PROJECTS = ["翠湖天地", "Riverside One", "锦绣华府", "Maple Court", "云栖苑", "Guanlan Residence", "金桂园", "半山雅居"]
OPENINGS = ["您好，", "你好，", "客服中心：", "Hello,\n\n", "Hi team,\n\n", "Dear Sir or Madam,\n\n", ""]
PROBLEMS = [
    "我家{b}栋{u}室卫生间漏水已经{d}天了，楼下天花板也湿了。", "客厅墙面出现好几条裂缝，瓷砖空鼓。", "电梯这周坏了三次，物业一直没人管。",
    "楼道垃圾没人清运，臭味很大。", "销售当时承诺送车位，现在不认账。", "房产证到现在还没办下来。", "客服电话打不通，留言也没人回。",
    "隔壁工地半夜打桩，根本睡不着。", "请问物业费的收费标准是多少？", "建议小区多装几个充电桩。", "感谢物业李师傅及时上门维修，点赞！",
    "The bathroom ceiling in {b}-{u} has been leaking for {d} days.", "Your sales agent promised a school place that does not exist.",
    "Could you tell me when the handover for Building {b} is scheduled?", "The security guard at the gate was rude to my mother.",
    "Thank you to the cleaning team, the lobby has never looked better.", "The gas company cut our supply without notice.",
    "我们{n}户业主联名投诉外墙渗水。", "Twelve households on our floor have the same crack in the ceiling.",
    "上次说修好了，结果又漏了。", "We have filed a lawsuit and the court accepted the case.", "我要找记者曝光你们！",
]
CLOSINGS = ["谢谢。", "请尽快处理！", "Thanks.", "Regards,\nA. Owner", "\n-- \nSent from my iPhone", "\n\n> 您好，已收到您的反馈。\n> 客服中心", ""]


def generate(count: int, seed: int = 7, minutes_apart: float = 60) -> list[dict]:
    """Generate count messages with varied senders, projects and times (minutes_apart between messages)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    messages = []
    for i in range(count):
        problems = " ".join(rng.choice(PROBLEMS) for _ in range(rng.randint(1, 3)))
        body = rng.choice(OPENINGS) + problems.format(b=rng.randint(1, 20), u=rng.randint(101, 3202), d=rng.randint(2, 30), n=rng.randint(2, 30))
        body += "\n" + rng.choice(PROJECTS) + "\n" + rng.choice(CLOSINGS)
        phone = rng.random() < 0.3
        messages.append({
            "id": f"b-{i}", "channel": "phone" if phone else "email",
            "sender": None if phone else f"owner{rng.randint(1, 5000)}@example.com",
            "phone": f"1380000{rng.randint(1000, 9999)}" if phone else None,
            "subject": "" if phone else rng.choice(["漏水", "投诉", "咨询", "Re: 问题", "Question", "Complaint", ""]),
            "body": body, "project": rng.choice(PROJECTS) if phone else None, "people": None,
            "sent_at": (start + timedelta(minutes=minutes_apart * i)).isoformat(),
        })
    return messages


def _readings(classifier: Classifier, messages: list[dict]) -> list:
    """Read the messages in blocks, as `complaintdesk classify` does (the text model scores a block per call)."""
    readings = []
    for block in batched(messages, READ_BLOCK):
        readings += classifier.read([(m["subject"], m["body"]) for m in block])
    return readings


def _labels_only(classifier: Classifier, messages: list[dict]) -> None:
    """Read and label every message (results are used and dropped, as the service and the CLI stream them)."""
    for m, reading in zip(messages, _readings(classifier, messages)):
        classifier.label(subject=m["subject"], body=m["body"], channel=m["channel"], people=m["people"], project=m["project"], reading=reading)


def _model_only(classifier: Classifier, texts: list[str]) -> None:
    """The text model's share: score the (already read) texts in blocks, nothing else."""
    model = classifier.matcher().rules.model
    if model is not None:
        for block in batched(texts, READ_BLOCK):
            model.opinions_many(block)


def _full(classifier: Classifier, store: CountStore, messages: list[dict]) -> None:
    """Classify every message with counts, exactly as `complaintdesk classify` does."""
    with store.batch():
        for m, reading in zip(messages, _readings(classifier, messages)):
            classify_one(classifier, store, m, reading)


def command(path: Path, count: int, runs: int, db: str | None) -> float:
    """Run `complaintdesk classify` on path runs times; print each run and return the best rate (per wall second)."""
    exe = Path(sys.executable).with_name("complaintdesk")
    best = 0.0
    for run in range(1, runs + 1):
        out = path.with_suffix(".out.jsonl")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run([str(exe), "classify", str(path), "--out", str(out)] + (["--db", db] if db else []), check=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        lines = sum(1 for _ in out.open("rb"))
        out.unlink()
        if lines != count:
            raise SystemExit(f"complaintdesk classify wrote {lines} lines for {count} messages")
        rate = count / wall
        best = max(best, rate)
        print(f"complaintdesk classify, run {run}: {count} messages in {wall:.2f} s wall ({cpu:.2f} s CPU) = {rate:,.0f} messages/s")
    return best


def timed(label: str, count: int, work) -> float:
    """Run work(), print wall and CPU time, and return the throughput per CPU second (one core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = count / cpu
    print(f"{label}: {count} messages, {cpu:.2f} s CPU ({wall:.2f} s wall) = {rate:,.0f} messages/s per core")
    return rate


def main(argv: list[str] | None = None) -> int:
    """Generate the file, run both passes, and report whether the target was met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--keep", help="write the generated JSONL here (default: a temporary file)")
    parser.add_argument("--db", help="count store DB URL (default: in-memory SQLite)")
    parser.add_argument("--minutes-apart", type=float, default=60, help="time between messages (60: 24 a day; 10: 144 a day, a very busy center)")
    parser.add_argument("--runs", type=int, default=3, help="how many times to run the command (the best run counts)")
    args = parser.parse_args(argv)
    path = Path(args.keep or tempfile.mkstemp(suffix=".jsonl")[1])
    messages = generate(args.messages, minutes_apart=args.minutes_apart)
    path.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages), encoding="utf-8")
    per_window = min(args.messages, 30 * 24 * 60 / args.minutes_apart)
    print(f"{args.messages} messages, {args.minutes_apart:g} minutes apart: about {per_window * 0.7 / 40:.0f} complaints per project-and-category cluster in a 30-day window")
    best = command(path, args.messages, args.runs, args.db)
    print(f"target 5,000 messages/s for `complaintdesk classify`: {'met' if best >= 5000 else 'NOT met'} (best run {best:,.0f}/s)")
    messages = read_messages(str(path))
    gc.collect()
    gc.freeze()  # The input stays in memory for the whole run; the collector need not rescan it.
    classifier = Classifier(RuleSource(), load_projects())
    timed("labels only (Classifier.read in blocks + Classifier.label)", len(messages), lambda: _labels_only(classifier, messages))
    texts = [message_text(m["subject"], m["body"])[0] for m in messages]
    timed("of which the text model (TextModel.opinions_many in blocks)", len(messages), lambda: _model_only(classifier, texts))
    store = CountStore(make_engine(args.db))
    timed("full classify in process (classify_one + batched count store)", len(messages), lambda: _full(classifier, store, messages))
    if not args.keep:
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
