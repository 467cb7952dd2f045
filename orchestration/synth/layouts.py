"""Place names, departments, prose and the four text layouts of the synthetic reports.

`orchestration.synth.generator` decides *what* a report says (agency, year, figures,
planted errors); this module decides *how it looks*.  Each layout imitates
one real seed file in /work/shared/seeds closely, quirks included, because
the parser must meet exactly those shapes:

* ``pipe``    - seed 001: cleaned text, ASCII punctuation, table rows joined by
  " | " with the converter's trailing "|" padding for missing cells.
* ``tab``     - seed 002: raw text with full-width punctuation, tab-separated
  cells, split labels ("(五) 不予 处理"), misaligned rows, signature + date.
* ``cells``   - seed 000: one cell per line, headers broken across lines
  ("本年新\\n制作数量"), NBSP padding, site chrome with "时间:YYYY-MM-DD".
* ``summary`` - seed 003: a 政务公开工作总结 without tables, figures in prose.

The web-page layouts reuse the prose and table labels defined here:
``html`` (orchestration.synth.html) and ``crawler`` (orchestration.synth.crawler).

Prose is written once as templates in the cleaned-text convention (ASCII
punctuation); the tab layout converts its literals to full-width at compile
time.  Templates carry three kinds of slots, all compiled once:

* ``{name}``            a context string (agency, year, ...);
* ``[unit:lo-hi:mod]``  a random figure stated in prose (recorded as truth);
* ``<metric.key|unit>`` a table value restated in prose (recorded with its metric).

Every figure a template prints is recorded, in document order, so the truth
file lists exactly the figures of the body text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from transforms import codes

# ---------------------------------------------------------------------------
# Places: real provinces, prefectures and county-level divisions.
# ---------------------------------------------------------------------------

# province -> (url code, {prefecture: "county county ..."})
PLACES: dict[str, tuple[str, dict[str, str]]] = {
    "河北省": ("hebei", {
        "石家庄市": "长安区 桥西区 新华区 裕华区 藁城区 鹿泉区 栾城区 井陉县 正定县 行唐县 灵寿县 高邑县 深泽县 "
                   "赞皇县 无极县 平山县 元氏县 赵县 辛集市 晋州市 新乐市",
        "邢台市": "襄都区 信都区 任泽区 南和区 临城县 内丘县 柏乡县 隆尧县 宁晋县 巨鹿县 新河县 广宗县 平乡县 威县 "
                 "清河县 临西县 南宫市 沙河市",
        "承德市": "双桥区 双滦区 承德县 兴隆县 滦平县 隆化县 丰宁满族自治县 宽城满族自治县 围场满族蒙古族自治县 平泉市",
        "保定市": "竞秀区 莲池区 满城区 清苑区 徐水区 涞水县 阜平县 定兴县 唐县 高阳县 容城县 涞源县 望都县 安新县 "
                 "易县 曲阳县 蠡县 顺平县 博野县 雄县 涿州市 定州市 安国市 高碑店市",
    }),
    "山西省": ("shanxi", {
        "吕梁市": "离石区 文水县 交城县 兴县 临县 柳林县 石楼县 岚县 方山县 中阳县 交口县 孝义市 汾阳市",
        "晋中市": "榆次区 太谷区 榆社县 左权县 和顺县 昔阳县 寿阳县 祁县 平遥县 灵石县 介休市",
        "长治市": "潞州区 上党区 屯留区 潞城区 襄垣县 平顺县 黎城县 壶关县 长子县 武乡县 沁县 沁源县",
        "运城市": "盐湖区 临猗县 万荣县 闻喜县 稷山县 新绛县 绛县 垣曲县 夏县 平陆县 芮城县 永济市 河津市",
    }),
    "内蒙古自治区": ("nmg", {
        "乌海市": "海勃湾区 海南区 乌达区",
        "赤峰市": "红山区 元宝山区 松山区 阿鲁科尔沁旗 巴林左旗 巴林右旗 林西县 克什克腾旗 翁牛特旗 喀喇沁旗 宁城县 敖汉旗",
        "包头市": "东河区 昆都仑区 青山区 石拐区 九原区 土默特右旗 固阳县 达尔罕茂明安联合旗",
    }),
    "黑龙江省": ("hlj", {
        "哈尔滨市": "道里区 南岗区 道外区 平房区 松北区 香坊区 呼兰区 阿城区 双城区 依兰县 方正县 宾县 巴彦县 木兰县 "
                   "通河县 延寿县 尚志市 五常市",
        "佳木斯市": "向阳区 前进区 东风区 郊区 桦南县 桦川县 汤原县 同江市 富锦市 抚远市",
    }),
    "江苏省": ("jiangsu", {
        "淮安市": "清江浦区 淮安区 淮阴区 洪泽区 涟水县 盱眙县 金湖县",
        "宿迁市": "宿城区 宿豫区 沭阳县 泗阳县 泗洪县",
        "苏州市": "姑苏区 虎丘区 吴中区 相城区 吴江区 常熟市 张家港市 昆山市 太仓市",
        "徐州市": "鼓楼区 云龙区 贾汪区 泉山区 铜山区 丰县 沛县 睢宁县 新沂市 邳州市",
    }),
    "浙江省": ("zj", {
        "湖州市": "吴兴区 南浔区 德清县 长兴县 安吉县",
        "金华市": "婺城区 金东区 武义县 浦江县 磐安县 兰溪市 义乌市 东阳市 永康市",
        "台州市": "椒江区 黄岩区 路桥区 三门县 天台县 仙居县 温岭市 临海市 玉环市",
    }),
    "安徽省": ("ah", {
        "六安市": "金安区 裕安区 叶集区 霍邱县 舒城县 金寨县 霍山县",
        "宣城市": "宣州区 郎溪县 泾县 绩溪县 旌德县 宁国市 广德市",
        "滁州市": "琅琊区 南谯区 来安县 全椒县 定远县 凤阳县 天长市 明光市",
        "安庆市": "迎江区 大观区 宜秀区 怀宁县 太湖县 宿松县 望江县 岳西县 桐城市 潜山市",
    }),
    "福建省": ("fujian", {
        "三明市": "三元区 沙县区 明溪县 清流县 宁化县 大田县 尤溪县 将乐县 泰宁县 建宁县 永安市",
        "莆田市": "城厢区 涵江区 荔城区 秀屿区 仙游县",
        "宁德市": "蕉城区 霞浦县 古田县 屏南县 寿宁县 周宁县 柘荣县 福安市 福鼎市",
    }),
    "江西省": ("jiangxi", {
        "赣州市": "章贡区 南康区 赣县区 信丰县 大余县 上犹县 崇义县 安远县 定南县 全南县 宁都县 于都县 兴国县 "
                 "会昌县 寻乌县 石城县 瑞金市 龙南市",
    }),
    "山东省": ("shandong", {
        "潍坊市": "潍城区 寒亭区 坊子区 奎文区 临朐县 昌乐县 青州市 诸城市 寿光市 安丘市 高密市 昌邑市",
        "威海市": "环翠区 文登区 荣成市 乳山市",
        "泰安市": "泰山区 岱岳区 宁阳县 东平县 新泰市 肥城市",
    }),
    "河南省": ("henan", {
        "洛阳市": "老城区 西工区 涧西区 偃师区 孟津区 洛龙区 新安县 栾川县 嵩县 汝阳县 宜阳县 洛宁县 伊川县",
        "信阳市": "浉河区 平桥区 罗山县 光山县 新县 商城县 固始县 潢川县 淮滨县 息县",
    }),
    "湖北省": ("hubei", {
        "宜昌市": "西陵区 伍家岗区 点军区 猇亭区 夷陵区 远安县 兴山县 秭归县 长阳土家族自治县 五峰土家族自治县 "
                 "宜都市 当阳市 枝江市",
        "襄阳市": "襄城区 樊城区 襄州区 南漳县 谷城县 保康县 老河口市 枣阳市 宜城市",
    }),
    "湖南省": ("hunan", {
        "怀化市": "鹤城区 中方县 沅陵县 辰溪县 溆浦县 会同县 麻阳苗族自治县 新晃侗族自治县 芷江侗族自治县 "
                 "靖州苗族侗族自治县 通道侗族自治县 洪江市",
        "岳阳市": "岳阳楼区 云溪区 君山区 岳阳县 华容县 湘阴县 平江县 汨罗市 临湘市",
        "永州市": "零陵区 冷水滩区 东安县 双牌县 道县 江永县 宁远县 蓝山县 新田县 江华瑶族自治县 祁阳市",
        "长沙市": "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区 长沙县 浏阳市 宁乡市",
    }),
    "广东省": ("gd", {
        "韶关市": "武江区 浈江区 曲江区 始兴县 仁化县 翁源县 乳源瑶族自治县 新丰县 乐昌市 南雄市",
        "梅州市": "梅江区 梅县区 大埔县 丰顺县 五华县 平远县 蕉岭县 兴宁市",
    }),
    "广西壮族自治区": ("gxzf", {
        "柳州市": "城中区 鱼峰区 柳南区 柳北区 柳江区 柳城县 鹿寨县 融安县 融水苗族自治县 三江侗族自治县",
        "桂林市": "秀峰区 叠彩区 象山区 七星区 雁山区 临桂区 阳朔县 灵川县 全州县 兴安县 永福县 灌阳县 "
                 "龙胜各族自治县 资源县 平乐县 恭城瑶族自治县 荔浦市",
    }),
    "四川省": ("sc", {
        "绵阳市": "涪城区 游仙区 安州区 三台县 盐亭县 梓潼县 北川羌族自治县 平武县 江油市",
        "南充市": "顺庆区 高坪区 嘉陵区 南部县 营山县 蓬安县 仪陇县 西充县 阆中市",
        "阿坝藏族羌族自治州": "马尔康市 汶川县 理县 茂县 松潘县 九寨沟县 金川县 小金县 黑水县 壤塘县 阿坝县 "
                           "若尔盖县 红原县",
    }),
    "贵州省": ("guizhou", {
        "遵义市": "红花岗区 汇川区 播州区 桐梓县 绥阳县 正安县 道真仡佬族苗族自治县 务川仡佬族苗族自治县 凤冈县 "
                 "湄潭县 余庆县 习水县 赤水市 仁怀市",
    }),
    "云南省": ("yn", {
        "曲靖市": "麒麟区 沾益区 马龙区 陆良县 师宗县 罗平县 富源县 会泽县 宣威市",
        "大理白族自治州": "大理市 漾濞彝族自治县 祥云县 宾川县 弥渡县 南涧彝族自治县 巍山彝族回族自治县 永平县 "
                       "云龙县 洱源县 剑川县 鹤庆县",
    }),
    "陕西省": ("shaanxi", {
        "咸阳市": "秦都区 杨陵区 渭城区 三原县 泾阳县 乾县 礼泉县 永寿县 长武县 旬邑县 淳化县 武功县 兴平市 彬州市",
        "榆林市": "榆阳区 横山区 府谷县 靖边县 定边县 绥德县 米脂县 佳县 吴堡县 清涧县 子洲县 神木市",
    }),
    "甘肃省": ("gansu", {
        "定西市": "安定区 通渭县 陇西县 渭源县 临洮县 漳县 岷县",
        "天水市": "秦州区 麦积区 清水县 秦安县 甘谷县 武山县 张家川回族自治县",
    }),
    "青海省": ("qinghai", {
        "海西蒙古族藏族自治州": "格尔木市 德令哈市 茫崖市 乌兰县 都兰县 天峻县",
        "海东市": "乐都区 平安区 民和回族土族自治县 互助土族自治县 化隆回族自治县 循化撒拉族自治县",
    }),
}

# Townships and sub-districts that exist (county-level name + township name).
TOWNSHIPS: tuple[str, ...] = (
    "五常市民意乡", "隆尧县隆尧镇", "正定县正定镇", "昆山市周庄镇", "昆山市千灯镇", "昆山市锦溪镇",
    "昆山市张浦镇", "义乌市佛堂镇", "义乌市苏溪镇", "安吉县孝丰镇", "安吉县天荒坪镇", "长兴县泗安镇",
    "浏阳市大瑶镇", "浏阳市官渡镇", "青州市弥河镇", "仁怀市茅台镇", "凤阳县小溪河镇", "宁国市港口镇",
    "青州市王府街道", "沭阳县沭城街道",
)

# Departments: key, county name, prefecture name, province name (None = not at that level),
# field, focus areas, profile (requests, licensing, punishment, coercion decisions per year at
# county level; fee income in 万元; rule-making body).
DEPARTMENTS: tuple[tuple, ...] = (
    ("edu", "教育局", "教育局", "教育厅", "教育", "招生入学、学生资助、教育收费、校外培训治理", (3, 40, 2, 0, 60)),
    ("civ", "民政局", "民政局", "民政厅", "民政", "最低生活保障、特困人员供养、养老服务、社会组织管理", (4, 30, 3, 0, 0)),
    ("fin", "财政局", "财政局", "财政厅", "财政", "预决算公开、政府债务、惠民惠农补贴资金发放", (5, 5, 2, 0, 10)),
    ("hrss", "人力资源和社会保障局", "人力资源和社会保障局", "人力资源和社会保障厅", "人力资源社会保障",
     "就业创业、社会保险、劳动保障监察、人事考试", (6, 120, 10, 0, 20)),
    ("nr", "自然资源局", "自然资源和规划局", "自然资源厅", "自然资源", "征地信息、国土空间规划、不动产登记、矿产资源管理",
     (25, 600, 40, 5, 300)),
    ("hous", "住房和城乡建设局", "住房和城乡建设局", "住房和城乡建设厅", "住房城乡建设",
     "保障性住房、城镇老旧小区改造、建筑市场监管、房屋征收", (12, 400, 30, 2, 80)),
    ("tran", "交通运输局", "交通运输局", "交通运输厅", "交通运输", "重点交通项目建设、道路运输管理、农村公路建设",
     (4, 900, 300, 20, 40)),
    ("water", "水利局", "水利局", "水利厅", "水利", "河湖长制、水资源管理、防汛抗旱、水利工程建设", (3, 60, 8, 1, 30)),
    ("agri", "农业农村局", "农业农村局", "农业农村厅", "农业农村", "惠农补贴、高标准农田建设、农产品质量安全、乡村振兴",
     (4, 150, 15, 1, 5)),
    ("health", "卫生健康局", "卫生健康委员会", "卫生健康委员会", "卫生健康", "医疗卫生服务、公共卫生、疾病预防控制、医疗机构监管",
     (6, 700, 60, 2, 5)),
    ("samr", "市场监督管理局", "市场监督管理局", "市场监督管理局", "市场监管", "食品安全抽检、“双随机、一公开”、产品质量监督",
     (10, 4000, 200, 30, 15)),
    ("eco", None, "生态环境局", "生态环境厅", "生态环境", "环境影响评价、环境质量、污染防治、环境行政处罚", (8, 80, 25, 5, 0)),
    ("audit", "审计局", "审计局", "审计厅", "审计", "审计结果公告、审计整改情况", (1, 0, 0, 0, 0)),
    ("stat", "统计局", "统计局", "统计局", "统计", "统计数据发布、统计公报、统计执法", (2, 0, 2, 0, 0)),
    ("just", "司法局", "司法局", "司法厅", "司法行政", "法律援助、公共法律服务、行政执法监督、人民调解", (2, 30, 1, 0, 0)),
    ("emg", "应急管理局", "应急管理局", "应急管理厅", "应急管理", "安全生产、防灾减灾、应急救援", (3, 60, 40, 3, 0)),
    ("cult", "文化和旅游局", "文化广电和旅游局", "文化和旅游厅", "文化旅游", "公共文化服务、旅游市场监管、文物保护",
     (2, 80, 12, 0, 5)),
    ("med", "医疗保障局", "医疗保障局", "医疗保障局", "医疗保障", "医保基金监管、医保待遇政策、药品集中带量采购",
     (3, 20, 15, 0, 0)),
    ("vet", "退役军人事务局", "退役军人事务局", "退役军人事务厅", "退役军人事务", "优抚安置、退役军人就业创业、褒扬纪念",
     (3, 0, 0, 0, 0)),
    ("com", "商务局", "商务局", "商务厅", "商务", "招商引资、对外贸易、消费促进、成品油市场管理", (2, 50, 3, 0, 0)),
    ("drc", "发展和改革局", "发展和改革委员会", "发展和改革委员会", "发展改革", "重大项目建设、价格管理、粮食和物资储备",
     (4, 120, 5, 0, 10)),
    ("pol", "公安局", "公安局", "公安厅", "公安", "户政管理、出入境管理、交通管理、治安管理", (8, 3000, 2500, 150, 200)),
    ("xf", "信访局", "信访局", "信访局", "信访", "信访事项办理、信访工作制度", (2, 0, 0, 0, 0)),
    ("forest", "林业局", "林业局", "林业局", "林业", "林长制、森林防火、林木采伐许可", (2, 120, 10, 1, 5)),
    ("it", "工业和信息化局", "工业和信息化局", "工业和信息化厅", "工业和信息化", "产业政策、企业服务、中小企业发展",
     (1, 10, 1, 0, 0)),
    ("sci", "科学技术局", "科学技术局", "科学技术厅", "科技", "科技项目、科技成果转化、高新技术企业认定", (1, 10, 0, 0, 0)),
    ("city", "城市管理局", "城市管理局", None, "城市管理", "市容环境卫生、城市管理综合执法、市政设施管理",
     (4, 200, 150, 10, 20)),
    ("gov", "人民政府", "人民政府", "人民政府", "政务", "重大行政决策、财政预决算、重点项目、民生实事",
     (30, 0, 0, 0, 0)),
    ("govo", "人民政府办公室", "人民政府办公室", "人民政府办公厅", "政务", "政府常务会议、政策文件、重大决策部署",
     (8, 0, 0, 0, 0)),
)

LEVEL_SCALE = {"township": 0.25, "county": 1.0, "prefecture": 3.5, "province": 12.0}


@dataclass(frozen=True)
class Agency:
    """One reporting body.  `short` is how its own prose names it (县民政局)."""

    name: str  # 隆尧县民政局
    dept: str  # the part after the place: 民政局, 生态环境局隆尧分局
    region: str  # 隆尧县, 淮安市洪泽区, 安徽省
    level: str  # codes.ADMIN_LEVELS
    province: str
    prov_code: str
    city: str  # the place whose 政务公开工作要点 it follows
    dept_key: str
    field: str
    area: str
    profile: tuple
    short: str
    we: str  # 我局 / 我委 / 我办 / 我县 ...
    superior: str  # 县委、县政府 ...
    rshort: str  # 隆尧, 乌海: for slogans and document numbers


_PLACE_SUFFIXES = ("自治区", "自治州", "自治县", "街道", "省", "市", "县", "区", "旗", "乡", "镇", "州")


def _rshort(local: str) -> str:
    """隆尧县 -> 隆尧; 大理白族自治州 -> 大理; 内蒙古自治区 -> 内蒙古; 赵县 -> 赵县 (never one character)."""
    if "族" in local:
        return local[:2]
    for suf in _PLACE_SUFFIXES:
        if local.endswith(suf) and len(local) - len(suf) >= 2:
            return local[: -len(suf)]
    return local


def _level_char(local: str, level: str) -> str:
    if level == "province":
        return "自治区" if local.endswith("自治区") else "省"
    if local.endswith("自治州"):
        return "州"
    if local.endswith("街道"):
        return "街道"
    for ch in ("旗", "乡", "镇", "县", "区", "市"):
        if local.endswith(ch):
            return ch
    return "市"


def _make(dept_name: str, region: str, local: str, level: str, province: str, city: str, dept: tuple,
          *, name: str | None = None, short: str | None = None, parent_lc: str | None = None) -> Agency:
    lc = _level_char(local, level)
    short_dept = {"人民政府": "政府", "人民政府办公室": "政府办", "人民政府办公厅": "政府办公厅"}.get(dept_name, dept_name)
    if dept_name in ("人民政府", "办事处"):
        we = "我" + lc if len(lc) == 1 else "本" + lc
    elif dept_name.endswith(("办公室", "办公厅")):
        we = "我办"
    elif dept_name.endswith("委员会"):
        we = "我委"
    else:
        we = "我" + dept_name[-1]
    if level == "province":
        superior = "自治区党委、政府" if lc == "自治区" else "省委、省政府"
    else:
        up = parent_lc or lc
        superior = f"{up}委、{up}政府"
    return Agency(
        name=name or region + dept_name,
        dept=dept_name,
        region=region,
        level=level,
        province=province,
        prov_code=PLACES[province][0],
        city=city,
        dept_key=dept[0],
        field=dept[4],
        area=dept[5],
        profile=dept[6],
        short=short or lc + short_dept,
        we=we,
        superior=superior,
        rshort=_rshort(local),
    )


def _dept(key: str) -> tuple:
    return next(d for d in DEPARTMENTS if d[0] == key)


@dataclass(frozen=True)
class AgencySpec:
    """What `make_agency` needs; cheap to build for the whole pool (the seed shuffles these)."""

    dept_name: str
    region: str
    local: str  # the place's own name, without its parent (洪泽区)
    level: str
    province: str
    city: str
    dept: tuple
    name: str | None = None
    short: str | None = None
    parent_lc: str | None = None

    @property
    def is_government(self) -> bool:
        return self.dept[0] in ("gov", "govo")


def agency_specs() -> list[AgencySpec]:
    """Every agency the generator may use, in a fixed order."""
    out: list[AgencySpec] = []
    eco, gov = _dept("eco"), _dept("gov")
    for province, (_code, prefs) in PLACES.items():
        for dept in DEPARTMENTS:
            if dept[3]:
                out.append(AgencySpec(dept[3], province, province, "province", province, province, dept))
        for pref, counties in prefs.items():
            for dept in DEPARTMENTS:
                if dept[2]:
                    out.append(AgencySpec(dept[2], pref, pref, "prefecture", province, pref, dept))
            for county in counties.split():
                # districts carry their city's name (淮安市洪泽区); counties and county-level cities do not
                region = pref + county if county.endswith("区") else county
                for dept in DEPARTMENTS:
                    if dept[1]:
                        out.append(AgencySpec(dept[1], region, county, "county", province, region, dept))
                # the prefecture bureau's county branch (邢台市生态环境局隆尧分局), a body of its own
                branch = f"生态环境局{_rshort(county)}分局"
                out.append(AgencySpec(branch, region, county, "county", province, pref, eco,
                                      name=pref + branch, short=f"{_rshort(county)}分局"))
    for town in TOWNSHIPS:
        for province, (_code, prefs) in PLACES.items():
            hit = [(p, c) for p, cs in prefs.items() for c in cs.split() if town.startswith(c)]
            if hit:
                pref, county = hit[0]
                break
        dept_name = "办事处" if town.endswith("街道") else "人民政府"
        out.append(AgencySpec(dept_name, town, town[len(county):], "township", province, county, gov,
                              parent_lc=_level_char(county, "county")))
    return out


def make_agency(spec: AgencySpec) -> Agency:
    return _make(spec.dept_name, spec.region, spec.local, spec.level, spec.province, spec.city, spec.dept,
                 name=spec.name, short=spec.short, parent_lc=spec.parent_lc)


def agency_pool() -> list[Agency]:
    """Every agency, fully built (slow-ish: the generator builds only those it uses)."""
    return [make_agency(s) for s in agency_specs()]


# ---------------------------------------------------------------------------
# The document to render (filled by orchestration.synth.generator).
# ---------------------------------------------------------------------------


@dataclass
class Doc:
    agency: Agency
    year: int
    layout: str  # pipe / tab / cells / summary / html / crawler
    published_on: date
    show_date: bool  # False: the page states no date (seed 001)
    with_tables: bool  # cells only: False = tables 三/四 omitted (seed 000)
    active: dict[str, object] | None  # "item.metric" -> int / Decimal / None (printed)
    requests: dict[str, list[int]] | None  # row code -> 7 printed values
    review: dict[str, list[int]] | None  # proceeding -> 5 printed values (upheld..total)
    summary: dict[str, int] | None  # summary layout: the figures its prose states
    rng: random.Random


@dataclass
class Rendered:
    text: str
    sections: list[str] | None
    narrative: list[list] = field(default_factory=list)  # [[value, unit], ...] in document order
    metrics: dict[str, object] = field(default_factory=dict)  # metric code -> value stated in prose
    charset: str | None = None  # html: the charset the page declares (its bytes are encoded so)


# ---------------------------------------------------------------------------
# Template engine.
# ---------------------------------------------------------------------------

_SLOT = re.compile(
    r"\{(?P<var>\w+)\}"
    r"|\[(?P<unit>[^\]:\[]+):(?P<lo>\d+)-(?P<hi>\d+)(?::(?P<mod>[^\]]+))?\]"
    r"|<(?P<metric>[\w.]+)\|(?P<munit>[^>]+)>"
)
_FULLWIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"})
_COMPILED: dict[tuple[str, bool], list[tuple]] = {}


def _compile(tpl: str, fullwidth: bool) -> list[tuple]:
    parts: list[tuple] = []
    pos = 0
    for m in _SLOT.finditer(tpl):
        if m.start() > pos:
            lit = tpl[pos:m.start()]
            parts.append(("l", lit.translate(_FULLWIDTH) if fullwidth else lit))
        if m.group("var"):
            parts.append(("v", m.group("var")))
        elif m.group("metric"):
            parts.append(("m", m.group("metric"), m.group("munit")))
        else:
            parts.append(("n", m.group("unit"), int(m.group("lo")), int(m.group("hi")), m.group("mod") or ""))
        pos = m.end()
    if pos < len(tpl):
        lit = tpl[pos:]
        parts.append(("l", lit.translate(_FULLWIDTH) if fullwidth else lit))
    return parts


def _tenths(t: int) -> str:
    return f"{t // 10}.{t % 10}" if t % 10 else str(t // 10)


class Writer:
    """Fills templates for one document and records every figure it prints."""

    def __init__(self, rng: random.Random, ctx: dict[str, str], metrics: dict[str, object], fullwidth: bool):
        self.rng = rng
        self.ctx = ctx
        self.metric_values = metrics
        self.fullwidth = fullwidth
        self.narrative: list[list] = []
        self.stated: dict[str, object] = {}

    def fill(self, tpl: str) -> str:
        key = (tpl, self.fullwidth)
        parts = _COMPILED.get(key)
        if parts is None:
            parts = _COMPILED[key] = _compile(tpl, self.fullwidth)
        out: list[str] = []
        rng = self.rng
        for p in parts:
            kind = p[0]
            if kind == "l":
                out.append(p[1])
            elif kind == "v":
                text = self.ctx[p[1]]
                out.append(text.translate(_FULLWIDTH) if self.fullwidth else text)
            elif kind == "m":
                value = self.metric_values[p[1]]
                out.append(f"{value}{p[2]}")
                self.narrative.append([value, p[2]])
                self.stated[p[1]] = value
            else:
                _, unit, lo, hi, mod = p
                if mod == "":
                    value = lo + int(rng.random() * (hi - lo + 1))
                    text = str(value)
                elif mod in ("余", "多"):
                    raw = rng.randint(lo, hi)
                    step = 10 if raw < 1000 else 100
                    value = max(step, raw // step * step)
                    text = f"{value}{mod}"
                elif mod == "万i":  # whole 万: [次:5-90:万i] -> 56万次
                    n = lo + int(rng.random() * (hi - lo + 1))
                    value = n * 10000
                    text = f"{n}万"
                elif mod.startswith("万"):  # tenths of 万: [条:11-99:万余] -> 1.3万余条
                    t = rng.randint(lo, hi)
                    value = t * 1000
                    text = f"{_tenths(t)}万{mod[1:]}"
                elif mod == "d1":  # one decimal: [%:900-999:d1] -> 95.3%
                    t = rng.randint(lo, hi)
                    value = t // 10 if t % 10 == 0 else t / 10
                    text = _tenths(t)
                else:  # pragma: no cover - template typo
                    raise ValueError(f"unknown figure modifier {mod!r}")
                out.append(text + unit)
                self.narrative.append([value, unit])
        return "".join(out)

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return self.fill(self.rng.choice(options))


# ---------------------------------------------------------------------------
# Prose pools (cleaned-text punctuation; the tab layout turns it full-width).
# ---------------------------------------------------------------------------

INTRO = (
    "{year}年,{short}认真贯彻落实{superior}关于全面推进政务公开工作的系列部署,以《中华人民共和国政府信息公开条例》为遵循,"
    "围绕{area}等重点工作,进一步健全政府信息公开工作机制,完善各项工作制度,拓展公开内容、创新公开形式,政府信息公开工作得到规范和加强。",
    "{year}年,{agency}按照{superior}有关部署,坚持以公开为常态、不公开为例外,紧密结合{field}工作实际,深入贯彻落实"
    "《中华人民共和国政府信息公开条例》,紧紧围绕《{city}{year}年政务公开工作要点》,持续提升政务公开质量和实效,有力地促进了各项工作的有序开展。",
    "{year}年,在{superior}的坚强领导下,{agency}以习近平新时代中国特色社会主义思想为指导,全面贯彻落实《中华人民共和国政府信息公开条例》,"
    "聚焦{area}等群众关切,不断加大政府信息公开力度,切实保障人民群众的知情权、参与权、表达权和监督权。",
)
INTRO_NO_YEAR = (
    "一年来,{short}紧密结合{field}工作实际,采取多种措施,大力推进政府信息公开工作,不断规范内容、创新形式、突出重点、提高水平,"
    "保障了人民群众的知情权、监督权,在服务公众、提高效能、增进交流等方面取得了较好成效。",
    "一年来,{agency}坚持把政务公开作为转变政府职能、建设法治政府的重要举措,围绕{area}等重点领域,持续深化政府信息公开工作。",
)

HEAD_ACTIVE = ("主动公开情况", "主动公开", "加强主动公开,提升公开实效")
HEAD_REQUEST = ("依申请公开情况", "依申请公开", "规范依申请公开办理")
HEAD_MANAGE = ("政府信息管理情况", "政府信息管理", "加强政府信息管理,健全审查机制")
HEAD_PLATFORM = ("政府信息公开平台建设情况", "平台建设", "加强信息公开平台建设,创新公开方式")
HEAD_SUPERVISE = ("监督保障情况", "监督保障", "强化监督保障,抓好安排落实")

ACTIVE_PARAS = (
    "{we}严格落实主动公开基本目录,及时公开{area}等方面信息。全年通过政府门户网站主动公开政府信息[条:60-1800],"
    "其中政策文件[条:3-60],政策解读[篇:2-30]。",
    "围绕{area}等重点领域,全年累计主动公开各类政府信息[条:120-2600],发布政策解读[篇:2-25],及时回应社会关切。",
    "{we}坚持把主动公开作为政务公开的主渠道,对涉及群众切身利益的重大事项及时向社会公开,全年在{rshort}政府信息公开平台发布信息"
    "[条:80-1500],在政务新媒体发布信息[条:100-900:余]。",
)
ACTIVE_EXTRA = (
    "就广大群众重点关注的政策,通过文字、图解、视频等多种形式进行深入浅出的解读,收到了良好的效果。",
    "及时回应社会关切,解决群众诉求,通过12345政务服务便民热线等渠道累计接听群众来电[个:300-9000:余],有效应对网上热点舆情。",
    "持续做好政策解读工作,坚持政策文件与解读材料同步起草、同步审签、同步发布,全年发布图文解读[篇:2-20]。",
)
REQUEST_EXTRA = (
    "严格按照法定时限和程序办理依申请公开事项,做到依法依规、答复规范。",
    "畅通信函、网络、当面提交等申请渠道,完善登记、审核、办理、答复、归档等工作流程,按时答复率[%:100-100]。",
    "进一步规范依申请公开答复文书,对复杂疑难申请及时会商研判,确保答复内容准确、依据充分。",
)
MANAGE_PARAS = (
    "建立健全政府信息公开保密审查机制,严格落实“先审查、后公开”和“一事一审”制度,全年开展已公开信息清理[次:1-4],"
    "清理过期失效信息[条:10-160]。",
    "严格执行信息发布审批制度,所有信息须经科室负责人和分管领导审核后方可发布,确保发布信息程序规范、内容准确。",
    "按照“谁公开、谁审查、谁负责”的原则,加强政府信息公开前审查,全年未发生泄密和侵犯个人隐私的情况。",
)
PLATFORM_PARAS = (
    "充分发挥政府网站第一平台作用,持续优化政府信息公开专栏,及时更新机构职能、政策文件、规划计划等栏目内容。"
    "“{rshort}{field}”微信公众号全年发布信息[条:100-2600:余],累计阅读量[次:11-99:万]。",
    "持续推进新媒体平台建设,充分利用新媒体覆盖面广、传播速度快的特点,及时发布权威政务信息。微信公众平台订阅量达[人:3000-50000],"
    "平台共发布信息[条:300-1500:余],累计阅读量[次:5-90:万i]。",
    "加强政府网站和政务新媒体日常监管,建立网站突发事件应急保障制度,每周开展网站内容检查,确保信息发布及时准确、平台运行安全平稳。",
)
SUPERVISE_PARAS = (
    "将政务公开工作纳入年度目标管理考核,组织开展政务公开业务培训[次:1-5],参训人员[人:20-300],进一步提升工作人员业务能力。",
    "成立了由主要负责同志任组长的政务公开工作领导小组,明确专门科室和专人负责,定期研究部署政府信息公开工作,切实保障了政务公开工作的顺利开展。",
    "主动接受社会监督,在政府网站公布监督电话和电子邮箱,本年度未收到有关政府信息公开工作的投诉举报。",
)
GOV_SUPERVISE = (
    "工作考核、社会评议和责任追究结果情况:将政务公开工作纳入年度绩效考核,通过发放评议表等方式开展社会评议,"
    "本年度未发生因政务公开工作不到位被追究责任的情况。",
)

PROBLEMS = (
    "政府信息公开的主动性和及时性还需加强", "部分信息公开内容深度不够、广度不高", "政策解读形式比较单一,解读质量有待提高",
    "政务新媒体信息更新不够及时", "工作人员业务能力有待进一步提升", "重大决策公众参与度不高", "基层政务公开标准化规范化水平有待提升",
    "依申请公开答复的规范性还需加强",
)
IMPROVE = (
    "进一步提高思想认识,强化责任担当,把政务公开工作摆在更加突出的位置,全面落实上级工作要求。",
    "加强政策解读和回应关切,丰富解读形式,提高解读质量,增强政策知晓度。",
    "加大政务公开有关法规、制度的培训力度,不断提高工作人员的业务水平和服务能力。",
    "进一步拓宽公开渠道,完善政府网站和政务新媒体建设,确保信息发布及时准确。",
    "严格按照考核要求,加强用权公开,注重公众参与,确保涉及面广、社会影响大的政策在制定过程中充分听取公众意见。",
    "规范依申请公开办理流程,严格答复时限和文书格式,提升依申请公开工作质量。",
)

SUMMARY_ITEMS = (
    ("围绕中心工作抓好主动公开。", "及时主动公开重点任务推进完成情况,严格对照标准要求,全年共主动公开发布信息[条:200-900:余]。"
     "按照{field}重点领域信息公开事项目录,动态更新{area}等重点领域信息,共计[条:60-600]。"),
    ("围绕提质增效抓好政策解读。", "及时更新清理规范性文件,{year}年,%NORM%"
     "根据应解读尽解读原则,发布[条:3-30]政策解读信息,严格落实政策文件与政策解读“三同步”要求。"),
    ("围绕民生关切抓好信息公开。", "完善健全重大行政决策公众参与机制,重大公共政策均公开征求社会公众意见。滚动更新专栏信息,"
     "{year}年累计发布信息[条:10-90]。持续丰富12345热线{field}政策问答库,主动回应群众关切,办结{boss}信箱留言[件:100-9000]。"),
    ("围绕监督管理抓好权责公开。", "开展权责清单年度集中调整并及时公开调整情况,现有权责事项[项:20-300]、公共服务事项[项:5-80]。"
     "及时更新各项行政权力事项目录、办理流程图及办理结果信息,持续规范行政权力运行。"),
    ("围绕依法规范抓好依申请公开。", "畅通依申请公开办理渠道,为群众提供信函、传真、线上申请、当面提交等多种办理方式。"
     "在依申请公开专栏按月更新依申请公开文件目录,方便群众进行依申请公开咨询,%REQUESTS%"),
    ("围绕防范风险抓好审查清理。", "做好拟公开信息审查工作,有效防范化解隐私信息泄露风险。本着“谁公开、谁清理”原则,"
     "持续加强对已公开信息的风险排查工作,已清理无关、无效、不需长期保留信息[条:20-300:余]。"),
    ("围绕能力提升抓好队伍建设。", "持续强化政务公开工作指导,举办{field}系统政务公开业务培训班[期:1-4],"
     "进一步提升一线工作人员能力水平,为政务公开工作人才保障打下坚实基础。"),
)
ORDINALS = "一二三四五六七八九十"


# ---------------------------------------------------------------------------
# Shared prose builders.
# ---------------------------------------------------------------------------


_BOSS = {"局": "局长", "厅": "厅长", "委": "主任", "办": "主任", "县": "县长", "市": "市长", "区": "区长", "省": "省长",
         "旗": "旗长", "州": "州长", "乡": "乡长", "镇": "镇长"}


def _ctx(doc: Doc) -> dict[str, str]:
    a = doc.agency
    return {
        "agency": a.name, "short": a.short, "we": a.we, "year": str(doc.year), "area": a.area,
        "field": a.field, "superior": a.superior, "city": a.city, "rshort": a.rshort, "region": a.region,
        "boss": _BOSS.get(a.we[-1], "主要领导"),
    }


def _metrics(doc: Doc) -> dict[str, object]:
    m: dict[str, object] = {}
    if doc.requests is not None:
        for row, vals in doc.requests.items():
            m[f"requests.{row}.total"] = vals[6]
    if doc.active is not None:
        for key, val in doc.active.items():
            m[f"active_disclosure.{key}"] = val
    if doc.summary is not None:
        m.update(doc.summary)
    return m


def _request_sentence(w: Writer, doc: Doc) -> str:
    """Section 一's restatement of table 三 (rule X-01)."""
    r = doc.requests
    new, co, proc, fwd = r["new_received"][6], r["carried_over"][6], r["total_processed"][6], r["carried_forward"][6]
    if new == co == proc == fwd == 0:
        return w.pick(("本年度未收到政府信息公开申请。", "全年未收到公民、法人或其他组织提出的政府信息公开申请。"))
    if co == 0 and fwd == 0 and proc == new:
        return w.fill("全年共收到政府信息公开申请<requests.new_received.total|件>,均已在法定期限内办结。")
    return w.pick((
        "全年共收到政府信息公开申请<requests.new_received.total|件>,上年结转<requests.carried_over.total|件>,"
        "办结<requests.total_processed.total|件>,结转下年度继续办理<requests.carried_forward.total|件>。",
        "本年度新收政府信息公开申请<requests.new_received.total|件>,加上年结转<requests.carried_over.total|件>,"
        "共办结<requests.total_processed.total|件>,<requests.carried_forward.total|件>结转至下一年度办理。",
    ))


