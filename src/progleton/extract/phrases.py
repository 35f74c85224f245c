"""Generic phrase lists: what publishers' boilerplate and non-article pages say.

Data, not code: the detectors in ``pagekind`` and ``appeals`` only count matches.
Every phrase is lower case and matched against whitespace-normalized lower-case text.
Appeals, newsletter prompts and paywalls look alike across publishers, which is what
makes these lists a legitimate generic signal.
"""

from __future__ import annotations

# Donation / membership appeals ("A Message from …", "Dear readers", "Remind me later").
APPEAL_PHRASES_EN: tuple[str, ...] = (
    "dear reader",
    "a message from",
    "support us",
    "support our journalism",
    "support independent journalism",
    "independent journalism",
    "please support",
    "please consider supporting",
    "make a contribution",
    "contribute today",
    "every contribution",
    "donate",
    "become a member",
    "become a supporter",
    "remind me later",
    "not ready to support",
    "maybe later",
    "we need your help",
    "your support",
    "by supporting",
    "starting from just",
    "monthly starting",
    "reader-funded",
    "reader funded",
    "no thanks",
    "price of a coffee",
    "buy us a coffee",
    "chip in",
    "fund our journalism",
    "support local journalism",
    "support quality journalism",
    "a small favour",
    "a small favor",
    "readers like you",
    "funded by readers",
    "funded by our readers",
    "as little as",
    "of any size",
)
# The same appeals in the languages of Europe's largest newsrooms.
APPEAL_PHRASES_ABROAD: tuple[str, ...] = (
    "liebe leserinnen", "liebe leser", "unterstützen sie", "jetzt unterstützen",
    "unabhängiger journalismus", "unabhängigen journalismus", "jetzt spenden",
    "später erinnern", "mitglied werden", "ihre unterstützung",
    "chers lecteurs", "chères lectrices", "soutenez-nous", "nous soutenir", "faire un don",
    "faisant un don", "journalisme indépendant", "me le rappeler plus tard", "votre soutien",
    "devenez membre",
    "queridos lectores", "apóyanos", "apoya el periodismo", "periodismo independiente",
    "haz una donación", "hazte socio", "recordármelo más tarde", "tu apoyo",
    "cari lettori", "sostienici", "giornalismo indipendente", "fai una donazione",
    "il tuo sostegno", "ricordamelo più tardi",
    "caros leitores", "apoie o", "jornalismo independente", "faça uma doação", "o seu apoio",
    "lembrar mais tarde",
    "beste lezers", "steun ons", "onafhankelijke journalistiek", "doneer",
    "дорогие читатели", "уважаемые читатели", "поддержите нас", "поддержать нас",
    "независимая журналистика", "независимую журналистику", "независимой журналистики",
    "пожертвова", "ваша поддержка", "напомнить позже",
)

