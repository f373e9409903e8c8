#!/usr/bin/env python3
"""Deterministic multilingual benchmark corpus for hubgen (and Hugo, from the same Markdown).

    python3 bench/gen_corpus.py --pages N --langs L --out DIR [--seed S] [--jobs J]

writes

    DIR/content/      a root _index.md and 20 sections (9 of them nested one level), every
                      _index.md with an _index.<lang>.md per extra language; N English pages
                      (400-900 words of Markdown: ## and ### headings, lists, emphasis,
                      internal @/ links and external links, a table on about one page in
                      five) and each page translated as NAME.<lang>.md into the other L-1
                      languages. Total pages = N * L.
    DIR/config.toml   hubgen configuration (shape of the repository's config.toml, with only
                      the L languages used and menu entries for sections that exist)
    DIR/hugo.toml     Hugo configuration for the same content (English at /, the others
                      under /<code>/, taxonomy `topics`, minified output like hubgen)
    DIR/layouts/      minimal Hugo templates producing comparable HTML

The languages are the first L of LANGUAGES below (the hub's 27, English first). Words are
written in each language's own script: a short list of real words per language, followed by
a synthetic vocabulary built from that script's letters or syllables, sampled with a
Zipf-like rank distribution. Chinese is written without spaces between words.

Front matter is TOML between +++ lines and uses only title, description, date, weight, a
[taxonomies] table with topics = [...] on pages, and sort_by = "date" in _index files.
Note: Hugo (0.111 at least) reads taxonomies from top-level front matter keys only, so it
does not build topic pages from the [taxonomies] table; hubgen does.

Output depends only on (--pages, --langs, --seed): every page uses its own random.Random
seeded with a string, so the result is the same with any --jobs and any PYTHONHASHSEED.
The script's own files under DIR (content/, layouts/, config.toml, hugo.toml) are replaced;
nothing else in DIR is touched. Standard library only.
"""

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import unicodedata
from itertools import accumulate

# code, BCP 47 tag, own name, English name, direction -- as in the repository's config.toml.
LANGUAGES = [
    ("en", "en-GB", "English", "English", "ltr"),
    ("ar", "ar", "العربية", "Arabic", "rtl"),
    ("bn", "bn", "বাংলা", "Bengali", "ltr"),
    ("bg", "bg", "Български", "Bulgarian", "ltr"),
    ("zh", "zh-Hans", "简体中文", "Chinese (Simplified)", "ltr"),
    ("fa", "fa", "فارسی", "Farsi", "rtl"),
    ("fr", "fr", "Français", "French", "ltr"),
    ("gu", "gu", "ગુજરાતી", "Gujarati", "ltr"),
    ("hi", "hi", "हिन्दी", "Hindi", "ltr"),
    ("it", "it", "Italiano", "Italian", "ltr"),
    ("ckb", "ckb", "کوردی (سۆرانی)", "Kurdish (Sorani)", "rtl"),
    ("lt", "lt", "Lietuvių", "Lithuanian", "ltr"),
    ("pa", "pa-Guru", "ਪੰਜਾਬੀ", "Punjabi (Gurmukhi)", "ltr"),
    ("ps", "ps", "پښتو", "Pashto", "rtl"),
    ("pl", "pl", "Polski", "Polish", "ltr"),
    ("pt", "pt", "Português", "Portuguese", "ltr"),
    ("ro", "ro", "Română", "Romanian", "ltr"),
    ("ru", "ru", "Русский", "Russian", "ltr"),
    ("so", "so", "Soomaali", "Somali", "ltr"),
    ("es", "es", "Español", "Spanish", "ltr"),
    ("ta", "ta", "தமிழ்", "Tamil", "ltr"),
    ("ti", "ti", "ትግርኛ", "Tigrinya", "ltr"),
    ("tr", "tr", "Türkçe", "Turkish", "ltr"),
    ("ur", "ur", "اردو", "Urdu", "rtl"),
    ("vi", "vi", "Tiếng Việt", "Vietnamese", "ltr"),
    ("yo", "yo", "Yorùbá", "Yoruba", "ltr"),
    ("sq", "sq", "Shqip", "Albanian", "ltr"),
]