def _active_sentence(w: Writer, doc: Doc, fmt: str) -> str:
    """A restatement of table 二's normative documents (rule X-04)."""
    if fmt == "2021":
        issued = doc.active["normative_documents.issued"]
        if not issued:
            return "本年度未制发行政规范性文件。"
        if doc.active["normative_documents.repealed"]:
            return w.fill("全年制发行政规范性文件<active_disclosure.normative_documents.issued|件>,废止"
                          "<active_disclosure.normative_documents.repealed|件>,现行有效"
                          "<active_disclosure.normative_documents.in_force|件>。")
        return w.fill("全年制发行政规范性文件<active_disclosure.normative_documents.issued|件>,均按规定向社会公开。")
    made = doc.active["normative_documents.new_made"]
    if not made:
        return "本年度未新制作规范性文件。"
    return w.fill("全年新制作规范性文件<active_disclosure.normative_documents.new_made|件>,"
                  "新公开<active_disclosure.normative_documents.new_published|件>。")


def _overview_blocks(w: Writer, doc: Doc, fmt: str, heading_style: str) -> list[str]:
    """(一)主动公开 … (五)监督保障 — the five topics the 2021 format asks for.

    heading_style "inline": "(一)标题。正文" on one line (seeds 000/001);
    "line": the heading on its own line (seed 002).
    """
    rng = w.rng
    tables = doc.requests is not None
    topics = [
        (HEAD_ACTIVE, [w.pick(ACTIVE_PARAS), _active_sentence(w, doc, fmt)]
         + ([w.pick(ACTIVE_EXTRA)] if rng.random() < 0.6 else [])),
        (HEAD_REQUEST, ([_request_sentence(w, doc)] if tables else []) + [w.pick(REQUEST_EXTRA)]),
        (HEAD_MANAGE, [w.pick(MANAGE_PARAS)]),
        (HEAD_PLATFORM, [w.pick(PLATFORM_PARAS)]),
        (HEAD_SUPERVISE, [w.pick(SUPERVISE_PARAS)]
         + ([w.fill(GOV_SUPERVISE[0])] if doc.agency.dept_key in ("gov", "govo") else [])),
    ]
    out: list[str] = []
    for i, (heads, paras) in enumerate(topics):
        head = f"({ORDINALS[i]}){rng.choice(heads)}"
        if w.fullwidth:
            head = head.translate(_FULLWIDTH)
        if heading_style == "inline":
            out.append(head + ("。" if not head.endswith("。") else "") + "".join(paras))
        else:
            out.append(head)
            out.extend(paras)
    return out


