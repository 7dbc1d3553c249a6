"""Demo organisation data for the Beijing Education Trade Union (北京市教育工会).

Pure data, no logic: the names of real units, taken first from the union's 2025 work report
(shared/seed/000_166810e936401e84.txt) and then completed with other real Beijing institutions.
Each unit is a ``(code, name, short_name)`` tuple. For universities and hospitals ``name`` is the
institution's own name; the union's name is derived elsewhere as ``name + "工会"``.

Codes are stable identifiers and must never be reused:
``D-`` district education unions, ``U-`` universities, ``H-`` university-affiliated hospitals,
``A-`` units directly affiliated to the education commission, ``P-`` private-school federations,
``C-`` clusters (片组).
"""

from __future__ import annotations

# The municipal union at the root of the tree.
ROOT = ("BJEU", "北京市教育工会", "市教育工会")

# The 17 district education unions (16 districts + 燕山).
DISTRICTS = (
    ("D-DONGCHENG", "东城区教育工会", "东城"),
    ("D-XICHENG", "西城区教育工会", "西城"),
    ("D-CHAOYANG", "朝阳区教育工会", "朝阳"),
    ("D-HAIDIAN", "海淀区教育工会", "海淀"),
    ("D-FENGTAI", "丰台区教育工会", "丰台"),
    ("D-SHIJINGSHAN", "石景山区教育工会", "石景山"),
    ("D-MENTOUGOU", "门头沟区教育工会", "门头沟"),
    ("D-FANGSHAN", "房山区教育工会", "房山"),
    ("D-TONGZHOU", "通州区教育工会", "通州"),
    ("D-SHUNYI", "顺义区教育工会", "顺义"),
    ("D-CHANGPING", "昌平区教育工会", "昌平"),
    ("D-DAXING", "大兴区教育工会", "大兴"),
    ("D-HUAIROU", "怀柔区教育工会", "怀柔"),
    ("D-PINGGU", "平谷区教育工会", "平谷"),
    ("D-MIYUN", "密云区教育工会", "密云"),
    ("D-YANQING", "延庆区教育工会", "延庆"),
    ("D-YANSHAN", "燕山教育工会", "燕山"),
)

# Universities. The first block is every university named in the 2025 work report.
UNIVERSITIES = (
    # --- named in the 2025 work report ---
    ("U-THU", "清华大学", "清华"),
    ("U-PKU", "北京大学", "北大"),
    ("U-RUC", "中国人民大学", "人大"),
    ("U-BNU", "北京师范大学", "北师大"),
    ("U-BUAA", "北京航空航天大学", "北航"),
    ("U-CAU", "中国农业大学", "中国农大"),
    ("U-BJTU", "北京交通大学", "北交大"),
    ("U-USTB", "北京科技大学", "北科大"),
    ("U-CUC", "中国传媒大学", "中传"),
    ("U-BUPT", "北京邮电大学", "北邮"),
    ("U-BIT", "北京理工大学", "北理工"),
    ("U-CUPES", "首都体育学院", "首体"),
    ("U-CUPB", "中国石油大学（北京）", "中石大"),
    ("U-UIBE", "对外经济贸易大学", "贸大"),
    ("U-CUPL", "中国政法大学", "法大"),
    ("U-BUU", "北京联合大学", "北联大"),
    ("U-BVUST", "北京科技职业大学", "科技职大"),
    ("U-CAFA", "中央美术学院", "央美"),
    ("U-BJUT", "北京工业大学", "北工大"),
    ("U-BSU", "北京体育大学", "北体"),
    ("U-BUCEA", "北京建筑大学", "北建大"),
    ("U-NCEPU", "华北电力大学", "华电"),
    ("U-BFSU", "北京外国语大学", "北外"),
    ("U-BUCM", "北京中医药大学", "北中医"),
    ("U-CUMTB", "中国矿业大学（北京）", "矿大"),
    ("U-CUEB", "首都经济贸易大学", "首经贸"),
    ("U-NACTA", "中国戏曲学院", "国戏"),
    ("U-BCU", "北京城市学院", "城市学院"),
    ("U-CWU", "中华女子学院", "女院"),
    # --- other real Beijing universities and colleges ---
    ("U-BIE", "北京教育学院", "北教院"),
    ("U-CNU", "首都师范大学", "首师大"),
    ("U-BJFU", "北京林业大学", "北林"),
    ("U-BUCT", "北京化工大学", "北化"),
    ("U-CUFE", "中央财经大学", "中财"),
    ("U-MUC", "中央民族大学", "民大"),
    ("U-BLCU", "北京语言大学", "北语"),
    ("U-CCMU", "首都医科大学", "首医"),
    ("U-BISU", "北京第二外国语学院", "二外"),
    ("U-BIFT", "北京服装学院", "北服"),
    ("U-BIGC", "北京印刷学院", "北印"),
    ("U-BUA", "北京农学院", "北农"),
    ("U-BIPT", "北京石油化工学院", "北石化"),
    ("U-BWU", "北京物资学院", "物资学院"),
    ("U-BISTU", "北京信息科技大学", "北信科"),
    ("U-BTBU", "北京工商大学", "北工商"),
    ("U-BFA", "北京电影学院", "北影"),
    ("U-BDA", "北京舞蹈学院", "北舞"),
    ("U-CCOM", "中央音乐学院", "央音"),
    ("U-CCMUS", "中国音乐学院", "国音"),
    ("U-CAD", "中央戏剧学院", "中戏"),
    ("U-CFAU", "外交学院", "外交学院"),
    ("U-PPSUC", "中国人民公安大学", "公安大学"),
    ("U-UCAS", "中国科学院大学", "国科大"),
    ("U-UIR", "国际关系学院", "国关"),
    ("U-BJOU", "北京开放大学", "北开大"),
    ("U-BPI", "北京电子科技职业学院", "北电科职"),
    ("U-BPC", "北京警察学院", "警察学院"),
    ("U-BJCZY", "北京财贸职业学院", "财贸职院"),
    ("U-BGY", "北京工业职业技术学院", "北工职"),
    ("U-BVCA", "北京农业职业学院", "农职院"),
    ("U-BIEM", "北京经济管理职业学院", "经管职院"),
    ("U-BVCLSS", "北京劳动保障职业学院", "劳保职院"),
)

