"""Reference tables for the demo and benchmark data: the national office, the 31 provincial-level
divisions, the cities (or districts of the municipalities) that own the real ports listed in
`seeding/data/ports.csv`, and fixed name lists for fictional people.

Authority names follow the usual pattern "<division>人民政府口岸办公室" (行政公署 for prefectures
and leagues). They are plausible, not an official register.
"""

from dataclasses import dataclass

NATIONAL = {
    "code": "CN",
    "name": "国家口岸管理办公室",
    "name_en": "National Office of Port Administration",
    "short_name": "国家口岸办",
}


@dataclass(frozen=True)
class Province:
    code: str
    short: str  # as written in ports.csv
    full: str
    name_en: str  # "Guangdong Province", "Beijing Municipality" …

    @property
    def authority_name(self):
        return f"{self.full}人民政府口岸办公室"

    @property
    def authority_name_en(self):
        return f"Port Office of the People's Government of {self.name_en}"

    @property
    def short_name(self):
        return f"{self.short}口岸办"


# 4 municipalities, 22 provinces, 5 autonomous regions; codes are ISO 3166-2:CN's letters.
PROVINCES = (
    Province("BJ", "北京", "北京市", "Beijing Municipality"),
    Province("TJ", "天津", "天津市", "Tianjin Municipality"),
    Province("SH", "上海", "上海市", "Shanghai Municipality"),
    Province("CQ", "重庆", "重庆市", "Chongqing Municipality"),
    Province("HE", "河北", "河北省", "Hebei Province"),
    Province("SX", "山西", "山西省", "Shanxi Province"),
    Province("LN", "辽宁", "辽宁省", "Liaoning Province"),
    Province("JL", "吉林", "吉林省", "Jilin Province"),
    Province("HL", "黑龙江", "黑龙江省", "Heilongjiang Province"),
    Province("JS", "江苏", "江苏省", "Jiangsu Province"),
    Province("ZJ", "浙江", "浙江省", "Zhejiang Province"),
    Province("AH", "安徽", "安徽省", "Anhui Province"),
    Province("FJ", "福建", "福建省", "Fujian Province"),
    Province("JX", "江西", "江西省", "Jiangxi Province"),
    Province("SD", "山东", "山东省", "Shandong Province"),
    Province("HA", "河南", "河南省", "Henan Province"),
    Province("HB", "湖北", "湖北省", "Hubei Province"),
    Province("HN", "湖南", "湖南省", "Hunan Province"),
    Province("GD", "广东", "广东省", "Guangdong Province"),
    Province("HI", "海南", "海南省", "Hainan Province"),
    Province("SC", "四川", "四川省", "Sichuan Province"),
    Province("GZ", "贵州", "贵州省", "Guizhou Province"),
    Province("YN", "云南", "云南省", "Yunnan Province"),
    Province("SN", "陕西", "陕西省", "Shaanxi Province"),
    Province("GS", "甘肃", "甘肃省", "Gansu Province"),
    Province("QH", "青海", "青海省", "Qinghai Province"),
    Province("NM", "内蒙古", "内蒙古自治区", "Inner Mongolia Autonomous Region"),
    Province("GX", "广西", "广西壮族自治区", "Guangxi Zhuang Autonomous Region"),
    Province("XZ", "西藏", "西藏自治区", "Tibet Autonomous Region"),
    Province("NX", "宁夏", "宁夏回族自治区", "Ningxia Hui Autonomous Region"),
    Province("XJ", "新疆", "新疆维吾尔自治区", "Xinjiang Uygur Autonomous Region"),
)
PROVINCE_BY_SHORT = {p.short: p for p in PROVINCES}
PROVINCE_BY_CODE = {p.code: p for p in PROVINCES}

# How the government of a city-level division is called, in Chinese and in English.
CITY = "city"  # 市
DISTRICT = "district"  # 区 of a municipality
PREFECTURE = "prefecture"  # 地区 and 盟: an administrative office, not a people's government
AUTONOMOUS = "autonomous"  # 自治州