def _problems(w: Writer, doc: Doc, numbered: str) -> list[str]:
    rng = w.rng
    w.ctx["p0"], w.ctx["p1"], w.ctx["p2"] = rng.sample(PROBLEMS, 3)
    first = w.fill("{year}年,{we}政府信息公开工作取得一定成效,但还存在一些问题:一是{p0};二是{p1};三是{p2}。")
    out = [first, w.fill("下一步,{we}将从以下方面改进政府信息公开工作。")]
    for i, item in enumerate(rng.sample(IMPROVE, rng.randint(2, 4))):
        label = f"({ORDINALS[i]})" if numbered == "paren" else f"{i + 1}、"
        out.append((label.translate(_FULLWIDTH) if w.fullwidth else label) + w.fill(item))
    return out


# ---------------------------------------------------------------------------
# Tables.
# ---------------------------------------------------------------------------

REQ_LABELS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partly_granted": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_forbids": "2.其他法律行政法规禁止公开",
    "denied_safety_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_inquiry": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "other_handling": "(六)其他处理",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
# the group label printed on the first row of each group
REQ_GROUP_FIRST: dict[str, str] = {
    "granted": "三、本年度办理结果",
    "denied_state_secret": "(三)不予公开",
    "unable_not_held": "(四)无法提供",
    "rejected_petition": "(五)不予处理",
    "other_no_correction": "(六)其他处理",
}
REQ_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _pipe_line(cells: list[str], ncols: int, last: bool = False) -> str:
    """Seed 001's converter: cells joined by " | ", then one "|" per missing cell (not on a table's last row)."""
    if last:
        return " | ".join(cells) + " |"
    return (" | ".join(cells) + " | " + "|" * (ncols - len(cells))).rstrip()


