"""Realistic demo members, generated in bulk. For demos and benchmarks only: never run
against real data.

``seed_members(total)`` is what ``manage.py seed_demo [--members N]`` calls:

* It always ensures the small demo set: ``DEMO_PER_UNIT`` members in each unit a demo
  user administers (海淀区教育工会, 朝阳区教育工会, 清华大学工会), so the demo portal is not empty.
* ``total`` (N) is the number of members in the whole city afterwards, counting every
  ``Member`` row (the demo set included, whatever its status). The city is topped up to
  N with members spread over the grassroots unions (a university weighs more than a
  district union, and so on; see ``KIND_WEIGHTS``); nothing is ever deleted, so an N
  below the current count (e.g. below the demo set's 90) adds nothing.
* Idempotent: a second run with the same N adds nothing. Deterministic: the random
  generator is seeded from ``seed`` and the number of members already there, so the
  same command on the same database state generates the same people.

People are plausible, never real: Chinese names from lists of common surnames and
given-name characters; resident IDs valid per GB 11643 (MOD 11-2 check character, a
county code that existed in the birth year, the gender in the sequence's parity) and
unique city-wide; ages 22–63 at work (women to 58) and retirees (退休) up to 75;
``teaching_since`` after the 21st birthday, ``joined_on`` after the 18th, neither in the
future; mainland mobile numbers; 16–19 digit bank card numbers with a Luhn check digit.

Speed: rows are built in Python and written with ``bulk_create`` (with one
``MemberStatusChange`` each and one audit record for the whole seed), setting every
field ``member_create`` would set (``id_hash``, ``gender``, ``birth_date``). Encryption
happens in ``EncryptedTextField.get_prep_value`` as for any save (~10 µs a value).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import GRASSROOTS_KINDS, OrgKind
from apps.organizations.models import Organization

from .enums import EmploymentType, MemberStatus
from .idgen import make_id_number
from .models import Member, MemberStatusChange
from .validation import birth_date_of, gender_of

DEFAULT_SEED = 2026
BATCH_SIZE = 2000

# The units the demo users administer (apps/accounts/demo.py) and how many members each gets.
DEMO_UNITS = ("D-HAIDIAN", "D-CHAOYANG", "U-THU")
DEMO_PER_UNIT = 30

# Relative size of one grassroots union of each kind (universities are the largest).
KIND_WEIGHTS = {
    OrgKind.UNIVERSITY: 3.0,
    OrgKind.DISTRICT: 2.0,
    OrgKind.HOSPITAL: 2.0,
    OrgKind.AFFILIATED: 1.0,
    OrgKind.PRIVATE_FEDERATION: 1.0,
}

# --- names -------------------------------------------------------------------------
# Common surnames, most frequent first, with rough weights (per cent of the population).
SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("赵", 2.3), ("黄", 2.2),
    ("周", 2.1), ("吴", 2.0), ("徐", 1.7), ("孙", 1.5), ("胡", 1.3), ("朱", 1.3), ("高", 1.3), ("林", 1.2),
    ("何", 1.2), ("郭", 1.2), ("马", 1.1), ("罗", 0.9), ("梁", 0.9), ("宋", 0.8), ("郑", 0.8), ("谢", 0.7),
    ("韩", 0.7), ("唐", 0.7), ("冯", 0.6), ("于", 0.6), ("董", 0.6), ("萧", 0.5), ("程", 0.5), ("曹", 0.5),
    ("袁", 0.5), ("邓", 0.5), ("许", 0.5), ("傅", 0.4), ("沈", 0.4), ("曾", 0.4), ("彭", 0.4), ("吕", 0.4),
    ("苏", 0.4), ("卢", 0.4), ("蒋", 0.4), ("蔡", 0.4), ("贾", 0.3), ("丁", 0.3), ("魏", 0.3), ("薛", 0.3),
    ("叶", 0.3), ("阎", 0.3), ("余", 0.3), ("潘", 0.3), ("杜", 0.3), ("戴", 0.3), ("夏", 0.3), ("钟", 0.3),
    ("汪", 0.3), ("田", 0.3), ("任", 0.3), ("姜", 0.3), ("范", 0.3), ("方", 0.3), ("石", 0.3), ("姚", 0.3),
    ("谭", 0.2), ("廖", 0.2), ("邹", 0.2), ("熊", 0.2), ("金", 0.2), ("陆", 0.2), ("郝", 0.2), ("孔", 0.2),
    ("白", 0.2), ("崔", 0.2), ("康", 0.2), ("毛", 0.2), ("邱", 0.2), ("秦", 0.2), ("江", 0.2), ("史", 0.2),
    ("顾", 0.2), ("侯", 0.2), ("邵", 0.2), ("孟", 0.2), ("龙", 0.2), ("万", 0.2), ("段", 0.2), ("雷", 0.2),
    ("钱", 0.2), ("汤", 0.2), ("尹", 0.2), ("黎", 0.2), ("易", 0.2), ("常", 0.2), ("武", 0.2), ("乔", 0.2),
    ("贺", 0.2), ("赖", 0.1), ("龚", 0.1), ("文", 0.1), ("庞", 0.1), ("樊", 0.1), ("兰", 0.1), ("殷", 0.1),
    ("施", 0.1), ("陶", 0.1), ("洪", 0.1), ("翟", 0.1), ("安", 0.1), ("颜", 0.1), ("倪", 0.1), ("严", 0.1),
    ("牛", 0.1), ("温", 0.1), ("芦", 0.1), ("季", 0.1), ("俞", 0.1), ("章", 0.1), ("鲁", 0.1), ("葛", 0.1),
    ("伍", 0.1), ("韦", 0.1), ("申", 0.1), ("尤", 0.1), ("毕", 0.1), ("聂", 0.1), ("焦", 0.1), ("向", 0.1),
    ("柳", 0.1), ("邢", 0.1), ("齐", 0.1), ("岳", 0.1), ("梅", 0.1), ("欧阳", 0.05), ("司马", 0.02),
    ("上官", 0.02), ("诸葛", 0.01),
)
GIVEN_MALE = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
    "宁", "凯", "浩", "健", "俊", "帆", "帅", "旭", "宇", "晨", "博", "文", "志", "建", "国", "建华", "振",
    "海", "峰", "亮", "林", "东", "成", "新", "德", "晓", "永", "子", "天", "嘉", "瑞", "泽", "昊", "睿", "轩",
    "铭", "诚", "毅", "立", "春", "长", "庆", "卫", "兵", "中", "光", "学", "家", "兴", "宏", "伦",
)
GIVEN_FEMALE = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "红", "梅", "萍", "琳", "莉", "雪", "婷",
    "倩", "颖", "慧", "洁", "佳", "欣", "怡", "悦", "琪", "晶", "丹", "璐", "蕾", "露", "薇", "岚", "凤", "英",
    "兰", "桂", "淑", "珍", "雅", "文", "晓", "春", "秋", "思", "梦", "雨", "瑶", "婉", "宁", "楠", "月", "一",
    "子", "诗", "晴", "彤", "涵", "可", "心", "嘉", "小", "玉", "翠", "华", "美", "亚", "冬",
)

# --- jobs ----------------------------------------------------------------------------
# (post, teaches?) by kind of unit; teaching posts get a 从教日期.
POSTS = {
    OrgKind.UNIVERSITY: (("教授", True, 8), ("副教授", True, 14), ("讲师", True, 16), ("助教", True, 4),
                         ("研究员", True, 4), ("副研究员", True, 5), ("实验技术人员", False, 8),
                         ("辅导员", True, 7), ("行政管理人员", False, 18), ("图书馆员", False, 4),
                         ("后勤保障人员", False, 10), ("工程技术人员", False, 4)),
    OrgKind.DISTRICT: (("语文教师", True, 16), ("数学教师", True, 15), ("英语教师", True, 11),
                       ("物理教师", True, 5), ("化学教师", True, 4), ("体育教师", True, 6), ("音乐教师", True, 3),
                       ("美术教师", True, 3), ("班主任", True, 12), ("教研员", True, 3), ("校医", False, 2),
                       ("行政管理人员", False, 9), ("后勤保障人员", False, 7), ("幼儿教师", True, 8)),
    OrgKind.HOSPITAL: (("主任医师", True, 4), ("副主任医师", True, 6), ("主治医师", False, 14), ("住院医师", False, 12),
                       ("护士", False, 22), ("护师", False, 12), ("药剂师", False, 5), ("医技人员", False, 8),
                       ("行政管理人员", False, 10), ("后勤保障人员", False, 7)),
    OrgKind.AFFILIATED: (("研究人员", True, 30), ("教研员", True, 25), ("行政管理人员", False, 30),
                         ("后勤保障人员", False, 15)),
    OrgKind.PRIVATE_FEDERATION: (("教师", True, 60), ("班主任", True, 15), ("行政管理人员", False, 15),
                                 ("后勤保障人员", False, 10)),
}
RETIRED_POSTS = (("退休教师", True, 70), ("退休职工", False, 30))
EMPLOYMENT_WEIGHTS = ((EmploymentType.PERMANENT, 68), (EmploymentType.NON_PERMANENT, 14),
                      (EmploymentType.DISPATCHED, 8), (EmploymentType.RETIRED, 10))
FEMALE_SHARE = {OrgKind.DISTRICT: 0.72, OrgKind.PRIVATE_FEDERATION: 0.75, OrgKind.HOSPITAL: 0.7}
FEMALE_SHARE_DEFAULT = 0.52

# --- contact and pay ----------------------------------------------------------------------
MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "152", "158", "159", "182", "187", "188",
                   "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177",
                   "199", "198", "166")
# (bank, card BIN, card length): salary cards of Beijing's banks, 16 to 19 digits.
BANKS = (
    ("中国工商银行北京分行", "622202", 19, 30), ("中国建设银行北京市分行", "621700", 19, 18),
    ("中国农业银行北京分行", "622848", 19, 12), ("中国银行北京市分行", "621661", 19, 12),
    ("交通银行北京市分行", "622262", 17, 6), ("北京银行", "621468", 16, 10),
    ("招商银行北京分行", "622588", 16, 6), ("中国邮政储蓄银行北京分行", "621799", 19, 4),
    ("北京农商银行", "621067", 19, 2),
)

# --- ID numbers ------------------------------------------------------------------------------
# County codes: Beijing's (current and historical) and some of the provinces teachers come from.
BEIJING_COUNTIES = tuple(f"1101{n:02d}" for n in range(1, 20)) + tuple(f"1102{n:02d}" for n in range(21, 30))
OTHER_COUNTIES = ("120101", "120103", "130102", "130104", "130602", "140105", "150102", "210102", "220104",
                  "230103", "320102", "330106", "340104", "360102", "370102", "370202", "410105", "420106",
                  "430104", "500103", "510107", "610113", "620102", "650102")
BEIJING_SHARE = 0.62


@lru_cache(maxsize=None)
def counties_for(year: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Beijing, elsewhere) county codes that existed in ``year`` (stdnum checks this)."""

    def valid(code: str) -> bool:
        try:
            ric.get_birth_place(f"{code}{year}0101000X")
            return True
        except StdnumError:
            return False

    return tuple(c for c in BEIJING_COUNTIES if valid(c)), tuple(c for c in OTHER_COUNTIES if valid(c))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def _cumulative(weights) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


