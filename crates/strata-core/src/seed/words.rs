//! Strata's own word and name lists for generated rows. They are part of the output: changing
//! a list changes what a seed value produces, so entries are only ever appended with care.

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Astrid", "Ben", "Bianca", "Carlos", "Chen", "Chloe",
    "Daniel", "Dara", "Elena", "Emil", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines", "Isaac",
    "Jamal", "Jana", "Jonas", "Kai", "Kenji", "Lara", "Leo", "Lina", "Luca", "Maya", "Mateo",
    "Mei", "Nadia", "Noah", "Nora", "Omar", "Olga", "Paulo", "Priya", "Quinn", "Rafael", "Rosa",
    "Sam", "Sara", "Sofia", "Tariq", "Tomas", "Uma", "Victor", "Vera", "Wei", "Yara", "Yusuf",
    "Zoe",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Abbott", "Adeyemi", "Almeida", "Andersen", "Bauer", "Becker", "Chen", "Costa", "Dubois",
    "Eriksson", "Fischer", "Garcia", "Gomez", "Hansen", "Hoffmann", "Ito", "Jansen", "Kaur", "Kim",
    "Kowalski", "Larsen", "Lopez", "Martin", "Meyer", "Moreau", "Nair", "Nguyen", "Novak",
    "Okafor", "Olsen", "Ortega", "Park", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt",
    "Silva", "Singh", "Sato", "Tanaka", "Torres", "Usman", "Varga", "Weber", "Wright", "Yilmaz",
    "Young", "Zhang",
];

pub(crate) const WORDS: &[&str] = &[
    "amber", "anchor", "arch", "atlas", "autumn", "basin", "beacon", "birch", "bright", "canyon",
    "cedar", "circle", "clear", "cloud", "coast", "copper", "coral", "crisp", "delta", "drift",
    "echo", "ember", "field", "flint", "forest", "frost", "garden", "glade", "granite", "harbor",
    "hazel", "hollow", "island", "ivory", "jade", "juniper", "lake", "lantern", "linen", "lumen",
    "maple", "meadow", "mesa", "mint", "moss", "north", "oak", "ocean", "olive", "orbit", "pebble",
    "pine", "plain", "prairie", "quartz", "quiet", "rapid", "raven", "reed", "ridge", "river",
    "road", "sable", "sage", "shore", "silver", "slate", "solid", "spring", "stone", "summit",
    "swift", "thistle", "timber", "trail", "tundra", "valley", "velvet", "willow", "winter",
    "yarrow", "zephyr",
];

pub(crate) const STREETS: &[&str] = &[
    "Main Street",
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Mill Road",
    "Harbour View",
    "Oak Drive",
    "Elm Street",
    "Market Square",
    "River Walk",
    "Cedar Court",
    "Hillside Road",
    "Lake Shore Drive",
    "Orchard Way",
    "Bridge Street",
];

pub(crate) const CITIES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Lakeside",
    "Fairview",
    "Greenville",
    "Kingsport",
    "Bayview",
    "Westfield",
    "Northbridge",
    "Ashford",
    "Millbrook",
    "Stonehaven",
    "Brookfield",
    "Eastwood",
];

pub(crate) const COMPANY_SUFFIXES: &[&str] = &[
    "Labs",
    "Systems",
    "Works",
    "Partners",
    "Group",
    "Studio",
    "Logistics",
    "Foods",
    "Analytics",
    "Supply",
    "Trading",
    "Holdings",
];

pub(crate) const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];