# University-affiliated hospitals with their own grassroots unions.
HOSPITALS = (
    ("H-PKUFH", "北京大学第一医院", "北大医院"),
    ("H-PKUPH", "北京大学人民医院", "北大人民医院"),
    ("H-PKUTH", "北京大学第三医院", "北医三院"),
    ("H-PUMCH", "北京协和医院", "协和医院"),
    ("H-PKUSS", "北京大学口腔医院", "北大口腔医院"),
    ("H-BUCMDF", "北京中医药大学东方医院", "东方医院"),
    ("H-PKUSIX", "北京大学第六医院", "北大六院"),
    ("H-PKUCH", "北京大学肿瘤医院", "北大肿瘤医院"),
    ("H-BUCMDZM", "北京中医药大学东直门医院", "东直门医院"),
)

# Units directly affiliated to the Beijing Municipal Education Commission.
AFFILIATED = (
    ("A-BJAES", "北京教育科学研究院", "教科院"),
    ("A-BJEEA", "北京教育考试院", "考试院"),
)

PRIVATE_FEDERATIONS = (
    ("P-MINBAN", "北京市民办学校行业工会联合会", "民办行业工会"),
)

# Six university clusters (高校片组). Every university is in exactly one; hospitals sit with
# their parent university (北京协和医院 with 清华, home of 北京协和医学院).
UNIVERSITY_CLUSTERS = (
    {
        "code": "C-U1",
        "name": "高校第一片组",
        "lead": "U-THU",
        "members": (
            "U-THU", "U-CAU", "U-BJFU", "U-BLCU", "U-CUMTB", "U-CUPB",
            "U-BSU", "U-NCEPU", "U-UCAS", "U-BISTU", "U-BUA",
            "H-PUMCH",
        ),
    },
    {
        "code": "C-U2",
        "name": "高校第二片组",
        "lead": "U-PKU",
        "members": (
            "U-PKU", "U-RUC", "U-MUC", "U-UIR", "U-CUPL", "U-BFA",
            "H-PKUFH", "H-PKUPH", "H-PKUTH", "H-PKUSS", "H-PKUSIX", "H-PKUCH",
        ),
    },
    {
        "code": "C-U3",
        "name": "高校第三片组",
        "lead": "U-BNU",
        "members": (
            "U-BNU", "U-BJTU", "U-BFSU", "U-CFAU", "U-CNU", "U-CCOM",
            "U-NACTA", "U-BIE", "U-CCMU", "U-BDA", "U-PPSUC", "U-CCMUS",
        ),
    },
    {
        "code": "C-U4",
        "name": "高校第四片组",
        "lead": "U-BUAA",
        "members": (
            "U-BUAA", "U-USTB", "U-BUPT", "U-BIT", "U-CUFE", "U-BUCM",
            "U-BUCT", "U-BIFT", "U-BUCEA", "U-BTBU",
            "H-BUCMDF", "H-BUCMDZM",
        ),
    },
    {
        "code": "C-U5",
        "name": "高校第五片组",
        "lead": "U-CUC",
        "members": (
            "U-CUC", "U-UIBE", "U-BJUT", "U-CUEB", "U-BUU", "U-BISU",
            "U-BIGC", "U-BWU", "U-CAFA", "U-CAD", "U-CWU",
        ),
    },
    {
        "code": "C-U6",
        "name": "高校第六片组",
        "lead": "U-BVUST",
        "members": (
            "U-BVUST", "U-BCU", "U-CUPES", "U-BIPT", "U-BJOU", "U-BPI",
            "U-BPC", "U-BJCZY", "U-BGY", "U-BVCA", "U-BIEM", "U-BVCLSS",
        ),
    },
)