# The generic signals of an appeal, for blocks no fixed phrase list covers. Each entry is a
# whole word or, ending in "*", a word's start. A block or run of blocks is an appeal when it
# asks, names what the money is for (journalism, readers), addresses the reader, and shows
# one more sign (an amount per period, a "later" control, a phrase above); any reporting
# verb makes it an article's paragraph instead (an article about fundraising quotes appeals).
APPEAL_ASKS: tuple[str, ...] = (
    "support*", "donat*", "contribut*", "member*", "subscri*", "gift", "give now", "give today",
    "i'll give", "chip in", "fund*", "join our", "join us", "help us", "your help",
    "unterstütz*", "spende*", "spenden*", "beitrag*", "mitglied*", "abonn*", "ihre hilfe",
    "soutien*", "soutenir", "soutenez*", "don", "dons", "contribu*", "votre aide", "besoin de vous",
    "apoy*", "apóy*", "apoya*", "donaci*", "socio", "socia", "socias", "suscri*", "aporta*",
    "sosten*", "sostien*", "donazion*", "abbona*", "apoi*", "doaç*", "assin*",
    "steun*", "doneer*", "donatie*", "lid worden",
    "поддерж*", "пожертв*", "подпис*", "донат*", "взнос*", "підтрим*", "внес*",
)
APPEAL_CAUSES: tuple[str, ...] = (
    "journalis*", "jornalis*", "giornalis*", "periodis*", "reporting", "reporters", "newsroom*",
    "nonprofit", "non-profit", "free for all", "open for all", "redaktion*", "rédaction*",
    "redacción", "redazione", "redação", "redactie", "редакци*", "журналист*", "журналіст*",
)
# Words that name the cause only when the publisher speaks of itself ("our readers", "we are
# independent"): an advice column tells its readers how to live independently.
APPEAL_CAUSES_OWN: tuple[str, ...] = (
    "reader*", "independen*", "free to read", "our work", "leser*", "unabhängig*", "zeitung",
    "lecteur*", "lectrice*", "indépendan*", "lector*", "independiente*", "lettor*",
    "indipendent*", "leitor*", "lezer*", "onafhankelijk*", "читател*", "читач*", "независим*",
    "незалежн*", "издани*", "медиа", "медіа",
)
PUBLISHER_WE: tuple[str, ...] = (
    "we", "we're", "we've", "us", "our*", "wir", "uns*", "nous", "notre", "nos", "nosotros",
    "nuestr*", "noi", "nostr*", "nós", "noss*", "wij", "ons", "onze", "мы", "нас", "наш*", "ми",
)
APPEAL_ADDRESS: tuple[str, ...] = (
    "you", "your", "you're", "you've", "please", "sie", "ihre", "ihnen", "du", "dein*", "bitte",
    "vous", "votre", "vos", "te", "tu", "tú", "ti", "usted", "por favor", "tuo", "tua", "voi",
    "vostro", "per favore", "você", "vocês", "seu", "sua", "u", "uw", "je", "jij", "jouw",
    "вы", "вас", "вам", "ваш*", "пожалуйста", "ви", "будь ласка",
)
# Short lines that dismiss an appeal ("Not now", "Maybe later", "Remind me in May").
APPEAL_CONTROLS: tuple[str, ...] = (
    "not now", "maybe later", "remind me", "no thanks", "later", "close", "später",
    "nicht jetzt", "plus tard", "pas maintenant", "más tarde", "ahora no", "più tardi", "non ora",
    "mais tarde", "agora não", "позже", "не сейчас", "напомнить*", "пізніше", "не зараз",
    "нагадати*",
)
# An amount is a sign of an appeal next to a period or a "from just" ("$5 a month").
APPEAL_MONEY_LEADS: tuple[str, ...] = (
    "as little as", "from just", "starting from", "starting at", "any size", "any amount",
    "a month", "a week", "a year", "per month", "each month", "every month", "monthly",
    "/month", "/mo", "schon mit", "ab", "im monat", "pro monat", "monatlich", "à partir de",
    "par mois", "desde", "al mes", "al mese", "a partir de", "por mês", "per maand", "от", "в месяц",
    "від", "на місяць", "щомісяч*", "ежемесячн*", "mensual*", "mensil*",
)
REPORTING_VERBS: tuple[str, ...] = (
    "said", "says", "saying", "told", "according to", "stated", "sagte", "sagt", "erklärte", "teilte",
    "a déclaré", "a dit", "a affirmé", "selon", "dijo", "afirmó", "declaró", "según",
    "ha detto", "ha dichiarato", "secondo", "disse", "afirmou", "segundo", "zei", "volgens",
    "сказал*", "заявил*", "сообщил*", "по словам", "по данным", "сказав", "заявив",
    "повідомив*", "за словами", "за даними",
)

