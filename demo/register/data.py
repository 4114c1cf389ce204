"""The tables the synthetic register extract (demo.register.extract) draws from:
counties and their municipalities, trades, names of offices and companies, people's names and
contact details. Plain data; the generator's logic and its shares stay in demo.register.extract."""

from __future__ import annotations

# Counties of today with their population in thousands (Statistics Norway, 2024), the weight
# that spreads companies, offices and contracts over the country.
COUNTY_POPULATION = {
    "03": 717,
    "11": 499,
    "15": 270,
    "18": 243,
    "31": 311,
    "32": 719,
    "33": 269,
    "34": 373,
    "39": 257,
    "40": 177,
    "42": 318,
    "46": 650,
    "50": 481,
    "55": 169,
    "56": 75,
}

# Neighbouring counties, for members of an office across the county border.
NEIGHBOURS = {
    "03": ("32",),
    "11": ("46", "42"),
    "15": ("46", "50"),
    "18": ("50", "55"),
    "31": ("32",),
    "32": ("03", "31", "33"),
    "33": ("32", "39"),
    "34": ("32", "50"),
    "39": ("40", "33"),
    "40": ("39", "42"),
    "42": ("40", "11"),
    "46": ("11", "15"),
    "50": ("15", "18"),
    "55": ("18", "56"),
    "56": ("55",),
}

COUNTY_NAMES = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}

# A few real municipalities per county, the largest first (it gets the most companies).
MUNICIPALITIES: dict[str, list[tuple[str, str]]] = {
    "03": [("0301", "Oslo")],
    "11": [
        ("1103", "Stavanger"),
        ("1108", "Sandnes"),
        ("1106", "Haugesund"),
        ("1149", "Karmøy"),
        ("1124", "Sola"),
        ("1101", "Eigersund"),
        ("1119", "Hå"),
        ("1120", "Klepp"),
        ("1121", "Time"),
    ],
    "15": [
        ("1508", "Ålesund"),
        ("1506", "Molde"),
        ("1505", "Kristiansund"),
        ("1520", "Ørsta"),
        ("1577", "Volda"),
        ("1531", "Sula"),
        ("1554", "Averøy"),
    ],
    "18": [
        ("1804", "Bodø"),
        ("1833", "Rana"),
        ("1806", "Narvik"),
        ("1824", "Vefsn"),
        ("1860", "Vestvågøy"),
        ("1865", "Vågan"),
        ("1813", "Brønnøy"),
    ],
    "31": [
        ("3107", "Fredrikstad"),
        ("3105", "Sarpsborg"),
        ("3103", "Moss"),
        ("3101", "Halden"),
        ("3118", "Indre Østfold"),
    ],
    "32": [
        ("3201", "Bærum"),
        ("3205", "Lillestrøm"),
        ("3203", "Asker"),
        ("3207", "Nordre Follo"),
        ("3209", "Ullensaker"),
    ],
    "33": [("3301", "Drammen"), ("3305", "Ringerike"), ("3303", "Kongsberg"), ("3312", "Lier")],
    "34": [
        ("3411", "Ringsaker"),
        ("3403", "Hamar"),
        ("3407", "Gjøvik"),
        ("3405", "Lillehammer"),
        ("3420", "Elverum"),
        ("3401", "Kongsvinger"),
    ],
    "39": [
        ("3907", "Sandefjord"),
        ("3905", "Tønsberg"),
        ("3909", "Larvik"),
        ("3901", "Horten"),
        ("3903", "Holmestrand"),
        ("3911", "Færder"),
    ],
    "40": [("4003", "Skien"), ("4001", "Porsgrunn"), ("4012", "Bamble"), ("4005", "Notodden")],
    "42": [
        ("4204", "Kristiansand"),
        ("4203", "Arendal"),
        ("4202", "Grimstad"),
        ("4205", "Lindesnes"),
        ("4207", "Flekkefjord"),
        ("4206", "Farsund"),
    ],
    "46": [
        ("4601", "Bergen"),
        ("4626", "Øygarden"),
        ("4627", "Askøy"),
        ("4624", "Bjørnafjorden"),
        ("4631", "Alver"),
        ("4614", "Stord"),
        ("4621", "Voss"),
        ("4602", "Kinn"),
        ("4647", "Sunnfjord"),
        ("4640", "Sogndal"),
        ("4613", "Bømlo"),
        ("4651", "Stryn"),
    ],
    "50": [
        ("5001", "Trondheim"),
        ("5035", "Stjørdal"),
        ("5037", "Levanger"),
        ("5006", "Steinkjer"),
        ("5028", "Melhus"),
        ("5038", "Verdal"),
        ("5007", "Namsos"),
        ("5025", "Røros"),
    ],
    "55": [("5501", "Tromsø"), ("5503", "Harstad"), ("5524", "Målselv"), ("5520", "Bardu")],
    "56": [("5601", "Alta"), ("5603", "Hammerfest"), ("5605", "Sør-Varanger"), ("5607", "Vadsø")],
}

