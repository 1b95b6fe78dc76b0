"""Fixed facts about Swedish geography that the register checks its data against.

SCB's county codes (länskoder) have been stable since 2007; a municipality code's first two digits are the code of
its county (0114 Upplands Väsby lies in 01 Stockholms län, 0980 Gotland in 09 Gotlands län).
"""

SWEDISH_COUNTIES: dict[str, str] = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}


def county_code_of_municipality(municipality_code: str) -> str:
    """The county a municipality belongs to, read from its code."""
    return municipality_code[:2]