@dataclass(frozen=True)
class City:
    province: str
    suffix: str  # the authority code is "<province>-<suffix>"
    full: str
    name_en: str
    kind: str
    ports: tuple
    abbr: str = ""  # the customary short form, where cutting off the suffix does not give it

    @property
    def code(self):
        return f"{self.province}-{self.suffix}"

    @property
    def short(self):
        if self.abbr:
            return self.abbr
        for ending in ("新区", "地区", "市", "区", "盟"):
            if self.full.endswith(ending):
                return self.full[: -len(ending)]
        return self.full

    @property
    def authority_name(self):
        government = "行政公署" if self.kind == PREFECTURE else "人民政府"
        return f"{self.full}{government}口岸办公室"

    @property
    def authority_name_en(self):
        if self.kind == CITY:
            return f"Port Office of the {self.name_en} Municipal People's Government"
        if self.kind == DISTRICT:
            return f"Port Office of the {self.name_en} People's Government"
        if self.kind == PREFECTURE:
            return f"Port Office of the {self.name_en} Administrative Office"
        return f"Port Office of the People's Government of {self.name_en}"

    @property
    def short_name(self):
        return f"{self.short}口岸办"


# Every port of ports.csv, by the city (or municipal district) whose port authority owns it.
CITIES = (
    City("HL", "MDJ", "牡丹江市", "Mudanjiang", CITY, ("绥芬河公路口岸", "绥芬河铁路口岸")),
    City("HL", "JX", "鸡西市", "Jixi", CITY, ("密山公路口岸", "虎林公路口岸")),
    City("HL", "HH", "黑河市", "Heihe", CITY, ("黑河公路口岸", "逊克水运口岸")),
    City(
        "HL",
        "JMS",
        "佳木斯市",
        "Jiamusi",
        CITY,
        ("同江水运口岸", "抚远水运口岸", "富锦水运口岸"),
    ),
    City("HL", "SYS", "双鸭山市", "Shuangyashan", CITY, ("饶河水运口岸",)),
    City("HL", "YC", "伊春市", "Yichun", CITY, ("嘉荫水运口岸",)),
    City("HL", "DXAL", "大兴安岭地区", "Da Hinggan Ling Prefecture", PREFECTURE, ("漠河水运口岸",)),
    City(
        "JL",
        "YB",
        "延边朝鲜族自治州",
        "Yanbian Korean Autonomous Prefecture",
        AUTONOMOUS,
        (
            "珲春公路口岸",
            "珲春铁路口岸",
            "图们公路口岸",
            "图们铁路口岸",
            "开山屯公路口岸",
            "三合公路口岸",
        ),
        "延边",
    ),
    City("JL", "BS", "白山市", "Baishan", CITY, ("长白公路口岸", "临江公路口岸")),
    City("JL", "CC", "长春市", "Changchun", CITY, ("长春航空口岸",)),
    City("LN", "DD", "丹东市", "Dandong", CITY, ("丹东公路口岸",)),
    City("LN", "DL", "大连市", "Dalian", CITY, ("大连水运口岸", "大连航空口岸")),
    City("LN", "YK", "营口市", "Yingkou", CITY, ("营口水运口岸",)),
    City(
        "NM",
        "HLBE",
        "呼伦贝尔市",
        "Hulunbuir",
        CITY,
        (
            "满洲里铁路口岸",
            "满洲里航空口岸",
            "额布都格公路口岸",
            "黑山头公路口岸",
            "海拉尔航空口岸",
        ),
    ),
    City(
        "NM",
        "XLGL",
        "锡林郭勒盟",
        "Xilingol League",
        PREFECTURE,
        ("二连浩特铁路口岸", "珠恩嘎达布其公路口岸"),
    ),
    City("NM", "ALS", "阿拉善盟", "Alxa League", PREFECTURE, ("策克公路口岸",)),
    City("NM", "BYNE", "巴彦淖尔市", "Bayannur", CITY, ("甘其毛都公路口岸",)),
    City("NM", "XA", "兴安盟", "Hinggan League", PREFECTURE, ("阿尔山公路口岸",)),
    City("NM", "HHHT", "呼和浩特市", "Hohhot", CITY, ("呼和浩特航空口岸",)),
    City(
        "XJ",
        "YL",
        "伊犁哈萨克自治州",
        "Ili Kazakh Autonomous Prefecture",
        AUTONOMOUS,
        ("霍尔果斯铁路口岸", "都拉塔公路口岸"),
        "伊犁",
    ),
    City(
        "XJ",
        "BZ",
        "博尔塔拉蒙古自治州",
        "Bortala Mongol Autonomous Prefecture",
        AUTONOMOUS,
        ("阿拉山口铁路口岸",),
        "博州",
    ),
    City("XJ", "TC", "塔城地区", "Tacheng Prefecture", PREFECTURE, ("巴克图公路口岸",)),
    City(
        "XJ",
        "ALT",
        "阿勒泰地区",
        "Altay Prefecture",
        PREFECTURE,
        ("吉木乃公路口岸", "塔克什肯公路口岸", "阿黑土别克公路口岸"),
    ),
    City(
        "XJ",
        "KZ",
        "克孜勒苏柯尔克孜自治州",
        "Kizilsu Kirghiz Autonomous Prefecture",
        AUTONOMOUS,
        ("伊尔克什坦公路口岸", "吐尔尕特公路口岸"),
        "克州",
    ),
    City("XJ", "AKS", "阿克苏地区", "Aksu Prefecture", PREFECTURE, ("木扎尔特公路口岸",)),
    City("XJ", "HM", "哈密市", "Hami", CITY, ("老爷庙公路口岸",)),
    City("XJ", "WLMQ", "乌鲁木齐市", "Urumqi", CITY, ("乌鲁木齐航空口岸",)),
    City("GS", "LZ", "兰州市", "Lanzhou", CITY, ("兰州航空口岸",)),
    City("XZ", "RKZ", "日喀则市", "Xigaze", CITY, ("樟木公路口岸", "里孜公路口岸")),
    City("XZ", "AL", "阿里地区", "Ngari Prefecture", PREFECTURE, ("普兰公路口岸",)),
    City(
        "YN",
        "DH",
        "德宏傣族景颇族自治州",
        "Dehong Dai and Jingpo Autonomous Prefecture",
        AUTONOMOUS,
        ("瑞丽公路口岸", "畹町公路口岸"),
        "德宏",
    ),
    City(
        "YN",
        "HH",
        "红河哈尼族彝族自治州",
        "Honghe Hani and Yi Autonomous Prefecture",
        AUTONOMOUS,
        ("河口铁路口岸",),
        "红河",
    ),
    City(
        "YN",
        "XSBN",
        "西双版纳傣族自治州",
        "Xishuangbanna Dai Autonomous Prefecture",
        AUTONOMOUS,
        ("磨憨公路口岸", "打洛公路口岸", "景洪水运口岸"),
        "西双版纳",
    ),
    City(
        "YN",
        "WS",
        "文山壮族苗族自治州",
        "Wenshan Zhuang and Miao Autonomous Prefecture",
        AUTONOMOUS,
        ("天保公路口岸",),
        "文山",
    ),
    City("YN", "LC", "临沧市", "Lincang", CITY, ("孟定清水河公路口岸",)),
    City("YN", "BS", "保山市", "Baoshan", CITY, ("腾冲猴桥公路口岸",)),
    City("GX", "FCG", "防城港市", "Fangchenggang", CITY, ("东兴公路口岸", "峒中公路口岸")),
    City(
        "GX",
        "CZ",
        "崇左市",
        "Chongzuo",
        CITY,
        ("凭祥铁路口岸", "水口公路口岸", "爱店公路口岸"),
    ),
    City("GX", "BS", "百色市", "Baise", CITY, ("岳圩公路口岸", "平孟公路口岸")),
    City("GX", "QZ", "钦州市", "Qinzhou", CITY, ("钦州水运口岸",)),
    City("GX", "BH", "北海市", "Beihai", CITY, ("北海水运口岸",)),
    City("GX", "GL", "桂林市", "Guilin", CITY, ("桂林航空口岸",)),
    City(
        "GD",
        "SZ",
        "深圳市",
        "Shenzhen",
        CITY,
        (
            "罗湖口岸",
            "文锦渡公路口岸",
            "沙头角公路口岸",
            "福田口岸",
            "莲塘公路口岸",
            "盐田水运口岸",
            "深圳航空口岸",
        ),
    ),
    City("GD", "ZH", "珠海市", "Zhuhai", CITY, ("港珠澳大桥珠海公路口岸", "横琴公路口岸")),
    City("GD", "GZ", "广州市", "Guangzhou", CITY, ("广州航空口岸", "广州水运口岸")),
    City("GD", "ZJ", "湛江市", "Zhanjiang", CITY, ("湛江水运口岸",)),
    City("GD", "ST", "汕头市", "Shantou", CITY, ("汕头水运口岸",)),
    City("FJ", "XM", "厦门市", "Xiamen", CITY, ("厦门水运口岸", "厦门航空口岸")),
    City("FJ", "FZ", "福州市", "Fuzhou", CITY, ("福州航空口岸",)),
    City("ZJ", "NB", "宁波市", "Ningbo", CITY, ("宁波舟山水运口岸",)),
    City("ZJ", "WZ", "温州市", "Wenzhou", CITY, ("温州水运口岸",)),
    City("SH", "PD", "浦东新区", "Pudong New Area", DISTRICT, ("上海水运口岸",)),
    City("SH", "MH", "闵行区", "Minhang District", DISTRICT, ("上海虹桥航空口岸",)),
    City("JS", "NJ", "南京市", "Nanjing", CITY, ("南京航空口岸",)),
    City("JS", "SZ", "苏州市", "Suzhou", CITY, ("常熟水运口岸", "张家港水运口岸")),
    City("SD", "QD", "青岛市", "Qingdao", CITY, ("青岛水运口岸", "青岛航空口岸")),
    City("SD", "YT", "烟台市", "Yantai", CITY, ("烟台水运口岸",)),
    City("BJ", "SY", "顺义区", "Shunyi District", DISTRICT, ("北京首都国际机场航空口岸",)),
    City("BJ", "DC", "东城区", "Dongcheng District", DISTRICT, ("北京铁路口岸",)),
    City("TJ", "BH", "滨海新区", "Binhai New Area", DISTRICT, ("天津水运口岸",)),
    City("TJ", "DL", "东丽区", "Dongli District", DISTRICT, ("天津航空口岸",)),
    City("HE", "QHD", "秦皇岛市", "Qinhuangdao", CITY, ("秦皇岛水运口岸",)),
    City("HE", "SJZ", "石家庄市", "Shijiazhuang", CITY, ("石家庄航空口岸",)),
    City("HA", "LY", "洛阳市", "Luoyang", CITY, ("洛阳航空口岸",)),
    City("HB", "WH", "武汉市", "Wuhan", CITY, ("武汉航空口岸", "武汉水运口岸")),
    City("HB", "YC", "宜昌市", "Yichang", CITY, ("宜昌航空口岸",)),
    City("HN", "CS", "长沙市", "Changsha", CITY, ("长沙航空口岸",)),
    City("JX", "JJ", "九江市", "Jiujiang", CITY, ("九江水运口岸",)),
    City("JX", "NC", "南昌市", "Nanchang", CITY, ("南昌航空口岸",)),
    City("AH", "AQ", "安庆市", "Anqing", CITY, ("安庆水运口岸",)),
    City("AH", "HF", "合肥市", "Hefei", CITY, ("合肥航空口岸",)),
    City("CQ", "JB", "江北区", "Jiangbei District", DISTRICT, ("重庆水运口岸",)),
    City("SC", "CD", "成都市", "Chengdu", CITY, ("成都航空口岸",)),
    City("GZ", "GY", "贵阳市", "Guiyang", CITY, ("贵阳航空口岸",)),
    City("SX", "TY", "太原市", "Taiyuan", CITY, ("太原航空口岸",)),
    City("QH", "XN", "西宁市", "Xining", CITY, ("西宁航空口岸",)),
    City("HI", "HK", "海口市", "Haikou", CITY, ("海口航空口岸", "海口水运口岸")),
    City("HI", "DZ", "儋州市", "Danzhou", CITY, ("洋浦水运口岸",)),
)
CITY_BY_PORT = {port: city for city in CITIES for port in city.ports}