def _pipe_active(doc: Doc) -> list[str]:
    a = doc.active
    f = _fmt
    rows = [
        (["第二十条第(一)项"], False),
        (["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], False),
        (["规章(地方政府规章)", f(a["regulations.issued"]), f(a["regulations.repealed"]), f(a["regulations.in_force"])], False),
        (["行政规范性文件", f(a["normative_documents.issued"]), f(a["normative_documents.repealed"]),
          f(a["normative_documents.in_force"])], False),
        (["第二十条第(五)项"], False),
        (["信息内容", "本年处理决定数量"], False),
        (["行政许可", f(a["licensing.decisions"])], False),
        (["第二十条第(六)项"], False),
        (["信息内容", "本年处理决定数量"], False),
        (["行政处罚", f(a["punishment.decisions"])], False),
        (["行政强制", f(a["coercion.decisions"])], False),
        (["第二十条第(八)项"], False),
        (["信息内容", "本年收费金额(单位:万元)"], False),
        (["行政事业性收费", f(a["fees.amount"])], True),
    ]
    return [_pipe_line(c, 4, last) for c, last in rows]


def _pipe_requests(doc: Doc) -> list[str]:
    lines = [
        _pipe_line([REQ_NOTE, "申请人情况"], 10),
        _pipe_line(["自 然 人", "法人或其他组织", "总计"], 10),
        _pipe_line(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], 10),
    ]
    rows = list(doc.requests)
    for i, row in enumerate(rows):
        vals = [str(v) for v in doc.requests[row]]
        label = REQ_LABELS[row]
        if row == "granted":
            cells = ["三、 本年度办理结果", label]
        elif row in REQ_GROUP_FIRST:
            cells = [REQ_GROUP_FIRST[row], label]
        else:
            cells = [label]
        lines.append(_pipe_line(cells + vals, 10, last=i == len(rows) - 1))
    return lines


def _pipe_review(doc: Doc) -> list[str]:
    vals = [str(v) for p in codes.PROCEEDINGS for v in doc.review[p]]
    return [
        _pipe_line(["行政复议", "行政诉讼"], 15),
        _pipe_line(["结果维持", "结果纠正", "其他结果", "尚未 审结", "总计", "未经复议直接起诉", "复议后起诉"], 15),
        _pipe_line(["结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"] * 2, 15),
        _pipe_line(vals, 15, last=True),
    ]


def _tab_active(doc: Doc, typo: bool) -> list[str]:
    a = doc.active
    f = _fmt
    return [
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t" + ("本年度止件数" if typo else "本年废止件数") + "\t现行有效件数",
        f"规章\t{f(a['regulations.issued'])}\t{f(a['regulations.repealed'])}\t{f(a['regulations.in_force'])}",
        f"行政规范性文件\t{f(a['normative_documents.issued'])}\t{f(a['normative_documents.repealed'])}\t"
        f"{f(a['normative_documents.in_force'])}",
        "第二十条第（五）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        f"行政许可\t{f(a['licensing.decisions'])}\t\t",
        "",
        "第二十条第（六）项\t",
        "信息内容\t本年处理决定数量",
        f"行政处罚\t{f(a['punishment.decisions'])}",
        f"行政强制\t{f(a['coercion.decisions'])}",
        "第二十条第（八）项\t",
        "信息内容\t本年收费金额（单位：万元）",
        f"行政事业性收费\t{f(a['fees.amount'])}",
    ]


_TAB_LABEL = {k: v.replace("(", "（").replace(")", "）").replace(",", "，") for k, v in REQ_LABELS.items()}
_TAB_ITEM = re.compile(r"^(\d)\.")


_TAB_ITEMS = {row: _TAB_ITEM.sub(r"\1. ", label) for row, label in REQ_LABELS.items()}  # seed 002: "1. 属于国家秘密"


def _tab_item(row: str) -> str:
    return _TAB_ITEMS[row]


def _tab_requests(doc: Doc) -> list[str]:
    """Seed 002 line by line: split group labels, misaligned rows, half-width (五)-(七)."""
    r = doc.requests
    v = {row: "\t".join(str(x) for x in vals) for row, vals in r.items()}
    lines = [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计\t",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t\t",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t",
        f"{REQ_LABELS['new_received']}\t\t{v['new_received']}\t",
        f"{REQ_LABELS['carried_over']}\t\t{v['carried_over']}\t",
        f"三、本年度办理结果\t{_TAB_LABEL['granted']}\t{v['granted']}\t",
        f"\t{_TAB_LABEL['partly_granted']}\t{v['partly_granted']}\t",
    ]
    for i, row in enumerate(codes.DENIED_ROWS):
        lead = "\t（三）不予公开\t" if i == 0 else "\t\t"
        lines.append(f"{lead}{_tab_item(row)}\t{v[row]}")
    lines.append(f"\t（四）无法提供\t{_tab_item('unable_not_held')}\t{v['unable_not_held']}")
    for row in codes.UNABLE_ROWS[1:]:
        lines.append(f"{_tab_item(row)}\t\t{v[row]}\t")
    lines.append("")
    for i, row in enumerate(codes.REJECTED_ROWS):
        lead = "(五) 不予 处理\t" if i == 0 else "\t"
        lines.append(f"{lead}{_tab_item(row)}\t{v[row]}")
    for i, row in enumerate(codes.OTHER_ROWS_2021):
        lead = "(六) 其他 处理\t" if i == 0 else "\t"
        lines.append(f"{lead}{_tab_item(row)}\t{v[row]}")
    lines.append(f"(七) 总计\t{v['total_processed']}\t")
    lines.append(f"{REQ_LABELS['carried_forward']}\t\t{v['carried_forward']}")
    return lines


def _tab_review(doc: Doc) -> list[str]:
    head = "结果 维持\t结果 纠正\t其他 结果\t尚未 审结\t总计"
    return [
        "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t",
        head + "\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t\t\t\t\t" + head + "\t" + head,
        "\t".join(str(v) for p in codes.PROCEEDINGS for v in doc.review[p]),
    ]


_PADS = ("", "", " ", "  ", "\xa0")


def _cell(rng: random.Random, v: object) -> str:
    s = _fmt(v)
    return _PADS[int(rng.random() * 5)] + s if s else s


def _cells_active(doc: Doc) -> list[str]:
    """Seed 000's 2019 table 二: one cell per paragraph, broken headers, blank rows."""
    a = doc.active
    rng = doc.rng
    c = lambda k: _cell(rng, a[k])  # noqa: E731
    out = ["第二十条第(一)项", "信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"]
    for item, label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        out += [label, c(f"{item}.new_made"), c(f"{item}.new_published"), c(f"{item}.total_published")]
    for cap, items in (("第二十条第(五)项", (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
                       ("第二十条第(六)项", (("punishment", "行政处罚"), ("coercion", "行政强制")))):
        out += [cap, "信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
        for item, label in items:
            out += [label, c(f"{item}.prior_year"), c(f"{item}.change"), c(f"{item}.decisions")]
    out += ["第二十条第(八)项", "信息内容", "上一年项目数量", "本年增/减", "行政事业性收费"]
    out += [""] if a["fees.prior_year"] is None else [c("fees.prior_year"), c("fees.change")]
    out += ["第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购"]
    if a["procurement.items"] is None:
        out += [""]
    else:
        out += [c("procurement.items"), _cell(rng, f"{a['procurement.amount']}元")]
    return out


def _cells_requests(doc: Doc) -> list[str]:
    rnd = doc.rng.random
    out = [REQ_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计",
           "商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他"]
    for row, vals in doc.requests.items():
        if row in REQ_GROUP_FIRST and row != "other_no_correction":
            out.append(REQ_GROUP_FIRST[row])
        out.append(REQ_LABELS[row])
        out += [_PADS[int(rnd() * 5)] + str(v) for v in vals]
    return out


def _cells_review(doc: Doc) -> list[str]:
    rng = doc.rng
    broken = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    out = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]
    out += broken + broken
    out += [_cell(rng, v) for p in codes.PROCEEDINGS for v in doc.review[p]]
    return out


# ---------------------------------------------------------------------------
# Layouts.
# ---------------------------------------------------------------------------

HEADINGS_2021 = {
    "overview": ("一、总体情况",),
    "proactive_disclosure": ("二、主动公开政府信息情况",),
    "requests": ("三、收到和处理政府信息公开申请情况",),
    "review_litigation": ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    "problems_improvements": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "other_matters": ("六、其他需要报告的事项",),
}


def _date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def render_pipe(doc: Doc) -> Rendered:
    """Seed 001: no site chrome, ASCII punctuation, pipe tables, often 上一条/下一条 at the end."""
    rng = doc.rng
    a = doc.agency
    w = Writer(rng, _ctx(doc), _metrics(doc), fullwidth=False)
    h = {k: rng.choice(v) for k, v in HEADINGS_2021.items()}
    out: list[str] = []
    titled = rng.random() < 0.5
    if titled:
        out.append(f"{a.name}{doc.year}年政府信息公开工作年度报告")
    out.append(h["overview"])
    # without a title the first paragraph must name the agency in full (seed 001 does so further down)
    out.append(w.pick(INTRO if titled else INTRO[1:]))
    out += _overview_blocks(w, doc, "2021", "inline")
    out.append(h["proactive_disclosure"])
    out += _pipe_active(doc)
    out.append(h["requests"])
    out += _pipe_requests(doc)
    out.append(h["review_litigation"])
    out += _pipe_review(doc)
    out.append(h["problems_improvements"])
    out += _problems(w, doc, "paren")
    out.append(h["other_matters"])
    out.append("(一)收取政府信息公开信息处理费的情况。")
    out.append(rng.choice(("本年度全年未发生提供政府信息收取费用的情况。", "本年度未收取政府信息公开信息处理费。")))
    out.append("(二)落实上级主管部门政务公开工作要点情况。")
    # "〔2022〕9号" is a document number, not a figure: the extractor must leave it alone (seed 001)
    w.ctx["docno"] = f"{a.city[0]}政公办字〔{doc.year}〕{rng.randint(1, 30)}号"
    out.append(w.fill("将贯彻落实《{city}{year}年政务公开工作要点》({docno})作为年度重点工作,逐项落实工作台账任务,"
                      "通过多种形式公开{area}等方面信息,不断完善政务公开平台。"))
    if doc.show_date:
        out += ["", a.name, _date_cn(doc.published_on)]
    roll = rng.random()
    if roll < 0.55:
        out += ["上一条:", "下一条:"]
    elif roll < 0.7:
        out += [f"上一条:{a.name}{doc.year - 1}年政府信息公开工作年度报告", "下一条:"]
    return Rendered("\n".join(out) + "\n", list(codes.SECTIONS), w.narrative, w.stated)


def render_tab(doc: Doc) -> Rendered:
    """Seed 002: raw full-width punctuation, blank line between paragraphs, tab tables, signature."""
    rng = doc.rng
    a = doc.agency
    w = Writer(rng, _ctx(doc), _metrics(doc), fullwidth=True)
    h = {k: rng.choice(v) for k, v in HEADINGS_2021.items()}
    blocks: list[str] = ["", a.name, f"{doc.year} 年政府信息公开工作年度报告", h["overview"]]
    blocks.append(w.pick(INTRO_NO_YEAR) if rng.random() < 0.5 else w.pick(INTRO))
    blocks += _overview_blocks(w, doc, "2021", "line")
    blocks.append(h["proactive_disclosure"])
    blocks.append("\n".join(_tab_active(doc, typo=rng.random() < 0.3)))
    blocks.append(h["requests"])
    blocks.append("\n".join(_tab_requests(doc)))
    blocks.append(h["review_litigation"])
    blocks.append("\n".join(_tab_review(doc)))
    blocks.append(h["problems_improvements"])
    blocks += _problems(w, doc, "num")
    blocks.append(h["other_matters"])
    fee_rows = doc.requests["other_unpaid_fee"][6]
    if fee_rows:
        blocks.append("本年度有申请人逾期未按收费通知要求缴纳信息处理费，未实际收取信息处理费。")
    else:
        blocks.append(rng.choice(("无。", "本年度未收取信息处理费。", "本机关本年度未收取政府信息公开信息处理费。")))
    blocks += [a.name, _date_cn(doc.published_on)]
    return Rendered("\n\n".join(blocks) + "\n", list(codes.SECTIONS), w.narrative, w.stated)


HEADINGS_2019 = {
    "overview": "一、总体情况",
    "proactive_disclosure": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems_improvements": "五、政府信息公开工作存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
TOPICS = ("科技、教育", "民政、扶贫、救灾", "财政、金融、审计", "劳动、人事、监察", "国土资源、能源", "城乡建设、环境保护",
          "交通", "农业、林业、水利", "卫生、体育", "市场监管、安全生产监管", "综合政务", "公安、安全、司法", "文化、广电、新闻出版")
SLOGANS = ("{rshort}人民政府门户网站", "{rshort}人民政府网", "中国·{rshort}")


def render_cells(doc: Doc) -> Rendered:
    """Seed 000: site chrome, one table cell per paragraph, NBSP padding, garbled signature date."""
    rng = doc.rng
    a = doc.agency
    w = Writer(rng, _ctx(doc), _metrics(doc), fullwidth=False)
    d = doc.published_on
    idx = "".join(ch for ch in a.prov_code[:3]) + a.dept_key + "/" + str(rng.randrange(10 ** 12, 10 ** 13))
    src = a.short[1:] if a.short[0] in "县市区州旗省" else a.short
    paras: list[str] = [
        "无障碍\xa0\xa0 \xa0|\xa0\xa0\xa0",
        rng.choice(SLOGANS).format(rshort=a.rshort) + "\n当前位置:首页\xa0>\xa0 政务公开 \xa0>\xa0 政府信息公开年报",
        f"{a.name} {doc.year}年政府信息公开工作年度报告",
        f"来源:{src} 时间:{d.isoformat()} 字体:【\xa0\xa0",
        f"体裁分类:政府信息公开年报\xa0\xa0\xa0\xa0主题分类:{rng.choice(TOPICS)}\xa0\xa0\xa0\xa0索引号:{idx}",
        a.name,
        f"{doc.year}年政府信息公开工作年度报告",
        "\xa0",
        w.pick(INTRO),
        HEADINGS_2019["overview"],
    ]
    paras += _overview_blocks(w, doc, "2019", "inline")
    paras.append(HEADINGS_2019["proactive_disclosure"])
    paras += _cells_active(doc)
    paras.append("\xa0")
    if doc.with_tables:
        sections = list(codes.SECTIONS)
        paras.append(HEADINGS_2019["requests"])
        paras += _cells_requests(doc)
        paras.append(HEADINGS_2019["review_litigation"])
        paras += _cells_review(doc)
        paras.append(HEADINGS_2019["problems_improvements"])
        paras += _problems(w, doc, "paren")
        paras.append(HEADINGS_2019["other_matters"])
        paras.append(rng.choice(("无。", "本年度无其他需要报告的事项。")))
    else:
        sections = ["overview", "proactive_disclosure", "problems_improvements"]
        paras.append("三、存在的主要问题及下一步改进措施")
        paras += _problems(w, doc, "paren")
    garbled = f"{d.year}{d.month}{d.day}" if rng.random() < 0.5 else _date_cn(d)
    paras += ["\xa0", "\xa0", "\xa0", a.name, garbled, "\xa0", "\n扫一扫分享到手机端"]
    return Rendered("\n\n".join(paras) + "\n", sections, w.narrative, w.stated)


PORTALS = (("政务资讯网", "政务动态"), ("公文资讯网", "工作总结"), ("政务信息参考网", "政务公开"))


def render_summary(doc: Doc) -> Rendered:
    """Seed 003: an aggregator page reposting a 政务公开工作总结; every figure is in prose."""
    rng = doc.rng
    a = doc.agency
    w = Writer(rng, _ctx(doc), _metrics(doc), fullwidth=False)
    unit = a.we[1:]  # 本局 / 本厅 / 本委 ...
    s = doc.summary
    if s.get("requests.new_received.total"):
        if s.get("requests.carried_forward.total"):
            req = (f"截至目前,本{unit}本年度共受理<requests.new_received.total|件>政府信息公开申请,"
                   "<requests.total_processed.total|件>按规范程序与要求办结,<requests.carried_forward.total|件>正在办理中。")
        else:
            req = f"本{unit}本年度共受理<requests.new_received.total|件>政府信息公开申请,均已按规范程序与要求办结。"
    else:
        req = f"本{unit}本年度未收到政府信息公开申请。"
    norm = ("废止规范性文件<active_disclosure.normative_documents.repealed|件>,"
            "制定印发行政规范性文件<active_disclosure.normative_documents.issued|件>,"
            "现行有效规范性文件<active_disclosure.normative_documents.in_force|件>。")
    portal, column = rng.choice(PORTALS)
    d = doc.published_on
    paras = [
        f"欢迎访问 {portal}",
        f"当前所在: 网站首页>> {column} >>正文",
        f"{doc.year}年{a.name if a.dept in ('人民政府', '办事处', '人民政府办公室', '人民政府办公厅') else a.dept}政务公开工作总结",
        f"时间:{d.isoformat()} 作者:佚名 来源: {a.name}",
        "  ", "  ", "  ", "  ",
        "  " + w.fill("{year}年,{short}认真贯彻落实{superior}关于全面推进政务公开工作的决策部署,严格执行《中华人民共和国政府信息公开条例》,"
                      "聚焦{field}改革与群众关切,不断提升政务公开质量和实效。本年度通过政府网站、政务新媒体等平台主动公开{field}相关信息"
                      "[条:11-99:万余]。"),
    ]
    items = list(SUMMARY_ITEMS)
    # keep the two items that carry the tabled figures; drop one or two others for variety
    optional = [i for i in range(len(items)) if i not in (1, 4)]
    for i in sorted(rng.sample(optional, rng.randint(0, 2)), reverse=True):
        items.pop(i)
    for k, (head, body) in enumerate(items):
        body = body.replace("%REQUESTS%", req).replace("%NORM%", norm)
        paras.append("  " + w.fill(f"{ORDINALS[k]}是{head}{body}"))
    url = f"http://www.{a.prov_code}.gov.cn/public/{rng.randint(1000, 9999)}/{rng.randint(10000000, 99999999)}.html"
    paras += ["  ", "  ", "  ", "  ", "  ",
              f"\n原文链接:{url}\n[免责声明] 本文来源于网络转载,仅供学习交流使用,不构成商业目的。版权归原作者所有,"
              "如涉及作品内容、版权和其它问题,请在30日内与本网联系,我们将在第一时间处理。",
              f"本站部分信息由相应民事主体自行提供,该信息内容的真实性、准确性和合法性应由该民事主体负责。{portal} 对此不承担任何保证责任。"]
    return Rendered("\n\n".join(paras) + "\n", None, w.narrative, w.stated)


RENDERERS = {"pipe": render_pipe, "tab": render_tab, "cells": render_cells, "summary": render_summary}