# Three district clusters (区教育工会片组), grouped "by nearby geography, combining city and
# suburbs" (地域相近、城郊结合) as the 2025 report describes: each holds a central district and
# the outer districts in the same direction.
DISTRICT_CLUSTERS = (
    {
        "code": "C-D1",
        "name": "区教育工会第一片组",
        "lead": "D-CHAOYANG",
        "members": (
            "D-DONGCHENG", "D-CHAOYANG", "D-TONGZHOU", "D-SHUNYI", "D-PINGGU", "D-MIYUN",
        ),
    },
    {
        "code": "C-D2",
        "name": "区教育工会第二片组",
        "lead": "D-HAIDIAN",
        "members": (
            "D-XICHENG", "D-HAIDIAN", "D-CHANGPING", "D-HUAIROU", "D-YANQING",
        ),
    },
    {
        "code": "C-D3",
        "name": "区教育工会第三片组",
        "lead": "D-FENGTAI",
        "members": (
            "D-FENGTAI", "D-SHIJINGSHAN", "D-MENTOUGOU", "D-FANGSHAN", "D-YANSHAN", "D-DAXING",
        ),
    },
)

# Typical branch unions (分工会) inside a university union.
BRANCH_NAMES = (
    "机关分工会",
    "计算机学院分工会",
    "马克思主义学院分工会",
    "经济管理学院分工会",
    "外国语学院分工会",
    "物理学院分工会",
    "化学学院分工会",
    "图书馆分工会",
    "后勤分工会",
    "校医院分工会",
    "附属中学分工会",
    "附属小学分工会",
)

# Schools under each district education union; they become its branch unions.
DISTRICT_SCHOOLS = {
    "D-DONGCHENG": ("北京市第二中学", "北京市第一七一中学", "北京市东城区史家胡同小学"),
    "D-XICHENG": ("北京市第四中学", "北京师范大学附属实验中学", "北京市西城区实验小学"),
    "D-CHAOYANG": ("北京市陈经纶中学", "北京市第八十中学", "北京市朝阳区实验小学"),
    "D-HAIDIAN": ("北京市海淀区中关村第一小学", "北京市第一〇一中学", "北京市海淀区实验小学"),
    "D-FENGTAI": ("北京市第十二中学", "北京市丰台区第二中学", "北京市丰台第一小学"),
    "D-SHIJINGSHAN": ("北京市第九中学", "北京市京源学校", "北京市石景山区实验小学"),
    "D-MENTOUGOU": ("北京市大峪中学", "北京市门头沟区育园中学", "北京市门头沟区大峪第一小学"),
    "D-FANGSHAN": ("北京市房山区良乡中学", "北京市房山中学", "北京市房山区城关小学"),
    "D-TONGZHOU": ("北京市潞河中学", "北京市通州区运河中学", "北京市通州区后南仓小学"),
    "D-SHUNYI": ("北京市顺义区牛栏山第一中学", "北京市顺义区第一中学", "北京市顺义区西辛小学"),
    "D-CHANGPING": ("北京市昌平区第一中学", "北京市昌平区第二中学", "北京市昌平区城关小学"),
    "D-DAXING": ("北京市大兴区第一中学", "北京市大兴区兴华中学", "北京市大兴区第一小学"),
    "D-HUAIROU": ("北京市怀柔区第一中学", "北京市怀柔区实验小学", "北京市怀柔区第一小学"),
    "D-PINGGU": ("北京市平谷中学", "北京市平谷区第五中学", "北京市平谷区第一小学"),
    "D-MIYUN": ("北京市密云区第二中学", "北京市密云区第三中学", "北京市密云区果园小学"),
    "D-YANQING": ("北京市延庆区第一中学", "北京市延庆区第五中学", "北京市延庆区第一小学"),
    "D-YANSHAN": ("北京市燕山前进中学", "北京市燕山星城中学", "北京市燕山向阳小学"),
}