class MemberGenerator:
    """Builds unsaved ``Member`` objects, each with an ID number unique against ``taken``
    (the look-up hashes already in the database plus every one generated so far)."""

    def __init__(self, rng: random.Random, *, today: dt.date, taken: set[str], counter: int = 0):
        self.rng = rng
        self.today = today
        self.taken = taken
        self.counter = counter  # a global running number: starts each person's ID sequence
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_cum = _cumulative(w for _, w in SURNAMES)
        self.employment = [e for e, _ in EMPLOYMENT_WEIGHTS]
        self.employment_cum = _cumulative(w for _, w in EMPLOYMENT_WEIGHTS)
        self.posts = {kind: ([p[:2] for p in rows], _cumulative(p[2] for p in rows))
                      for kind, rows in (*POSTS.items(), ("retired", RETIRED_POSTS))}
        self.banks = [b[:3] for b in BANKS]
        self.bank_cum = _cumulative(b[3] for b in BANKS)

    # -- pieces ------------------------------------------------------------------------
    def name(self, female: bool) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        pool = GIVEN_FEMALE if female else GIVEN_MALE
        given = rng.choice(pool)
        if rng.random() < 0.7 and len(given) == 1:
            given += rng.choice(pool)
        return (surname + given)[:4]

    def birth(self, youngest: int, oldest: int) -> dt.date:
        """A birth date making the person ``youngest``…``oldest`` years old today."""
        lo = add_years(self.today, -(oldest + 1)) + dt.timedelta(days=1)
        hi = add_years(self.today, -youngest)
        return dt.date.fromordinal(self.rng.randint(lo.toordinal(), hi.toordinal()))

    def id_number(self, birth: dt.date, female: bool) -> tuple[str, str, dt.date]:
        """A valid, unused ID number for someone born on (or, rarely, just after) ``birth``."""
        rng = self.rng
        self.counter += 1
        for _ in range(20):
            beijing, elsewhere = counties_for(birth.year)
            pool = beijing if (rng.random() < BEIJING_SHARE or not elsewhere) else elsewhere
            region = rng.choice(pool)
            start = self.counter + rng.randrange(500)
            for step in range(0, 500, 37):  # a few sequences of this county and day
                number = make_id_number(birth, start + step, region=region, female=female)
                digest = lookup_hash(number)
                if digest not in self.taken:
                    self.taken.add(digest)
                    return number, digest, birth
            birth += dt.timedelta(days=1)  # this day is crowded: the next one
        raise RuntimeError("no unused ID number found")

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def bank(self) -> tuple[str, str]:
        rng = self.rng
        name, bin_, length = rng.choices(self.banks, cum_weights=self.bank_cum)[0]
        digits = length - len(bin_) - 1
        return name, _luhn_complete(bin_ + f"{rng.randrange(10 ** digits):0{digits}d}")

    def _date_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return dt.date.fromordinal(self.rng.randint(lo.toordinal(), hi.toordinal()))

    # -- a person ----------------------------------------------------------------------
    def member(self, unit: Organization, branches: list[Organization]) -> Member:
        rng, today = self.rng, self.today
        female = rng.random() < FEMALE_SHARE.get(unit.kind, FEMALE_SHARE_DEFAULT)
        employment = rng.choices(self.employment, cum_weights=self.employment_cum)[0]
        if employment == EmploymentType.RETIRED:
            birth = self.birth(55 if female else 60, 75)
            posts, cum = self.posts["retired"]
        else:
            birth = self.birth(22, 58 if female else 63)
            posts, cum = self.posts[unit.kind]
        id_number, id_hash, birth = self.id_number(birth, female)
        birth = birth_date_of(id_number)
        post, teaches = rng.choices(posts, cum_weights=cum)[0]

        # Started work at 22–30 (school leavers in non-teaching posts from 18), on 1 September
        # or 1 July; never before the 21st (teaching) / 18th birthday, never in the future.
        earliest = add_years(birth, 21 if teaches else 18) + dt.timedelta(days=1)
        start_age = rng.randint(22, 30) if teaches or rng.random() < 0.7 else rng.randint(18, 24)
        started = dt.date(birth.year + start_age, rng.choice((7, 9)), 1)
        if started < earliest or started > today:
            started = self._date_between(earliest, today)
        teaching_since = started if teaches else None
        joined_on = min(started + dt.timedelta(days=rng.randint(0, 730)), today)

        bank_name, account = self.bank() if rng.random() < 0.96 else ("", "")
        return Member(
            organization=unit,
            branch=rng.choice(branches) if branches else None,
            name=self.name(female),
            id_number=id_number,
            id_hash=id_hash,
            gender=gender_of(id_number),
            birth_date=birth,
            phone=self.mobile() if rng.random() < 0.98 else "",
            employment_type=employment,
            post=post,
            joined_on=joined_on,
            teaching_since=teaching_since,
            status=MemberStatus.ACTIVE,
            bank_name=bank_name,
            bank_account=account,
        )