# Regions used in the names of training offices.
REGIONS = {
    "03": ["Oslo", "Oslo og Akershus", "Groruddalen", "Oslo Øst", "Oslo Vest"],
    "11": ["Rogaland", "Stavanger", "Haugalandet", "Jæren", "Dalane", "Sør-Rogaland"],
    "15": ["Møre og Romsdal", "Sunnmøre", "Romsdal", "Nordmøre", "Ålesund"],
    "18": ["Nordland", "Salten", "Helgeland", "Lofoten", "Ofoten", "Vesterålen"],
    "31": ["Østfold", "Nedre Glomma", "Indre Østfold", "Mosseregionen"],
    "32": ["Akershus", "Romerike", "Follo", "Asker og Bærum", "Øvre Romerike"],
    "33": ["Buskerud", "Drammensregionen", "Ringerike", "Kongsberg", "Hallingdal"],
    "34": ["Innlandet", "Hedmark", "Oppland", "Gudbrandsdalen", "Valdres", "Østerdalen"],
    "39": ["Vestfold", "Tønsberg", "Sandefjord og Larvik"],
    "40": ["Telemark", "Grenland", "Vest-Telemark", "Midt-Telemark"],
    "42": ["Agder", "Sørlandet", "Vest-Agder", "Aust-Agder", "Setesdal"],
    "46": [
        "Vestland",
        "Bergen",
        "Hordaland",
        "Sunnhordland",
        "Hardanger",
        "Voss",
        "Nordhordland",
        "Sogn",
        "Sunnfjord",
        "Nordfjord",
    ],
    "50": ["Trøndelag", "Trondheim", "Namdal", "Innherred", "Fosen", "Orkdal"],
    "55": ["Troms", "Tromsø", "Midt-Troms", "Sør-Troms"],
    "56": ["Finnmark", "Vest-Finnmark", "Øst-Finnmark"],
}

