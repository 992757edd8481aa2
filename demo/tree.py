"""A Qiqihar-like committee tree for the demo and the scenarios.

市委 → 16 county-level committees (7 districts, 1 city, 8 counties) and city departments'
party committees/groups → grassroots committees under them.
"""
from committees.models import CommitteeKind
from committees.services import committee_create, member_bulk_create

CITY = ("qqhr", "齐齐哈尔市委")
COUNTIES = [
    ("longsha", "龙沙区委"), ("jianhua", "建华区委"), ("tiefeng", "铁锋区委"), ("angangxi", "昂昂溪区委"),
    ("fulaerji", "富拉尔基区委"), ("nianzishan", "碾子山区委"), ("meilisi", "梅里斯达斡尔族区委"),
    ("nehe", "讷河市委"), ("yian", "依安县委"), ("tailai", "泰来县委"), ("gannan", "甘南县委"),
    ("fuyu", "富裕县委"), ("longjiang", "龙江县委"), ("baiquan", "拜泉县委"), ("keshan", "克山县委"),
    ("kedong", "克东县委"),
]
DEPARTMENTS = [
    ("d-zuzhi", "市委组织部"), ("d-xuanchuan", "市委宣传部"), ("d-jiwei", "市纪委监委"), ("d-tongzhan", "市委统战部"),
    ("d-zhengfa", "市委政法委"), ("d-fagai", "市发展和改革委员会党组"), ("d-jiaoyu", "市教育局党委"),
    ("d-caizheng", "市财政局党组"), ("d-weijian", "市卫生健康委员会党委"), ("d-gongan", "市公安局党委"),
    ("d-nongye", "市农业农村局党组"), ("d-gongxin", "市工业和信息化局党组"), ("d-zhujian", "市住房和城乡建设局党组"),
    ("d-shangwu", "市商务局党组"), ("d-wenlv", "市文化广电和旅游局党组"), ("d-renshe", "市人力资源和社会保障局党组"),
    ("d-shenji", "市审计局党组"), ("d-tuiyi", "市退役军人事务局党组"), ("d-yingji", "市应急管理局党委"),
    ("d-dangxiao", "市委党校党委"),
]
GRASSROOTS_SUFFIXES = [
    ("g1", "第一街道党工委"), ("g2", "第二街道党工委"), ("g3", "中心镇党委"), ("g4", "东部乡党委"),
    ("g5", "西部乡党委"), ("g6", "经济开发区党工委"),
]
DEPARTMENT_GRASSROOTS = [("g1", "机关党委"), ("g2", "直属单位党委")]
POSITIONS = ["书记", "副书记", "常委、组织部长", "常委、宣传部长", "常委、纪委书记", "常委、办公室主任", "副职领导", "副职领导"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国华明军伟芳丽强磊洋艳勇杰娟涛超秀英斌霞平刚桂兰玉梅志红"


def demo_person(i):
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 3) % len(GIVEN)]


def _with_members(committee, size, start):
    people = [(demo_person(start + i), POSITIONS[i % len(POSITIONS)]) for i in range(size)]
    member_bulk_create(committee=committee, people=people)
    return start + size


def build_tree(*, grassroots_per_county=4, departments=None, members_per_group=7):
    """Builds the tree and each group's members; returns {code: Committee}."""
    made = {}
    person = 0
    city = committee_create(code=CITY[0], name=CITY[1], kind=CommitteeKind.CITY)
    made[city.code] = city
    person = _with_members(city, members_per_group + 4, person)
    for code, name in COUNTIES:
        county = committee_create(parent=city, code=code, name=name, kind=CommitteeKind.COUNTY)
        made[code] = county
        person = _with_members(county, members_per_group, person)
        place = name.removesuffix("委").removesuffix("区").removesuffix("县").removesuffix("市")
        for suffix, gname in GRASSROOTS_SUFFIXES[:grassroots_per_county]:
            child = committee_create(
                parent=county, code=f"{code}-{suffix}", name=f"{place}{gname}", kind=CommitteeKind.GRASSROOTS
            )
            made[child.code] = child
            person = _with_members(child, max(3, members_per_group - 2), person)
    for code, name in DEPARTMENTS[: departments if departments is not None else len(DEPARTMENTS)]:
        dept = committee_create(parent=city, code=code, name=name, kind=CommitteeKind.DEPARTMENT)
        made[code] = dept
        person = _with_members(dept, max(3, members_per_group - 2), person)
        unit = name.split("党")[0]
        for suffix, gname in DEPARTMENT_GRASSROOTS[:1]:
            child = committee_create(
                parent=dept, code=f"{code}-{suffix}", name=f"{unit}{gname}", kind=CommitteeKind.GRASSROOTS
            )
            made[child.code] = child
            person = _with_members(child, 3, person)
    return made
