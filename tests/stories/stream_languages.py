"""A small stream of news in Russian, German, Chinese and Korean: each event reported by several
outlets in their own words, beside another event of the same kind (two earthquakes, two
derailments, two fires). ``THAI`` is two Thai earthquakes, which the grouper does not yet tell
apart in this stream (see tests/stories/test_languages.py).

Written for these tests; ``EXPECTED`` maps each doc to its event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from progleton.stories import Doc

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

# (id, outlet, hours after T0, event, title, text)
_REPORTS = [
    (
        "ru-kam-1", "tass", 0, "kamchatka",
        "Землетрясение магнитудой 7,0 произошло у берегов Камчатки",
        "Землетрясение магнитудой 7,0 произошло в понедельник у восточного побережья Камчатки, "
        "сообщили в Единой геофизической службе РАН. Очаг находился на глубине 40 километров в "
        "110 километрах от Петропавловска-Камчатского. Жители краевого центра ощутили толчки силой "
        "до шести баллов. Угроза цунами была объявлена для побережья Камчатки, но через час её "
        "отменили. О пострадавших и разрушениях не сообщается.",
    ),
    (
        "ru-kam-2", "ria", 1, "kamchatka",
        "В Петропавловске-Камчатском ощутили сильные толчки",
        "Сильные подземные толчки ощутили утром жители Петропавловска-Камчатского. По данным "
        "сейсмологов, магнитуда землетрясения составила 7,0, эпицентр располагался в Тихом океане "
        "в 110 километрах от города, на глубине 40 километров. В домах раскачивались люстры, "
        "некоторые горожане выбежали на улицу. МЧС объявило угрозу цунами на побережье Камчатки и "
        "позже её сняло. Пострадавших нет.",
    ),
    (
        "ru-kam-3", "interfax", 3, "kamchatka",
        "Угрозу цунами на Камчатке сняли после землетрясения",
        "Угроза цунами, объявленная после землетрясения у побережья Камчатки, снята, сообщили в "
        "краевом управлении МЧС. Толчки магнитудой 7,0 зарегистрированы в 110 километрах от "
        "Петропавловска-Камчатского. Школы края работают в обычном режиме, проверка зданий "
        "повреждений не выявила. Сейсмологи не исключают повторных толчков в ближайшие дни.",
    ),
    (
        "ru-irk-1", "tass", 5, "irkutsk",
        "Землетрясение магнитудой 5,6 произошло на Байкале",
        "Землетрясение магнитудой 5,6 произошло во вторник на Байкале, сообщили в Байкальском "
        "филиале геофизической службы. Эпицентр находился в 25 километрах от поселка Листвянка, "
        "на глубине 12 километров. В Иркутске толчки ощущались силой до пяти баллов. В нескольких "
        "домах Иркутска пошли трещины по стенам, из школы № 19 эвакуировали учеников.",
    ),
    (
        "ru-irk-2", "ria", 6, "irkutsk",
        "В Иркутске после толчков эвакуировали школу",
        "Учеников школы № 19 в Иркутске вывели на улицу после подземных толчков, сообщили в "
        "администрации города. Магнитуда землетрясения на Байкале составила 5,6, эпицентр был "
        "в 25 километрах от Листвянки. Жители Иркутска пишут о трещинах в стенах старых домов. "
        "Комиссия проверяет здания, занятия в школе отменены до среды.",
    ),
    (
        "ru-irk-3", "interfax", 8, "irkutsk",
        "Трещины в домах Иркутска проверяет комиссия",
        "Комиссия администрации Иркутска осматривает дома, в стенах которых после землетрясения на "
        "Байкале появились трещины. Толчки магнитудой 5,6 произошли у Листвянки. Из школы № 19 "
        "эвакуировали учеников, занятия перенесли. По данным сейсмологов, это сильнейшее "
        "землетрясение в районе Байкала за последние три года.",
    ),
    (
        "ru-metro-1", "tass", 7, "metro",
        "В Москве открылась новая станция метро «Бирюлёво»",
        "Новая станция метро «Бирюлёво» открылась в Москве на Бирюлёвской линии, сообщил мэр "
        "столицы. Станция примет до 40 тысяч пассажиров в сутки. Поезда будут ходить с "
        "интервалом четыре минуты, а до центра города жители района смогут доехать за полчаса.",
    ),
    (
        "ru-metro-2", "ria", 9, "metro",
        "Мэр открыл станцию «Бирюлёво» Бирюлёвской линии метро",
        "Мэр Москвы открыл станцию «Бирюлёво» на Бирюлёвской линии метро. По словам мэра, "
        "станцией будут пользоваться до 40 тысяч пассажиров в сутки, а дорога до центра займет "
        "около получаса. Интервал движения поездов составит четыре минуты.",
    ),
    (
        "de-aug-1", "spiegel", 2, "augsburg",
        "Regionalzug bei Augsburg entgleist – zwei Verletzte",
        "Bei Augsburg ist am Montagmorgen ein Regionalzug entgleist. Zwei Fahrgäste wurden leicht "
        "verletzt, teilte die Bundespolizei mit. Der Zug war mit rund 80 Reisenden von Augsburg "
        "nach Donauwörth unterwegs, als zwei Wagen kurz hinter dem Bahnhof Gersthofen aus den "
        "Schienen sprangen. Die Strecke bleibt bis mindestens Dienstag gesperrt.",
    ),
    (
        "de-aug-2", "zeit", 4, "augsburg",
        "Zugunglück in Gersthofen: Strecke nach Donauwörth gesperrt",
        "Nach dem Zugunglück in Gersthofen bei Augsburg ist die Bahnstrecke nach Donauwörth "
        "gesperrt. Zwei Wagen des Regionalzugs waren am Montag entgleist, zwei der etwa 80 "
        "Reisenden erlitten leichte Verletzungen. Die Bundespolizei ermittelt die Ursache; "
        "Ermittler prüfen eine beschädigte Weiche. Die Deutsche Bahn richtet Ersatzbusse ein.",
    ),
    (
        "de-aug-3", "sueddeutsche", 7, "augsburg",
        "Entgleisung bei Gersthofen: Ermittler prüfen Weiche",
        "Nach der Entgleisung eines Regionalzugs in Gersthofen prüfen Ermittler der Bundespolizei "
        "eine Weiche kurz hinter dem Bahnhof. Der Zug von Augsburg nach Donauwörth hatte rund 80 "
        "Fahrgäste an Bord, zwei wurden leicht verletzt. Zwischen Augsburg und Donauwörth fahren "
        "bis Dienstag Ersatzbusse.",
    ),
    (
        "de-han-1", "spiegel", 30, "hannover",
        "Güterzug bei Hannover entgleist – Strecke nach Hamburg gesperrt",
        "In der Nähe von Hannover ist in der Nacht zum Dienstag ein Güterzug entgleist. Mehrere "
        "mit Holz beladene Wagen kippten bei Langenhagen um, verletzt wurde niemand. Die "
        "Hauptstrecke zwischen Hannover und Hamburg ist gesperrt, Fernzüge werden über Bremen "
        "umgeleitet. Die Bergung der Wagen soll zwei Tage dauern.",
    ),
    (
        "de-han-2", "zeit", 32, "hannover",
        "Umgekippte Holzwaggons blockieren Strecke Hannover–Hamburg",
        "Nach der Entgleisung eines Güterzugs bei Langenhagen blockieren umgekippte Waggons mit "
        "Holz die Strecke zwischen Hannover und Hamburg. Niemand wurde verletzt. Die Deutsche "
        "Bahn leitet Fernzüge über Bremen um, Reisende müssen mit einer Stunde Verspätung "
        "rechnen. Die Bergung dauert voraussichtlich bis Donnerstag.",
    ),
    (
        "zh-sc-1", "xinhua", 10, "sichuan",
        "四川泸定发生6.8级地震",
        "中国地震台网正式测定，9月5日12时52分在四川甘孜州泸定县发生6.8级地震，震源深度16千米。"
        "震中附近的磨西镇房屋受损严重，当地已启动地震应急响应，救援队伍正赶往灾区。",
    ),
    (
        "zh-sc-2", "people", 12, "sichuan",
        "泸定6.8级地震：救援队伍赶赴磨西镇",
        "四川甘孜州泸定县6.8级地震发生后，多支救援队伍赶赴震中磨西镇。据四川省应急管理厅介绍，"
        "地震造成磨西镇多处房屋倒塌，通往灾区的道路部分中断，救援人员正在搜救被困群众。",
    ),
    (
        "ko-bs-1", "yonhap", 20, "busan",
        "부산 해운대 아파트에서 화재…주민 30명 대피",
        "8일 오전 부산 해운대구의 한 아파트에서 불이 나 주민 30명이 대피했다. 소방당국은 "
        "소방차 20대를 투입해 한 시간 만에 불을 껐다. 이 화재로 주민 2명이 연기를 마셔 병원으로 "
        "옮겨졌다. 경찰과 소방당국은 정확한 화재 원인을 조사하고 있다.",
    ),
    (
        "ko-bs-2", "kbs", 22, "busan",
        "해운대 아파트 화재로 2명 병원 이송",
        "부산 해운대구 아파트 화재로 연기를 마신 주민 2명이 병원으로 이송됐다. 불은 8일 오전 "
        "아파트 10층에서 시작됐으며, 주민 30여 명이 스스로 대피했다. 소방당국은 한 시간여 만에 "
        "불길을 잡았으며, 화재 원인을 조사 중이다.",
    ),
    (
        "ko-ic-1", "yonhap", 40, "incheon",
        "인천 남동공단 공장에서 큰불…인명 피해 없어",
        "9일 새벽 인천 남동공단의 한 화학 공장에서 큰불이 나 공장 건물 두 동이 탔다. 소방당국은 "
        "대응 2단계를 발령하고 소방관 150명을 투입해 다섯 시간 만에 불을 진화했다. 야간이라 "
        "근무자가 없어 인명 피해는 없었다. 경찰은 공장 관계자를 상대로 화재 원인을 조사하고 있다.",
    ),
    (
        "ko-ic-2", "kbs", 43, "incheon",
        "인천 화학공장 화재 5시간 만에 진화",
        "인천 남동공단 화학 공장에서 발생한 화재가 5시간 만에 꺼졌다. 소방관 150명과 장비 60대가 "
        "투입됐고, 대응 2단계가 발령됐다. 불이 난 공장에는 근무자가 없어 다친 사람은 없었다. "
        "소방당국은 재산 피해 규모를 집계하고 있다.",
    ),
    (
        "zh-yn-1", "xinhua", 14, "yunnan",
        "云南昆明暴雨引发城市内涝",
        "受强降雨影响，云南昆明多条道路出现积水，部分地铁站临时关闭。昆明市气象台发布暴雨橙色预警，"
        "提醒市民减少外出。市政部门已出动排水车辆，全力排除城市内涝。",
    ),
]



def _events(reports: list[tuple[str, str, int, str, str, str]]) -> dict[str, str]:
    return {doc_id: event for doc_id, _, _, event, _, _ in reports}


EXPECTED = _events(_REPORTS)

# Two earthquakes in northern Thailand a day apart, two reports each.
_THAI = [
    (
        "th-cm-1", "thairath", 50, "chiangmai",
        "แผ่นดินไหวขนาด 6.2 เขย่าเชียงใหม่",
        "เกิดเหตุแผ่นดินไหวขนาด 6.2 ในจังหวัดเชียงใหม่เมื่อเช้าวันจันทร์ ประชาชนจำนวนมากวิ่งออกจากอาคาร"
        "ด้วยความตกใจ เจ้าหน้าที่กรมอุตุนิยมวิทยาระบุว่าศูนย์กลางอยู่ที่อำเภอแม่ริม ความลึก 10 กิโลเมตร "
        "ผู้ว่าราชการจังหวัดเชียงใหม่กล่าวว่ายังไม่มีรายงานผู้เสียชีวิต",
    ),
    (
        "th-cm-2", "matichon", 52, "chiangmai",
        "เชียงใหม่สั่นสะเทือน โรงเรียนหยุดเรียนตรวจอาคาร",
        "หลังแผ่นดินไหวขนาด 6.2 ที่อำเภอแม่ริม จังหวัดเชียงใหม่ โรงเรียนหลายแห่งในตัวเมืองประกาศหยุด"
        "การเรียนการสอนชั่วคราวเพื่อตรวจสอบความปลอดภัยของอาคาร กรมอุตุนิยมวิทยาเตือนว่าอาจมีอาฟเตอร์ช็อก"
        "ตามมา บ้านเรือนบางส่วนได้รับความเสียหาย",
    ),
    (
        "th-cr-1", "thairath", 80, "chiangrai",
        "แผ่นดินไหวขนาด 5.1 ที่เชียงราย",
        "เกิดแผ่นดินไหวขนาด 5.1 ที่อำเภอแม่สาย จังหวัดเชียงราย เมื่อคืนวันอังคาร ความลึก 7 กิโลเมตร "
        "ชาวบ้านรู้สึกถึงแรงสั่นสะเทือน กรมอุตุนิยมวิทยาระบุว่าไม่มีความเสียหายรุนแรง",
    ),
    (
        "th-cr-2", "matichon", 81, "chiangrai",
        "เชียงรายสั่นไหว ชาวแม่สายตื่นตระหนก",
        "ชาวบ้านในอำเภอแม่สาย จังหวัดเชียงราย ตื่นตระหนกหลังแผ่นดินไหวขนาด 5.1 เมื่อคืนวันอังคาร "
        "เจ้าหน้าที่ตรวจสอบแล้วพบผนังบ้านร้าวเล็กน้อย ไม่มีผู้บาดเจ็บ",
    ),
]
THAI_EXPECTED = _events(_THAI)


def language_docs(*, thai: bool = False) -> list[Doc]:
    """The stream's docs, in publication order (with ``thai``, the Thai reports too)."""
    docs = [
        Doc(
            id=doc_id,
            url=f"https://{outlet}.example/{doc_id}",
            source=outlet,
            title=title,
            text=text,
            published=T0 + timedelta(hours=hours),
        )
        for doc_id, outlet, hours, _, title, text in _REPORTS + (_THAI if thai else [])
    ]
    return sorted(docs, key=lambda d: (d.published, d.id))
