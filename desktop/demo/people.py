"""Generators of believable applicants: names, valid ID numbers, phones, bikes, businesses."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta

from stdnum.cn import ric, uscc

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "西门", "长孙", "宇文"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉颖宇浩然子轩梓涵一诺欣怡雨桐思远俊杰佳琪家豪博文晨曦嘉怡梦瑶"
# Where an ID number was first issued (GB/T 2260); a mix of Zhengzhou, Henan and elsewhere.
ID_AREAS = ["410102", "410103", "410104", "410105", "410108", "410122", "410181", "410182", "410183", "410184",
            "410185", "410302", "410303", "410305", "410502", "410702", "411102", "411302", "411502", "411602",
            "411702", "340102", "130102", "370102", "420102", "610102"]
BRANDS = [("雅迪", "YD1200DT-A"), ("爱玛", "AM1000DT-12"), ("台铃", "TL800DQT-3"), ("新日", "XR1000DT-9"),
          ("绿源", "LY1200DT-2"), ("小牛", "NQi-GT"), ("九号", "E80C"), ("立马", "LM1000DT-5")]
COLOURS = ["白色", "黑色", "红色", "蓝色", "灰色", "粉色", "银色", "绿色"]
STREETS = ["花园路", "金水路", "农业路", "经三路", "中原路", "建设路", "大学路", "文化路", "紫荆山路", "郑汴路",
           "商都路", "东风路", "北三环", "航海路", "嵩山路", "桐柏路"]
SHOPS = ["农家乐", "电商服务部", "农产品合作社", "汽修店", "服装加工厂", "食品加工坊", "民宿", "快递驿站", "养殖场"]


class People:
    """A seeded generator: the same seed gives the same hall, so demos and benchmarks repeat."""

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self._seq = 0

    def name(self) -> str:
        r = self.rng
        surname = r.choice(COMPOUND) if r.random() < 0.04 else r.choice(SURNAMES)
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return surname + given

    def birth(self, youngest: int = 18, oldest: int = 70, today: date | None = None) -> date:
        today = today or date.today()
        days = self.rng.randint(youngest * 365 + 5, oldest * 365)
        return today - timedelta(days=days)

    def id_number(self, birth: date | None = None, area: str | None = None) -> str:
        birth = birth or self.birth()
        area = area or self.rng.choice(ID_AREAS)
        body = f"{area}{birth:%Y%m%d}{self.rng.randint(0, 999):03d}"
        return body + ric.calc_check_digit(body + "0")

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99999999):08d}"

    def address(self) -> str:
        return f"郑州市{self.rng.choice(STREETS)}{self.rng.randint(1, 300)}号{self.rng.randint(1, 30)}号楼"

    def frame_no(self) -> str:
        self._seq += 1
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        return f"{letters}{self.rng.randint(0, 99):02d}{self._seq % 10_000_000_000:010d}"

    def motor_no(self) -> str:
        return "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(12))

    def brand(self) -> tuple[str, str]:
        return self.rng.choice(BRANDS)

    def colour(self) -> str:
        return self.rng.choice(COLOURS)

    def uscc(self) -> str:
        body = "92" + "410105" + "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        return body + uscc.calc_check_digit(body)

    def business_name(self, owner: str) -> str:
        return f"郑州市{owner[:1]}{self.rng.choice('氏记家')}{self.rng.choice(SHOPS)}"
