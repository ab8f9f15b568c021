"""Name and detail pools for synthetic people: diverse on purpose (accents, hyphens,
apostrophes, non-Latin scripts), so every screen is tried with the names real clients have."""

# (first names, last names, primary language, interpreter likely)
NAME_POOLS = [
    (
        [
            "James",
            "Mary",
            "Robert",
            "Patricia",
            "Michael",
            "Linda",
            "David",
            "Jennifer",
            "Tyrone",
            "Keisha",
            "Dakota",
            "Bobbie",
            "Shawn",
            "Crystal",
            "Ray",
            "Tammy",
        ],
        [
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Taylor",
            "Smith-Jones",
            "O'Brien",
            "McAllister",
            "D'Angelo",
            "Washington",
            "Running Bear",
            "Begay",
        ],
        "English",
        False,
    ),
    (
        [
            "José",
            "María",
            "Lucía",
            "Jesús",
            "Ana Sofía",
            "Juan Carlos",
            "Guadalupe",
            "Inés",
            "Ramón",
            "Ximena",
            "Esperanza",
            "Joaquín",
        ],
        [
            "García",
            "Hernández",
            "Martínez",
            "López",
            "González",
            "Pérez-Ruiz",
            "Sánchez",
            "Ramírez",
            "Núñez",
            "de la Cruz",
            "Ibáñez",
            "Peña",
        ],
        "Spanish",
        True,
    ),
    (
        ["Minh", "Lan", "Bình", "Thảo", "Hùng", "Ngọc"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Bùi"],
        "Vietnamese",
        True,
    ),
    (
        ["芳", "娜", "伟", "洋", "Wei", "Mei"],
        ["王", "李", "张", "Chen", "Liu", "Huang"],
        "Mandarin",
        True,
    ),
    (
        ["محمد", "فاطمة", "Omar", "Layla", "Yusuf", "Amira"],
        ["الحسن", "Haddad", "Al-Sayed", "Nasser", "Khoury", "Mansour"],
        "Arabic",
        True,
    ),
    (
        ["Дмитрий", "Ольга", "Sergei", "Natalia", "Łukasz", "Zoë"],
        ["Иванов", "Petrova", "Kowalski", "Wiśniewska", "Novák", "Søndergaard"],
        "Russian",
        True,
    ),
    (["민준", "서연", "Ji-woo", "Min-seo"], ["김", "이", "Park", "Choi"], "Korean", True),
    (
        ["Aoife", "Siobhán", "Seán", "Niamh", "Oisín"],
        ["Ní Bhriain", "Ó Súilleabháin", "MacCarthy", "O'Neill", "Fitzgerald"],
        "English",
        False,
    ),
    (
        ["Amadou", "Fatoumata", "Kwame", "Chiamaka", "Abebe", "Hodan"],
        ["Diallo", "Mensah", "Okafor", "Tesfaye", "Warsame", "Ndiaye"],
        "English",
        False,
    ),
]
POOL_WEIGHTS = [40, 22, 6, 5, 5, 5, 3, 6, 8]

PREFERRED = {
    "Robert": "Bobby",
    "Jennifer": "Jen",
    "Michael": "Mike",
    "Guadalupe": "Lupe",
    "Juan Carlos": "JC",
    "Dmitri": "Dima",
    "Natalia": "Natasha",
    "Ana Sofía": "Sofi",
}

GENDER_IDENTITIES = [
    "Woman",
    "Man",
    "Non-binary",
    "Transgender woman",
    "Transgender man",
    "Two-Spirit",
    "Questioning",
]
PRONOUNS = ["she/her", "he/him", "they/them", "she/they", "he/they"]

STREETS = [
    "Riverside Ave",
    "Harbor St",
    "Maple Ct",
    "Cedar Ln",
    "Mission Blvd",
    "Union St",
    "King Dr",
    "Lakeview Rd",
    "Pine St",
    "Oak Terrace",
    "Second Ave",
    "Market St",
]
CITY, REGION = "Port Meridian", "NY"

STRENGTHS = [
    "Good sense of humour; keeps going when things are hard.",
    "Close to their sister, who checks in every week.",
    "Skilled cook; wants to work in a kitchen again.",
    "Reliable about appointments when reminded the day before.",
    "Active in church; the pastor is a trusted support.",
    "Knows the bus system well and gets around independently.",
    "Plays guitar; music helps when stressed.",
    "Veteran with strong discipline and routine.",
    "Loves their dog, a strong reason to stay housed.",
    "Has 6 months sober and attends meetings.",
    "Bilingual; helps neighbours with translation.",
    "Completed a forklift certificate last year.",
]
RELATIONS = [
    ("sister", True),
    ("brother", False),
    ("mother", True),
    ("friend", False),
    ("neighbour", False),
    ("pastor", False),
    ("partner", True),
    ("son", True),
    ("daughter", True),
    ("AA sponsor", False),
    ("cousin", False),
]
SUPPORT_FIRST = ["Lupe", "Marcus", "Dee", "Tony", "Grace", "Hamid", "Rosa", "Pat", "Kim", "Ade"]
HOLD_REASONS = [
    "In hospital",
    "In residential treatment",
    "Short jail stay",
    "Travelling to family",
    "Asked for a break from services",
]

# Contact standards by program (Program.contact_standard), in the order of AGENCIES' programs:
# ICM and strengths-based at the default, ACT more intensive, clinical lighter.
STANDARD = {
    "contacts_per_month": 4,
    "face_to_face_within_days": 14,
    "post_crisis_contact_hours": 72,
}
ACT_STANDARD = {
    "contacts_per_month": 8,
    "face_to_face_within_days": 7,
    "post_crisis_contact_hours": 48,
}
LIGHT_STANDARD = {
    "contacts_per_month": 2,
    "face_to_face_within_days": 30,
    "post_crisis_contact_hours": 72,
}

AGENCIES = [
    {
        "name": "Riverside Community Services",
        "slug": "riverside",
        "programs": [
            ("Riverside Intensive Case Management", "icm", 15, 120, ["North Team", "South Team"]),
            ("Riverside ACT Team", "act", 10, 80, ["ACT Team"]),
        ],
        "standards": [STANDARD, ACT_STANDARD],
        "criteria": [
            [
                {"fact": "age", "label": "Aged 18 or over", "min": 18},
                {"fact": "homeless", "label": "Homeless or at risk", "equals": True},
                {"fact": "ed_visits_6m", "label": "2+ ED visits in 6 months", "min": 2},
            ],
            [
                {"fact": "age", "label": "Aged 18 or over", "min": 18},
                {
                    "fact": "diagnosis_category",
                    "label": "Serious mental illness",
                    "in": ["SMI", "psychotic disorder", "bipolar disorder"],
                },
            ],
        ],
    },
    {
        "name": "Harbor Health Partners",
        "slug": "harbor",
        "programs": [
            ("Harbor Strengths-Based Case Management", "strengths", 20, 150, ["Harbor Team"]),
            ("Harbor Clinical Case Management", "clinical", 25, 150, ["Clinical Team"]),
        ],
        "standards": [STANDARD, LIGHT_STANDARD],
        "criteria": [
            [
                {"fact": "age", "label": "Aged 18 or over", "min": 18},
                {
                    "fact": "county",
                    "label": "Lives in Harbor or Bay County",
                    "in": ["Harbor", "Bay"],
                },
            ],
            [{"fact": "age", "label": "Aged 18 to 64", "min": 18, "max": 64}],
        ],
    },
]

# (username, first, last, agency slug, role, program index or None, team name or None)
STAFF = [
    ("maria.cm", "María", "Delgado", "riverside", "case_manager", 0, "North Team"),
    ("devon.cm", "Devon", "Carter", "riverside", "case_manager", 0, "North Team"),
    ("aisha.cm", "Aisha", "Rahman", "riverside", "case_manager", 0, "South Team"),
    ("tom.cm", "Tom", "Nguyen", "riverside", "case_manager", 0, "South Team"),
    ("grace.cm", "Grace", "O'Connor", "riverside", "case_manager", 1, "ACT Team"),
    ("luis.cm", "Luis", "Ortega", "riverside", "case_manager", 1, "ACT Team"),
    ("janet.sup", "Janet", "Okafor", "riverside", "supervisor", 0, "North Team"),
    ("sam.sup", "Sam", "Whitfield", "riverside", "supervisor", 1, "ACT Team"),
    ("priya.pm", "Priya", "Shah", "riverside", "program_manager", 0, None),
    ("rita.intake", "Rita", "Moreno", "riverside", "intake_worker", None, None),
    ("alex.admin", "Alex", "Kim", "riverside", "agency_admin", None, None),
    ("noor.analyst", "Noor", "Haddad", "riverside", "data_analyst", None, None),
    ("kofi.cm", "Kofi", "Mensah", "harbor", "case_manager", 0, "Harbor Team"),
    ("elena.cm", "Elena", "Petrova", "harbor", "case_manager", 0, "Harbor Team"),
    ("ben.cm", "Ben", "Two Feathers", "harbor", "case_manager", 1, "Clinical Team"),
    ("zoe.cm", "Zoë", "Martin-Lefèvre", "harbor", "case_manager", 1, "Clinical Team"),
    ("hana.sup", "Hana", "Sato", "harbor", "supervisor", 0, "Harbor Team"),
    ("mark.pm", "Mark", "Feldman", "harbor", "program_manager", None, None),
    ("lee.intake", "Lee", "Park", "harbor", "intake_worker", None, None),
    ("olu.admin", "Olu", "Adeyemi", "harbor", "agency_admin", None, None),
    ("chris.analyst", "Chris", "Boyd", "harbor", "data_analyst", None, None),
]
DEMO_PASSWORD = "casebridge-demo"

REFERRERS = [
    ("hospital", "Dana Brooks", "St. Brigid's Hospital"),
    ("shelter", "Luis Ortiz", "Harbor Street Shelter"),
    ("court", "Judge's clerk", "Port Meridian Mental Health Court"),
    ("family", "", ""),
    ("outreach", "Mo Farah", "Street Outreach Team"),
    ("agency", "Jo Kim", "Food Bank of Port Meridian"),
]
REFERRAL_REASONS = [
    "Discharged from the psychiatric unit with nowhere to go.",
    "Sleeping outside near the river; several ED visits this winter.",
    "Court-ordered to engage with case management.",
    "Family worried: not taking medication, about to lose apartment.",
    "Asked for help with benefits and housing applications.",
]