# Northern river and mountain-pass ports that close in winter: months they are open.
SEASONAL_MONTHS = {
    "同江水运口岸": range(5, 12),
    "抚远水运口岸": range(5, 12),
    "饶河水运口岸": range(5, 12),
    "嘉荫水运口岸": range(5, 12),
    "逊克水运口岸": range(5, 12),
    "漠河水运口岸": range(6, 11),
    "富锦水运口岸": range(5, 12),
    "阿尔山公路口岸": range(4, 11),
    "黑山头公路口岸": range(5, 11),
    "阿黑土别克公路口岸": range(5, 11),
    "木扎尔特公路口岸": range(6, 10),
    "普兰公路口岸": range(6, 12),
    "里孜公路口岸": range(6, 11),
}
SUSPENDED = {"樟木公路口岸"}
SECOND_CLASS = {"峒中公路口岸", "岳圩公路口岸", "爱店公路口岸", "开山屯公路口岸", "三合公路口岸"}

# Minority nationalities that demo people of a province may belong to (most are 汉族).
REGIONAL_ETHNICITY = {
    "NM": "蒙古族",
    "JL": "朝鲜族",
    "GX": "壮族",
    "YN": "傣族",
    "XJ": "回族",
    "HI": "黎族",
    "XZ": "藏族",
    "NX": "回族",
}