# (code, name, relative number of running contracts). Codes follow VIGO's ten-character
# programme-area style: two letters for the education programme, three for the trade, the
# level (3) and padding.
TRADES: list[tuple[str, str, float]] = [
    ("HSHEA3----", "Helsearbeiderfaget", 60),
    ("HSBUA3----", "Barne- og ungdomsarbeiderfaget", 45),
    ("HSAMB3----", "Ambulansefaget", 4),
    ("HSAKT3----", "Aktivitørfaget", 2),
    ("HSTHS3----", "Tannhelsesekretærfaget", 1.5),
    ("HSHJT3----", "Hjelpemiddelteknikerfaget", 0.5),
    ("ELELE3----", "Elektrikerfaget", 48),
    ("ELAUT3----", "Automatiseringsfaget", 12),
    ("ELEMO3----", "Energimontørfaget", 5),
    ("ELDAT3----", "Dataelektronikerfaget", 3),
    ("ELTEL3----", "Telekommunikasjonsmontørfaget", 2),
    ("ELHEI3----", "Heismontørfaget", 1.5),
    ("ELERE3----", "Elektroreparatørfaget", 1),
    ("ELENE3----", "Energioperatørfaget", 1),
    ("ELAVI3----", "Avionikerfaget", 0.5),
    ("BATMF3----", "Tømrerfaget", 45),
    ("BARLF3----", "Rørleggerfaget", 18),
    ("BAAMF3----", "Anleggsmaskinførerfaget", 14),
    ("BABET3----", "Betongfaget", 8),
    ("BAMAL3----", "Malerfaget", 7),
    ("BAMUR3----", "Murer- og flisleggerfaget", 6),
    ("BAABF3----", "Anleggsfaget", 6),
    ("BAVBL3----", "Ventilasjons- og blikkenslagerfaget", 5),
    ("BAAGF3----", "Anleggsgartnerfaget", 5),
    ("BABDF3----", "Byggdrifterfaget", 3),
    ("BASTI3----", "Stillasbyggerfaget", 2),
    ("BAGLA3----", "Glassfaget", 1),
    ("BATAK3----", "Taktekkerfaget", 1),
    ("BAISO3----", "Isolatørfaget", 1),
    ("BAFEI3----", "Feierfaget", 0.5),
    ("TPBIL3----", "Bilfaget, lette kjøretøy", 18),
    ("TPTKJ3----", "Bilfaget, tunge kjøretøy", 6),
    ("TPIMK3----", "Industrimekanikerfaget", 14),
    ("TPLOG3----", "Logistikkfaget", 9),
    ("TPYSJ3----", "Yrkessjåførfaget", 6),
    ("TPAMM3----", "Anleggsmaskinmekanikerfaget", 5),
    ("TPPLA3----", "Platearbeiderfaget", 5),
    ("TPKJP3----", "Kjemiprosessfaget", 4),
    ("TPMAT3----", "Matrosfaget", 4),
    ("TPSVE3----", "Sveisefaget", 3),
    ("TPPRT3----", "Produksjonsteknikkfaget", 3),
    ("TPBSK3----", "Bilskadefaget", 3),
    ("TPMOT3----", "Motormannfaget", 3),
    ("TPCNC3----", "CNC-maskineringsfaget", 2),
    ("TPBLA3----", "Billakkererfaget", 2),
    ("TPFLY3----", "Flymekanikerfaget", 2),
    ("TPLAB3----", "Laboratoriefaget", 1),
    ("TPLMM3----", "Landbruksmaskinmekanikerfaget", 1),
    ("TPIMO3----", "Industrimontørfaget", 1),
    ("TPBRT3----", "Brønnteknikkfaget", 1),
    ("TPPOK3----", "Polymerkomposittfaget", 0.5),
    ("RMKOK3----", "Kokkfaget", 9),
    ("RMIMP3----", "Industriell matproduksjon", 4),
    ("RMINK3----", "Institusjonskokkfaget", 2),
    ("RMSER3----", "Servitørfaget", 2),
    ("RMBAK3----", "Bakerfaget", 1.5),
    ("RMKON3----", "Konditorfaget", 1.5),
    ("RMKJS3----", "Kjøttskjærerfaget", 1),
    ("SSSAL3----", "Salgsfaget", 16),
    ("SSKOA3----", "Kontor- og administrasjonsfaget", 6),
    ("SSIKT3----", "IKT-servicefaget", 6),
    ("SSRES3----", "Resepsjonsfaget", 1),
    ("SSREL3----", "Reiselivsfaget", 1),
    ("SSSIK3----", "Sikkerhetsfaget", 1),
    ("SSREN3----", "Renholdsoperatørfaget", 1),
    ("DHFRI3----", "Frisørfaget", 8),
    ("DHBLO3----", "Blomsterdekoratørfaget", 0.5),
    ("DHHUD3----", "Hudpleierfaget", 0.5),
    ("DHSKR3----", "Skredderfaget", 0.2),
    ("NAAKV3----", "Akvakulturfaget", 5),
    ("NASKO3----", "Skogfaget", 1),
    ("NAFIF3----", "Fiske og fangst", 1),
    ("NAGAR3----", "Gartnerfaget", 0.5),
    ("NAHES3----", "Hestefaget", 0.5),
    ("NAREI3----", "Reindriftsfaget", 0.3),
    ("IMMGR3----", "Mediegrafikerfaget", 0.5),
    ("IMFOT3----", "Fotograffaget", 0.5),
]

# Trades a municipality trains apprentices in besides health and childcare.
MUNICIPAL_TRADES = ["BABDF3----", "SSKOA3----", "RMINK3----", "BAAGF3----", "SSIKT3----"]

# Share of women among apprentices per education programme, so names follow the trades.
FEMALE_SHARE = {
    "HS": 0.8,
    "EL": 0.1,
    "BA": 0.08,
    "TP": 0.12,
    "RM": 0.4,
    "SS": 0.5,
    "DH": 0.85,
    "NA": 0.3,
    "IM": 0.5,
}

OFFICE_NAMES = {
    "HS": [
        "Opplæringskontoret for offentlig sektor {r}",
        "Opplæringskontoret for helse og oppvekst {r}",
        "Kommunenes opplæringskontor {r}",
    ],
    "EL": [
        "Opplæringskontoret for elektrofag {r}",
        "Elektro Opplæringskontor {r}",
        "Opplæringskontoret for elektro og automasjon {r}",
    ],
    "BA": [
        "Byggfagenes Opplæringskontor {r}",
        "Opplæringskontoret for bygg og anlegg {r}",
        "Opplæringskontoret for tekniske fag {r}",
    ],
    "TP": [
        "Opplæringskontoret for teknologi og industri {r}",
        "Industriens Opplæringskontor {r}",
        "Opplæringskontoret for kjøretøyfag {r}",
        "Opplæringskontoret for transport og logistikk {r}",
        "Maritimt opplæringskontor {r}",
    ],
    "RM": ["Opplæringskontoret for reiseliv og matfag {r}", "Matfagenes opplæringskontor {r}"],
    "SS": [
        "Opplæringskontoret for service og handel {r}",
        "Varehandelens opplæringskontor {r}",
        "Opplæringskontoret for IKT og kontorfag {r}",
    ],
    "DH": ["Opplæringskontoret for håndverksfag {r}", "Frisørfagenes opplæringskontor {r}"],
    "NA": ["Opplæringskontoret for naturbruk {r}", "Havbrukets opplæringskontor {r}"],
    "IM": ["Opplæringskontoret for mediefag {r}"],
}