# Sections: (path, English title, share of pages). Parents come before their children.
SECTIONS = [
    ("campaigns", "Campaigns", 8),
    ("guidance", "Wellbeing guidance", 4),
    ("guidance/stress", "Stress and worry", 7),
    ("guidance/sleep", "Sleep", 5),
    ("guidance/money", "Money worries", 6),
    ("guidance/work", "Work and study", 5),
    ("guidance/loneliness", "Loneliness", 4),
    ("support", "Getting support", 3),
    ("support/young-people", "Young people", 6),
    ("support/older-people", "Older people", 4),
    ("support/carers", "Carers", 4),
    ("news", "News", 9),
    ("events", "Events", 5),
    ("stories", "Stories", 7),
    ("research", "Research", 4),
    ("training", "Training", 3),
    ("training/schools", "Schools", 4),
    ("resources", "Resources", 6),
    ("partners", "Partners", 3),
    ("volunteering", "Volunteering", 3),
]

# Menu of the generated hubgen config: (translation key, section) -- kept only if it exists.
MENU = [("nav_campaigns", "campaigns"), ("nav_guidance", "guidance")]

EN_TOPICS = """sleep|money worries|anxiety|low mood|loneliness|work stress|exam stress|grief|
debt advice|housing|young people|older people|carers|parents|men's health|women's health|
physical activity|eating well|alcohol|drugs|gambling|domestic abuse|racism|discrimination|
bereavement|self-harm|suicide prevention|crisis support|talking therapies|community groups|
volunteering|green spaces|faith groups|refugees|students|LGBTQ+ people|disability|
long-term illness|digital wellbeing|cost of living""".replace("\n", "").split("|")

EN_WORDS = """the a of and to in is you it that for on with your can be are this as or at
if they have we from not but by all people help when feel more about some how do what
time life day talk someone support service free local call family friends work home
worry stress sleep mind health mental wellbeing money care london borough community
change small step good better hard often need want find know share listen safe kind
week night morning school college job team group together place space body breath walk
plan routine habit thought feeling moment child parent carer partner neighbour doctor
nurse line text chat online phone open hours advice guide page story campaign event
news research training volunteer partner resource city street park library centre
trust council charity network project survey report evidence result practice skill
tool tip idea question answer problem choice chance hope calm rest energy food water
light music book game sport class course meeting visit letter message list table note
first last next new old young older early late long short quick slow quiet busy
simple clear honest open warm gentle strong tired anxious lonely angry sad happy
together alone again always never sometimes every many few most each other same
different important useful difficult possible ready able likely sure still just also
then there here where because while after before during until since through across
around between without within against towards""".split()