# Newsletter and sign-up prompts.
NEWSLETTER_PHRASES_EN: tuple[str, ...] = (
    "sign up for our",
    "sign up to our",
    "subscribe to our newsletter",
    "our newsletter",
    "weekly newsletter",
    "daily newsletter",
    "by subscribing, you agree",
    "by signing up, you agree",
    "enter your email",
    "your email address",
    "privacy policy",
    "unsubscribe at any time",
)
NEWSLETTER_PHRASES_ABROAD: tuple[str, ...] = (
    "unseren newsletter", "newsletter abonnieren", "ihre e-mail-adresse", "datenschutzerklärung",
    "notre newsletter", "votre adresse e-mail", "votre adresse email", "politique de confidentialité",
    "nuestro boletín", "suscríbete", "tu correo electrónico", "política de privacidad",
    "la nostra newsletter", "iscriviti alla newsletter", "il tuo indirizzo email",
    "nossa newsletter", "seu e-mail", "política de privacidade",
    "подпишитесь на рассылку", "нашу рассылку", "ваш e-mail", "ваш email",
    "политикой конфиденциальности",
)

APPEAL_PHRASES = APPEAL_PHRASES_EN + APPEAL_PHRASES_ABROAD
NEWSLETTER_PHRASES = NEWSLETTER_PHRASES_EN + NEWSLETTER_PHRASES_ABROAD

# Lines that introduce a link to another article, inside or after the body.
TEASER_PREFIXES: tuple[str, ...] = (
    "read more",
    "read also",
    "also read",
    "see also",
    "related:",
    "related article",
    "related story",
    "more on this",
    "recommended:",
    "read next",
    "read the entire article",
    "read entire article",
    "read the full article",
    "continue reading",
    "click here",
    "don't miss",
    "don’t miss",
    "see more",
    "related",
    "lesen sie auch",
    "lesen sie mehr",
    "mehr zum thema",
    "auch interessant",
    "lire aussi",
    "à lire aussi",
    "voir aussi",
    "leer también",
    "lea también",
    "lee también",
    "leggi anche",
    "leia também",
    "lees ook",
    "читайте также",
    "читайте еще",
    "читайте ещё",
)

# Short lines that on their own are controls, not prose.
CONTROL_LINES: tuple[str, ...] = (
    "continue",
    "remind me later",
    "remind me later.",
    "not ready to support today?",
    "payment methods",
    "paiment methods",
    "share",
    "share this article",
    "share on facebook",
    "share on twitter",
    "tweet",
    "advertisement",
    "subscribe",
    "once",
    "monthly",
    "annual",
    "print",
    "email",
    "später erinnern",
    "me le rappeler plus tard",
    "recordármelo más tarde",
    "ricordamelo più tardi",
    "lembrar mais tarde",
    "напомнить позже",
)

# Bot-challenge / anti-robot interstitials.
CHALLENGE_TITLES: tuple[str, ...] = (
    "just a moment",
    "attention required",
    "checking your browser",
    "access denied",
    "please wait",
    "are you a robot",
    "security check",
    "ddos-guard",
    "one more step",
    "verify you are human",
    "pardon our interruption",
)
CHALLENGE_PHRASES: tuple[str, ...] = (
    "checking your browser",
    "checking if the site connection is secure",
    "enable javascript and cookies to continue",
    "verify you are human",
    "verifying you are human",
    "complete the security check",
    "are you a robot",
    "please complete the captcha",
    "prove you are not a robot",
    "ray id",
    "needs to review the security of your connection",
    "press & hold",
    "unusual traffic from your computer",
)
CHALLENGE_MARKUP: tuple[str, ...] = (
    "cf-browser-verification",
    "challenge-platform",
    "cf_chl_",
    "cf-challenge",
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com",
    "recaptcha/api.js",
    "captcha-delivery.com",
    "px-captcha",
)

# Cookie / consent walls.
CONSENT_PHRASES: tuple[str, ...] = (
    "we value your privacy",
    "we care about your privacy",
    "cookie",
    "consent",
    "accept all",
    "reject all",
    "manage preferences",
    "manage options",
    "manage settings",
    "before you continue",
    "your privacy choices",
    "legitimate interest",
    "partners",
    "personalised ads",
    "personalized ads",
    "store and/or access information on a device",
)