def _units() -> tuple[list[Organization], dict[int, list[Organization]]]:
    """Active grassroots unions, and the branch unions under each."""
    orgs = Organization._base_manager.filter(is_active=True).order_by("path")
    units = list(orgs.filter(kind__in=GRASSROOTS_KINDS))
    branches: dict[int, list[Organization]] = {u.pk: [] for u in units}
    by_path = {u.path: u for u in units}
    for branch in orgs.filter(kind=OrgKind.BRANCH):
        unit = by_path.get(branch.path[: 2 * Organization.steplen])
        if unit is not None:
            branches[unit.pk].append(branch)
    return units, branches


def _plan(rng: random.Random, units: list[Organization], total: int, current: int,
          per_unit: Counter) -> list[Organization]:
    """The unit of each member to create: the demo set first, then the city top-up."""
    plan: list[Organization] = []
    by_code = {u.code: u for u in units}
    for code in DEMO_UNITS:
        unit = by_code.get(code)
        if unit is not None:
            plan += [unit] * max(0, DEMO_PER_UNIT - per_unit[unit.pk])
    extra = total - current - len(plan)
    if extra > 0:
        weights = _cumulative(KIND_WEIGHTS.get(u.kind, 1.0) for u in units)
        plan += rng.choices(units, cum_weights=weights, k=extra)
    return plan


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def seed_members(total: int = 0, *, seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE,
                 progress=None) -> dict[str, int]:
    """Ensure the demo set and top the city up to ``total`` members (see the module
    docstring). Returns ``{"members": <city total>, "created": <added now>}``."""
    today = timezone.localdate()
    with scopes_disabled(), transaction.atomic():  # demo seeding fills the whole city
        units, branches = _units()
        members = Member._base_manager
        current = members.count()
        if not units:
            return {"members": current, "created": 0}
        per_unit = Counter(dict(members.values_list("organization").annotate(n=Count("id")).order_by()))
        rng = random.Random(f"union-portal-demo:{seed}:{current}")
        plan = _plan(rng, units, total, current, per_unit)
        if not plan:
            return {"members": current, "created": 0}
        taken = set(members.values_list("id_hash", flat=True))
        generator = MemberGenerator(rng, today=today, taken=taken, counter=current)
        created = 0
        for chunk in _chunks(plan, batch_size):
            objs = members.bulk_create([generator.member(unit, branches[unit.pk]) for unit in chunk],
                                       batch_size=batch_size)
            MemberStatusChange._base_manager.bulk_create(
                [MemberStatusChange(member_id=m.pk, from_status="", to_status=MemberStatus.ACTIVE,
                                    changed_on=m.joined_on or today, reason="登记入会") for m in objs],
                batch_size=batch_size,
            )
            created += len(objs)
            if progress is not None:
                progress(created, len(plan))
        root = Organization._base_manager.filter(depth=1).order_by("path").first()
        audit_record(actor=None, action="member.seed", target=root, data={"created": created})
        return {"members": current + created, "created": created}


def demo_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part (registered in MembersConfig.ready): ``--members N`` tops the city up."""
    seed = options.get("seed")
    members = seed_members(options.get("members") or 0, seed=DEFAULT_SEED if seed is None else seed)
    return [f"会员：共 {members['members']} 人（本次新增 {members['created']} 人）"]