# A few real words per language (everyday and on-topic); a synthetic tail follows.
SEED_WORDS = {
    "ar": "الصحة النفسية دعم مساعدة الناس المدينة العائلة العمل النوم القلق التوتر الأطفال الشباب خدمة مجانية اتصل يوم ليلة مع في من إلى على هذا هذه كل أو لندن المجتمع",
    "bn": "মানসিক স্বাস্থ্য সাহায্য মানুষ পরিবার কাজ ঘুম চিন্তা শিশু সেবা বিনামূল্যে দিন রাত এবং এই সব বা জন্য থেকে লন্ডন সমাজ",
    "bg": "психично здраве помощ хора семейство работа сън тревога деца услуга безплатно ден нощ и в на за от с това Лондон общност",
    "zh": "心理 健康 帮助 家庭 工作 睡眠 压力 焦虑 孩子 服务 免费 电话 社区 支持 我们 你们 可以 需要 时候 生活 朋友 城市 伦敦 医生 学校 的 是 在 和 有",
    "fa": "سلامت روان کمک مردم خانواده کار خواب اضطراب کودکان خدمات رایگان روز شب و در از به با این همه یا برای لندن جامعه",
    "fr": "santé mentale aide personnes famille travail sommeil anxiété enfants service gratuit jour nuit et dans de pour avec ce tout ou être avoir Londres quartier",
    "gu": "માનસિક આરોગ્ય મદદ લોકો પરિવાર કામ ઊંઘ ચિંતા બાળકો સેવા મફત દિવસ રાત અને આ બધા માટે થી લંડન સમુદાય",
    "hi": "मानसिक स्वास्थ्य मदद लोग परिवार काम नींद चिंता बच्चे सेवा मुफ़्त दिन रात और यह सब या के लिए से लंदन समुदाय",
    "it": "salute mentale aiuto persone famiglia lavoro sonno ansia bambini servizio gratuito giorno notte e in di per con questo tutto Londra comunità",
    "ckb": "تەندروستی دەروونی یارمەتی خەڵک خێزان کار خەو دڵەڕاوکێ منداڵان خزمەتگوزاری بەخۆڕایی ڕۆژ شەو و لە بۆ ئەم لەندەن کۆمەڵگا",
    "lt": "psichikos sveikata pagalba žmonės šeima darbas miegas nerimas vaikai paslauga nemokama diena naktis ir su į iš tai Londonas bendruomenė",
    "pa": "ਮਾਨਸਿਕ ਸਿਹਤ ਮਦਦ ਲੋਕ ਪਰਿਵਾਰ ਕੰਮ ਨੀਂਦ ਚਿੰਤਾ ਬੱਚੇ ਸੇਵਾ ਮੁਫ਼ਤ ਦਿਨ ਰਾਤ ਅਤੇ ਇਹ ਸਭ ਲਈ ਤੋਂ ਲੰਡਨ ਭਾਈਚਾਰਾ",
    "ps": "رواني روغتیا مرسته خلک کورنۍ کار خوب اندېښنه ماشومان خدمت وړیا ورځ شپه او په د له دا لندن ټولنه",
    "pl": "zdrowie psychiczne pomoc ludzie rodzina praca sen lęk dzieci usługa bezpłatna dzień noc i w z na dla to wszystko Londyn społeczność",
    "pt": "saúde mental ajuda pessoas família trabalho sono ansiedade crianças serviço gratuito dia noite e em de para com isso tudo Londres comunidade",
    "ro": "sănătate mintală ajutor oameni familie muncă somn anxietate copii serviciu gratuit zi noapte și în de pentru cu acest Londra comunitate",
    "ru": "психическое здоровье помощь люди семья работа сон тревога дети служба бесплатно день ночь и в на для с это всё Лондон сообщество",
    "so": "caafimaadka maskaxda caawimaad dadka qoyska shaqo hurdo walaac carruurta adeeg bilaash maalin habeen iyo ku ka la London bulshada",
    "es": "salud mental ayuda personas familia trabajo sueño ansiedad niños servicio gratuito día noche y en de para con esto todo Londres comunidad",
    "ta": "மன நலம் உதவி மக்கள் குடும்பம் வேலை தூக்கம் கவலை குழந்தைகள் சேவை இலவசம் நாள் இரவு மற்றும் இந்த எல்லா லண்டன் சமூகம்",
    "ti": "ጥዕና ኣእምሮ ሓገዝ ሰባት ስድራ ስራሕ ድቃስ ጭንቀት ቆልዑ ኣገልግሎት ብነጻ መዓልቲ ለይቲ ከምኡ እዚ ኩሉ ለንደን ማሕበረሰብ",
    "tr": "ruh sağlığı yardım insanlar aile iş uyku kaygı çocuklar hizmet ücretsiz gün gece ve bu için ile her Londra topluluk",
    "ur": "ذہنی صحت مدد لوگ خاندان کام نیند پریشانی بچے خدمت مفت دن رات اور یہ سب کے لیے سے لندن برادری",
    "vi": "sức khỏe tâm thần giúp đỡ người gia đình công việc giấc ngủ lo âu trẻ em dịch vụ miễn phí ngày đêm và trong cho với này Luân Đôn cộng đồng",
    "yo": "ìlera ọpọlọ ìrànlọ́wọ́ ènìyàn ẹbí iṣẹ́ oorun àníyàn ọmọdé ọ̀fẹ́ ọjọ́ òru àti ní fún pẹ̀lú èyí Lọndọnu àwùjọ",
    "sq": "shëndet mendor ndihmë njerëz familje punë gjumë ankth fëmijë shërbim falas ditë natë dhe në për me kjo Londër komunitet",
}

