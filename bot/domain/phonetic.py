"""Cross-script phonetic keys: Devanagari and English spellings in one small sound alphabet.

``tiktok`` and ``टिकटॉक`` (or ``whatsapp`` and ``व्हाट्सऐप``) are the same word written in two
scripts. Each word becomes one or more *sound sequences* over this alphabet:

* consonants ``k K g G c C j J`` (K = aspirated), ``t T d D`` retroflex (ट ठ ड ढ — English t/d
  are written with these), ``q Q x X`` dental (त थ द ध), ``R`` (ड़ ढ़), ``n m p f b B y r l v
  s S h`` (S = श/ष, English sh);
* vowels ``a`` (आ, father), ``@`` (the inherent/short अ, English "u" in pub), ``i u e o``,
  ``E`` (ऐ, English "a" in app/ban), ``O`` (ऑ, English "o" in tiktok).

Candidates are found by an exact **consonant skeleton** (aspiration and dental/retroflex folded,
``y`` and non-initial ``h`` dropped) and then verified by a **weighted edit distance** whose costs
know Hindi spelling habits (schwa is cheap, ai/e and o/ॉ are close, dental ≠ retroflex). Short
skeletons need near-exact matches: ``app`` ≠ आप, ``ban`` ≠ बन, ``leak`` ≠ लिख, ``data`` ≠ देता.

English spelling → sound is done by hand-written rules plus letter names for acronyms (UC →
यूसी, PUBG → पब+जी). The reference evaluation found espeak-ng IPA a little more accurate, but it
is a native library with its own data files; keeping the domain pure (stdlib + regex) and installs
light matters more, and the curated lexicon (``config/topics.toml``) carries the spellings rules
cannot derive (Xiaomi → शाओमी, Amazon → अमेज़न). No romaniser package fits either: the ones
measured keep or drop every schwa and cannot tell बैन from बना (reference §3.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from bot.domain.text import NUKTA, VIRAMA, is_devanagari, is_latin

# --- the alphabet --------------------------------------------------------------------------------

VOWELS: Final = frozenset("a@iueEoO")
CONSONANTS: Final = frozenset("kKgGcCjJtTdDqQxXRnmpfbByrlvsSh")

_SKELETON_CLASS: Final = {
    "k": "k",
    "K": "k",
    "g": "g",
    "G": "g",
    "c": "c",
    "C": "c",
    "j": "j",
    "J": "j",
    "t": "t",
    "T": "t",
    "q": "t",
    "Q": "t",
    "d": "d",
    "D": "d",
    "x": "d",
    "X": "d",
    "R": "R",
    "n": "n",
    "m": "m",
    "p": "p",
    "f": "f",
    "b": "b",
    "B": "b",
    "r": "r",
    "l": "l",
    "v": "v",
    "s": "s",
    "S": "S",
    "h": "h",
}

# --- Devanagari → sounds -------------------------------------------------------------------------

_DEVA_CONSONANTS: Final = {
    "क": "k",
    "ख": "K",
    "ग": "g",
    "घ": "G",
    "ङ": "n",
    "च": "c",
    "छ": "C",
    "ज": "j",
    "झ": "J",
    "ञ": "n",
    "ट": "t",
    "ठ": "T",
    "ड": "d",
    "ढ": "D",
    "ण": "n",
    "त": "q",
    "थ": "Q",
    "द": "x",
    "ध": "X",
    "न": "n",
    "प": "p",
    "फ": "f",
    "ब": "b",
    "भ": "B",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "ळ": "l",
    "व": "v",
    "श": "S",
    "ष": "S",
    "स": "s",
    "ह": "h",
}
_DEVA_MATRAS: Final = {
    "ा": "a",
    "ि": "i",
    "ी": "i",
    "ु": "u",
    "ू": "u",
    "ृ": "ri",
    "े": "e",
    "ै": "E",
    "ो": "o",
    "ौ": "O",
    "ॉ": "O",
    "ॅ": "e",
    "ॆ": "e",
    "ॊ": "o",
}
_DEVA_VOWELS: Final = {
    "अ": "@",
    "आ": "a",
    "इ": "i",
    "ई": "i",
    "उ": "u",
    "ऊ": "u",
    "ऋ": "ri",
    "ए": "e",
    "ऐ": "E",
    "ओ": "o",
    "औ": "O",
    "ऑ": "O",
    "ऍ": "e",
    "ऎ": "e",
    "ऒ": "o",
}
_LABIALS: Final = frozenset("पफबभम")
_ANUSVARA: Final = "\u0902"
_VISARGA: Final = "\u0903"


def _collapse(seq: str) -> str:
    """Doubled sounds are written once (एप्पल/एपल, apple/aple)."""
    out: list[str] = []
    for ch in seq:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def devanagari_sequence(word: str) -> str:
    """The sound sequence of a normalised Devanagari word (``टिकटॉक`` → ``tik@tOk``)."""
    out: list[str] = []
    n = len(word)
    i = 0
    while i < n:
        ch = word[i]
        if ch in _DEVA_CONSONANTS:
            sym = _DEVA_CONSONANTS[ch]
            j = i + 1
            if j < n and word[j] == NUKTA:  # ड़ ढ़ (other nuktas were dropped by normalise)
                sym = "R"
                j += 1
            if ch == "व" and word[j : j + 2] == VIRAMA + "ह":  # व्ह is English "wh"
                j += 2
            out.append(sym)
            following = word[j] if j < n else ""
            if following in _DEVA_MATRAS:
                out.append(_DEVA_MATRAS[following])
                j += 1
            elif following == VIRAMA:
                j += 1
            else:
                out.append("@")
            i = j
        elif ch in _DEVA_VOWELS:
            out.append(_DEVA_VOWELS[ch])
            i += 1
        elif ch == _ANUSVARA:
            following = word[i + 1] if i + 1 < n else ""
            if following in _DEVA_CONSONANTS:
                out.append("m" if following in _LABIALS else "n")
            elif following in _DEVA_VOWELS:
                out.append("n")
            i += 1  # word-final anusvara only nasalises the vowel: no consonant
        elif ch == _VISARGA:
            out.append("h")
            i += 1
        else:
            i += 1
    if out and out[-1] == "@":
        out.pop()
    return _collapse("".join(out))


# --- English spelling → sounds -------------------------------------------------------------------

_EN_VOWEL_LETTERS: Final = frozenset("aeiou")
_LETTER_NAMES: Final = {
    "a": "e",
    "b": "bi",
    "c": "si",
    "d": "di",
    "e": "i",
    "f": "ef",
    "g": "ji",
    "h": "ec",
    "i": "ai",
    "j": "je",
    "k": "ke",
    "l": "el",
    "m": "em",
    "n": "en",
    "o": "o",
    "p": "pi",
    "q": "kyu",
    "r": "ar",
    "s": "es",
    "t": "ti",
    "u": "yu",
    "v": "vi",
    "w": "dablyu",
    "x": "eks",
    "y": "vai",
    "z": "jed",
}
# Consonant clusters an English word may end with; anything else after the last vowel is read
# letter by letter (pubg → pub + G, paytm → pay + T + M, chatgpt → chat + G + P + T).
_VALID_CODAS: Final = frozenset(
    {""}
    | set("bcdfgklmnprstvxz")
    | {
        "ck",
        "ct",
        "ft",
        "ld",
        "lf",
        "lk",
        "lm",
        "lp",
        "lt",
        "mp",
        "nd",
        "ng",
        "nk",
        "nt",
        "pt",
        "rb",
        "rc",
        "rd",
        "rf",
        "rg",
        "rk",
        "rl",
        "rm",
        "rn",
        "rp",
        "rs",
        "rt",
        "sk",
        "sp",
        "st",
        "sh",
        "ch",
        "th",
        "ts",
        "ds",
        "ks",
        "ps",
        "ms",
        "ns",
        "ls",
        "gs",
        "bs",
        "ws",
        "ys",
        "tch",
        "nch",
        "nth",
        "rst",
        "rts",
        "nds",
        "nts",
        "ght",
        "ss",
        "ll",
        "ff",
        "zz",
        "tt",
        "gh",
        "wn",
        "wl",
        "rth",
        "ngs",
        "nks",
        "cks",
        "sts",
        "lth",
        "mb",
        "rch",
        "lch",
        "xt",
        "rld",
        "nce",
        "dth",
        "pth",
        "ph",
        "w",
        "y",
        "h",
    }
)
# Consonant clusters an English word may start with; any other start is read letter by letter
# (CBI → सीबीआई, BGMI → बीजीएमआई).
_VALID_ONSETS: Final = frozenset(
    {""}
    | set("bcdfghjklmnpqrstvwxyz")
    | set(
        [
            "bl",
            "br",
            "cl",
            "cr",
            "dr",
            "fl",
            "fr",
            "gl",
            "gr",
            "pl",
            "pr",
            "sc",
            "sk",
            "sl",
            "sm",
            "sn",
            "sp",
            "st",
            "sw",
            "tr",
            "tw",
            "wr",
            "kn",
            "ph",
            "sh",
            "ch",
            "th",
            "wh",
            "thr",
            "str",
            "spr",
            "scr",
            "spl",
            "squ",
            "shr",
            "sch",
            "dw",
            "gn",
            "ps",
            "pn",
            "kh",
            "bh",
            "dh",
            "gh",
            "jh",
            "chh",
            "rh",
            "sv",
            "kr",
            "kl",
        ]
    )
)
_CONSONANT_DIGRAPHS: Final = ("ch", "sh", "th", "ph", "wh", "ck", "gh", "kh", "bh", "dh", "jh")
_MAX_READINGS: Final = 8


def _is_vowel_letter(word: str, i: int) -> bool:
    if i < 0 or i >= len(word):
        return False
    ch = word[i]
    if ch in _EN_VOWEL_LETTERS:
        return True
    if ch == "y":
        # y is a consonant at the start of a word before a vowel (you, yes), a vowel elsewhere.
        return not (i == 0 and i + 1 < len(word) and word[i + 1] in _EN_VOWEL_LETTERS)
    return False


def _consonant_unit_length(word: str, i: int) -> int:
    """Length of the consonant unit starting at ``i`` (1, or 2 for digraphs like sh/th)."""
    if word[i : i + 2] in _CONSONANT_DIGRAPHS:
        return 2
    return 1


def _silent_final_e(word: str, i: int) -> bool:
    """The ``e`` at ``i`` ends the word (or a -s/-d/-ly ending) after a consonant."""
    n = len(word)
    if word[i] != "e" or i == 0 or _is_vowel_letter(word, i - 1):
        return False
    rest = word[i + 1 :]
    if rest not in ("", "s", "d", "ly"):
        return False
    # the word must have a vowel before this e ("the", "be" are read, not silent)
    return any(_is_vowel_letter(word, k) for k in range(0, i - 1)) and n > 2


def _vowel_context(word: str, i: int, width: int = 1) -> str:
    """``magic`` (V C e#), ``compound`` (V C e C…: face|book), ``open`` (V C V), ``final``
    or ``closed`` for the vowel unit at ``i`` of ``width`` letters."""
    n = len(word)
    j = i + width
    if j >= n:
        return "final"
    if _is_vowel_letter(word, j):
        return "open"
    unit = _consonant_unit_length(word, j)
    k = j + unit
    if k >= n:
        return "closed"
    if word[k] == "e" and word[j] not in "wxy" and word[j : j + 2] != "ck":
        if _silent_final_e(word, k):
            return "magic"
        if k + 1 < n and not _is_vowel_letter(word, k + 1) and word[k + 1] != "r":
            return "compound"
    if _is_vowel_letter(word, k):
        return "open"
    return "closed"


def _vowel_options(word: str, i: int) -> tuple[tuple[str, ...], int]:
    """Sound options for the vowel (or vowel digraph) at ``i``, and how many letters it uses."""
    n = len(word)
    two = word[i : i + 2]
    three = word[i : i + 3]
    ch = word[i]
    nxt = word[i + 1] if i + 1 < n else ""
    after_next = word[i + 2] if i + 2 < n else ""
    final_pair = i + 2 == n

    # digraphs and trigraphs first
    if three == "igh":
        return ("ai",), 3
    if three == "our" and (i + 3 == n or not _is_vowel_letter(word, i + 3)):
        return ("or", "Or", "aur"), 3
    if three == "oor":
        return ("Or", "ur"), 3
    if three == "air":
        return ("ey@r", "Er"), 3
    if three == "ear" and (i + 3 == n or not _is_vowel_letter(word, i + 3)):
        return ("iyr", "@r", "ir"), 3
    if two == "aa":
        return ("a",), 2
    if three == "are" and i + 3 == n:
        return ("ey@r",), 3
    if three == "ign" and i + 3 == n:
        return ("ain",), 3
    if three == "ous" and i + 3 == n:
        return ("@s",), 3
    if two in ("ai", "ay"):
        return ("e", "E"), 2
    if two == "au":
        return ("O", "a"), 2
    if two == "aw":
        return ("O",), 2
    if two == "ee":
        return ("i",), 2
    if two == "ea":
        if word in ("break", "breaks", "great", "steak"):
            return ("e",), 2
        if word[i + 2 : i + 3] in ("d", "v") or word[i + 2 : i + 4] in ("th", "lt", "lth"):
            return ("e", "i"), 2  # head, heavy, weather, health
        return ("i",), 2
    if two == "ei":
        return ("e", "i", "E"), 2
    if two == "ey":
        return (("i", "e") if final_pair else ("e",)), 2
    if two in ("eu", "ew"):
        return ("yu", "u"), 2
    if two == "ie":
        return (("ai", "i") if final_pair else ("i",)), 2
    if two == "oa":
        return ("o",), 2
    if two in ("oi", "oy"):
        return ("Oy", "oi"), 2
    if two == "oo":
        return ("u",), 2
    if two == "ou":
        return ("au", "u", "o"), 2
    if two == "ow":
        return ("au", "o"), 2
    if two == "ue":
        return ("u", "yu"), 2
    if two == "ui":
        return ("u", "i"), 2
    if two == "ye" and final_pair:
        return ("ai",), 2

    context = _vowel_context(word, i)
    before_r = nxt == "r" and (after_next == "" or not _is_vowel_letter(word, i + 2))
    previous = word[i - 1] if i > 0 else ""

    if ch == "a":
        if before_r:
            return (("@", "a") if i == n - 2 and i > 1 else ("a",)), 1
        if (
            i == 0
            and n >= 6
            and nxt == after_next
            and not _is_vowel_letter(word, 1)
            and any(_is_vowel_letter(word, k) for k in range(3, n))
        ):
            return ("E", "@"), 1  # account, attack (unstressed first syllable)
        if (previous == "w" or word[max(0, i - 2) : i] in ("qu", "wh")) and (
            context in ("closed", "final") or nxt == "r"
        ):
            return ("O", "a"), 1
        if nxt == "l" and after_next == "l":
            return ("O",), 1
        if nxt == "l" and after_next and not _is_vowel_letter(word, i + 2):
            return ("O", "a", "E"), 1
        if context == "magic":
            return ("e", "E"), 1
        if context == "compound":
            return ("e", "E"), 1
        if context == "final":
            return ("a",), 1
        if context == "open":
            return ("e", "a", "E"), 1
        return ("E",), 1
    if ch == "e":
        if _silent_final_e(word, i):
            return ("",), 1
        if before_r:
            return ("@", "a", "e"), 1
        if nxt == "o" and i > 0:
            return ("iy",), 1  # video → वीडियो
        if i == 0 and context == "open":
            return ("i", "e"), 1
        if context == "magic":
            return ("i",), 1
        if context == "final":
            return ("i",), 1
        if context == "open":
            return ("e", "i"), 1
        # e between consonants inside a compound (the e of face|book) may be silent
        if (
            i >= 2
            and not _is_vowel_letter(word, i - 1)
            and _is_vowel_letter(word, i - 2)
            and word[i - 2] in "aiouy"
            and not _is_vowel_letter(word, i + 1)
        ):
            return ("", "e"), 1
        return ("e", "E"), 1
    if ch == "i":
        if before_r:
            return ("@", "a"), 1
        if nxt in ("a", "o", "u") and i > 0:
            return ("iy",), 1  # media, radio, stadium: Hindi writes the glide (मीडिया)
        if context in ("magic", "compound"):
            return (("ai", "i") if n >= 6 else ("ai",)), 1  # police → पुलिस, but mile ≠ मिल
        if context == "open":
            return ("i", "ai"), 1
        return ("i",), 1
    if ch == "o":
        if before_r:
            return ("O", "o"), 1
        if context in ("magic", "compound"):
            return ("o",), 1
        if context == "final":
            return ("o",), 1
        if nxt in ("m", "n", "v") and context == "closed":
            return ("O", "@"), 1
        if context == "open":
            return ("o", "O"), 1
        return ("O",), 1
    if ch == "u":
        if before_r:
            return ("@",), 1
        if context in ("magic", "compound", "open"):
            return ("yu", "u"), 1
        if context == "final":
            return ("u",), 1
        return ("@", "u"), 1
    # y as a vowel
    if context == "final":
        has_other_vowel = any(word[k] in _EN_VOWEL_LETTERS for k in range(0, i))
        if has_other_vowel and previous == "f":
            return ("ai", "i"), 1  # spotify, verify
        return (("i",) if has_other_vowel else ("ai",)), 1
    if context in ("magic", "compound"):
        return ("ai",), 1
    if context == "open":
        return ("ai", "i"), 1
    return ("i",), 1


def _consonant_options(word: str, i: int) -> tuple[tuple[str, ...], int]:
    """Sound options for the consonant (or consonant digraph) at ``i`` and its length."""
    n = len(word)
    ch = word[i]
    two = word[i : i + 2]
    nxt = word[i + 1] if i + 1 < n else ""
    prev_vowel = _is_vowel_letter(word, i - 1) or (
        i >= 2 and word[i - 1] in "wy" and _is_vowel_letter(word, i - 2)
    )

    if word.startswith("ssion", i):
        return ("S@n",), 5
    if word.startswith("tion", i) or (word.startswith("sion", i) and i > 0):
        return (("S@n",) if ch == "t" else ("S@n", "j@n")), 4
    if i > 0 and word[i : i + 4] in ("cial", "tial", "cian", "tian"):
        return ("S@" + word[i + 3],), 4
    if word.startswith("ture", i) and i > 0:
        return ("c@r",), 4
    if word.startswith("tch", i):
        return ("c",), 3
    if word.startswith("sch", i):
        return ("S", "sk"), 3
    if ch == "c":
        if two == "ch":
            if i + 2 < n and word[i + 2] == "r":
                return ("k",), 2
            if i + 2 == n and i > 0 and word[i - 1] in "ae":
                return ("k", "c"), 2  # tech, stomach
            if i + 2 < n and not _is_vowel_letter(word, i + 2):
                return ("k",), 2  # technology, christ
            if word.startswith(("chem", "chor", "chao", "chara", "archi", "psych", "orch")):
                return ("k", "c"), 2
            return ("c",), 2
        if two == "ck":
            return ("k",), 2
        if two == "cc" and i + 2 < n and word[i + 2] in "eiy":
            return ("ks",), 2
        if nxt in ("e", "i", "y"):
            return ("s",), 1
        return ("k",), 1
    if ch == "s":
        if two == "sh":
            return ("S",), 2
        voiced_context = (
            prev_vowel
            and (
                (nxt and _is_vowel_letter(word, i + 1))
                or (nxt == "e" and i + 2 == n)
                or (nxt == "" and i > 1)
            )
            and word[i - 1 : i + 1] != "ss"
        )
        if voiced_context:
            return ("s", "j"), 1
        return ("s",), 1
    if ch == "t":
        if two == "th":
            return ("Q", "t", "x"), 2
        return ("t",), 1
    if ch == "p":
        if two == "ph":
            return ("f",), 2
        if two == "ps" and i == 0:
            return ("s",), 2
        return ("p",), 1
    if ch == "w":
        if two == "wh":
            return ("v",), 2
        if two == "wr" and i == 0:
            return ("r",), 2
        return ("v",), 1
    if ch == "g":
        if two == "gh":
            if i == 0:
                return ("g",), 2
            return ("", "f"), 2
        if two == "gn" and (i == 0 or i + 2 == n):
            return ("n",), 2
        if nxt in ("e", "i", "y") and i > 0:
            return ("j", "g"), 1
        if nxt in ("e", "i", "y"):
            return ("g", "j"), 1
        return ("g",), 1
    if ch == "d":
        if two == "dg":
            return ("j",), 2
        if two == "dh":
            return ("X", "D"), 2
        return ("d",), 1
    if ch == "k":
        if two == "kn" and i == 0:
            return ("n",), 2
        if two == "kh":
            return ("K", "k"), 2
        return ("k",), 1
    if ch == "b":
        if two == "bh":
            return ("B",), 2
        return ("b",), 1
    if ch == "j":
        if two == "jh":
            return ("J",), 2
        return ("j",), 1
    if ch == "q":
        if nxt == "u":
            return ("kv", "k"), 2
        return ("k",), 1
    if ch == "x":
        if i == 0:
            return ("j", "S", "eks"), 1
        return ("ks",), 1
    if ch == "z":
        return ("j",), 1
    if ch == "h":
        if i == 0 or (prev_vowel and _is_vowel_letter(word, i + 1)):
            return ("h",), 1
        if not prev_vowel:
            return ("h",), 1
        return ("",), 1
    if ch == "l" and nxt == "e" and i + 2 == n and i > 0 and not prev_vowel:
        return ("@l",), 2  # google, apple
    if ch == "y":
        return ("y",), 1
    if ch in "fmnrlv":
        return (ch,), 1
    return ("",), 1


def _word_reading(word: str) -> list[str]:
    """Spelling-rule readings of an English word, most likely first (a small beam)."""
    beams: list[tuple[int, str]] = [(0, "")]
    i = 0
    n = len(word)
    while i < n:
        if _is_vowel_letter(word, i):
            options, width = _vowel_options(word, i)
        else:
            options, width = _consonant_options(word, i)
        grown = [
            (penalty + rank, seq + option)
            for penalty, seq in beams
            for rank, option in enumerate(options)
        ]
        grown.sort(key=lambda item: item[0])
        beams = grown[:_MAX_READINGS]
        i += width
    return [seq for _, seq in beams]


def _spelled(letters: str) -> str:
    return "".join(_LETTER_NAMES[ch] for ch in letters)


def _acronym_readings(word: str, *, spell: bool) -> list[str]:
    """Letter-name readings: whole word spelled (UC → यूसी) and pronounceable-prefix +
    spelled tail (PUBG → पबजी, Paytm → पेटीएम, ChatGPT → चैटजीपीटी)."""
    readings: list[str] = []
    has_vowel = any(ch in "aeiouy" for ch in word)
    first_vowel = next((k for k in range(len(word)) if _is_vowel_letter(word, k)), len(word))
    last_vowel = max((k for k in range(len(word)) if _is_vowel_letter(word, k)), default=-1)
    tail = word[last_vowel + 1 :]
    bad_onset = word[:first_vowel] not in _VALID_ONSETS
    bad_coda = tail not in _VALID_CODAS
    if (
        len(word) <= 2
        or not has_vowel
        or bad_onset
        or (bad_coda and len(word) <= 4)
        or (spell and len(word) <= 5)
    ):
        readings.append(_spelled(word))
    if last_vowel >= 0 and len(word) >= 4 and bad_coda and len(tail) >= 2:
        for keep in range(len(tail) - 1, -1, -1):
            coda, rest = tail[:keep], tail[keep:]
            if coda in _VALID_CODAS:
                prefix = word[: last_vowel + 1] + coda
                for reading in _word_reading(prefix)[:2]:
                    readings.append(reading + _spelled(rest))
    return readings


@lru_cache(maxsize=131_072)
def english_sequences(word: str, *, spell: bool = False) -> tuple[str, ...]:
    """Possible sound sequences of a normalised Latin word, most likely first.

    Words are also read letter by letter when they have no vowel or at most two letters
    (UC → यूसी), and when ``spell`` says the writer used capitals (FIR → एफआईआर, while a
    lower-case "gas" is not read as जीएस).
    """
    if not is_latin(word) or len(word) > 40:
        return ()
    readings = _word_reading(word) + _acronym_readings(word, spell=spell)
    seen: dict[str, None] = {}
    for reading in readings:
        collapsed = _collapse(reading)
        if collapsed:
            seen.setdefault(collapsed, None)
    return tuple(seen)[: _MAX_READINGS + 3]


# --- skeletons and distance ----------------------------------------------------------------------


def skeleton(seq: str) -> str:
    """Consonant-class skeleton of a sound sequence: the bucket key for candidate lookup."""
    out: list[str] = []
    for index, ch in enumerate(seq):
        cls = _SKELETON_CLASS.get(ch)
        if cls is None or (cls == "h" and index > 0):
            continue
        out.append(cls)
    return "".join(out)


def _pair_costs() -> dict[str, float]:
    costs: dict[str, float] = {}

    def both(a: str, b: str, cost: float) -> None:
        costs[a + b] = cost
        costs[b + a] = cost

    for a in VOWELS | CONSONANTS:
        costs[a + a] = 0.0
    # aspiration, place (dental vs retroflex)
    for plain, aspirated in ("kK", "gG", "cC", "jJ", "tT", "dD", "qQ", "xX", "bB"):
        both(plain, aspirated, 0.35)
    for retroflex, dental in ("tq", "TQ", "dx", "DX"):
        both(retroflex, dental, 0.5)
    for retroflex, dental in ("tQ", "Tq", "dX", "Dx"):
        both(retroflex, dental, 0.7)
    both("s", "S", 0.5)
    both("y", "i", 0.1)
    both("y", "e", 0.4)
    both("v", "u", 0.5)
    # vowels: the spelling habits of Hindi loanwords
    vowel_pairs = {
        "a@": 0.3,
        "E@": 0.5,
        "e@": 0.4,
        "i@": 0.5,
        "u@": 0.4,
        "o@": 0.45,
        "O@": 0.5,
        "aE": 0.35,
        "ae": 0.5,
        "aO": 0.3,
        "ao": 0.5,
        "eE": 0.3,
        "ei": 0.5,
        "Ei": 0.7,
        "oO": 0.3,
        "ou": 0.4,
        "Ou": 0.6,
        "Eo": 0.8,
        "EO": 0.7,
    }
    for pair, cost in vowel_pairs.items():
        both(pair[0], pair[1], cost)
    return costs


_PAIR_COST: Final = _pair_costs()
_DEFAULT_VOWEL_SUB: Final = 0.8
_FORBIDDEN: Final = 3.0


def _sub_cost(a: str, b: str) -> float:
    cost = _PAIR_COST.get(a + b)
    if cost is not None:
        return cost
    if a in VOWELS and b in VOWELS:
        return _DEFAULT_VOWEL_SUB
    return _FORBIDDEN


def _indel_costs(seq: str) -> list[float]:
    last = len(seq) - 1
    costs: list[float] = []
    for index, ch in enumerate(seq):
        if ch == "@":
            costs.append(0.15 if index > 0 else 0.9)
        elif ch in VOWELS:
            costs.append(1.0 if index == last else 0.9)
        elif ch == "y":
            costs.append(0.3)
        elif ch == "h" and index > 0:
            costs.append(0.4)
        else:
            costs.append(_FORBIDDEN)
    return costs


def distance(a: str, b: str, *, limit: float = 99.0) -> float:
    """Weighted edit distance between two sound sequences (stops early above ``limit``)."""
    if a == b:
        return 0.0
    del_a = _indel_costs(a)
    ins_b = _indel_costs(b)
    m = len(b)
    previous = [0.0] * (m + 1)
    for j in range(1, m + 1):
        previous[j] = previous[j - 1] + ins_b[j - 1]
    for i, ca in enumerate(a):
        deletion = del_a[i]
        current = [previous[0] + deletion]
        row_best = current[0]
        for j in range(1, m + 1):
            cb = b[j - 1]
            best = previous[j - 1] + (_PAIR_COST.get(ca + cb) or _sub_cost(ca, cb))
            other = previous[j] + deletion
            if other < best:
                best = other
            other = current[j - 1] + ins_b[j - 1]
            if other < best:
                best = other
            current.append(best)
            if best < row_best:
                row_best = best
        if row_best > limit:
            return row_best
        previous = current
    return previous[m]


# Strict acceptance: an absolute cost ceiling by skeleton length (the reference's "strict"
# rule, tightened at 4 consonants where server ↔ सरोवर slipped through).
_CEILINGS: Final = (0.0, 0.0, 0.25, 0.4, 0.8)
_LONG_CEILING: Final = 1.2


def ceiling(skeleton_key: str) -> float:
    """The largest distance accepted for words with this skeleton."""
    length = len(skeleton_key)
    return _CEILINGS[length] if length < len(_CEILINGS) else _LONG_CEILING


@lru_cache(maxsize=65_536)
def sequences(word: str, *, spell: bool = False) -> tuple[str, ...]:
    """Sound sequences of a normalised word in either script (empty for other scripts)."""
    if is_devanagari(word):
        seq = devanagari_sequence(word)
        return (seq,) if seq else ()
    return english_sequences(word, spell=spell)


@lru_cache(maxsize=65_536)
def keys(word: str, *, spell: bool = False) -> tuple[tuple[str, str], ...]:
    """``(skeleton, sequence)`` pairs of a normalised word; words without a consonant have
    none (their skeleton would be empty and match every vowel-only word)."""
    out: list[tuple[str, str]] = []
    for seq in sequences(word, spell=spell):
        skel = skeleton(seq)
        if skel:
            out.append((skel, seq))
    return tuple(out)


def best_distance(
    left: Iterable[tuple[str, str]], right: Iterable[tuple[str, str]]
) -> float | None:
    """Smallest accepted distance between any same-skeleton pair of keys, or None."""
    right_keys = tuple(right)
    best: float | None = None
    for skel, seq in left:
        limit = ceiling(skel)
        for other_skel, other_seq in right_keys:
            if other_skel != skel:
                continue
            cost = distance(seq, other_seq, limit=limit)
            if cost <= limit + 1e-9 and (best is None or cost < best):
                best = cost
    return best


def sounds_alike(left_word: str, right_word: str) -> bool:
    """True when two normalised words (any scripts) pass the phonetic check."""
    return best_distance(keys(left_word), keys(right_word)) is not None