COMPANY_NAMES = {
    "HS": ["{x} Omsorgssenter", "{x} Barnehage AS", "{x} Sjukeheim", "{x} Tannklinikk AS"],
    "EL": [
        "{x} Elektro AS",
        "{x} Elektroinstallasjon AS",
        "Elektrikeren {x} AS",
        "{x} El-Service AS",
    ],
    "BA": [
        "{x} Bygg AS",
        "{x} Tømrerservice AS",
        "{x} Rør AS",
        "Byggmester {x} AS",
        "{x} Entreprenør AS",
        "{x} Maskin og Anlegg AS",
        "{x} Malerservice AS",
    ],
    "TP": [
        "{x} Mekaniske Verksted AS",
        "{x} Bilsenter AS",
        "{x} Industri AS",
        "{x} Sveis og Stål AS",
        "{x} Transport AS",
        "{x} Bil AS",
    ],
    "RM": ["{x} Hotell AS", "Restaurant {x}", "{x} Bakeri AS", "{x} Kjøtt AS"],
    "SS": [
        "Rema 1000 {x}",
        "Kiwi {x}",
        "Coop Extra {x}",
        "{x} Handel AS",
        "{x} Sport AS",
        "{x} Regnskap AS",
        "{x} Data AS",
    ],
    "DH": ["Frisør {x} AS", "{x} Hårstudio AS", "{x} Blomster AS"],
    "NA": ["{x} Laks AS", "{x} Fiskeoppdrett AS", "{x} Skog AS", "{x} Gartneri AS"],
    "IM": ["{x} Media AS", "{x} Trykkeri AS"],
}


def _words(text: str) -> list[str]:
    return text.split()


MALE_NAMES = _words(
    "Jonas Emil Markus Aksel Sander Magnus Henrik Tobias Elias Mathias Jakob Kristian Ole Sindre "
    "Håkon Bjørn Ørjan Øyvind Åsmund Pål Kåre Sølve Tord Even Vetle Eirik Sigurd Mats Thomas "
    "Martin Andreas Adrian Fredrik Lars Espen Jørgen Torbjørn Sivert Filip Oskar Isak Noah "
    "Ludvig Ivar Halvard Mohammed Ali Daniel Kasper Stian Joakim Ådne Ståle Geir Odd Rune Tor"
)
FEMALE_NAMES = _words(
    "Nora Emma Ingrid Sara Sofie Maja Thea Ida Julie Marte Åse Solveig Kjærsti Bjørg Ragnhild "
    "Sunniva Hanne Tiril Live Frøya Mathilde Synnøve Åshild Astrid Siri Marit Guro Kristin Hege "
    "Ane Vilde Amalie Hedda Malin Helene Selma Leah Ella Aurora Eline Mari Silje Camilla Tonje "
    "Karoline Maria Fatima Linnea Mia Oda Sigrid Tuva Kaja Anniken Bente Grete Liv Randi Eva"
)
LAST_NAMES = _words(
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen "
    "Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen "
    "Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand Solberg Svendsen "
    "Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen "
    "Ali Lunde Solheim Berntsen Nygård Bakke Kristensen Fredriksen Myhre Holm Ødegård Sæther "
    "Aasen Hovland Løvås Bråten Østby Sæbø Åsheim Kvåle Hægeland Tveit Fjærestad Grønli Mæland "
    "Rønning Brekke Stene Vik Aune Bøe Nordmo Skjæveland Fosse Haaland Årdal Tønnessen Lien "
    "Mo Ruud Hauge Bjørnstad Sandvik Kleppe Kvalheim Søvik Vestrheim Hatlevik Eikeland Rød"
)
EMAIL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "hotmail.com", "outlook.com", "icloud.com"]
EMAIL_DOMAINS += ["online.no", "live.no", "yahoo.no"]
MOBILE_PREFIXES = ["40", "41", "46", "47", "48", "90", "91", "92", "93", "94", "95"]
MOBILE_PREFIXES += ["96", "97", "98", "99"]
BAD_EMAILS = ["{u}@gmail", "{u}.gmail.com", "{u}@@gmail.com", "{u}@gmail,com", "{u} @online.no"]
BAD_MOBILES = ["912 34 56", "55 12 34 56", "9123456789", "tlf mangler", "12345678"]