# Common surnames and given-name characters with their pinyin; people are drawn from these
# with a seeded random generator, so every run produces the same fictional staff.
SURNAMES = (
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
    ("高", "Gao"),
    ("罗", "Luo"),
    ("郑", "Zheng"),
    ("梁", "Liang"),
    ("谢", "Xie"),
    ("宋", "Song"),
    ("唐", "Tang"),
    ("许", "Xu"),
    ("韩", "Han"),
    ("冯", "Feng"),
    ("邓", "Deng"),
    ("曹", "Cao"),
    ("彭", "Peng"),
    ("曾", "Zeng"),
    ("肖", "Xiao"),
    ("田", "Tian"),
    ("董", "Dong"),
    ("潘", "Pan"),
    ("袁", "Yuan"),
    ("蔡", "Cai"),
    ("蒋", "Jiang"),
    ("余", "Yu"),
)
GIVEN_MALE = (
    ("伟", "wei"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("勇", "yong"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("斌", "bin"),
    ("建", "jian"),
    ("国", "guo"),
    ("志", "zhi"),
    ("明", "ming"),
    ("海", "hai"),
    ("东", "dong"),
    ("峰", "feng"),
    ("刚", "gang"),
    ("辉", "hui"),
    ("鹏", "peng"),
    ("宇", "yu"),
    ("文", "wen"),
)
GIVEN_FEMALE = (
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("艳", "yan"),
    ("娟", "juan"),
    ("霞", "xia"),
    ("婷", "ting"),
    ("雪", "xue"),
    ("玲", "ling"),
    ("慧", "hui"),
    ("佳", "jia"),
    ("琳", "lin"),
    ("颖", "ying"),
    ("倩", "qian"),
    ("洁", "jie"),
    ("红", "hong"),
    ("燕", "yan"),
    ("梅", "mei"),
)