# How synthetic words are spelt, per script.
LATIN = {  # consonants, vowels (with the language's own letters)
    "fr": ("bcdfgjlmnprstv", "aeiouéèàêç"), "it": ("bcdfglmnprstvz", "aeiouàèò"),
    "lt": ("bdgjklmnprstvzšžč", "aeiouyąęėįųū"), "pl": ("bcdgjklmnprstwzłśżźćń", "aeiouyąęó"),
    "pt": ("bcdfglmnprstv", "aeiouãõáéêç"), "ro": ("bcdfglmnprstvzșț", "aeiouăâî"),
    "so": ("bcdfghjklmnqrstwxy", "aeiou"), "es": ("bcdfglmnprstvñ", "aeiouáéíóú"),
    "tr": ("bcdfghklmnprstvyzçğş", "aeıioöuü"), "yo": ("bdfgjklmnprstwyṣ", "aeiouẹọàáèéìíòóùú"),
    "sq": ("bcdfghjklmnprstvxzç", "aeiouyë"), "en": ("bcdfghklmnprstvw", "aeiou"),
}
CYRILLIC = {"ru": ("бвгдзклмнпрстфхчш", "аеиоуыяю"), "bg": ("бвгдзклмнпрстфхчш", "аеиоуъяю")}
ARABIC_LETTERS = {
    "ar": "ابتجحدرزسشصطعفقكلمنهوي", "fa": "ابپتجچحدرزژسشعفقکگلمنوهی",
    "ur": "ابپتٹجچحدڈرڑزسشعفقکگلمنوہیے", "ps": "ابپتټجچحدډرړزږسښشعفقکګلمنڼوهی",
    "ckb": "ابپتجچحخدرڕزژسشعغفڤقکگلڵمنوۆهەیێ",
}
INDIC = {  # consonants, dependent vowel signs
    "bn": ("কখগচজটডতদনপবমরলসহ", "ািীুেো"), "hi": ("कखगचजटडतदनपबमरलवसह", "ािीुेैो"),
    "gu": ("કખગચજટડતદનપબમરલવસહ", "ાિીુેૈો"), "pa": ("ਕਖਗਚਜਟਡਤਦਨਪਬਮਰਲਵਸਹ", "ਾਿੀੁੇੈੋ"),
    "ta": ("கசடதநபமயரலவழள", "ாிீுெேை"),
}
HAN = ("人大小中心情家工作时间生活学习朋友社会帮助支持服务健康睡眠压力安全快乐问题方法"
       "办法需要可以知道觉得希望关心照顾身体运动饮食音乐阅读休息放松呼吸散步公园图书馆"
       "医院诊所电话短信网络信息资料活动项目研究报告培训志愿伙伴资源城市地区街道社区中心"
       "孩子父母老人青年学生老师医生护士邻居同事家人伙伴每天早上晚上周末开始结束今天明天"
       "重要简单清楚困难容易可能准备一起独自经常有时总是从来许多一些其他同样不同")
VI_ONSET = ["b", "c", "d", "đ", "g", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "s", "t",
            "th", "tr", "v", "x"]