# Paywall stubs.
PAYWALL_PHRASES: tuple[str, ...] = (
    "subscribe to continue reading",
    "subscribe to read",
    "subscribe to keep reading",
    "continue reading with a subscription",
    "this article is for subscribers",
    "this content is for subscribers",
    "exclusive to subscribers",
    "for subscribers only",
    "subscribers only",
    "already a subscriber",
    "already have an account? log in",
    "you have reached your limit of free articles",
    "you've reached your limit of free articles",
    "you have read all your free articles",
    "to continue reading, subscribe",
    "unlock this article",
    "start your free trial",
    "log in to continue reading",
    "sign in to continue reading",
)

# Error pages served with status 200.
ERROR_TITLES: tuple[str, ...] = (
    "404",
    "page not found",
    "not found",
    "page cannot be found",
    "page could not be found",
    "page doesn't exist",
    "page does not exist",
    "page no longer exists",
    "error 404",
    "500 internal server error",
    "internal server error",
    "service unavailable",
    "something went wrong",
    "oops",
)
ERROR_PHRASES: tuple[str, ...] = (
    "page not found",
    "the page you are looking for",
    "the page you were looking for",
    "the page you requested",
    "could not be found",
    "cannot be found",
    "no longer exists",
    "doesn't exist",
    "does not exist",
    "may have been moved",
    "has been removed",
    "error 404",
    "404 error",
)

# Lines that close (or open) an article without being part of it: follow/contact/share
# prompts, newsletter plugs, tag lists, citations, copyright. Matched on short blocks at the
# ends of the extracted body only.
SIGN_OFF_PHRASES: tuple[str, ...] = (
    "follow us",
    "follow him",
    "follow her",
    "follow them",
    "sign up",
    "newsletter",
    "subscribe",
    "in your inbox",
    "share it with",
    "share this",
    "like this story",
    "tell us what you think",
    "have a tip",
    "got a tip",
    "news tip",
    "reach the reporter",
    "contact the author",
    "may be reached at",
    "can be reached at",
    "email us",
    "email him",
    "email her",
    "email:",
    "e-mail:",
    "click here",
    "don't miss",
    "don’t miss",
    "see more",
    "tag:",
    "related roundup",
    "related topics",
    "citation:",
    "copyright",
    "all rights reserved",
    "©",
    "join the conversation",
    "write to ",
    "thanks for signing up",
    "your subscription",
    "keep an eye on your inbox",
    "join our",
    "download our app",
    "listen to",
    "watch:",
    "updated at",
    "this article was originally published",
    "this story has been updated",
)

# Blocks whose whole text is one of these are page furniture wherever they stand.
FURNITURE_LINES: tuple[str, ...] = (
    "comments",
    "tags",
    "share",
    "related",
    "advertisement",
    "print",
    "email",
    "more",
    "see more photos",
    "photos",
    "video",
    "loading",
    "story continues below advertisement",
    "story continues below",
    "article continues below",
    "article continues below advertisement",
    "continue reading below",
    "skip advertisement",
    "share full article",
    "anzeige",
    "werbung",
    "publicité",
    "publicidad",
    "pubblicità",
    "реклама",
)

# Lines that are furniture when nothing but a duration or a count follows them
# ("Listen to this article · 4:32 min", "Comments (12)").
FURNITURE_LEADS: tuple[str, ...] = (
    "listen to this article",
    "listen to article",
    "listen to this story",
    "artikel anhören",
    "écouter cet article",
    "escuchar este artículo",
    "ascolta l'articolo",
    "слушать статью",
    "comments",
)
# The words that may follow a furniture lead besides numbers.
FURNITURE_LEAD_UNITS: tuple[str, ...] = (
    "min", "mins", "minute", "minutes", "sec", "secs", "seconds", "h", "m", "s", "minuten", "мин",
)

# How bylines and datelines start, when they open the extracted body.
DATELINE_PREFIXES: tuple[str, ...] = (
    "by ",
    "published",
    "updated",
    "last updated",
    "posted",
    "posted on",
    "first published",
)