VI_VOWEL = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư"]
VI_TONE = ["", "", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VI_CODA = ["", "", "n", "ng", "t", "c", "m", "nh", "i"]
ETHIOPIC = [chr(c) for c in range(0x1200, 0x1358) if unicodedata.name(chr(c), "")]

LOANWORDS = ["NHS", "GP", "online", "app", "email", "WhatsApp", "NHS 111", "Wi-Fi"]
FULL_STOP = {"zh": "。", "hi": "।", "bn": "।", "pa": "।", "ur": "۔", "ti": "።"}
COMMA = {"zh": "，", "ar": "،", "fa": "،", "ur": "،", "ps": "،", "ckb": "،", "ti": "፣"}
QUESTION = {"zh": "？", "ar": "؟", "fa": "؟", "ur": "؟", "ps": "؟", "ckb": "؟", "ti": "፧"}

SYNTHETIC_WORDS = 12000  # per language, after the real words
N_TOPICS = 40            # topic terms per language


def is_latin(c):
    return c.isascii() and c.isalnum()


def nfc(s):
    return unicodedata.normalize("NFC", s)


def invent_word(lang, rng):
    """One made-up word spelt with the letters of `lang`'s script."""
    if lang == "zh":
        return "".join(rng.choice(HAN) for _ in range(rng.choice((1, 2, 2, 2, 3))))
    if lang == "vi":
        return nfc(" ".join(rng.choice(VI_ONSET) + rng.choice(VI_VOWEL) + rng.choice(VI_TONE)
                            + rng.choice(VI_CODA) for _ in range(rng.choice((1, 1, 2)))))
    if lang == "ti":
        return "".join(rng.choice(ETHIOPIC) for _ in range(rng.randint(2, 4)))
    if lang in ARABIC_LETTERS:
        return "".join(rng.choice(ARABIC_LETTERS[lang]) for _ in range(rng.randint(3, 6)))
    if lang in INDIC:
        cons, signs = INDIC[lang]
        return "".join(rng.choice(cons) + (rng.choice(signs) if rng.random() < 0.6 else "")
                       for _ in range(rng.randint(2, 4)))
    cons, vowels = CYRILLIC.get(lang) or LATIN[lang]
    word = ""
    for _ in range(rng.randint(1, 4)):
        word += rng.choice(cons) + rng.choice(vowels)
        if rng.random() < 0.3:
            word += rng.choice(cons)
    return nfc(word)


class Lexicon:
    """A language's words, most frequent first, sampled with weight 1/(rank + 2)."""

    def __init__(self, lang, seed):
        self.lang = lang
        real = EN_WORDS if lang == "en" else SEED_WORDS[lang].split()
        words = list(dict.fromkeys(nfc(w) for w in real))
        known = set(words)
        rng = random.Random(f"{seed}|lexicon|{lang}")
        target = len(words) + SYNTHETIC_WORDS
        tries = 0
        while len(words) < target and tries < 50 * SYNTHETIC_WORDS:
            tries += 1
            w = invent_word(lang, rng)
            if w not in known:
                known.add(w)
                words.append(w)
        self.words = words
        self.cum = list(accumulate(1.0 / (rank + 2) for rank in range(len(words))))
        self.cased = lang in LATIN or lang in CYRILLIC or lang == "vi"
        self.spaced = lang != "zh"
        self.stop = FULL_STOP.get(lang, ".")
        self.comma = COMMA.get(lang, ",")
        self.question = QUESTION.get(lang, "?")
        self.topics = self._topics(seed)

    def _topics(self, seed):
        if self.lang == "en":
            return EN_TOPICS[:N_TOPICS]
        rng = random.Random(f"{seed}|topics|{self.lang}")
        out, seen = [], set()
        pool = self.words[20:3000]
        while len(out) < N_TOPICS:
            term = self.join(rng.sample(pool, rng.choice((1, 2, 2))))
            if term not in seen:
                seen.add(term)
                out.append(term)
        return out

    def draw(self, rng, n, loanwords=0.0):
        words = rng.choices(self.words, cum_weights=self.cum, k=n)
        if loanwords:
            for k in range(n):
                if rng.random() < loanwords:
                    words[k] = rng.choice(LOANWORDS)
        return words

    def join(self, words):
        if self.spaced:
            return " ".join(words)
        out = []
        for w in words:  # Chinese: no spaces, except around Latin-script loanwords
            if out and (is_latin(w[0]) or is_latin(out[-1][-1])):
                out.append(" ")
            out.append(w)
        return "".join(out)

    def capital(self, text):
        if not self.cased:
            return text
        for k, c in enumerate(text):  # the first letter, after any ** or [
            if c.isalpha():
                return text[:k] + c.upper() + text[k + 1:]
        return text


# ---- page plans (shared by all translations of a page) ------------------------------------

def plan_page(seed, i, n_pages):
    """The shape of page i: blocks, their lengths, where the links and emphasis go."""
    rng = random.Random(f"{seed}|plan|{i}")
    target = rng.randint(420, 830)
    blocks, words = [], 0

    def paragraph():
        sentences = [rng.randint(7, 18) for _ in range(rng.randint(2, 5))]
        marks = []  # (sentence, kind, start, length, link target)
        for s, n in enumerate(sentences):
            r = rng.random()
            if r < 0.18:
                marks.append((s, "strong", rng.randrange(n - 2), rng.randint(1, 2), None))
            elif r < 0.30:
                marks.append((s, "em", rng.randrange(n - 2), rng.randint(1, 2), None))
            elif r < 0.40:
                marks.append((s, "link", rng.randrange(n - 3), rng.randint(2, 3),
                              ("page", rng.randrange(n_pages))))
            elif r < 0.44:
                marks.append((s, "link", rng.randrange(n - 3), rng.randint(2, 3),
                              ("section", rng.randrange(len(SECTIONS)))))
            elif r < 0.50:
                marks.append((s, "link", rng.randrange(n - 3), rng.randint(1, 3),
                              ("external", rng.randrange(10000))))
        return ("p", sentences, marks, rng.random() < 0.1), sum(sentences)

    b, n = paragraph()
    blocks.append(b)
    words += n
    table_done = rng.random() >= 0.2  # about one page in five gets a table
    # Sections of ## heading, paragraphs and sometimes a list, a ### part or a table, until
    # the page reaches its length (counted in words, markup aside).
    while words < target:
        heading = rng.randint(2, 6)
        blocks.append(("h2", heading))
        words += heading
        for _ in range(rng.randint(1, 3)):
            if words >= target:
                break
            b, n = paragraph()
            blocks.append(b)
            words += n
        r = rng.random()
        if words >= target:
            pass
        elif r < 0.35:
            items = [rng.randint(4, 12) for _ in range(rng.randint(3, 6))]
            blocks.append(("ul" if rng.random() < 0.7 else "ol", items, rng.random() < 0.3))
            words += sum(items)
        elif r < 0.55:
            heading = rng.randint(2, 5)
            blocks.append(("h3", heading))
            b, n = paragraph()
            blocks.append(b)
            words += heading + n
        if not table_done and target / 2 < words < target - 60:
            table_done = True
            cols, rows = rng.randint(2, 4), rng.randint(3, 6)
            cells = [[rng.randint(1, 3) if r == 0 else rng.randint(1, 6) for _ in range(cols)]
                     for r in range(rows + 1)]
            blocks.append(("table", cells))
            words += sum(map(sum, cells))
    return blocks


class Site:
    """Everything a worker needs; built once in the parent and inherited on fork."""

    def __init__(self, args):
        self.seed = args.seed
        self.n = args.pages
        self.langs = [l[0] for l in LANGUAGES[:args.langs]]
        self.lex = {lang: Lexicon(lang, args.seed) for lang in self.langs}
        self.content = os.path.join(args.out, "content")
        # Which section each page lives in and its file name, for the pages and for links.
        weights = list(accumulate(s[2] for s in SECTIONS))
        self.stems = list(dict.fromkeys(EN_WORDS))
        self.section_of, self.name_of = [], []
        for i in range(self.n):
            rng = random.Random(f"{self.seed}|place|{i}")
            self.section_of.append(rng.choices(range(len(SECTIONS)), cum_weights=weights)[0])
            stem = "-".join(rng.sample(self.stems, 3))
            self.name_of.append(f"{stem}-{i:05d}")

    def link_target(self, kind, k):
        if kind == "page":
            return f"@/{SECTIONS[self.section_of[k]][0]}/{self.name_of[k]}.md"
        if kind == "section":
            return f"@/{SECTIONS[k][0]}/_index.md"
        return f"https://example.org/{'resources' if k % 2 else 'services'}/{k}"


SITE = None  # set in the parent before the workers fork


def sentence(lex, rng, n, marks, loan, question=False):
    words = lex.draw(rng, n, loan)
    for _, kind, start, length, target in sorted(marks, key=lambda m: -m[2]):
        span = lex.join(words[start:start + length])
        if kind == "strong":
            span = f"**{span}**"
        elif kind == "em":
            span = f"*{span}*"
        else:
            span = f"[{span}]({SITE.link_target(*target)})"
        words[start:start + length] = [span]
    text = lex.capital(lex.join(words))
    if n > 10 and lex.spaced:
        # a comma after a plain word somewhere in the first half
        k = text.find(" ", len(text) // 3)
        if k > 0 and text[k - 1] not in "*])":
            text = text[:k] + lex.comma + text[k:]
    return text + (lex.question if question else lex.stop)


def render_blocks(lex, rng, blocks, loan):
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "p":
            _, sentences, marks, ends_with_question = b
            parts = []
            for s, n in enumerate(sentences):
                q = ends_with_question and s == len(sentences) - 1
                parts.append(sentence(lex, rng, n, [m for m in marks if m[0] == s], loan, q))
            out.append((" " if lex.spaced else "").join(parts))
        elif kind in ("h2", "h3"):
            out.append(("## " if kind == "h2" else "### ")
                       + lex.capital(lex.join(lex.draw(rng, b[1], loan))))
        elif kind in ("ul", "ol"):
            _, items, bold_lead = b
            lines = []
            for k, n in enumerate(items):
                words = lex.draw(rng, n, loan)
                if bold_lead and n > 4:
                    lead = f"**{lex.capital(lex.join(words[:2]))}**"
                    text = (f"{lead}: {lex.join(words[2:])}" if lex.spaced
                            else f"{lead}：{lex.join(words[2:])}")
                else:
                    text = lex.capital(lex.join(words))
                lines.append(("- " if kind == "ul" else f"{k + 1}. ") + text)
            out.append("\n".join(lines))
        elif kind == "table":
            rows = [[lex.capital(lex.join(lex.draw(rng, n, loan))) for n in row] for row in b[1]]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def toml_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def title_of(lex, rng, lo, hi, loan=0.0):
    return lex.capital(lex.join(lex.draw(rng, rng.randint(lo, hi), loan)))


def write_page(i):
    site, n = SITE, 0
    blocks = plan_page(site.seed, i, site.n)
    meta = random.Random(f"{site.seed}|meta|{i}")
    day = meta.randrange(6 * 365)
    year, rest = 2019 + day // 365, day % 365
    date = f"{year}-{rest // 28 % 12 + 1:02d}-{rest % 28 + 1:02d}"
    weight = meta.randint(1, 100)
    topics = sorted(meta.sample(range(N_TOPICS), meta.randint(1, 3)))
    folder = os.path.join(site.content, SECTIONS[site.section_of[i]][0])
    for lang in site.langs:
        lex = site.lex[lang]
        rng = random.Random(f"{site.seed}|text|{i}|{lang}")
        loan = 0.0 if lang == "en" else 0.02
        title = title_of(lex, rng, 3, 7)
        description = lex.capital(lex.join(lex.draw(rng, rng.randint(8, 16), loan))) + lex.stop
        terms = ", ".join(toml_string(lex.topics[t]) for t in topics)
        body = render_blocks(lex, rng, blocks, loan)
        text = (f"+++\ntitle = {toml_string(title)}\ndescription = {toml_string(description)}\n"
                f"date = {date}\nweight = {weight}\n\n[taxonomies]\ntopics = [{terms}]\n+++\n\n"
                + body)
        suffix = ".md" if lang == "en" else f".{lang}.md"
        with open(os.path.join(folder, site.name_of[i] + suffix), "w", encoding="utf-8") as f:
            f.write(text)
        n += 1
    return n


def write_sections():
    site = SITE
    entries = [("", "Benchmark hub")] + [(p, t) for p, t, _ in SECTIONS]
    for k, (path, en_title) in enumerate(entries):
        folder = os.path.join(site.content, path)
        os.makedirs(folder, exist_ok=True)
        for lang in site.langs:
            lex = site.lex[lang]
            rng = random.Random(f"{site.seed}|section|{path}|{lang}")
            title = en_title if lang == "en" else title_of(lex, rng, 1, 3)
            description = lex.capital(lex.join(lex.draw(rng, rng.randint(8, 14)))) + lex.stop
            plan = [("p", [rng.randint(8, 16) for _ in range(3)], [], False)]
            if k % 3 == 0:
                plan.append(("ul", [rng.randint(4, 9) for _ in range(3)], False))
            body = render_blocks(lex, rng, plan, 0.0)
            text = (f"+++\ntitle = {toml_string(title)}\ndescription = {toml_string(description)}\n"
                    f"weight = {k + 1}\nsort_by = \"date\"\n+++\n\n" + body)
            name = "_index.md" if lang == "en" else f"_index.{lang}.md"
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(text)


# ---- configuration and Hugo templates -----------------------------------------------------

def hubgen_config(langs):
    out = ['# hubgen configuration for a generated benchmark corpus (bench/gen_corpus.py).',
           'title = "hubgen benchmark corpus"',
           'description = "Generated multilingual content for timing hubgen against Hugo."',
           'base_url = "https://hub.example.org"', 'theme = "hub"', 'default_language = "en"',
           'minify = true', 'feeds = ["campaigns"]', '']
    paths = {p for p, _, _ in SECTIONS}
    for label, path in MENU:
        if path in paths:
            out += ["[[menu]]", f'label = "{label}"', f'path = "@/{path}/_index.md"', ""]
    for code, tag, name, english, direction in LANGUAGES:
        if code in langs:
            out += ["[[language]]", f'code = "{code}"', f'tag = "{tag}"',
                    f"name = {toml_string(name)}", f"english = {toml_string(english)}",
                    f'dir = "{direction}"', ""]
    return "\n".join(out)


def hugo_config(langs):
    out = ['# Hugo configuration for the same content (bench/gen_corpus.py).',
           'baseURL = "https://hub.example.org/"', 'title = "hubgen benchmark corpus"',
           'defaultContentLanguage = "en"', 'defaultContentLanguageInSubdir = false',
           'enableRobotsTXT = true', 'disableHugoGeneratorInject = true',
           '# No RSS anywhere: hubgen writes one small Atom feed (campaigns) per language.',
           'disableKinds = ["RSS"]', '',
           '[minify]', 'minifyOutput = true', '',
           '[taxonomies]', 'topic = "topics"', '',
           '[markup.goldmark.renderer]', 'unsafe = false', '',
           '[languages]']
    for weight, (code, tag, name, _english, direction) in enumerate(LANGUAGES, 1):
        if code in langs:
            out += [f"[languages.{code}]", f'languageCode = "{tag}"',
                    f"languageName = {toml_string(name)}",
                    f'languageDirection = "{direction}"', f"weight = {weight}", ""]
    return "\n".join(out)


HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}" dir="{{ site.Language.LanguageDirection | default "ltr" }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Site.LanguageCode }}" href="{{ .Permalink }}">
{{ end }}<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header>
<a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav aria-label="Main"><ul>
<li><a href="{{ site.Home.RelPermalink }}">Home</a></li>
{{ with site.GetPage "/campaigns" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
{{ with site.GetPage "/guidance" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></nav>
{{ if .IsTranslated }}<nav aria-label="Languages"><ul>
{{ range .AllTranslations }}{{ if eq .Lang $.Lang }}<li><span lang="{{ .Site.LanguageCode }}" aria-current="true">{{ .Language.LanguageName }}</span></li>
{{ else }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Site.LanguageCode }}" lang="{{ .Site.LanguageCode }}" dir="{{ .Language.LanguageDirection | default "ltr" }}">{{ .Language.LanguageName }}</a></li>
{{ end }}{{ end }}</ul></nav>{{ end }}
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ with .Date }}{{ if not .IsZero }}<p><time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2006-01-02" }}</time></p>{{ end }}{{ end }}
{{ .TableOfContents }}
<div class="prose">{{ .Content }}</div>
{{ with .GetTerms "topics" }}<dl><dt>Topics</dt><dd><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></dd></dl>{{ end }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<div class="section">
<h1>{{ .Title }}</h1>
<div class="prose">{{ .Content }}</div>
{{ with .Sections }}<ul>{{ range . }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}</ul>{{ end }}
<h2>In this section</h2>
{{ with .RegularPages.ByDate.Reverse }}<ul>{{ range . }}<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}</ul>{{ else }}<p>Nothing here yet.</p>{{ end }}
</div>{{ end }}
""",
    "index.html": """{{ define "main" }}<div class="home">
<h1>{{ .Title }}</h1>
<div class="prose">{{ .Content }}</div>
<ul>{{ range .Sections }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}</ul>
</div>{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>Page not found</h1><p><a href="{{ site.Home.RelPermalink }}">Home</a></p>{{ end }}
""",
    # `@/section/page.md` links (hubgen's internal-link form) resolved to the page in the
    # linking page's language, falling back to the default language, as hubgen does.
    "_default/_markup/render-link.html": """{{- $dest := .Destination -}}
{{- if hasPrefix $dest "@/" -}}
  {{- $path := strings.TrimSuffix "/_index.md" (strings.TrimPrefix "@" $dest) -}}
  {{- with $.Page.GetPage $path -}}{{- $dest = .RelPermalink -}}
  {{- else -}}{{- errorf "%s: link to a page that does not exist: %s" $.Page.File.Path $dest -}}{{- end -}}
{{- end -}}
<a href="{{ $dest | safeURL }}">{{ .Text | safeHTML }}</a>""",
}


def main():
    global SITE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True, help="English pages (N)")
    ap.add_argument("--langs", type=int, required=True, help=f"languages, 1-{len(LANGUAGES)}")
    ap.add_argument("--out", required=True, help="site folder to write")
    ap.add_argument("--seed", default="hubgen-bench", help="seed (any string)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    args = ap.parse_args()
    if not 1 <= args.langs <= len(LANGUAGES):
        ap.error(f"--langs must be between 1 and {len(LANGUAGES)}")
    if args.pages < 1:
        ap.error("--pages must be at least 1")

    for name in ("content", "layouts"):
        shutil.rmtree(os.path.join(args.out, name), ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    SITE = Site(args)
    langs = SITE.langs
    with open(os.path.join(args.out, "config.toml"), "w", encoding="utf-8") as f:
        f.write(hubgen_config(langs))
    with open(os.path.join(args.out, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write(hugo_config(langs))
    for rel, text in HUGO_LAYOUTS.items():
        path = os.path.join(args.out, "layouts", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    write_sections()

    total = 0
    if args.jobs > 1 and args.pages > 200:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs) as pool:
            for n in pool.imap_unordered(write_page, range(args.pages), chunksize=64):
                total += n
    else:
        for i in range(args.pages):
            total += write_page(i)
    print(f"wrote {total} pages ({args.pages} x {len(langs)} languages: {' '.join(langs)}) "
          f"and {(len(SECTIONS) + 1) * len(langs)} section files to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
